import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * Whether `Authorization` carries `Bearer <expected>`. Both sides are hashed first so the
 * comparison runs over equal lengths in constant time: neither the token's content nor its
 * length leaks through response timing.
 */
export function bearerMatches(header: string | undefined, expected: string): boolean {
  const match = /^Bearer ([^\s]+)\s*$/i.exec(header ?? '');
  const given = match?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(expected)) && given.length > 0;
}
