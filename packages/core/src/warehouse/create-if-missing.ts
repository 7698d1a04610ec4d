import type { Statement } from '@pipeline/sql';
import { pause } from '../compute/poll-backoff.js';
import type { CallOptions, Warehouse } from './warehouse.js';
import { WarehouseError } from './warehouse-error.js';

/** Attempts per statement: the first, and the retries that find the other session's object. */
const ATTEMPTS = 3;

/**
 * Runs `CREATE … IF NOT EXISTS` statements that other sessions may run at the same moment: the
 * first loads of a fresh warehouse all create the audit and staging schemas. IF NOT EXISTS is
 * not atomic: two sessions that both find the object missing both create it, and the one that
 * commits second fails on the catalog's unique index (PostgreSQL: 23505 on
 * pg_namespace_nspname_index or pg_type_typname_nsp_index). Running the statement again is safe
 * and sees the object the other session committed, so a failed statement is retried a few times
 * after a short random pause before its error is passed on. A cancelled statement is not retried.
 */
export async function createIfMissing(warehouse: Warehouse, statements: readonly Statement[], options: CallOptions = {}): Promise<void> {
  for (const statement of statements) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await warehouse.execute(statement, options);
        break;
      } catch (err) {
        const cancelled = options.signal?.aborted === true || (err instanceof WarehouseError && err.cancelled);
        if (cancelled || attempt >= ATTEMPTS) throw err;
        await pause(20 + Math.round(80 * Math.random()), options.signal);
      }
    }
  }
}

/** What each warehouse created or found with `withCreated`, by the statements' SQL. */
const created = new WeakMap<Warehouse, Set<string>>();

/**
 * Runs `work` once `statements` exist, creating them with `createIfMissing` only the first time
 * for this warehouse: a worker keeps its warehouse for its whole life, and the shared schemas and
 * the audit table need creating once, not before every phase (on the Data API each statement is
 * a submit and a poll). When `work` fails, perhaps because one of them was dropped since, the
 * warehouse forgets what it created and the next call creates it again.
 */
export async function withCreated<T>(warehouse: Warehouse, statements: readonly Statement[], options: CallOptions, work: () => Promise<T>): Promise<T> {
  const key = statements.map((s) => s.sql).join(';\n');
  if (!created.get(warehouse)?.has(key)) {
    await createIfMissing(warehouse, statements, options);
    created.set(warehouse, (created.get(warehouse) ?? new Set<string>()).add(key));
  }
  try {
    return await work();
  } catch (err) {
    created.delete(warehouse);
    throw err;
  }
}
