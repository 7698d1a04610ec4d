/**
 * Process-wide scrubbing of secret values from text. Values are registered the moment a secret
 * is read (see the secrets module), so the logger can remove them wherever they end up: a
 * message, an error from a driver, a connection string built from them.
 */

/** What a registered secret value is replaced with. */
export const REDACTED = '[REDACTED]';
/** What the password in a URL's userinfo or a `password=` pair is replaced with. */
export const MASKED_PASSWORD = '***';

// Shorter values would also match ordinary words and numbers, turning logs into noise.
const MIN_SECRET_LENGTH = 4;

const registered = new Set<string>();
let patterns: { plain: RegExp; json: RegExp } | undefined;

/**
 * Adds a value to the set scrubbed from every log line. Also scrubs the forms the value takes
 * once percent-encoded (in a URL) or JSON-escaped (inside a serialized string). Values shorter
 * than 4 characters are ignored.
 */
export function registerSecret(value: string): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  const before = registered.size;
  registered.add(value);
  registered.add(encodeURIComponent(value));
  registered.add(jsonEscape(value));
  if (registered.size !== before) patterns = undefined;
}

/**
 * Scrubs registered secret values, the password of any `scheme://user:password@` URL and the
 * value of `password=…` pairs in connection strings (libpq keyword/value, JDBC, query strings).
 */
export function redactText(text: string): string {
  const { plain } = compiledPatterns();
  return text.replace(plain, REDACTED).replace(PLAIN_CONNECTION_PATTERN, replaceConnection);
}

/**
 * The same scrubbing for serialized JSON text (a whole log line). Escape sequences are consumed
 * as units so a replacement never starts or ends inside one, and every replacement is itself
 * JSON-safe: the line stays valid JSON.
 */
export function redactJsonText(text: string): string {
  const { json } = compiledPatterns();
  return text.replace(json, replaceJsonSecret).replace(JSON_CONNECTION_PATTERN, replaceConnection);
}

const JSON_ESCAPE = String.raw`\\u[0-9a-fA-F]{4}|\\[^u]`;

// Two groups: the URL password (`urlHead` keeps scheme and user), and a `password=` value.
// Greedy userinfo backtracks to the last `@` before the path, so an unencoded `@` in a
// password does not leak its tail.
const PLAIN_CONNECTION_PATTERN = new RegExp(
  String.raw`(?<urlHead>[a-z][a-z0-9+.-]*://[^\s/?#@:]*:)[^\s/?#]+@` +
    String.raw`|(?<kvHead>(?:[a-z_]*password|passwd|pwd)\s*=\s*)(?:'(?:[^'\\]|\\.)*'|[^\s&;'"]+)`,
  'gi',
);

const JSON_CONNECTION_PATTERN = new RegExp(
  String.raw`(?<urlHead>[a-z][a-z0-9+.-]*://[^\s/?#@:"\\]*:)(?:${JSON_ESCAPE}|[^\s/?#"\\])+@` +
    String.raw`|(?<kvHead>(?:[a-z_]*password|passwd|pwd)\s*=\s*)` +
    String.raw`(?:'(?:${JSON_ESCAPE}|[^'"\\])*'|(?:${JSON_ESCAPE}|[^\s&;'"\\])+)` +
    `|${JSON_ESCAPE}`,
  'gi',
);

function compiledPatterns(): { plain: RegExp; json: RegExp } {
  if (patterns) return patterns;
  // Longest first: at one position the alternation takes the first that matches, so a secret
  // that contains another is removed whole.
  const byLength = (a: string, b: string) => b.length - a.length;
  const plain = [...registered].sort(byLength).map(escapeRegExp);
  // In JSON text a value appears in its escaped form. Escape sequences come last, so they are
  // skipped whole unless a secret starts there.
  const json = [...new Set([...registered].map(jsonEscape))].sort(byLength).map(escapeRegExp);
  patterns = {
    plain: new RegExp(orNothing(plain), 'g'),
    json: new RegExp(`(?<secret>${orNothing(json)})|${JSON_ESCAPE}`, 'g'),
  };
  return patterns;
}

function orNothing(alternatives: string[]): string {
  // A pattern that never matches keeps the callers free of special cases.
  return alternatives.length > 0 ? alternatives.join('|') : '(?!)';
}

function replaceJsonSecret(match: string, ...rest: unknown[]): string {
  const groups = rest.at(-1) as { secret?: string };
  return groups.secret !== undefined ? REDACTED : match;
}

function replaceConnection(match: string, ...rest: unknown[]): string {
  const groups = rest.at(-1) as { urlHead?: string; kvHead?: string };
  if (groups.urlHead !== undefined) return `${groups.urlHead}${MASKED_PASSWORD}@`;
  if (groups.kvHead !== undefined) return `${groups.kvHead}${MASKED_PASSWORD}`;
  return match;
}

function jsonEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
