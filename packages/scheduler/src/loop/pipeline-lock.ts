import { LuaScript } from '@pipeline/runs';
import type { Redis } from 'ioredis';

const LUA = new URL('./lua/', import.meta.url);
const ACQUIRE = new LuaScript('acquire-tick-locks', { folder: LUA });
const RELEASE = new LuaScript('release-tick-locks', { folder: LUA });

/** The keys one pipeline's scheduler lock takes, reads and writes. */
export interface TickLockKeys {
  /** The lease lock itself. */
  lock: string;
  /** The run store's `sched:<pipelineId>` hash: how far the scheduled series got. */
  sched: string;
  /** The run store's active set: what `maxActiveRuns` counts. */
  active: string;
}

/** What a taken lock guards, read in the same step as taking it. */
export interface TickLockRead {
  /** End (ISO) of the last interval a scheduled run exists for; null before the first. */
  lastEnd: string | null;
  activeCount: number;
}

/** A lock to give back, with the scheduled series' new end when the holder moved it on. */
export interface TickLockRelease {
  keys: TickLockKeys;
  advanceTo?: string;
}

/**
 * The scheduler's per-pipeline lease locks, taken and given back for a batch of pipelines per
 * round trip: a tick that finds thousands of pipelines due pays two round trips per batch for
 * its locks, not two per pipeline.
 *
 * A lock makes reading the active-run count and creating runs one step across replicas, which is
 * what keeps them within maxActiveRuns and in interval order; run ids alone already make each
 * run unique. A holder stalled past the lease loses it, so the work under it stays short.
 */
export class TickLocks {
  constructor(
    private readonly redis: Redis,
    private readonly leaseMs: number,
    /** The sched hash field holding the last scheduled interval end. */
    private readonly field: string,
  ) {}

  /** Takes what it can of the locks, under one token: per pipeline, what it read, or null when another holder has the lock. */
  async acquire(token: string, pipelines: readonly TickLockKeys[]): Promise<(TickLockRead | null)[]> {
    if (pipelines.length === 0) return [];
    const keys = pipelines.flatMap((k) => [k.lock, k.sched, k.active]);
    const reply = (await ACQUIRE.run(this.redis, keys, [token, this.leaseMs, this.field])) as (number | string)[];
    return pipelines.map((_, i) => (reply[3 * i] === 1 ? { lastEnd: (reply[3 * i + 1] as string) || null, activeCount: Number(reply[3 * i + 2]) } : null));
  }

  /** Gives back locks taken with `token` (those lost to an expired lease are left alone) and records the series' new ends. */
  async release(token: string, held: readonly TickLockRelease[]): Promise<void> {
    if (held.length === 0) return;
    const keys = held.flatMap((h) => [h.keys.lock, h.keys.sched]);
    await RELEASE.run(this.redis, keys, [token, this.field, ...held.map((h) => h.advanceTo ?? '')]);
  }
}
