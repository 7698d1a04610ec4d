/**
 * Base of every error this package raises. Each subclass has a stable `code` (listed in
 * docs/errors-sql.md); callers branch on the class or the code, never on the message.
 */
export abstract class SqlError extends Error {
  abstract readonly code: string;
  /** Generated SQL fails the same way every time it is generated from the same input. */
  readonly retryable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
