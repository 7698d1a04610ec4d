import { hostname } from 'node:os';

const LOCAL = /^local:(\d+)$/;
const QUALIFIED = /^local:(.+):(\d+)$/;

/**
 * `local:<pid>` (what LocalSparkCompute reports) becomes `local:<host>:<pid>`, since a process id
 * means something only on the host that started it. Other ids (EMR steps…) pass unchanged.
 */
export function qualifyExternalId(externalId: string, host: string = hostname()): string {
  const match = LOCAL.exec(externalId);
  return match ? `local:${host}:${match[1]}` : externalId;
}

/** The host and process id of a `local:<host>:<pid>` external id; null for any other id. */
export function parseLocalExternalId(externalId: string | undefined): { host: string; pid: number } | null {
  const match = externalId === undefined ? null : QUALIFIED.exec(externalId);
  return match ? { host: match[1]!, pid: Number(match[2]) } : null;
}
