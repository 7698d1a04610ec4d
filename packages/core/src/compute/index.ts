export type { Compute, SparkJobRequest, SparkJobSpec, SparkManifest, SparkReadSpec, SparkRunOptions } from './spark-job.js';
export { LocalSparkCompute, type LocalSparkOptions } from './local-spark-compute.js';
export { SparkJobError } from './spark-job-error.js';
export { findRepoRoot, localSparkPaths } from './spark-home.js';
export { waitForLocalJob, isProcessAlive, type WaitForLocalJobOptions } from './wait-for-local-job.js';
