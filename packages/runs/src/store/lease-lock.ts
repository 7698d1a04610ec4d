import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script.js';

/** Longest pause between two looks at a lock held by someone else, in ms. */
const POLL_MAX_MS = 20;

const RELEASE = new LuaScript('release-lease');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface LeaseOptions {
  /** How long the lock is held at most: should its holder stop, the others wait this long. */
  leaseMs: number;
  /** How long to wait for a lock someone else holds. */
  waitMs: number;
  /** The error thrown when the wait ran out, given the number of looks taken. */
  onTimeout: (polls: number) => Error;
}

/**
 * A lease lock in Redis (SET NX PX, given back by token): held for short critical sections by
 * one process at a time, never for longer than the lease should its holder stop. Waiters poll
 * with a jittered, growing pause (at most POLL_MAX_MS).
 */
export class LeaseLock {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly options: LeaseOptions,
  ) {}

  /** Runs `fn` holding the lock, and gives it back however `fn` ends. */
  async with<T>(fn: () => Promise<T>): Promise<T> {
    const token = await this.acquire();
    try {
      return await fn();
    } finally {
      await this.release(token);
    }
  }

  /** Takes the lock, waiting while someone else holds it; the holder's token. */
  async acquire(): Promise<string> {
    const token = randomBytes(12).toString('hex');
    const deadline = Date.now() + this.options.waitMs;
    for (let polls = 1; ; polls++) {
      if ((await this.redis.set(this.key, token, 'PX', this.options.leaseMs, 'NX')) === 'OK') return token;
      if (Date.now() >= deadline) throw this.options.onTimeout(polls);
      await sleep(Math.random() * Math.min(POLL_MAX_MS, 2 ** polls));
    }
  }

  /** Gives the lock back if `token` still holds it. Best effort: a lease not given back lapses. */
  async release(token: string): Promise<void> {
    await RELEASE.run(this.redis, [this.key], [token]).catch(() => undefined);
  }
}
