/**
 * Keys whose values are never logged, whatever they hold. Keys are compared case-insensitively
 * and without `_` and `-`, so `DB_PASSWORD`, `dbPassword` and `x-api-key` are all caught.
 * `secretId`, `clientToken`, `nextToken` and the like stay visible: they name things or page
 * through them, they do not grant access, and operators need them.
 */
const SENSITIVE_SUFFIXES = [
  'password',
  'passwd',
  'secret',
  'apiKey',
  'privateKey',
  'secretAccessKey',
  'sessionToken',
  'accessToken',
  'refreshToken',
  'authToken',
  'bearerToken',
  'idToken',
] as const;

const SENSITIVE_NAMES = ['pwd', 'token', 'authorization', 'proxyAuthorization', 'cookie', 'setCookie', 'secretString', 'secretBinary'] as const;

const suffixes = SENSITIVE_SUFFIXES.map(normalizeKey);
const names = new Set<string>(SENSITIVE_NAMES.map(normalizeKey));

export function isSensitiveKey(key: string): boolean {
  const normalized = normalizeKey(key);
  return names.has(normalized) || suffixes.some((suffix) => normalized.endsWith(suffix));
}

/**
 * The common spellings of those keys as pino `redact` paths, at the top level only. They guard
 * child-logger bindings, which pino serialises without the logger's object walk; log objects at
 * any depth are covered by that walk ({@link isSensitiveKey}). No `*.` wildcard paths: pino runs
 * a wildcard stringifier over every binding of every child logger, which made creating one (once
 * per queued job) cost tens of microseconds.
 */
export const SENSITIVE_REDACT_PATHS: readonly string[] = [...SENSITIVE_SUFFIXES, ...SENSITIVE_NAMES].flatMap((key) => [
  ...new Set([key, key.toLowerCase(), snakeCase(key), snakeCase(key).toUpperCase()]),
]);

function normalizeKey(key: string): string {
  return key.replace(/[-_]/g, '').toLowerCase();
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
