import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@pipeline/core';
import { RunEventLog, RunStore, type StoredRunEvent } from '@pipeline/runs';
import type { Redis } from 'ioredis';
import type { Alert } from './alert.js';
import { AlertLedger } from './alert-ledger.js';
import { alertPayload } from './alert-payload.js';
import { deliverWebhook, type DeliveryOptions } from './deliver-webhook.js';
import { alertForEvent } from './event-alert.js';
import { sweepAlerts } from './sweep-alerts.js';

/** The consumer group of the run event stream the dispatchers share. */
export const ALERTS_GROUP = 'alerts';

export interface AlertDispatcherOptions {
  /** For the ledger, the run store and acknowledgements; duplicated for the blocking reads. The caller closes it. */
  redis: Redis;
  /** @defaultValue "pipeline" */
  keyPrefix?: string;
  logger: Logger;
  /** Where alerts are POSTed. A credential: never logged. */
  webhookUrl: string;
  /** Public base URL of `pipeline serve`, for links to the run. */
  dashboardUrl?: string;
  /** This dispatcher's name in the consumer group. @defaultValue "<hostname>-<pid>-<random>" */
  consumer?: string;
  /** Between two sweeps for missed deadlines and dead workers. @defaultValue 20_000 */
  sweepMs?: number;
  /** Longest wait of one blocking read of the event stream; also how long `stop` may wait for it. @defaultValue 5_000 */
  blockMs?: number;
  /**
   * Events another dispatcher read and did not acknowledge for this long are taken over (it
   * died, or it is still retrying a delivery: then the ledger's lease stops a second send).
   * @defaultValue 60_000
   */
  claimIdleMs?: number;
  /** Grace before a running phase without a worker heartbeat counts as stalled. @defaultValue 30_000 (the heartbeat's TTL) */
  stalledGraceMs?: number;
  /** How long a sent alert is remembered for dedupe. @defaultValue 7 days */
  dedupeTtlSeconds?: number;
  /** Retries, timeouts and backoff of one delivery. */
  delivery?: Omit<DeliveryOptions, 'signal'>;
  /** The sweep's clock. @defaultValue () => new Date() */
  now?: () => Date;
}

export interface AlertDispatcher {
  /** Runs one sweep now (after any in progress) and resolves once its alerts are handled. */
  sweep(): Promise<void>;
  /**
   * Stops reading and sweeping, interrupts a delivery in progress (its event stays pending, so
   * another dispatcher sends it) and closes the connection it opened.
   */
  stop(): Promise<void>;
}

type SendOutcome = 'sent' | 'dropped' | 'duplicate' | 'busy' | 'interrupted';

/**
 * Sends alerts for run state changes to a webhook, from inside `pipeline scheduler`. Reads the
 * run event stream through the `alerts` consumer group (created at the stream's end, so history
 * is not replayed), takes over events a dead replica left unacknowledged, and acknowledges each
 * event once its alert was delivered or deliberately dropped. A periodic sweep adds what no
 * event says: missed deadlines and phases whose worker died with nobody taking over yet. Every
 * alert goes through the ledger, so any number of replicas send it once.
 */
export async function startAlertDispatcher(options: AlertDispatcherOptions): Promise<AlertDispatcher> {
  const {
    redis,
    keyPrefix = 'pipeline',
    webhookUrl,
    dashboardUrl,
    sweepMs = 20_000,
    blockMs = 5_000,
    claimIdleMs = 60_000,
    stalledGraceMs = 30_000,
    dedupeTtlSeconds = 7 * 86_400,
    delivery = {},
    now = () => new Date(),
  } = options;
  const consumer = options.consumer ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const logger = options.logger.child({ component: 'alerts', consumer });
  const maxDeliveryMs = (delivery.maxTotalMs ?? 120_000) + (delivery.timeoutMs ?? 10_000);
  const ledger = new AlertLedger(redis, keyPrefix, { ttlSeconds: dedupeTtlSeconds, leaseMs: maxDeliveryMs + 30_000, owner: consumer });
  const store = new RunStore(redis, { keyPrefix });
  const events = new RunEventLog(redis, keyPrefix);
  const reader = redis.duplicate();
  reader.on('error', (err) => logger.debug({ err }, 'alert reader connection error'));
  const blockingEvents = new RunEventLog(reader, keyPrefix);
  const stopping = new AbortController();
  await events.ensureGroup(ALERTS_GROUP, '$');

  async function send(alert: Alert): Promise<SendOutcome> {
    const claim = await ledger.claim(alert.key);
    if (claim === 'done') return 'duplicate';
    if (claim === 'busy') return 'busy';
    const log = logger.child({ alert: alert.kind, runId: alert.runId, key: alert.key });
    const result = await deliverWebhook(webhookUrl, alertPayload(alert, dashboardUrl ? { dashboardUrl } : {}), { ...delivery, signal: stopping.signal });
    // Left with its lease: another dispatcher sends it once the lease expires.
    if (result.outcome === 'interrupted') return 'interrupted';
    if (result.outcome === 'delivered') {
      await ledger.settle(alert.key, 'sent');
      log.info({ attempts: result.attempts, status: result.status }, 'alert sent');
      return 'sent';
    }
    await ledger.settle(alert.key, 'dropped');
    log.error({ attempts: result.attempts, status: result.status, reason: result.reason }, 'alert dropped: the webhook did not take it');
    return 'dropped';
  }

  async function handle(stored: StoredRunEvent): Promise<void> {
    const { event } = stored;
    let alert = alertForEvent(stored, null);
    // Phase events do not carry the run's interval; most raise no alert, so it is read only for those that do.
    if (alert && event.type === 'phase') alert = alertForEvent(stored, await store.get(event.runId));
    const outcome = alert ? await send(alert) : 'none';
    // Busy or interrupted: the event stays pending and is taken over again after claimIdleMs.
    if (outcome === 'busy' || outcome === 'interrupted') return;
    await events.ack(ALERTS_GROUP, [stored.id]);
  }

  async function handleAll(batch: StoredRunEvent[]): Promise<void> {
    for (const stored of batch) {
      if (stopping.signal.aborted) return;
      try {
        await handle(stored);
      } catch (err) {
        logger.error({ err, eventId: stored.id }, 'alert for a run event not handled; the event stays pending and is retried');
      }
    }
  }

  async function readLoop(): Promise<void> {
    let lastClaim = 0;
    while (!stopping.signal.aborted) {
      try {
        if (Date.now() - lastClaim >= Math.min(claimIdleMs, sweepMs)) {
          lastClaim = Date.now();
          await handleAll(await events.claimStale(ALERTS_GROUP, consumer, claimIdleMs));
        }
        await handleAll(await blockingEvents.readGroup(ALERTS_GROUP, consumer, { blockMs, count: 50 }));
      } catch (err) {
        if (stopping.signal.aborted) return;
        logger.error({ err }, 'reading the run event stream failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  async function runSweep(): Promise<void> {
    const found = await sweepAlerts({ redis, keyPrefix, store, stalledGraceMs }, now());
    for (const alert of found) {
      if (stopping.signal.aborted) return;
      await send(alert);
    }
  }

  let sweeping: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  function sweep(): Promise<void> {
    const next = sweeping.then(runSweep);
    sweeping = next.catch(() => undefined);
    return next;
  }
  function sweepLoop(): void {
    sweep()
      .catch((err) => logger.error({ err }, 'alert sweep failed; trying again next sweep'))
      .finally(() => {
        if (!stopping.signal.aborted) timer = setTimeout(sweepLoop, sweepMs);
      });
  }

  const reading = readLoop();
  sweepLoop();
  logger.info({ keyPrefix, sweepMs, dashboardLinks: dashboardUrl !== undefined }, 'alerts on: sending to the configured webhook');

  return {
    sweep,
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      // Ends a blocking read at once instead of after blockMs.
      reader.disconnect();
      await reading;
      await sweeping;
      await forgetConsumer(redis, events.key, consumer).catch((err) => logger.debug({ err }, 'consumer left in the group'));
      logger.info('alerts stopped');
    },
  };
}

/** Removes this consumer from the group when it holds no pending event, so restarts leave no trail of names. */
async function forgetConsumer(redis: Redis, streamKey: string, consumer: string): Promise<void> {
  const pending = (await redis.xpending(streamKey, ALERTS_GROUP, '-', '+', 1, consumer)) as unknown[];
  if (pending.length === 0) await redis.xgroup('DELCONSUMER', streamKey, ALERTS_GROUP, consumer);
}
