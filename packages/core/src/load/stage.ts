import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseTableName, stagingTableName, type ColumnSpec, type Statement, type TableName } from '@pipeline/sql';
import { checkColumns, toCheckSpecs } from '../checks/to-check-specs.js';
import { LoadInputError } from './load-input-error.js';
import type { LoadRun, LoadServices, PhaseOptions } from './load-run.js';
import type { ExtractResult, StageResult } from './phase-results.js';

/** Schema that holds run-scoped staging tables, apart from the tables analysts query. */
export const STAGING_SCHEMA = 'pipeline_staging';

export function targetTable(run: LoadRun, services: LoadServices): TableName {
  return parseTableName(run.load.target.table, `loads[${run.load.id}].target.table`, services.warehouse.dialect.name);
}

export function stagingTable(run: LoadRun, services: LoadServices): TableName {
  const dialect = services.warehouse.dialect.name;
  return { schema: STAGING_SCHEMA, name: stagingTableName(targetTable(run, services), run.runId, run.load.id, dialect).name };
}

/** Every column the definition relies on must be in the job's output; say which are not. */
function assertColumns(run: LoadRun, columns: ColumnSpec[]): void {
  const present = new Set(columns.map((c) => c.name));
  const { target, checks } = run.load;
  const wanted: [string, string[]][] = [
    ['target.key', target.key],
    ['target.orderBy', target.orderBy ?? []],
    ['checks.staging', checkColumns(toCheckSpecs(checks.staging))],
    ['checks.final', checkColumns(toCheckSpecs(checks.final))],
  ];
  const problems = wanted.flatMap(([where, cols]) => cols.filter((c) => !present.has(c)).map((c) => `${where} names "${c}"`));
  if (problems.length > 0) {
    throw new LoadInputError(
      `load "${run.load.id}": ${problems.join(', ')}, but the ${run.load.transform ? 'transform output' : 'source'} has only: ${[...present].join(', ')}. Fix the definition or the transform.`,
      { code: 'E_LOAD_COLUMNS' },
    );
  }
}

async function* concatenate(files: string[]): AsyncGenerator<Buffer> {
  for (const file of files) {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) yield chunk as Buffer;
  }
}

/** Phase 2: create the run-scoped staging table and load the job's files into it. */
export async function stage(run: LoadRun, services: LoadServices, extract: ExtractResult, options: PhaseOptions = {}): Promise<StageResult> {
  const { warehouse } = services;
  const { dialect } = warehouse;
  const log = services.logger.child({ phase: 'stage' });
  const columns = extract.manifest.columns;
  assertColumns(run, columns);
  const target = targetTable(run, services);
  const staging = stagingTable(run, services);

  const [exists] = await warehouse.query<{ exists: boolean }>(dialect.tableExists(target), options);
  const targetExisted = Boolean(exists?.exists);
  if (targetExisted) {
    const targetColumns = new Set((await warehouse.query<{ column_name: string }>(dialect.describeTable(target), options)).map((r) => r.column_name));
    const missing = columns.map((c) => c.name).filter((c) => !targetColumns.has(c));
    if (missing.length > 0) {
      throw new LoadInputError(
        `load "${run.load.id}": the target ${target.schema}.${target.name} has no column ${missing.map((c) => `"${c}"`).join(', ')} that the data carries. Add the column to the table (ALTER TABLE … ADD COLUMN) or drop it in the transform.`,
        { code: 'E_LOAD_COLUMNS' },
      );
    }
  }

  const prepare: Statement[] = [
    dialect.createSchemaIfNotExists(STAGING_SCHEMA),
    dialect.dropTableIfExists(staging),
    targetExisted ? dialect.createTableLike(staging, target) : dialect.createTable(staging, columns, []),
  ];
  for (const statement of prepare) await warehouse.execute(statement, options);

  const names = columns.map((c) => c.name);
  if (!warehouse.copyFromStdin) throw new LoadInputError(`the ${warehouse.kind} warehouse loads from object storage; local files need a PostgreSQL-protocol warehouse`, { code: 'E_LOAD_COPY' });
  const files = extract.manifest.files.map((f) => path.join(extract.outputDir, f));
  const rowsCopied = await warehouse.copyFromStdin(dialect.copyFromStdin(staging, names), Readable.from(concatenate(files)), options);
  log.info({ rowsCopied, files: files.length }, 'staging loaded');

  return { staging, targetExisted, columns, rowsCopied };
}
