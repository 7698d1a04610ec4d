import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Logger } from '@pipeline/core';
import type { ClusterReader } from '@pipeline/runs';
import { queueDepthData } from './queue-depth-data.js';

type CloudWatchSdk = typeof import('@aws-sdk/client-cloudwatch');

export interface QueueDepthPublisherOptions {
  /** CloudWatch namespace (`PIPELINE_CLOUDWATCH_NAMESPACE`); the scheduler role may put metrics into it only. */
  namespace: string;
  /** The deployment's key prefix: the `keyPrefix` dimension. */
  keyPrefix: string;
  /** The cluster gauges' read (`registerClusterMetrics`), so that a scrape and a publish share it. */
  read: ClusterReader;
  logger: Logger;
  /** Region of the client built when none is given. @defaultValue the SDK's (AWS_REGION, the profile, the task's) */
  region?: string;
  /**
   * @defaultValue a client built from the SDK's settings; its endpoint honours
   * AWS_ENDPOINT_URL_CLOUDWATCH, its credentials the task role
   */
  client?: CloudWatchClient;
  /** From the start of one publish to the start of the next. @defaultValue 60_000, the alarms' period */
  intervalMs?: number;
  /** How long one PutMetricData may take before it is abandoned. @defaultValue 20_000, or the interval when shorter */
  timeoutMs?: number;
  /** While publishing keeps failing, at most one warning per this long; the rest go to debug. @defaultValue 900_000 */
  warnEveryMs?: number;
}

export type PublishOutcome = 'published' | 'failed' | 'unread' | 'stopped';

export interface QueueDepthPublisher {
  /** Publishes now, after any publish in progress. Never rejects: a failure is logged and is the outcome. */
  publish(): Promise<PublishOutcome>;
  /** Stops the timer, abandons a request in flight and waits for it to settle. */
  stop(): Promise<void>;
}

/**
 * Publishes the queue-depth metric the Fargate workers scale on (infra/README.md), at once and
 * every `intervalMs` after: one PutMetricData with one datum per queue. Publishes never overlap:
 * the next is timed from the start of the last and waits for it to settle. Nothing here stops
 * the scheduler: a failed read or request is logged and the next interval tries again.
 */
export function startQueueDepthPublisher(options: QueueDepthPublisherOptions): QueueDepthPublisher {
  const { namespace, keyPrefix, read, intervalMs = 60_000, warnEveryMs = 900_000 } = options;
  const timeoutMs = options.timeoutMs ?? Math.min(20_000, intervalMs);
  const logger = options.logger.child({ component: 'cloudwatch', namespace });
  // The SDK loads with the first publish: importing the scheduler must not pay for it when no namespace is set.
  let connection: Promise<{ sdk: CloudWatchSdk; client: CloudWatchClient }> | undefined;
  const connect = () =>
    (connection ??= import('@aws-sdk/client-cloudwatch').then((sdk) => ({ sdk, client: options.client ?? new sdk.CloudWatchClient(options.region ? { region: options.region } : {}) })));
  const stopping = new AbortController();
  let failures = 0;
  let suppressed = 0;
  let lastWarnAt: number | undefined;
  let lastError: string | undefined;

  function failed(err: unknown): void {
    failures += 1;
    const error = awsFailure(err);
    const now = Date.now();
    // A broken network fails every interval with the same error: one warning per warnEveryMs says so.
    if (lastWarnAt === undefined || now - lastWarnAt >= warnEveryMs || error.error !== lastError) {
      logger.warn({ ...error, failures, suppressed }, 'queue depth not published to CloudWatch; trying again next interval');
      lastWarnAt = now;
      lastError = error.error;
      suppressed = 0;
    } else {
      suppressed += 1;
      logger.debug({ ...error, failures }, 'queue depth not published to CloudWatch');
    }
  }

  async function publishOnce(): Promise<PublishOutcome> {
    // undefined when Redis failed or was slow: the reader logged it, and old figures must not pass for new ones.
    const snapshot = await read();
    if (stopping.signal.aborted) return 'stopped';
    if (!snapshot) return 'unread';
    const data = queueDepthData(snapshot, keyPrefix);
    const signal = AbortSignal.any([stopping.signal, AbortSignal.timeout(timeoutMs)]);
    try {
      const { sdk, client } = await connect();
      // Raced against the signal too, so that a request the client does not abandon cannot hold up the next one or stop().
      await Promise.race([client.send(new sdk.PutMetricDataCommand({ Namespace: namespace, MetricData: data }), { abortSignal: signal }), abandoned(signal)]);
    } catch (err) {
      if (stopping.signal.aborted) return 'stopped';
      failed(err);
      return 'failed';
    }
    if (failures > 0) logger.info({ failures }, 'queue depth published to CloudWatch again');
    failures = 0;
    suppressed = 0;
    lastWarnAt = undefined;
    lastError = undefined;
    logger.debug({ depth: Object.fromEntries(data.map((d) => [d.Dimensions?.find((x) => x.Name === 'queue')?.Value, d.Value])) }, 'queue depth published');
    return 'published';
  }

  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  function publish(): Promise<PublishOutcome> {
    const next = chain.then(publishOnce).catch((err: unknown) => {
      logger.error({ err }, 'queue depth publish failed unexpectedly; trying again next interval');
      return 'failed' as const;
    });
    chain = next;
    return next;
  }

  async function loop(): Promise<void> {
    const started = Date.now();
    await publish();
    if (!stopping.signal.aborted) timer = setTimeout(() => void loop(), Math.max(0, intervalMs - (Date.now() - started)));
  }

  timer = setTimeout(() => void loop(), 0);
  logger.info({ keyPrefix, intervalMs }, 'publishing queue depth to CloudWatch');

  return {
    publish,
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await chain;
      if (!options.client && connection) await connection.then(({ client }) => client.destroy(), () => undefined);
    },
  };
}

/** Rejects with the signal's reason once it aborts. */
function abandoned(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** What the log says about a failed request: the AWS error's name, its code and HTTP status, its message. */
function awsFailure(err: unknown): { error: string; code?: string; status?: number; message: string } {
  const shape = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; code?: unknown; Code?: unknown; message?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const code = typeof shape.Code === 'string' ? shape.Code : typeof shape.code === 'string' ? shape.code : undefined;
  const status = shape.$metadata?.httpStatusCode;
  return {
    error: typeof shape.name === 'string' ? shape.name : 'Error',
    ...(code ? { code } : {}),
    ...(typeof status === 'number' ? { status } : {}),
    message: typeof shape.message === 'string' ? shape.message : String(err),
  };
}
