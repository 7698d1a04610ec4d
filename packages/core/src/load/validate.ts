import { parseTableName, type CheckSpec } from '@pipeline/sql';
import type { CheckResult } from '../checks/check-result.js';
import { ChecksFailedError } from '../checks/checks-failed-error.js';
import { runChecks } from '../checks/run-checks.js';
import { reconciliationOf, toCheckSpecs } from '../checks/to-check-specs.js';
import type { LoadRun, LoadServices, PhaseOptions } from './load-run.js';
import type { ExtractResult, StageResult, ValidateResult } from './phase-results.js';
import { targetTable } from './stage.js';

/** Counts the source rows of the run's interval, the same rows the Spark job was asked to read. */
async function sourceReconciliation(run: LoadRun, services: LoadServices, extract: ExtractResult, options: PhaseOptions): Promise<CheckResult> {
  const { source } = run.load;
  const interval = run.interval && source.incrementalColumn
    ? { column: source.incrementalColumn, start: new Date(run.interval.start), end: new Date(run.interval.end) }
    : undefined;
  const statement = services.warehouse.dialect.sourceRowCount(
    source.table ? { table: parseTableName(source.table, 'source.table', services.warehouse.dialect.name) } : { query: source.query as string },
    interval,
  );
  const [row] = await services.warehouse.query<{ count: unknown }>(statement, options);
  const count = Number(row?.count ?? 0);
  return {
    name: 'reconciliation(source rows = rows read)',
    passed: count === extract.manifest.rowsRead,
    observed: `${count} source rows, ${extract.manifest.rowsRead} read`,
    sample: [],
    stage: 'final',
  };
}

/** Phase 5: checks on the final table after publishing; a failure fails the run. */
export async function validate(
  run: LoadRun,
  services: LoadServices,
  extract: ExtractResult,
  staged: StageResult,
  options: PhaseOptions = {},
): Promise<ValidateResult> {
  const { key } = run.load.target;
  const specs: CheckSpec[] = toCheckSpecs(run.load.checks.final);
  const reconcile = reconciliationOf(run.load.checks.final);
  if (reconcile && key.length > 0) specs.push({ kind: 'reconciliation', against: staged.staging, key });
  const checks = await runChecks(services.warehouse, specs, targetTable(run, services), { key, now: services.now(), stage: 'final', params: run.params }, options);
  if (reconcile) {
    checks.push({
      name: 'reconciliation(rows staged = rows written)',
      passed: staged.rowsCopied === extract.manifest.rowsWritten,
      observed: `${staged.rowsCopied} staged, ${extract.manifest.rowsWritten} written`,
      sample: [],
      stage: 'final',
    });
    if (reconcile.source) checks.push(await sourceReconciliation(run, services, extract, options));
  }
  services.logger.child({ phase: 'validate' }).info({ checks: checks.map((c) => ({ name: c.name, passed: c.passed, observed: c.observed })) }, 'final checks');
  if (checks.some((c) => !c.passed)) throw new ChecksFailedError('final', checks);
  return { checks };
}
