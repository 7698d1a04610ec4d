import { PipelineError } from '../errors/pipeline-error.js';

/** What a remote compute says about a failed job: EMR's FailureDetails and where the logs are. */
export interface FailureDetails {
  /** EMR's short reason, e.g. "Unknown Error." or the exception class. */
  reason?: string;
  message?: string;
  /** The log file EMR found the failure in. */
  logFile?: string;
  /** The folder holding the job's logs (stdout, stderr, controller). */
  logUri?: string;
}

/** The Spark job failed, was cancelled, or could not be started. */
export class SparkJobError extends PipelineError {
  readonly code: string;
  override readonly retryable: boolean;
  readonly exitCode: number | null;
  /** The last lines the job printed, for the phase record. */
  readonly outputTail: string[];
  /** Remote computes: the service's account of the failure and the log location. */
  readonly details: FailureDetails | undefined;

  constructor(
    message: string,
    options: { code?: string; retryable?: boolean; exitCode?: number | null; outputTail?: string[]; details?: FailureDetails; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = options.code ?? 'E_SPARK_JOB';
    this.retryable = options.retryable ?? true;
    this.exitCode = options.exitCode ?? null;
    this.outputTail = options.outputTail ?? [];
    this.details = options.details;
  }
}
