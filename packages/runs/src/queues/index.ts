export { QUEUE_KINDS, DEFAULT_KEY_PREFIX, queueForPhase, redisPrefix, cancelChannel, type QueueKind } from './queue-names.js';
