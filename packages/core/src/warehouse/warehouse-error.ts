import { PipelineError } from '../errors/pipeline-error.js';

/** A statement failed in the warehouse. Carries the server's SQLSTATE when there is one. */
export class WarehouseError extends PipelineError {
  readonly code = 'E_WAREHOUSE';
  override readonly retryable: boolean;
  readonly sqlState: string | undefined;
  readonly cancelled: boolean;

  constructor(message: string, options: { cause?: unknown; sqlState?: string | undefined; retryable?: boolean; cancelled?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.sqlState = options.sqlState;
    this.retryable = options.retryable ?? false;
    this.cancelled = options.cancelled ?? false;
  }
}
