export { registerClusterMetrics, type ClusterMetricsOptions, type ClusterReader } from './cluster-metrics.js';
export { readClusterSnapshot, type ClusterSnapshot, type ClusterSource } from './cluster-snapshot.js';
export { QUEUE_JOB_STATES, type QueueFigures, type QueueJobState } from './queue-figures.js';
export { boundedRead, type BoundedReadOptions } from './bounded-read.js';
export { MetricsReadTimeoutError } from './metrics-read-timeout-error.js';
export { createMetricsRegistry, type MetricsRegistry } from './metrics-registry.js';
