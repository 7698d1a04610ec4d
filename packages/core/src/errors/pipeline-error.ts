/**
 * Base of every error the product raises on purpose. Each subclass has a stable `code` (listed
 * in docs/errors.md) and says whether retrying the same work can succeed; the worker maps
 * non-retryable errors to BullMQ's UnrecoverableError at its edge, never by reading messages.
 */
export abstract class PipelineError extends Error {
  abstract readonly code: string;
  /** Whether the same work, retried unchanged, may succeed. */
  readonly retryable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
