import { auditGuard } from '../audit/audit-guard.js';
import { auditInsert } from '../audit/audit-insert.js';
import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { UnknownStrategyError } from '../errors/unknown-strategy-error.js';
import { statementOf } from '../render/statement-of.js';
import type { MergeInput } from '../types/merge-input.js';
import type { Statement } from '../types/statement.js';
import { planMerge } from './plan-merge.js';

/**
 * `[BEGIN, LOCK target, …strategy…, audit guard, audit insert, COMMIT]` as one list, because the
 * Redshift Data API runs a batch as one transaction and cannot hold one open across calls. Any
 * failing statement leaves the target as it was.
 *
 * The target is locked first, by every strategy that matches keys or deletes, because two such
 * merges into one table must not interleave: two runs of a pipeline (`maxActiveRuns` above 1, a
 * manual trigger beside the schedule, a retried old run) may publish at once. Neither
 * PostgreSQL's READ COMMITTED nor Redshift's SNAPSHOT isolation (the default for new clusters and
 * workgroups) stops both from inserting a key that neither sees committed yet, and a target
 * without an enforced unique key then holds it twice. Locked, the second merge waits for the
 * first to commit and then sees its rows. The lock lasts this transaction only: staging, COPY and
 * checks come before it. On PostgreSQL readers go on reading; Redshift's LOCK has one mode, and
 * readers of the target wait for the commit. A plain append takes no lock: appends add up
 * whatever their order, and it needs no more than INSERT on the target.
 *
 * The lock orders merges but not their runs: an older interval retried or reprocessed after a
 * newer one merges last. With `orderBy`, the keyed strategies leave out, under the lock, the
 * staged rows older than the target's version of their key, so the newest version of every row
 * stays whatever the order.
 */
export function mergeTransaction(d: DialectHooks, input: MergeInput): Statement[] {
  const name = String(input?.strategy);
  if (!Object.hasOwn(d.strategies, name)) {
    throw new UnknownStrategyError(name, d.name, Object.keys(d.strategies));
  }
  const strategy = d.strategies[name]!;
  const plan = planMerge(d, input, strategy);
  return [
    statementOf('BEGIN'),
    ...(strategy.locksTarget(plan) ? [statementOf(d.lockTable(plan.target))] : []),
    ...strategy.body(d, plan),
    ...(input.audit === undefined ? [] : [...auditGuard(d, input.audit.runId, input.audit.loadId), auditInsert(d, input.audit)]),
    statementOf('COMMIT'),
  ];
}
