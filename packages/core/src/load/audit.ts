import type { CheckSpec } from '@pipeline/sql';
import { ChecksFailedError } from '../checks/checks-failed-error.js';
import { runChecks } from '../checks/run-checks.js';
import { toCheckSpecs } from '../checks/to-check-specs.js';
import type { LoadRun, LoadServices, PhaseOptions } from './load-run.js';
import type { AuditResult, StageResult } from './phase-results.js';
import { targetTable } from './stage.js';

/** Checks a keyed strategy cannot do without: a null or repeated key would corrupt the merge. */
function builtInChecks(run: LoadRun): CheckSpec[] {
  const { key, strategy } = run.load.target;
  if (key.length === 0 || (strategy !== 'merge' && strategy !== 'delete-insert')) return [];
  return [
    { kind: 'not_null', columns: key },
    { kind: 'unique', columns: key },
  ];
}

/**
 * Phase 3 (write–audit–publish): the blocking checks run on the run's own staging table. A
 * failure stops the run before anything is published.
 */
export async function audit(run: LoadRun, services: LoadServices, staged: StageResult, options: PhaseOptions = {}): Promise<AuditResult> {
  const { warehouse } = services;
  const specs = [...builtInChecks(run), ...toCheckSpecs(run.load.checks.staging)];
  const checks = await runChecks(warehouse, specs, staged.staging, { key: run.load.target.key, now: services.now(), stage: 'staging' }, options);
  services.logger.child({ phase: 'audit' }).info({ checks: checks.map((c) => ({ name: c.name, passed: c.passed, observed: c.observed })) }, 'staging checks');
  if (checks.some((c) => !c.passed)) throw new ChecksFailedError('staging', checks);

  let rowsMatched = 0;
  if (staged.targetExisted && run.load.target.key.length > 0) {
    const [row] = await warehouse.query<{ count: unknown }>(
      warehouse.dialect.matchedKeyCount(staged.staging, targetTable(run, services), run.load.target.key),
      options,
    );
    rowsMatched = Number(row?.count ?? 0);
  }
  return { checks, rowsMatched };
}
