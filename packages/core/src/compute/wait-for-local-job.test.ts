import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isProcessAlive, waitForLocalJob } from './wait-for-local-job.js';

function startSleeper(seconds: number) {
  const child = spawn(process.execPath, ['-e', `setTimeout(() => {}, ${seconds * 1000})`], { detached: true, stdio: 'ignore' });
  return child;
}

describe('waitForLocalJob', () => {
  it('returns once the process has exited', async () => {
    const child = startSleeper(0.3);
    expect(isProcessAlive(child.pid!)).toBe(true);
    await waitForLocalJob(child.pid!, { pollMs: 50 });
    expect(isProcessAlive(child.pid!)).toBe(false);
  });

  it('stops the process group when aborted', async () => {
    const child = startSleeper(60);
    const exited = once(child, 'exit');
    const controller = new AbortController();
    const waiting = waitForLocalJob(child.pid!, { signal: controller.signal, pollMs: 50 });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'E_CANCELLED' });
    const [, signal] = await exited;
    expect(signal).toBe('SIGTERM');
  });
});
