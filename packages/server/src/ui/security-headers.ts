import type { FastifyReply, FastifyRequest } from 'fastify';
import { QUEUES_PATH } from '../session/session-cookie.js';

/**
 * Our pages run only the modules this process serves: no inline script, no inline style
 * attributes, no other origin. Values are written into the DOM as text, and the policy is the
 * second line of defence should one ever be written as markup.
 */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * bull-board's page sets inline styles and links a web font; its scripts are its own files. The
 * font is not allowed (the page falls back to system fonts), so the board loads nothing from
 * elsewhere either.
 */
export const QUEUES_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'self'; frame-ancestors 'none'";

function underQueues(url: string): boolean {
  return url === QUEUES_PATH || url.startsWith(`${QUEUES_PATH}/`) || url.startsWith(`${QUEUES_PATH}?`);
}

/** An onSend hook: framing, sniffing and referrer rules on every response, a CSP on HTML. */
export async function securityHeaders(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'same-origin');
  reply.header('x-frame-options', 'DENY');
  const type = String(reply.getHeader('content-type') ?? '');
  if (type.startsWith('text/html')) reply.header('content-security-policy', underQueues(req.url) ? QUEUES_CSP : DASHBOARD_CSP);
}

/** The same headers for responses written to the socket directly (the event stream). */
export const RAW_SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
} as const;
