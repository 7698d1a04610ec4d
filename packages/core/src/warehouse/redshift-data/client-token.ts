import { createHash } from 'node:crypto';

/**
 * The Data API's ClientToken for one submission: a SHA-256 of the caller's key and the
 * submission's place within the call, in hex. Always 64 characters (the API's maximum), and
 * different for each statement a call submits (a retry after a conflict, a lookup of COPY
 * errors), so none of them is mistaken for a repeat of another.
 */
export function clientTokenFor(key: string, index: number): string {
  return createHash('sha256').update(`${key}\u0000${index}`).digest('hex');
}
