import { PipelineError } from '../errors/pipeline-error.js';

/** The Spark job failed, was cancelled, or could not be started. */
export class SparkJobError extends PipelineError {
  readonly code: string;
  override readonly retryable: boolean;
  readonly exitCode: number | null;
  /** The last lines the job printed, for the phase record. */
  readonly outputTail: string[];

  constructor(message: string, options: { code?: string; retryable?: boolean; exitCode?: number | null; outputTail?: string[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = options.code ?? 'E_SPARK_JOB';
    this.retryable = options.retryable ?? true;
    this.exitCode = options.exitCode ?? null;
    this.outputTail = options.outputTail ?? [];
  }
}
