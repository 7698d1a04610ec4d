import type { ColumnSpec } from '@pipeline/sql';

/** Connection the job reads the source through. The password travels in an environment variable, never in the spec. */
export type SparkReadSpec =
  | { kind: 'jdbc'; url: string; user?: string; passwordEnv?: string; fetchSize?: number }
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
  /** Extra environment for the job (credentials the spec names). Never logged. */
  secretEnv?: Record<string, string>;
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
  /** Runs the job to completion; rejects with SparkJobError when it fails or is cancelled. */
  run(request: SparkJobRequest, options?: SparkRunOptions): Promise<{ externalId: string }>;
}
