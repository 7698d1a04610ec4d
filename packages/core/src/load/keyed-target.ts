import type { LoadRun } from './load-run.js';

type Target = LoadRun['load']['target'];

/** Whether the load's strategy matches staged rows to target rows by key: merge and delete-insert. */
export function matchesByKey(target: Target): boolean {
  return target.strategy === 'merge' || target.strategy === 'delete-insert';
}

/**
 * The `orderBy` columns where the merge keeps a newer target row from being replaced by an older
 * staged one (the strategies that match by key), else none.
 */
export function versionColumns(target: Target): string[] {
  return matchesByKey(target) ? (target.orderBy ?? []) : [];
}
