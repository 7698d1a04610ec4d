import { PipelineError } from '../errors/pipeline-error.js';

/**
 * A remote compute (EMR, EMR Serverless) could not be used: no such cluster, a spec it cannot
 * run, or its API refused or failed a request. Failures of the Spark job itself are SparkJobError.
 */
export class ComputeError extends PipelineError {
  readonly code: string;
  override readonly retryable: boolean;
  /** `emr` or `emr-serverless`. */
  readonly service: string;

  constructor(service: string, message: string, options: { code: string; retryable?: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.service = service;
    this.code = options.code;
    this.retryable = options.retryable ?? false;
  }
}
