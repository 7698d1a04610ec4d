import { ConfigError, type LoadPhase } from '@pipeline/core';

/** The queues of a deployment: Spark phases are long and cheap to wait on, SQL phases hold warehouse connections. */
export const QUEUE_KINDS = ['spark', 'sql'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

/** @defaultValue 'pipeline' */
export const DEFAULT_KEY_PREFIX = 'pipeline';

const KEY_PREFIX = /^[A-Za-z0-9._-]{1,100}$/;

/** The queue a phase's jobs go to. */
export function queueForPhase(phase: LoadPhase): QueueKind {
  return phase === 'extract-transform' ? 'spark' : 'sql';
}

/**
 * `{<keyPrefix>}`: BullMQ's `prefix` and the start of every run-store key. The braces are a
 * Redis Cluster hash tag, so every key of a deployment lands in one slot and the Lua scripts
 * may touch several of them.
 */
export function redisPrefix(keyPrefix: string = DEFAULT_KEY_PREFIX): string {
  if (!KEY_PREFIX.test(keyPrefix)) {
    throw new ConfigError(`key prefix "${keyPrefix}" must be 1–100 characters of letters, digits, ".", "_" and "-"`, { code: 'E_KEY_PREFIX' });
  }
  return `{${keyPrefix}}`;
}

/** The pub/sub channel a run id is published on when the run is cancelled. */
export function cancelChannel(keyPrefix: string = DEFAULT_KEY_PREFIX): string {
  return `${redisPrefix(keyPrefix)}:cancel`;
}
