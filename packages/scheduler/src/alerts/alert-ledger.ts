import type { Redis } from 'ioredis';
import { alertRedisKey } from './alert-key.js';

export type ClaimResult =
  /** This dispatcher holds the lease: it sends, then settles. */
  | 'claimed'
  /** Sent or dropped already: nothing to do. */
  | 'done'
  /** Another dispatcher is sending it now: try again after its lease. */
  | 'busy';

export interface AlertLedgerOptions {
  /** How long a settled alert is remembered: a change seen again within it is not alerted again. */
  ttlSeconds: number;
  /** How long a claim holds before another dispatcher may send the alert: more than one delivery takes. */
  leaseMs: number;
  /** Written into the lease, for whoever inspects the key. */
  owner: string;
}

const LEASE = 'sending:';

/**
 * One Redis key per alert, `{<prefix>}:alert:<key>`: `SET NX` with a lease while it is being
 * sent, then `sent` or `dropped` for days. Two replicas, a redelivered event and the sweep
 * racing the event path all find the key and send once. A dispatcher that dies while sending
 * leaves only its lease, which expires, so the alert is sent later rather than lost.
 */
export class AlertLedger {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly options: AlertLedgerOptions,
  ) {}

  async claim(key: string): Promise<ClaimResult> {
    const redisKey = alertRedisKey(this.keyPrefix, key);
    const set = await this.redis.set(redisKey, `${LEASE}${this.options.owner}`, 'PX', this.options.leaseMs, 'NX');
    if (set === 'OK') return 'claimed';
    const value = await this.redis.get(redisKey);
    // Gone between the two calls: the lease expired; the next attempt claims it.
    if (value === null || value.startsWith(LEASE)) return 'busy';
    return 'done';
  }

  async settle(key: string, outcome: 'sent' | 'dropped'): Promise<void> {
    await this.redis.set(alertRedisKey(this.keyPrefix, key), outcome, 'EX', this.options.ttlSeconds);
  }

  /** What the ledger says of an alert: null (never claimed, or forgotten), `sending:<owner>`, `sent` or `dropped`. */
  async status(key: string): Promise<string | null> {
    return this.redis.get(alertRedisKey(this.keyPrefix, key));
  }
}
