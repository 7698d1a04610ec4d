import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseTableName, stagingTableName, type ColumnSpec, type Statement, type TableName } from '@pipeline/sql';
import { checkColumns, toCheckSpecs } from '../checks/to-check-specs.js';
import { LoadInputError } from './load-input-error.js';
import { loadDir, storeOf } from './paths.js';
import { RowCountError } from './row-count-error.js';
import type { LoadRun, LoadServices, PhaseOptions } from './load-run.js';
import type { ExtractResult, StageResult } from './phase-results.js';
import { isS3Uri, joinUri } from '../storage/s3-uri.js';
import { withCreated } from '../warehouse/create-if-missing.js';

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

  // Every load's first stage on a fresh warehouse creates the staging schema at once.
  const prepare: Statement[] = [
    dialect.dropTableIfExists(staging),
    targetExisted ? dialect.createTableLike(staging, target) : dialect.createTable(staging, columns, []),
  ];
  await withCreated(warehouse, [dialect.createSchemaIfNotExists(STAGING_SCHEMA)], options, async () => {
    for (const statement of prepare) await warehouse.execute(statement, options);
  });

  const names = columns.map((c) => c.name);
  const rowsCopied = isS3Uri(extract.outputDir)
    ? await copyFromS3(run, services, extract, staging, names, options)
    : await copyLocalFiles(run, services, extract, staging, names, options);
  log.info({ rowsCopied, files: extract.manifest.files.length }, 'staging loaded');
  if (rowsCopied !== null && rowsCopied !== extract.manifest.rowsWritten) {
    throw new RowCountError(
      `load "${run.load.id}": the Spark job wrote ${extract.manifest.rowsWritten} rows but ${rowsCopied} reached ${staging.schema}.${staging.name}; nothing was published. Retry the run; if it repeats, compare the files in ${extract.outputDir} with the job's manifest.`,
    );
  }

  return { staging, targetExisted, columns, rowsCopied: rowsCopied ?? extract.manifest.rowsWritten };
}

/** Streams the job's local CSV files into `COPY … FROM STDIN`. */
async function copyLocalFiles(run: LoadRun, services: LoadServices, extract: ExtractResult, staging: TableName, names: string[], options: PhaseOptions): Promise<number> {
  const { warehouse } = services;
  if (!warehouse.copyFromStdin) {
    throw new LoadInputError(`load "${run.load.id}": the ${warehouse.kind} warehouse loads from S3 only; run Spark on EMR with an s3:// PIPELINE_TEMP_DIR`, { code: 'E_LOAD_COPY' });
  }
  const files = extract.manifest.files.map((f) => path.join(extract.outputDir, f));
  return warehouse.copyFromStdin(warehouse.dialect.copyFromStdin(staging, names), Readable.from(concatenate(files)), options);
}

/**
 * Redshift reads the job's Parquet files from S3 itself, with its own role, through a COPY
 * manifest that lists exactly the files the job's manifest names: nothing else in the folder
 * (Spark's markers, an earlier attempt's leftovers) is loaded, and a missing file fails the COPY
 * instead of being skipped. Parquet entries carry their size, as Redshift requires.
 */
async function copyFromS3(run: LoadRun, services: LoadServices, extract: ExtractResult, staging: TableName, names: string[], options: PhaseOptions): Promise<number | null> {
  const { warehouse } = services;
  if (!services.copy) {
    throw new LoadInputError(`load "${run.load.id}": loading ${extract.outputDir} needs Redshift's IAM role for COPY: set PIPELINE_COPY_ROLE_ARN`, { code: 'E_LOAD_COPY' });
  }
  if (extract.manifest.files.length === 0 || extract.manifest.rowsWritten === 0) return 0;
  const store = storeOf(services);
  const entries = await Promise.all(
    extract.manifest.files.map(async (file) => {
      const url = joinUri(extract.outputDir, file);
      return { url, mandatory: true, meta: { content_length: await store.size(url) } };
    }),
  );
  const manifestUri = joinUri(loadDir(services.tempDir, run), 'copy.manifest');
  await store.put(manifestUri, JSON.stringify({ entries }, null, 2), { contentType: 'application/json', ...(options.signal ? { signal: options.signal } : {}) });
  const statement = warehouse.dialect.copyFromS3(staging, names, {
    uri: manifestUri,
    iamRole: services.copy.iamRoleArn,
    format: extract.manifest.format,
    manifest: true,
    ...(extract.manifest.format === 'csv' && services.copy.region ? { region: services.copy.region } : {}),
  });
  return warehouse.execute(statement, options);
}
