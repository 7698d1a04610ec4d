import type { ColumnSpec } from '@pipeline/sql';

/** Connection the job reads the source through. The password travels in an environment variable, never in the spec. */
export type SparkReadSpec =
  | {
      kind: 'jdbc';
      url: string;
      user?: string;
      passwordEnv?: string;
      /** Secrets Manager secret (Redshift secret JSON) the job reads its user and password from itself; on EMR, instead of user and passwordEnv. */
      secretArn?: string;
      fetchSize?: number;
    }
  | { kind: 'redshift'; url: string; tempdir: string; iamRole: string; secretArn?: string };

/** The JSON contract between the orchestrator and `spark/jobs/load_job.py`. */
export interface SparkJobSpec {
  runId: string;
  pipelineId: string;
  loadId: string;
  interval: { start: string; end: string } | null;
  source: { table: string | null; query: string | null; incrementalColumn: string | null };
  read: SparkReadSpec;
  transform: { path: string } | null;
  params: Record<string, string | number | boolean>;
  dedupe: { key: string[]; orderBy: string[] } | null;
  output: { dir: string; format: 'csv' | 'parquet' };
  manifestPath: string;
}

/** What the job writes beside its output once the write succeeded. */
export interface SparkManifest {
  rowsRead: number;
  rowsWritten: number;
  format: 'csv' | 'parquet';
  /** Paths relative to the output directory. */
  files: string[];
  columns: ColumnSpec[];
}

/** A job to run: its spec, and where its spec file and log live. */
export interface SparkJobRequest {
  spec: SparkJobSpec;
  /** Local directory for the spec file and the captured log. */
  workDir: string;
  /** Extra environment for the job (credentials the spec names). Never logged. Local Spark only: remote computes never send it. */
  secretEnv?: Record<string, string>;
  /**
   * The phase this job runs for and the attempt number (1, 2, …). Remote computes name their
   * steps and job runs with them, so a retry can find the job an earlier attempt submitted.
   * Remote computes take a missing phase as `extract-transform` and a missing attempt as 1.
   */
  phase?: string;
  attempt?: number;
  /** The external id an earlier attempt of this phase recorded, to reconnect to instead of submitting again. */
  previousExternalId?: string;
}

/** What a finished job reports: its external id and, for remote computes, where its logs are. */
export interface SparkJobResult {
  externalId: string;
  logUri?: string;
}

export interface SparkRunOptions {
  signal?: AbortSignal;
  /** Called with the external id (process, step or job run id) as soon as there is one, before waiting. */
  onSubmitted?: (externalId: string) => void | Promise<void>;
  /** Receives each line the job prints. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface Compute {
  readonly kind: 'local' | 'emr' | 'emr-serverless';
  /** Checks that the service the jobs run on answers and describes it (remote computes): for `pipeline doctor`. */
  check?(signal?: AbortSignal): Promise<string>;
  /** Runs the job to completion; rejects with SparkJobError when it fails or is cancelled. */
  run(request: SparkJobRequest, options?: SparkRunOptions): Promise<SparkJobResult>;
}
