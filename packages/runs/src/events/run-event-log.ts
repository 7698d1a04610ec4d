import type { Redis } from 'ioredis';
import { DEFAULT_KEY_PREFIX } from '../queues/queue-names.js';
import { runKeys } from '../store/run-keys.js';
import type { RunEvent } from './run-event.js';

/** An event with its stream id (`<ms>-<seq>`), by which readers resume. */
export interface StoredRunEvent {
  id: string;
  event: RunEvent;
}

export interface ReadOptions {
  /** Wait up to this long for a first event (XREAD BLOCK); needs a connection of its own. Omit to return at once. */
  blockMs?: number;
  /** @defaultValue 500 */
  count?: number;
}

type StreamEntry = [id: string, fields: string[]];

function decode(entries: StreamEntry[]): StoredRunEvent[] {
  return entries.flatMap(([id, fields]) => {
    const at = fields.indexOf('e');
    if (at === -1 || at + 1 >= fields.length) return [];
    return [{ id, event: JSON.parse(fields[at + 1]!) as RunEvent }];
  });
}

/**
 * Reads the run event stream `{<keyPrefix>}:events`: every run and phase state change, in the
 * order they were written. The store appends to it in the same Lua call as the record, so a
 * reader that resumes from the last id it handled misses nothing the stream still holds.
 *
 * Blocking reads and consumer-group reads hold their connection; give them one of their own
 * (`redis.duplicate()`), not the connection the queues and the store share.
 */
export class RunEventLog {
  readonly key: string;
  private readonly redis: Redis;

  constructor(redis: Redis, keyPrefix: string = DEFAULT_KEY_PREFIX) {
    this.redis = redis;
    this.key = runKeys(keyPrefix).events;
  }

  /** Events after `afterId` (`'$'`: only those written from now on, with `blockMs`), oldest first. */
  async read(afterId: string, options: ReadOptions = {}): Promise<StoredRunEvent[]> {
    const count = options.count ?? 500;
    const reply = (
      options.blockMs === undefined
        ? await this.redis.xread('COUNT', count, 'STREAMS', this.key, afterId)
        : await this.redis.xread('COUNT', count, 'BLOCK', options.blockMs, 'STREAMS', this.key, afterId)
    ) as Array<[string, StreamEntry[]]> | null;
    return reply ? decode(reply[0]![1]) : [];
  }

  /** The latest `count` events, oldest first. */
  async latest(count: number): Promise<StoredRunEvent[]> {
    const entries = (await this.redis.xrevrange(this.key, '+', '-', 'COUNT', count)) as StreamEntry[];
    return decode(entries.reverse());
  }

  /** Id of the newest event, or `'0-0'` when the stream is empty: where a reader starts to see only what follows. */
  async lastId(): Promise<string> {
    const entries = (await this.redis.xrevrange(this.key, '+', '-', 'COUNT', 1)) as StreamEntry[];
    return entries[0]?.[0] ?? '0-0';
  }

  /**
   * Creates the consumer group if it does not exist, starting at `startId` (`'$'`: events
   * written from now on). Replicas sharing a group each get a share of the events.
   */
  async ensureGroup(group: string, startId = '$'): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.key, group, startId, 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('BUSYGROUP')) throw err;
    }
  }

  /** New events for this consumer of the group (XREADGROUP `>`); acknowledge each with `ack` once handled. */
  async readGroup(group: string, consumer: string, options: ReadOptions = {}): Promise<StoredRunEvent[]> {
    const count = options.count ?? 100;
    const args: (string | number)[] = ['GROUP', group, consumer, 'COUNT', count];
    if (options.blockMs !== undefined) args.push('BLOCK', options.blockMs);
    const reply = (await this.redis.call('XREADGROUP', ...args, 'STREAMS', this.key, '>')) as Array<[string, StreamEntry[]]> | null;
    return reply ? decode(reply[0]![1]) : [];
  }

  /**
   * Takes over events another consumer of the group read but did not acknowledge within
   * `minIdleMs` (it died): XAUTOCLAIM, up to `count`.
   */
  async claimStale(group: string, consumer: string, minIdleMs: number, count = 100): Promise<StoredRunEvent[]> {
    const reply = (await this.redis.call('XAUTOCLAIM', this.key, group, consumer, minIdleMs, '0-0', 'COUNT', count)) as [string, StreamEntry[], ...unknown[]];
    return decode(reply[1].filter((entry): entry is StreamEntry => Array.isArray(entry) && Array.isArray(entry[1])));
  }

  async ack(group: string, ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.xack(this.key, group, ...ids);
  }
}
