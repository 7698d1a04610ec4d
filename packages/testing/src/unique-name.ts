import { randomBytes } from 'node:crypto';

/**
 * `prefix` plus an underscore and 8 random hex characters: a name no other test (or concurrent
 * run) uses, valid unquoted as a SQL identifier and as a queue name when the prefix is.
 */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}
