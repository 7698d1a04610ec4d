// Also the package's `@pipeline/runs/input` entry: command-line parsing alone, without the run
// store, the queues and BullMQ, for entry points that must start fast.
export { parseInstant } from './parse-instant.js';
export { parseInterval, type IntervalFields } from './parse-interval.js';
export { collectParam, PARAM_KEY, badParamKeyMessage } from './run-params.js';
export { UsageError } from '../errors/usage-error.js';
