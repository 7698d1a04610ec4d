export { parseInstant } from './parse-instant.js';
export { parseInterval, type IntervalFields } from './parse-interval.js';
export { collectParam, PARAM_KEY, badParamKeyMessage } from './run-params.js';
