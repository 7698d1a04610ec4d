import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem, PROBLEM_CONTENT_TYPE } from '../errors/problem.js';
import { csrfTokenMatches, csrfTokenOf, isStateChanging, originAllowed } from '../session/csrf.js';
import { QUEUES_PATH, SESSION_COOKIE } from '../session/session-cookie.js';
import type { Session, SessionStore } from '../session/session-store.js';
import { bearerMatches } from './bearer-token.js';
import { isLoopbackHost } from './loopback.js';

/**
 * Route config flags. `open`: needs no credentials (health, OpenAPI, sign-in, static assets).
 * `page`: a dashboard page, which sends a browser without a session to the sign-in form instead
 * of answering 401. `session`: an open route that still wants to know the session (sign-in form,
 * logout).
 */
export interface OpenRouteConfig {
  open?: boolean;
  page?: boolean;
  session?: boolean;
}

/** Who made a request: the API token, a dashboard session, or nobody (open route, or no token configured). */
export type RequestAuth = { kind: 'bearer' } | { kind: 'session'; session: Session } | { kind: 'none' };

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth;
  }
  interface FastifyContextConfig {
    open?: boolean;
    page?: boolean;
    session?: boolean;
  }
}

export interface AccessOptions {
  /** Undefined: loopback-only mode, no sign-in. */
  token?: string;
  sessions?: SessionStore;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function routeConfig(req: FastifyRequest): OpenRouteConfig {
  return (req.routeOptions.config as OpenRouteConfig | undefined) ?? {};
}

/** HTML pages: ours, and bull-board's (everything under /queues but its JSON API). */
function isPage(req: FastifyRequest, path: string): boolean {
  if (req.is404 === true) return false;
  if (routeConfig(req).page === true) return true;
  return (path === QUEUES_PATH || path.startsWith(`${QUEUES_PATH}/`)) && !path.startsWith(`${QUEUES_PATH}/api/`);
}

/** Sent from the hooks themselves: bull-board's routes have an error handler of their own. */
function refuse(reply: FastifyReply, status: 401 | 403, detail: string, instance: string, code: string): FastifyReply {
  if (status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.code(status).type(PROBLEM_CONTENT_TYPE).send(problem(status, detail, instance, { code }));
}

/**
 * An onRequest hook deciding who is calling. With a token configured, every route not marked open
 * needs `Authorization: Bearer <token>` or a dashboard session cookie, including unknown paths, so
 * a missing route answers 401, not a 404 that maps the API. Pages send a browser without a session
 * to the sign-in form.
 */
export function authenticate(options: AccessOptions) {
  const { token, sessions } = options;
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> => {
    req.auth = { kind: 'none' };
    if (token === undefined || sessions === undefined) return;
    const config = routeConfig(req);
    const open = config.open === true && req.is404 !== true;
    if (open && config.session !== true) return;
    const path = pathOf(req.url);
    const authorization = req.headers.authorization;
    if (!open && authorization !== undefined) {
      if (bearerMatches(authorization, token)) {
        req.auth = { kind: 'bearer' };
        return;
      }
      return refuse(reply, 401, 'the bearer token is wrong', path, 'E_UNAUTHORIZED');
    }
    const session = await sessions.find(req.cookies[SESSION_COOKIE]);
    if (session) {
      req.auth = { kind: 'session', session };
      return;
    }
    if (open) return;
    if (isPage(req, path)) {
      if (req.method === 'GET' || req.method === 'HEAD') return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
      return refuse(reply, 401, 'sign in at /login first', path, 'E_UNAUTHORIZED');
    }
    return refuse(reply, 401, 'this route needs Authorization: Bearer <PIPELINE_API_TOKEN> or a dashboard session (sign in at /login)', path, 'E_UNAUTHORIZED');
  };
}

function loopbackOrigin(origin: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return isLoopbackHost(new URL(origin).hostname);
  } catch {
    return false;
  }
}

/**
 * A preValidation hook (the body is parsed, so a form may carry the token as `_csrf`): every
 * state-changing request a browser could have been made to send must come from this server's own
 * origin, and with a session it must carry the session's CSRF token. Bearer requests need neither:
 * browsers never add that header on their own. Without a token the server is on loopback and open;
 * the origin must then also be a loopback one, which a DNS-rebinding page's is not.
 */
export function requireCsrf(options: AccessOptions) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> => {
    if (!isStateChanging(req.method) || req.auth.kind === 'bearer') return;
    const path = pathOf(req.url);
    if (!originAllowed(req) || (options.token === undefined && !loopbackOrigin(req.headers.origin))) {
      return refuse(reply, 403, `cross-origin request refused: Origin ${req.headers.origin ?? ''} is not this server`, path, 'E_CSRF');
    }
    if (req.auth.kind === 'session' && !csrfTokenMatches(csrfTokenOf(req), req.auth.session.csrfToken)) {
      return refuse(reply, 403, 'this request needs the CSRF token of your session in the x-csrf-token header: reload the page and try again', path, 'E_CSRF');
    }
  };
}
