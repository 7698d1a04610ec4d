import { ConnectionError, ConfigError } from '@pipeline/core';
import { describe, expect, it } from 'vitest';
import { shouldRetry } from './failure-policy.js';

const job = (attemptsMade: number, attempts = 3) => ({ attemptsMade, opts: { attempts } });

describe('shouldRetry', () => {
  it('retries a retryable error while attempts are left', () => {
    const err = new ConnectionError('warehouse', 'connection reset');
    expect(shouldRetry(err, job(0))).toBe(true);
    expect(shouldRetry(err, job(1))).toBe(true);
    expect(shouldRetry(err, job(2))).toBe(false);
  });

  it('never retries an error that says retrying cannot help', () => {
    expect(shouldRetry(new ConfigError('bad key column'), job(0))).toBe(false);
  });

  it('treats an unknown error as transient, within the attempts', () => {
    expect(shouldRetry(new Error('EIO'), job(0))).toBe(true);
    expect(shouldRetry(new Error('EIO'), job(0, 1))).toBe(false);
  });
});
