import { REDACTED, redactText } from './redactor.js';
import { redactValue } from './redact-value.js';
import { isSensitiveKey } from './sensitive-keys.js';

/** A plain, redacted picture of an error that is safe to log, store or send. */
export interface SerializedError {
  name: string;
  message: string;
  /** The stable code of a PipelineError, or a driver's code (e.g. a PostgreSQL SQLSTATE). */
  code?: string | number;
  retryable?: boolean;
  stack?: string;
  cause?: SerializedError;
  /** The errors inside an AggregateError. */
  errors?: SerializedError[];
  /** Other fields the error carries (a PostgreSQL error's detail, an SDK error's metadata). */
  [field: string]: unknown;
}

export interface SerializeErrorOptions {
  /**
   * Whether to keep stack traces.
   * @defaultValue true
   */
  stack?: boolean;
}

// A cause chain longer than this is a loop that escaped the identity check, or not worth reading.
const MAX_CAUSES = 10;
// Fields already handled, or too large and too risky to copy (an SDK error's raw HTTP response).
const SKIPPED_FIELDS = new Set(['name', 'message', 'stack', 'cause', 'errors', 'code', 'retryable', '$response']);

/**
 * Serializes an error and its cause chain into a plain object, with every string scrubbed of
 * registered secrets and URL passwords. Accepts anything that was thrown, not only Errors.
 */
export function serializeError(err: unknown, options: SerializeErrorOptions = {}): SerializedError {
  return serialize(err, options.stack ?? true, new Set(), 0);
}

function serialize(err: unknown, withStack: boolean, seen: Set<unknown>, depth: number): SerializedError {
  if (!(err instanceof Error)) {
    return typeof err === 'string'
      ? { name: 'Error', message: redactText(err) }
      : { name: 'NonError', message: 'A value that is not an Error was thrown', value: redactValue(err) };
  }
  seen.add(err);
  const result: SerializedError = { name: err.name, message: redactText(err.message) };
  const { code, retryable } = err as { code?: unknown; retryable?: unknown };
  if (typeof code === 'string' || typeof code === 'number') result.code = typeof code === 'string' ? redactText(code) : code;
  if (typeof retryable === 'boolean') result.retryable = retryable;
  if (withStack && typeof err.stack === 'string') result.stack = redactText(err.stack);
  for (const [field, value] of Object.entries(err)) {
    if (SKIPPED_FIELDS.has(field) || value === undefined) continue;
    result[field] = isSensitiveKey(field) ? REDACTED : redactValue(value);
  }
  if (err.cause !== undefined && depth < MAX_CAUSES) {
    result.cause = seen.has(err.cause)
      ? { name: 'Circular', message: 'The cause chain loops back to an earlier error' }
      : serialize(err.cause, withStack, seen, depth + 1);
  }
  if (err instanceof AggregateError && Array.isArray(err.errors)) {
    result.errors = err.errors.map((inner: unknown) => serialize(inner, withStack, seen, depth + 1));
  }
  return result;
}
