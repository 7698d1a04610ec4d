import { auditGuard } from '../audit/audit-guard.js';
import { auditInsert } from '../audit/audit-insert.js';
import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { UnknownStrategyError } from '../errors/unknown-strategy-error.js';
import { statementOf } from '../render/statement-of.js';
import type { MergeInput } from '../types/merge-input.js';
import type { Statement } from '../types/statement.js';
import { planMerge } from './plan-merge.js';

/**
 * `[BEGIN, …strategy…, audit guard, audit insert, COMMIT]` as one list, because the Redshift Data API runs
 * a batch as one transaction and cannot hold one open across calls. Any failing statement
 * leaves the target as it was.
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
    ...strategy.body(d, plan),
    ...(input.audit === undefined ? [] : [...auditGuard(d, input.audit.runId, input.audit.loadId), auditInsert(d, input.audit)]),
    statementOf('COMMIT'),
  ];
}
