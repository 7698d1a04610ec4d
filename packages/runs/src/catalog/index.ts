export { JobPayloadSchema, type JobPayload } from './job-payload.js';
export { jobId } from './job-id.js';
export { JOB_CATALOG, JOB_KIND_DEFAULTS, JOB_RETENTION, type JobDefinition, type JobKindDefaults } from './job-catalog.js';
export { jobOptions } from './job-options.js';
export { jobRetryOverrides, type JobRetryOverrides } from './job-retry-overrides.js';
export { parseJob } from './parse-job.js';
