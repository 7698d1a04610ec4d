import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { SparkJobError } from './spark-job-error.js';

export interface WaitForLocalJobOptions {
  /** Aborting stops the job: its process group gets SIGTERM, then SIGKILL after `killGraceMs`. */
  signal?: AbortSignal;
  /** How often the process is probed. @defaultValue 1000 */
  pollMs?: number;
  /** Grace between SIGTERM and SIGKILL when aborted. @defaultValue 10_000 */
  killGraceMs?: number;
}

/** Linux: the state letter in /proc/<pid>/stat (after the parenthesised command name); undefined without /proc. */
function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/**
 * Whether a process with this id is running. A zombie is not: once its parent (the worker that
 * started it) is gone, it waits for an init process that may be slow to reap it, or never does.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const state = procState(pid);
  return state !== 'Z' && state !== 'X';
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // the group is gone already
  }
}

/**
 * Waits for a spark-submit started by another process (an earlier attempt of the same phase on
 * this host) to exit. The process is not our child, so its exit code is unknown: the caller
 * reads the job's manifest to learn whether it succeeded. `LocalSparkCompute` starts each job
 * as the leader of its own process group, so aborting stops the JVM and its Python workers too.
 */
export async function waitForLocalJob(pid: number, options: WaitForLocalJobOptions = {}): Promise<void> {
  const { signal } = options;
  const pollMs = options.pollMs ?? 1000;
  while (isProcessAlive(pid)) {
    if (signal?.aborted) {
      signalGroup(pid, 'SIGTERM');
      const deadline = Date.now() + (options.killGraceMs ?? 10_000);
      while (isProcessAlive(pid) && Date.now() < deadline) await delay(Math.min(pollMs, 200));
      if (isProcessAlive(pid)) signalGroup(pid, 'SIGKILL');
      throw new SparkJobError(`Spark job (pid ${pid}) cancelled`, { code: 'E_CANCELLED', retryable: false });
    }
    await delay(pollMs, undefined, signal ? { signal } : {}).catch(() => undefined);
  }
}
