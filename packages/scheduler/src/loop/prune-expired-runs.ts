import type { Logger } from '@pipeline/core';
import type { RunStore } from '@pipeline/runs';
import type { Redis } from 'ioredis';
import { retentionGuardKey } from './scheduler-keys.js';

const DAY_MS = 24 * 3600_000;

/** Pruning scans every run index of the deployment, so one replica does it at most this often. */
export const RETENTION_EVERY_SECONDS = 3600;

export interface RetentionContext {
  redis: Redis;
  keyPrefix: string;
  store: RunStore;
  /** Finished runs created more than this many days before `now` are deleted. */
  retentionDays: number;
  logger: Logger;
}

/**
 * Claims the deployment's hourly housekeeping turn (pruning, and `admitUnscheduledHeld`): true
 * for the one tick, of any replica, that sets the guard within `RETENTION_EVERY_SECONDS`. The
 * guard stays when the work fails, so failing work is tried again an hour later, not on every tick.
 */
export async function claimHousekeeping(ctx: Pick<RetentionContext, 'redis' | 'keyPrefix'>, now: Date): Promise<boolean> {
  return (await ctx.redis.set(retentionGuardKey(ctx.keyPrefix), now.toISOString(), 'EX', RETENTION_EVERY_SECONDS, 'NX')) === 'OK';
}

/**
 * Deletes finished runs past retention, unless this deployment already did within the last
 * `RETENTION_EVERY_SECONDS` (see `claimHousekeeping`). Returns how many runs were deleted, or
 * undefined when it was not this call's turn.
 */
export async function pruneExpiredRuns(ctx: RetentionContext, now: Date): Promise<number | undefined> {
  if (!(await claimHousekeeping(ctx, now))) return undefined;
  return pruneRuns(ctx, now);
}

/** The pruning itself, for a caller that claimed the turn. */
export async function pruneRuns(ctx: RetentionContext, now: Date): Promise<number> {
  const olderThan = new Date(now.getTime() - ctx.retentionDays * DAY_MS);
  const pruned = await ctx.store.prune(olderThan);
  ctx.logger.info({ pruned, olderThan: olderThan.toISOString(), retentionDays: ctx.retentionDays }, 'finished runs past retention pruned');
  return pruned;
}
