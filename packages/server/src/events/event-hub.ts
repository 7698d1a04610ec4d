import type { Logger } from '@pipeline/core';
import { RunEventLog, compareStreamIds, type StoredRunEvent } from '@pipeline/runs';
import type { Redis } from 'ioredis';

/** One listener of the hub: an event stream response. */
export interface EventSink {
  send(event: StoredRunEvent): void;
  end(): void;
  /** The dashboard session the stream belongs to, so that logging out ends it. */
  sessionKey?: string;
}

interface Subscriber {
  sink: EventSink;
  /** Id of the last event sent; later ones only. */
  lastSent: string;
  /** Live events held back while the missed ones are replayed. */
  buffer: StoredRunEvent[] | null;
}

/** How many missed events a reconnecting client gets at most; the pages refetch what they show anyway. */
const MAX_REPLAY = 1_000;
const BLOCK_MS = 5_000;

/**
 * Fans the run event stream out to every event-stream client of this process through one
 * blocking reader on a connection of its own (`redis.duplicate()`), however many clients there
 * are. A client that reconnects with Last-Event-ID first gets what it missed, read without
 * blocking on the shared connection, then the live events, with none lost or repeated between.
 */
export class RunEventHub {
  private readonly log: RunEventLog;
  private readonly redis: Redis;
  private readonly keyPrefix: string;
  private readonly logger: Logger;
  private readonly subscribers = new Set<Subscriber>();
  private reader: Redis | undefined;
  private started: Promise<void> | undefined;
  private closed = false;

  constructor(redis: Redis, keyPrefix: string, logger: Logger) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.log = new RunEventLog(redis, keyPrefix);
    this.logger = logger;
  }

  /** Starts the reader at the first subscriber, so a server nobody watches holds no extra connection. */
  private start(): Promise<void> {
    this.started ??= (async () => {
      const from = await this.log.lastId();
      this.reader = this.redis.duplicate({ maxRetriesPerRequest: null });
      void this.loop(new RunEventLog(this.reader, this.keyPrefix), from);
    })();
    return this.started;
  }

  private async loop(log: RunEventLog, from: string): Promise<void> {
    let after = from;
    while (!this.closed) {
      try {
        const events = await log.read(after, { blockMs: BLOCK_MS });
        for (const event of events) {
          after = event.id;
          this.broadcast(event);
        }
      } catch (err) {
        if (this.closed) return;
        this.logger.warn({ err }, 'run event stream read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
      }
    }
  }

  private broadcast(event: StoredRunEvent): void {
    for (const s of this.subscribers) {
      if (s.buffer) s.buffer.push(event);
      else this.deliver(s, event);
    }
  }

  private deliver(s: Subscriber, event: StoredRunEvent): void {
    if (compareStreamIds(event.id, s.lastSent) <= 0) return;
    s.lastSent = event.id;
    s.sink.send(event);
  }

  /** Adds a client; with `lastEventId`, it first gets the events after that id. Returns the unsubscribe function. */
  async subscribe(sink: EventSink, lastEventId?: string): Promise<() => void> {
    await this.start();
    // Also after the wait: the server may have started closing meanwhile.
    if (this.closed) {
      sink.end();
      return () => {};
    }
    const s: Subscriber = { sink, lastSent: '0-0', buffer: lastEventId === undefined ? null : [] };
    this.subscribers.add(s);
    const unsubscribe = () => void this.subscribers.delete(s);
    if (lastEventId !== undefined) {
      try {
        let after = lastEventId;
        s.lastSent = lastEventId;
        for (let replayed = 0; replayed < MAX_REPLAY; ) {
          const missed = await this.log.read(after, { count: Math.min(500, MAX_REPLAY - replayed) });
          if (missed.length === 0) break;
          for (const event of missed) this.deliver(s, event);
          after = missed[missed.length - 1]!.id;
          replayed += missed.length;
        }
      } finally {
        const held = s.buffer ?? [];
        s.buffer = null;
        for (const event of held) this.deliver(s, event);
      }
    }
    return unsubscribe;
  }

  /** Ends the streams of a session that just logged out. */
  endSession(sessionKey: string): void {
    for (const s of this.subscribers) {
      if (s.sink.sessionKey === sessionKey) {
        this.subscribers.delete(s);
        s.sink.end();
      }
    }
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** Ends every stream and the reader; the server closes after this. */
  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.subscribers) s.sink.end();
    this.subscribers.clear();
    await this.started?.catch(() => undefined);
    this.reader?.disconnect();
  }
}
