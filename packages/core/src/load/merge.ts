import type { MergeInput, Statement } from '@pipeline/sql';
import { matchesByKey, versionColumns } from './keyed-target.js';
import type { LoadRun, LoadServices, PhaseOptions } from './load-run.js';
import type { AuditResult, ExtractResult, MergeResult, StageResult } from './phase-results.js';
import { targetTable } from './stage.js';
import { createIfMissing, withCreated } from '../warehouse/create-if-missing.js';

/**
 * Phase 4 (publish): one transaction sent as one batch — create the target if it is new, merge by
 * the load's strategy, write the audit row, COMMIT. Any error rolls back and leaves the final
 * table as it was.
 */
export async function merge(
  run: LoadRun,
  services: LoadServices,
  extract: ExtractResult,
  staged: StageResult,
  audited: AuditResult,
  options: PhaseOptions = {},
): Promise<MergeResult> {
  const { warehouse } = services;
  const { target: def } = run.load;
  const target = targetTable(run, services);
  const keyed = matchesByKey(def);
  // As counted when audited: a merge of another run in between can move them. Staged rows older
  // than the target's version of their key are left out by the transaction itself, under its lock.
  const orderBy = versionColumns(def);
  const versioned = orderBy.length > 0;
  const rowsSkipped = versioned ? audited.rowsStale : 0;
  const rowsUpdated = keyed ? audited.rowsMatched - rowsSkipped : 0;
  const rowsInserted = audited.rowsStaged - (keyed ? audited.rowsMatched : 0);
  const intervalColumn = def.intervalColumn ?? run.load.source.incrementalColumn;

  const input: MergeInput = {
    strategy: def.strategy,
    target,
    staging: staged.staging,
    columns: staged.columns.map((c) => c.name),
    key: def.key,
    ...(versioned ? { orderBy } : {}),
    ...(def.strategy === 'append' && run.interval && intervalColumn
      ? { intervalDelete: { column: intervalColumn, start: new Date(run.interval.start), end: new Date(run.interval.end) } }
      : {}),
    audit: {
      runId: run.runId,
      pipelineId: run.pipelineId,
      loadId: run.load.id,
      intervalStart: run.interval ? new Date(run.interval.start) : null,
      intervalEnd: run.interval ? new Date(run.interval.end) : null,
      strategy: def.strategy,
      rowsRead: extract.manifest.rowsRead,
      rowsStaged: audited.rowsStaged,
      rowsInserted,
      rowsUpdated,
      rowsDeleted: null,
      checks: audited.checks,
    },
  };

  const counts = { rowsInserted, rowsUpdated, ...(versioned ? { rowsSkipped } : {}) };
  return withCreated(warehouse, warehouse.dialect.auditTableDdl(), options, () => publish(run, services, input, staged, counts, options));
}

/** Publishes the staged rows in one transaction, unless an earlier attempt of this run did. */
async function publish(
  run: LoadRun,
  services: LoadServices,
  input: MergeInput,
  staged: StageResult,
  counts: Pick<MergeResult, 'rowsInserted' | 'rowsUpdated' | 'rowsSkipped'>,
  options: PhaseOptions,
): Promise<MergeResult> {
  const { warehouse } = services;
  const { dialect } = warehouse;
  const { target: def } = run.load;
  const { target } = input;
  const published = await publishedEarlier(run, services, options);
  if (published) return published;
  const statements = dialect.mergeTransaction(input);
  // A new target's schema may be new too, and other loads into it may be creating it now: it is
  // created ahead of the transaction, where such a race is retried. The table itself is created
  // inside the transaction, so it appears together with its rows.
  const createTarget: Statement[] = [];
  if (!staged.targetExisted) {
    await createIfMissing(warehouse, [dialect.createSchemaIfNotExists(target.schema)], options);
    createTarget.push(dialect.createTable(target, staged.columns, def.key));
  }
  const [begin, ...rest] = statements;
  const transaction = [begin as Statement, ...createTarget, ...rest];
  let results: (number | null)[];
  try {
    results = await warehouse.transaction(transaction, options);
  } catch (err) {
    // The transaction's audit guard fails it when another attempt committed first.
    const raced = await publishedEarlier(run, services, options).catch(() => null);
    if (raced) return raced;
    throw err;
  }
  services.logger.child({ phase: 'merge' }).info({ strategy: def.strategy, ...counts, statements: results.length }, 'merged');
  // replace, and append with an interval, start their body with the transaction's only DELETE.
  const deletes = def.strategy === 'replace' || input.intervalDelete !== undefined;
  const deleteCount = deletes ? (results[transaction.findIndex((s) => s.sql.startsWith('DELETE '))] ?? null) : null;
  return { ...counts, rowsDeleted: deleteCount, createdTarget: !staged.targetExisted };
}

type AuditRowFound = {
  rows_inserted: string | number | null;
  rows_updated: string | number | null;
  rows_deleted: string | number | null;
  loaded_at: Date | string;
};

const count = (v: string | number | null): number | null => (v === null ? null : Number(v));

/**
 * The merge of this run and load as an earlier attempt committed it, or null. A worker can die
 * between COMMIT and recording the phase; its retry must not publish the rows a second time.
 */
async function publishedEarlier(run: LoadRun, services: LoadServices, options: PhaseOptions): Promise<MergeResult | null> {
  const { warehouse } = services;
  const [row] = await warehouse.query<AuditRowFound>(warehouse.dialect.auditRowLookup(run.runId, run.load.id), options);
  if (!row) return null;
  const loadedAt = row.loaded_at instanceof Date ? row.loaded_at.toISOString() : String(row.loaded_at);
  services.logger.child({ phase: 'merge' }).warn({ loadedAt }, 'an earlier attempt already merged this load; not merging again');
  return {
    rowsInserted: count(row.rows_inserted) ?? 0,
    rowsUpdated: count(row.rows_updated) ?? 0,
    rowsDeleted: count(row.rows_deleted),
    // Whether that attempt created the table is not recorded; it exists now either way.
    createdTarget: false,
    alreadyMerged: { loadedAt },
  };
}
