import { PipelineError } from '../errors/pipeline-error.js';

/**
 * Fewer or more rows reached staging than the Spark job wrote. Nothing was published; the same
 * work retried usually succeeds (a file listed late, a partial upload), so it is retryable.
 */
export class RowCountError extends PipelineError {
  readonly code = 'E_LOAD_ROW_COUNT';
  override readonly retryable = true;
}
