import { describe, expect, it } from 'vitest';
import { parseDeadline } from './deadline.js';
import { parsePipeline } from './load-pipelines.js';

describe('parseDeadline', () => {
  it.each([
    ['2h', 7200],
    ['90m', 5400],
    ['1h30m', 5400],
    [' 1d ', 86_400],
    ['PT2H', 7200],
    ['PT1H30M', 5400],
    ['P1DT6H', 108_000],
    ['P1W', 604_800],
    ['PT60S', 60],
  ])('%j is %d seconds', (text, seconds) => {
    expect(parseDeadline(text)).toBe(seconds);
  });

  it.each(['', '2', 'h', '2 hours', 'P', 'PT', 'P1M', 'P1Y', 'PT1.5H', '-1h', '30s', 'PT59S', '31d', 'P5W'])('refuses %j', (text) => {
    expect(parseDeadline(text)).toBeUndefined();
  });
});

describe('deadline in a definition', () => {
  const definition = (deadline: string) => `id: orders\ndeadline: "${deadline}"\nloads:\n  - id: a\n    source: { table: public.a }\n    target: { table: public.b, key: [id] }\n`;

  it('is kept as written', () => {
    expect(parsePipeline('orders.yaml', definition('PT2H')).deadline).toBe('PT2H');
  });

  it('is refused with the place and what is expected', () => {
    expect(() => parsePipeline('orders.yaml', definition('2 hours'))).toThrow(/orders\.yaml:2:\d+ at deadline: .*"1h30m".*PT2H/);
  });
});
