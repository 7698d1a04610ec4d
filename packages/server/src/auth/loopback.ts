import { isIP } from 'node:net';

/**
 * Whether a listen address only accepts connections from this machine. Anything else (0.0.0.0,
 * ::, a LAN address, a host name that may resolve to one) counts as reachable from outside.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}
