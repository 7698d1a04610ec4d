import { REDACTED, redactText } from './redactor.js';
import { isSensitiveKey } from './sensitive-keys.js';
import { serializeError } from './serialize-error.js';

/** How deep nested objects are copied before the rest is summarised. */
const MAX_DEPTH = 8;

/**
 * A copy of `value` that is safe to log: values under sensitive keys replaced, every string
 * scrubbed with {@link redactText}, errors serialized (message, stack and cause chain
 * scrubbed), binary data summarised, values with `toJSON` (dates, URLs) converted first so a
 * URL's password never reaches the output.
 */
export function redactValue(value: unknown): unknown {
  return walk(value, 0, new WeakSet());
}

function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return serializeError(value);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[binary ${value.byteLength} bytes]`;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return walk(toJSON.call(value), depth, seen);
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1, seen));
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = isSensitiveKey(key) ? REDACTED : walk(item, depth + 1, seen);
    }
    return copy;
  } finally {
    // Only ancestors count as cycles; the same object twice side by side is fine.
    seen.delete(value);
  }
}
