import type { Redis } from 'ioredis';
import { decodePendingBackfill, encodePendingBackfill, type PendingBackfill } from './pending-backfill.js';
import { backfillKey } from './backfill-key.js';

/** A stored backfill entry as read back: `entry` is undefined when `raw` is not one. */
export interface StoredBackfill {
  raw: string;
  entry?: PendingBackfill;
}

/** Backfill intervals waiting for a run slot, per pipeline, oldest interval first. */
export class BackfillQueue {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  /** The oldest `limit` waiting entries. */
  async peek(pipelineId: string, limit: number): Promise<StoredBackfill[]> {
    if (limit <= 0) return [];
    const raws = await this.redis.zrange(backfillKey(this.keyPrefix, pipelineId), 0, limit - 1);
    return raws.map((raw) => ({ raw, entry: decodePendingBackfill(raw) }));
  }

  async count(pipelineId: string): Promise<number> {
    return this.redis.zcard(backfillKey(this.keyPrefix, pipelineId));
  }

  /** Stores entries; one already waiting (same run, interval and action) is stored once. */
  async add(pipelineId: string, entries: readonly PendingBackfill[]): Promise<void> {
    if (entries.length === 0) return;
    const args = entries.flatMap((e) => [Date.parse(e.start), encodePendingBackfill(e)] as const);
    await this.redis.zadd(backfillKey(this.keyPrefix, pipelineId), ...args);
  }

  /** Removes one entry, given as stored text. */
  async remove(pipelineId: string, raw: string): Promise<void> {
    await this.redis.zrem(backfillKey(this.keyPrefix, pipelineId), raw);
  }
}
