import cookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { authenticate, requireCsrf } from '../auth/auth-hook.js';
import { securityHeaders } from '../ui/security-headers.js';
import { SessionStore } from './session-store.js';

/** How requests are let in: the API token, and the dashboard sessions signed in with it. */
export interface Access {
  /** Undefined: loopback-only mode, no sign-in. */
  token?: string;
  sessions?: SessionStore;
  /** Mark cookies Secure even on plain HTTP requests (a token-protected server off loopback). */
  secureCookies: boolean;
}

export function createAccess(options: { redis: Redis; keyPrefix: string; token?: string; secureCookies?: boolean }): Access {
  const { token } = options;
  return {
    ...(token === undefined ? {} : { token, sessions: new SessionStore({ redis: options.redis, keyPrefix: options.keyPrefix, token }) }),
    secureCookies: options.secureCookies ?? false,
  };
}

/** Cookie parsing, then the hooks every route passes: who is calling, CSRF, security headers. Call before any route. */
export async function registerAccess(app: FastifyInstance, access: Access): Promise<void> {
  await app.register(cookie);
  // Set by the authenticate hook on every request, before any handler reads it.
  app.decorateRequest('auth', null as never);
  app.addHook('onRequest', authenticate(access));
  app.addHook('preValidation', requireCsrf(access));
  app.addHook('onSend', securityHeaders);
}
