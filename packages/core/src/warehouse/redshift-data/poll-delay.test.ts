import { describe, expect, it } from 'vitest';
import { clientTokenFor } from './client-token.js';
import { pollDelay } from './poll-delay.js';

describe('pollDelay', () => {
  const interval = { initialMs: 100, maxMs: 5_000 };

  it('doubles from initialMs, caps at maxMs, and draws from the upper half', () => {
    expect([0, 1, 2, 3].map((a) => pollDelay(a, interval, () => 0))).toEqual([50, 100, 200, 400]);
    expect([0, 1, 2, 3].map((a) => pollDelay(a, interval, () => 1))).toEqual([100, 200, 400, 800]);
    expect(pollDelay(10, interval, () => 1)).toBe(5_000);
    expect(pollDelay(1_000, interval, () => 0)).toBe(2_500);
  });
});

describe('clientTokenFor', () => {
  it('is 64 hex characters, stable for the same key and place, different otherwise', () => {
    const token = clientTokenFor('run-1/users/merge/attempt-2', 0);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(clientTokenFor('run-1/users/merge/attempt-2', 0)).toBe(token);
    expect(clientTokenFor('run-1/users/merge/attempt-2', 1)).not.toBe(token);
    expect(clientTokenFor('run-1/users/merge/attempt-3', 0)).not.toBe(token);
  });
});
