import type { CheckSpec } from '@pipeline/sql';
import type { CheckResult } from '../checks/check-result.js';
import { ChecksFailedError } from '../checks/checks-failed-error.js';
import { runChecks } from '../checks/run-checks.js';
import { toCheckSpecs } from '../checks/to-check-specs.js';
import { matchesByKey, versionColumns } from './keyed-target.js';
import type { LoadRun, LoadServices, PhaseOptions } from './load-run.js';
import type { AuditResult, StageResult } from './phase-results.js';
import { targetTable } from './stage.js';

const keyed = (run: LoadRun) => run.load.target.key.length > 0 && matchesByKey(run.load.target);

/** Checks a keyed strategy cannot do without: a null or repeated key would corrupt the merge. */
function builtInChecks(run: LoadRun): CheckSpec[] {
  if (!keyed(run)) return [];
  const { key } = run.load.target;
  return [
    { kind: 'unique', columns: key },
    { kind: 'not_null', columns: key },
  ];
}

/**
 * Phase 3 (write–audit–publish): the blocking checks run on the run's own staging table. A
 * failure stops the run before anything is published. The Spark job already keeps the latest
 * row per key; should a batch still hold a repeated key and the load has `orderBy`, the same rule
 * is applied in SQL and the checks run again, so the key scan is done once in the usual case.
 */
export async function audit(run: LoadRun, services: LoadServices, staged: StageResult, options: PhaseOptions = {}): Promise<AuditResult> {
  const { warehouse } = services;
  const { dialect } = warehouse;
  const { key, orderBy } = run.load.target;
  const specs = [...builtInChecks(run), ...toCheckSpecs(run.load.checks.staging)];
  const context = { key, now: services.now(), stage: 'staging' as const, params: run.params };
  const log = services.logger.child({ phase: 'audit' });
  let checks: CheckResult[] = await runChecks(warehouse, specs, staged.staging, context, options);

  let duplicatesRemoved = 0;
  let rowsStaged = staged.rowsCopied;
  const uniqueKey = keyed(run) ? checks[0] : undefined;
  if (uniqueKey && !uniqueKey.passed && orderBy) {
    const names = staged.columns.map((c) => c.name);
    await warehouse.transaction([{ sql: 'BEGIN', params: [] }, ...dialect.dedupe(staged.staging, key, orderBy, names), { sql: 'COMMIT', params: [] }], options);
    const [after] = await warehouse.query<{ count: unknown }>(dialect.rowCount(staged.staging), options);
    rowsStaged = Number(after?.count ?? 0);
    duplicatesRemoved = staged.rowsCopied - rowsStaged;
    log.info({ duplicatesRemoved }, 'repeated keys resolved in staging, latest by orderBy kept');
    checks = await runChecks(warehouse, specs, staged.staging, context, options);
  }
  log.info({ checks: checks.map((c) => ({ name: c.name, passed: c.passed, observed: c.observed })) }, 'staging checks');
  if (checks.some((c) => !c.passed)) throw new ChecksFailedError('staging', checks);

  let rowsMatched = 0;
  let rowsStale = 0;
  if (staged.targetExisted && key.length > 0) {
    const versions = versionColumns(run.load.target);
    const [row] = await warehouse.query<{ count: unknown; stale?: unknown }>(dialect.matchedKeyCount(staged.staging, targetTable(run, services), key, versions), options);
    rowsMatched = Number(row?.count ?? 0);
    rowsStale = Number(row?.stale ?? 0);
  }
  return { checks, rowsMatched, rowsStale, duplicatesRemoved, rowsStaged };
}
