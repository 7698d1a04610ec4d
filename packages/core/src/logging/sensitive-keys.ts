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
 * The common spellings of those keys as pino `redact` paths, at the top level and one level
 * down. pino paths are exact, so anything deeper or spelled otherwise is left to the logger's
 * object walk, which uses {@link isSensitiveKey}.
 */
export const SENSITIVE_REDACT_PATHS: readonly string[] = [...SENSITIVE_SUFFIXES, ...SENSITIVE_NAMES].flatMap((key) => {
  const spellings = new Set([key, key.toLowerCase(), snakeCase(key), snakeCase(key).toUpperCase()]);
  return [...spellings].flatMap((spelling) => [spelling, `*.${spelling}`]);
});

function normalizeKey(key: string): string {
  return key.replace(/[-_]/g, '').toLowerCase();
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
