import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Whether a request's CSRF token is the session's, compared in constant time over digests. */
export function csrfTokenMatches(given: string | undefined, expected: string): boolean {
  return timingSafeEqual(digest(given ?? ''), digest(expected)) && given !== undefined && given.length > 0;
}

/** Methods that change state, which CSRF protection covers. */
export function isStateChanging(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

/**
 * Whether a request's Origin, when it sends one, is this server: the same host and port as the
 * Host header the browser addressed. Browsers send Origin on every cross-origin request and on
 * same-origin POSTs; `null` (sandboxed frames, some redirects) is refused. Requests without
 * Origin (curl, older same-origin forms) pass: the session's token still guards them.
 */
export function originAllowed(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    // Parsed the same way, so that a default port written out (`localhost:80`) compares equal.
    return req.headers.host !== undefined && new URL(`${url.protocol}//${req.headers.host}`).host === url.host;
  } catch {
    return false;
  }
}

/** The token a request carries: our header, or the header bull-board's client copies from the XSRF-TOKEN cookie. */
export function csrfTokenOf(req: FastifyRequest): string | undefined {
  for (const name of ['x-csrf-token', 'x-xsrf-token']) {
    const value = req.headers[name];
    if (typeof value === 'string') return value;
  }
  const body = req.body as { _csrf?: unknown } | undefined;
  return typeof body?._csrf === 'string' ? body._csrf : undefined;
}
