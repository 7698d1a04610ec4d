import { createLogger } from '@pipeline/core';
import { describe, expect, it } from 'vitest';
import type { CloseOptions } from './start-worker.js';
import { createShutdownHandler } from './shutdown.js';

/** A worker whose close resolves when the test says so, recording how it was asked to close. */
function fakeWorker() {
  const calls: CloseOptions[] = [];
  let finish!: () => void;
  const closed = new Promise<void>((resolve) => (finish = resolve));
  return { calls, finish, close: (options: CloseOptions = {}) => (calls.push(options), closed) };
}

const logger = createLogger({ level: 'silent' });

describe('createShutdownHandler', () => {
  it('closes gracefully on the first signal and reports once', async () => {
    const worker = fakeWorker();
    const outcomes: { forced: boolean }[] = [];
    const onSignal = createShutdownHandler(worker, { logger, graceMs: 5_000, onClosed: (o) => outcomes.push(o) });
    onSignal('SIGTERM');
    expect(worker.calls).toEqual([{ graceMs: 5_000 }]);
    worker.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(outcomes).toEqual([{ forced: false }]);
  });

  it('forces on the second signal and ignores any after it', async () => {
    const worker = fakeWorker();
    const outcomes: { forced: boolean }[] = [];
    const onSignal = createShutdownHandler(worker, { logger, onClosed: (o) => outcomes.push(o) });
    onSignal('SIGTERM');
    onSignal('SIGINT');
    onSignal('SIGINT');
    expect(worker.calls).toEqual([{ graceMs: 30_000 }, { force: true }]);
    worker.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(outcomes).toEqual([{ forced: true }]);
  });
});
