import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../model/run-record.js';
import { RecentRecords } from './recent-records.js';

const record = (runId: string, version = 1) => ({ runId, version }) as RunRecord;

describe('RecentRecords', () => {
  it('gives back the very record kept, the latest per run', () => {
    const recent = new RecentRecords({ maxRecords: 10, maxBytes: 1000 });
    const first = record('a', 1);
    const second = record('a', 2);
    recent.set(first, 10);
    expect(recent.get('a')).toBe(first);
    recent.set(second, 30);
    expect(recent.get('a')).toBe(second);
    expect([recent.size, recent.weight]).toEqual([1, 30]);
    expect(recent.get('b')).toBeUndefined();
  });

  it('lets the least recently written go first when the count is reached', () => {
    const recent = new RecentRecords({ maxRecords: 2, maxBytes: 1000 });
    recent.set(record('a'), 1);
    recent.set(record('b'), 1);
    recent.set(record('a', 2), 1);
    recent.set(record('c'), 1);
    expect(['a', 'b', 'c'].map((id) => recent.get(id)?.version)).toEqual([2, undefined, 1]);
  });

  it('lets as many go as the weight requires, and never keeps a record heavier than the whole', () => {
    const recent = new RecentRecords({ maxRecords: 10, maxBytes: 100 });
    recent.set(record('a'), 40);
    recent.set(record('b'), 40);
    recent.set(record('c'), 20);
    recent.set(record('d'), 70);
    expect(['a', 'b', 'c', 'd'].map((id) => recent.get(id) !== undefined)).toEqual([false, false, true, true]);
    expect(recent.weight).toBe(90);
    recent.set(record('c', 2), 101);
    expect(recent.get('c')).toBeUndefined();
    expect([recent.size, recent.weight]).toEqual([1, 70]);
  });

  it('forgets a run on delete', () => {
    const recent = new RecentRecords({ maxRecords: 10, maxBytes: 100 });
    recent.set(record('a'), 40);
    recent.delete('a');
    recent.delete('missing');
    expect([recent.get('a'), recent.size, recent.weight]).toEqual([undefined, 0, 0]);
  });
});
