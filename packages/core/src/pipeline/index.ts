export * from './pipeline-schema.js';
export * from './load-pipelines.js';
export * from './definition-error.js';
export * from './json-schema.js';
export { parseDuration } from './duration.js';
export { parseDeadline, MIN_DEADLINE_SECONDS, MAX_DEADLINE_SECONDS } from './deadline.js';
