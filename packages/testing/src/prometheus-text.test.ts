import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from './prometheus-text.js';

describe('parsePrometheusText', () => {
  it('reads types, labels with escapes, and special values', () => {
    const parsed = parsePrometheusText(
      [
        '# HELP jobs Jobs by state',
        '# TYPE jobs gauge',
        'jobs{queue="sql",state="waiting"} 3',
        'jobs{queue="a\\"b\\\\c\\nd",state="x"} 1.5 1700000000000',
        '# TYPE d histogram',
        'd_bucket{le="+Inf"} 2',
        'd_sum NaN',
        'lag Nan',
        'up 1',
        '',
      ].join('\n'),
    );
    expect(parsed.types).toEqual({ jobs: 'gauge', d: 'histogram' });
    expect(parsed.value('jobs', { queue: 'sql' })).toBe(3);
    expect(parsed.value('jobs', { queue: 'a"b\\c\nd' })).toBe(1.5);
    expect(parsed.value('d_bucket', { le: '+Inf' })).toBe(2);
    expect(parsed.value('d_sum')).toBeNaN();
    expect(parsed.value('lag')).toBeNaN();
    expect(parsed.value('up')).toBe(1);
    expect(() => parsed.value('jobs')).toThrow(/2 samples of jobs/);
    expect(parsed.find('missing')).toEqual([]);
  });

  it.each([['jobs{queue="sql" 3'], ['jobs{queue=sql} 3'], ['jobs 3 x'], ['jobs three'], ['{x="1"} 2'], ['jobs{queue="sql"}3']])('refuses %j', (line) => {
    expect(() => parsePrometheusText(line)).toThrow();
  });
});
