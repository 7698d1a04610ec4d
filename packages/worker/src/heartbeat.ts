import type { Redis } from 'ioredis';
import { workerKey, type WorkerInfo } from '@pipeline/runs';

export interface HeartbeatOptions {
  redis: Redis;
  keyPrefix: string;
  /** Read on every beat. */
  info: () => Omit<WorkerInfo, 'seenAt'>;
  /** @defaultValue 10_000 */
  intervalMs?: number;
  /** How long the key outlives a worker that stopped beating (killed). @defaultValue 3 × intervalMs */
  ttlMs?: number;
  onError: (err: unknown) => void;
}

export interface Heartbeat {
  /** Writes the key now (also what every beat does). */
  beat(): Promise<void>;
  /** Stops beating and deletes the key: the worker left cleanly. */
  stop(): Promise<void>;
}

/**
 * Keeps `worker:<id>` alive with a TTL, so `pipeline status` lists the workers that are up and
 * what they run; a killed worker's key expires on its own.
 */
export async function startHeartbeat(options: HeartbeatOptions): Promise<Heartbeat> {
  const intervalMs = options.intervalMs ?? 10_000;
  const ttlMs = options.ttlMs ?? 3 * intervalMs;
  const key = workerKey(options.keyPrefix, options.info().workerId);
  const beat = async () => {
    const info: WorkerInfo = { ...options.info(), seenAt: new Date().toISOString() };
    await options.redis.set(key, JSON.stringify(info), 'PX', ttlMs);
  };
  await beat();
  const timer = setInterval(() => beat().catch(options.onError), intervalMs);
  timer.unref();
  return {
    beat,
    stop: async () => {
      clearInterval(timer);
      await options.redis.del(key);
    },
  };
}
