import { createHash } from 'node:crypto';

/** The phase of a load a remote job runs for; its attempt number is separate. */
export interface RemoteJobKey {
  runId: string;
  loadId: string;
  phase: string;
}

/** EMR allows step and cluster names of up to 256 characters. */
const MAX_NAME = 256;
const PREFIX = 'pipeline:';

function keyPart(key: RemoteJobKey): string {
  const plain = `${key.runId}:${key.loadId}:${key.phase}`;
  const parts = [key.runId, key.loadId, key.phase];
  // A colon inside a part would let two keys share a name; an overlong name would be refused.
  if (parts.every((part) => part.length > 0 && !part.includes(':')) && PREFIX.length + plain.length + 12 <= MAX_NAME) return plain;
  return `#${createHash('sha256').update(JSON.stringify(parts)).digest('hex')}`;
}

/**
 * `pipeline:<runId>:<loadId>:<phase>:a<attempt>`: the name of the step (EMR) or job run (EMR
 * Serverless) of one attempt. EMR has no idempotency token for steps, so the name is how a
 * retry finds what an earlier attempt submitted. Keys too long for EMR's 256 characters, or with
 * a colon in a part, use a hash of the key instead: still unique, still matchable.
 */
export function remoteJobName(key: RemoteJobKey, attempt: number): string {
  return `${PREFIX}${keyPart(key)}:a${attempt}`;
}

/** Whether `name` is the name of some attempt of `key`. */
export function isJobOf(name: string | undefined, key: RemoteJobKey): boolean {
  const prefix = `${PREFIX}${keyPart(key)}:a`;
  return name !== undefined && name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length));
}

/** A deterministic idempotency token for one attempt: sha256 hex, 64 characters (EMR Serverless' limit). */
export function attemptToken(key: RemoteJobKey, attempt: number): string {
  return createHash('sha256').update(JSON.stringify([key.runId, key.loadId, key.phase, attempt])).digest('hex');
}
