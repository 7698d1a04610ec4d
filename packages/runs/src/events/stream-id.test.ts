import { describe, expect, it } from 'vitest';
import { compareStreamIds, isStreamId } from './stream-id.js';

describe('stream ids', () => {
  it('orders by time, then by sequence, as numbers', () => {
    expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareStreamIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareStreamIds('1700000000000-5', '1700000000000-5')).toBe(0);
    expect(compareStreamIds('1700000000001-0', '1700000000000-99')).toBeGreaterThan(0);
  });

  it.each(['0-0', '1700000000000-12'])('accepts %s as Last-Event-ID', (id) => expect(isStreamId(id)).toBe(true));
  it.each([undefined, '', '$', '>', '1700000000000', '1-2-3', 'a-1', '1-1\nid: 2-2'])('refuses %j', (id) => expect(isStreamId(id)).toBe(false));
});
