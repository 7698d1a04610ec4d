import type { SparkReadSpec } from '../compute/spark-job.js';
import type { Compute } from '../compute/spark-job.js';
import type { Logger } from '../logging/index.js';
import type { LoadDefinition } from '../pipeline/pipeline-schema.js';
import type { ObjectStore } from '../storage/object-store.js';
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
  /** Where run files go: an absolute local directory, or an s3:// prefix for jobs on EMR. */
  tempDir: string;
  /** Reads and writes under `tempDir`. @defaultValue the local disk */
  store?: ObjectStore;
  /** Redshift's role (and the bucket's region, when it differs) for `COPY … FROM 's3://…'`. */
  copy?: { iamRoleArn: string; region?: string };
  /** How the Spark job reaches the source. */
  read: SparkReadSpec;
  /** Environment the Spark job needs for credentials; never logged. */
  secretEnv: Record<string, string>;
  logger: Logger;
  now: () => Date;
}

export interface PhaseOptions {
  signal?: AbortSignal;
  /** The attempt of the phase (1 for the first): names remote jobs and their idempotency keys. */
  attempt?: number;
  /** The external id an earlier attempt recorded: a remote compute reconnects to that job. */
  previousExternalId?: string;
}
