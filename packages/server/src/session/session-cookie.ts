import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'pipeline_session';
/** Read by bull-board's HTTP client, which sends it back as X-XSRF-TOKEN; scoped to its pages. */
export const XSRF_COOKIE = 'XSRF-TOKEN';
export const QUEUES_PATH = '/queues';

/**
 * Secure when the request came over TLS, or always when the caller says so (startServer does for
 * a token-protected server on a non-loopback address: there the token and the session must never
 * travel in clear, so plain HTTP sign-ins do not stick and a TLS proxy in front is required).
 */
function secure(req: FastifyRequest, always: boolean): boolean {
  return always || req.protocol === 'https';
}

function options(req: FastifyRequest, alwaysSecure: boolean, httpOnly: boolean, path: string): CookieSerializeOptions {
  return { httpOnly, sameSite: 'strict', path, secure: secure(req, alwaysSecure) };
}

/** Sets the session cookie (a browser-session cookie: Redis bounds its life) and bull-board's CSRF cookie. */
export function setSessionCookies(reply: FastifyReply, req: FastifyRequest, id: string, csrfToken: string, alwaysSecure: boolean): void {
  reply.setCookie(SESSION_COOKIE, id, options(req, alwaysSecure, true, '/'));
  reply.setCookie(XSRF_COOKIE, csrfToken, options(req, alwaysSecure, false, QUEUES_PATH));
}

export function clearSessionCookies(reply: FastifyReply, req: FastifyRequest, alwaysSecure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, options(req, alwaysSecure, true, '/'));
  reply.clearCookie(XSRF_COOKIE, options(req, alwaysSecure, false, QUEUES_PATH));
}
