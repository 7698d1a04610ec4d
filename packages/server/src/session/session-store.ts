import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A signed-in browser: what the session key in Redis holds. */
export interface Session {
  /** `{<keyPrefix>}:session:<sha256(id)>`: also how live event streams of the session are found. */
  key: string;
  /** The synchronizer token every state-changing request of the session must carry. */
  csrfToken: string;
  createdAt: string;
}

export interface SessionStoreOptions {
  redis: Redis;
  keyPrefix: string;
  /** The API token the sessions were signed in with: a session outlives no change of it. */
  token: string;
  /** Idle lifetime, renewed by every request of the session. @defaultValue 12 hours */
  idleMs?: number;
}

export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Dashboard sessions in Redis, under the deployment's key prefix. The cookie carries a random id;
 * Redis keeps only its SHA-256, so a copy of the keys signs nobody in. Each session also stores
 * an HMAC of its id under the API token, so rotating PIPELINE_API_TOKEN ends every session made
 * with the old one. Deleting the key (logout) ends a session at once.
 */
export class SessionStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly token: string;
  private readonly idleMs: number;

  constructor(options: SessionStoreOptions) {
    this.redis = options.redis;
    this.prefix = `{${options.keyPrefix}}:session:`;
    this.token = options.token;
    this.idleMs = options.idleMs ?? SESSION_IDLE_MS;
  }

  private binding(id: string): Buffer {
    return createHmac('sha256', this.token).update(id, 'utf8').digest();
  }

  private keyOf(id: string): string {
    return `${this.prefix}${sha256(id)}`;
  }

  /** A new session; returns the id for the cookie (never stored) and the session. */
  async create(now: Date): Promise<{ id: string; session: Session }> {
    const id = randomBytes(32).toString('base64url');
    const session: Session = { key: this.keyOf(id), csrfToken: randomBytes(32).toString('base64url'), createdAt: now.toISOString() };
    await this.redis
      .multi()
      .hset(session.key, { csrf: session.csrfToken, bind: this.binding(id).toString('hex'), createdAt: session.createdAt })
      .pexpire(session.key, this.idleMs)
      .exec();
    return { id, session };
  }

  /** The live session of a cookie value, its idle lifetime renewed; undefined for anything else. */
  async find(id: string | undefined): Promise<Session | undefined> {
    if (id === undefined || !SESSION_ID.test(id)) return undefined;
    const key = this.keyOf(id);
    const fields = await this.redis.hgetall(key);
    if (!fields.csrf || !fields.bind || !fields.createdAt) return undefined;
    const stored = Buffer.from(fields.bind, 'hex');
    const expected = this.binding(id);
    if (stored.length !== expected.length || !timingSafeEqual(stored, expected)) return undefined;
    await this.redis.pexpire(key, this.idleMs);
    return { key, csrfToken: fields.csrf, createdAt: fields.createdAt };
  }

  async destroy(session: Session): Promise<void> {
    await this.redis.del(session.key);
  }
}
