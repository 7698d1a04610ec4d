import { PipelineError } from './pipeline-error.js';

/** A secret could not be read or does not hold what the warehouse connection needs. */
export class SecretError extends PipelineError {
  readonly code: string;
  override readonly retryable: boolean;

  constructor(message: string, options: { code?: string; retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = options.code ?? 'E_SECRET';
    this.retryable = options.retryable ?? false;
  }
}
