import { PipelineError } from '../errors/pipeline-error.js';

/**
 * An object store (S3 or the local disk) refused a request, or was handed a location it cannot
 * address. `E_STORAGE_URI` and `E_STORAGE_NOT_FOUND` do not pass by retrying; `E_STORAGE` is
 * retryable when the service was throttling, failing or unreachable.
 */
export class StorageError extends PipelineError {
  readonly code: string;
  override readonly retryable: boolean;
  /** The URI the request was about. */
  readonly uri: string;

  constructor(message: string, options: { uri: string; code?: string; retryable?: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.uri = options.uri;
    this.code = options.code ?? 'E_STORAGE';
    this.retryable = options.retryable ?? false;
  }
}
