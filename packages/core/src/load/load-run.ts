import type { SparkReadSpec } from '../compute/spark-job.js';
import type { Compute } from '../compute/spark-job.js';
import type { Logger } from '../logging/index.js';
import type { LoadDefinition } from '../pipeline/pipeline-schema.js';
import type { Warehouse } from '../warehouse/warehouse.js';

export type ParamValue = string | number | boolean;

/** One load of one run: what to do. Plain data, so a phase can run on any worker. */
export interface LoadRun {
  runId: string;
  pipelineId: string;
  load: LoadDefinition;
  /** The data interval `[start, end)`; null for a full refresh. */
  interval: { start: string; end: string } | null;
  params: Record<string, ParamValue>;
  /** Absolute path of the transform module, resolved when the run was created. */
  transformPath: string | null;
}

/** What a phase runs with: connections and places. */
export interface LoadServices {
  warehouse: Warehouse;
  compute: Compute;
  /** Absolute local directory for run files. */
  tempDir: string;
  /** How the Spark job reaches the source. */
  read: SparkReadSpec;
  /** Environment the Spark job needs for credentials; never logged. */
  secretEnv: Record<string, string>;
  logger: Logger;
  now: () => Date;
}

export interface PhaseOptions {
  signal?: AbortSignal;
}
