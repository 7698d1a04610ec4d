import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresDialect } from '@pipeline/sql';
import { getPostgresUrl, uniqueName } from '@pipeline/testing';
import { createLogger } from '../logging/index.js';
import { parsePipeline } from '../pipeline/load-pipelines.js';
import { PostgresWarehouse } from '../warehouse/postgres-warehouse.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { LoadRun, LoadServices } from './load-run.js';
import { audit as auditPhase } from './audit.js';
import { merge } from './merge.js';
import type { AuditResult, ExtractResult, StageResult } from './phase-results.js';

const schema = uniqueName('merge');
let admin: pg.Client;
let warehouse: PostgresWarehouse;

const services = (): LoadServices => ({
  warehouse,
  compute: { kind: 'local', run: () => Promise.reject(new Error('no Spark in this test')) },
  tempDir: '/tmp',
  read: { kind: 'jdbc', url: 'jdbc:postgresql://unused/unused' },
  secretEnv: {},
  logger: createLogger({ level: 'silent' }),
  now: () => new Date(),
});

// A full-refresh append is the strategy a repeated merge would hurt: it adds the rows again.
function appendRun(runId: string): LoadRun {
  const definition = parsePipeline(
    't.yaml',
    `id: p\nloads:\n  - id: events\n    source: { table: a.src }\n    target: { table: ${schema}.events, strategy: append }\n`,
  );
  return { runId, pipelineId: 'p', load: definition.loads[0]!, interval: null, params: {}, transformPath: null };
}

const columns = [
  { name: 'id', type: { kind: 'int64' as const }, nullable: true },
  { name: 'note', type: { kind: 'string' as const }, nullable: true },
];
const extract: ExtractResult = { externalId: 'local:1', outputDir: '/tmp', manifest: { rowsRead: 2, rowsWritten: 2, format: 'csv', files: [], columns } };
const audited: AuditResult = { checks: [], duplicatesRemoved: 0, rowsStaged: 2, rowsMatched: 0, rowsStale: 0 };

async function stagedRows(name: string): Promise<StageResult> {
  await admin.query(`CREATE TABLE ${schema}.${name} (id bigint, note text)`);
  await admin.query(`INSERT INTO ${schema}.${name} VALUES (1, 'a'), (2, 'b')`);
  return { staging: { schema, name }, targetExisted: true, columns, rowsCopied: 2 };
}

beforeAll(async () => {
  const url = await getPostgresUrl();
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`CREATE TABLE ${schema}.events (id bigint, note text)`);
  warehouse = new PostgresWarehouse({ dialect: postgresDialect, connectionString: async () => url });
});

afterAll(async () => {
  await warehouse?.close();
  await admin?.query('DELETE FROM pipeline_audit.load_history WHERE pipeline_id = $1 AND run_id LIKE $2', ['p', `${schema}%`]).catch(() => undefined);
  await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin?.end();
});

const events = async () => (await admin.query(`SELECT id::int, note FROM ${schema}.events ORDER BY id`)).rows;

describe('merge phase', () => {
  it('a retry after a committed merge publishes nothing again and reports what was merged', async () => {
    const run = appendRun(`${schema}-retry`);
    const staged = await stagedRows('stg_retry');
    const first = await merge(run, services(), extract, staged, audited);
    expect(first).toMatchObject({ rowsInserted: 2, rowsUpdated: 0 });
    expect(first.alreadyMerged).toBeUndefined();
    // The worker died before recording the phase; another worker runs it again.
    const second = await merge(run, services(), extract, staged, audited);
    expect(second).toMatchObject({ rowsInserted: 2, rowsUpdated: 0, alreadyMerged: { loadedAt: expect.any(String) } });
    expect(await events()).toEqual([
      { id: 1, note: 'a' },
      { id: 2, note: 'b' },
    ]);
    const audits = await admin.query('SELECT 1 FROM pipeline_audit.load_history WHERE run_id = $1', [run.runId]);
    expect(audits.rowCount).toBe(1);
  });

  it('two attempts at once: one publishes, the other finds it published', async () => {
    await admin.query(`TRUNCATE ${schema}.events`);
    const run = appendRun(`${schema}-race`);
    const staged = await stagedRows('stg_race');
    const results = await Promise.all([merge(run, services(), extract, staged, audited), merge(run, services(), extract, staged, audited)]);
    expect(results.filter((r) => r.alreadyMerged !== undefined)).toHaveLength(1);
    expect(await events()).toHaveLength(2);
  });

  it('a different run of the same load merges again', async () => {
    await admin.query(`TRUNCATE ${schema}.events`);
    const staged = await stagedRows('stg_next');
    await merge(appendRun(`${schema}-a`), services(), extract, staged, audited);
    const next = await merge(appendRun(`${schema}-b`), services(), extract, staged, audited);
    expect(next.alreadyMerged).toBeUndefined();
    expect(await events()).toHaveLength(4);
  });

  it('with orderBy, an older interval merged after a newer one keeps the newer rows and counts what it left out', async () => {
    await admin.query(`CREATE TABLE ${schema}.versions (id bigint PRIMARY KEY, note text, updated_at timestamptz)`);
    await admin.query(`INSERT INTO ${schema}.versions VALUES (1, 'newer', '2026-01-03T00:00Z')`);
    await admin.query(`CREATE TABLE ${schema}.stg_versions (id bigint, note text, updated_at timestamptz)`);
    await admin.query(`INSERT INTO ${schema}.stg_versions VALUES (1, 'older', '2026-01-02T00:00Z'), (2, 'older', '2026-01-02T00:00Z')`);
    const definition = parsePipeline('t.yaml', `id: p\nloads:\n  - id: versions\n    source: { table: a.src }\n    target: { table: ${schema}.versions, key: [id], orderBy: updated_at }\n`);
    const run: LoadRun = { runId: `${schema}-versions`, pipelineId: 'p', load: definition.loads[0]!, interval: null, params: {}, transformPath: null };
    const staged: StageResult = {
      staging: { schema, name: 'stg_versions' },
      targetExisted: true,
      rowsCopied: 2,
      columns: [...columns, { name: 'updated_at', type: { kind: 'timestamptz' }, nullable: true }],
    };
    const audit = await auditPhase(run, services(), staged);
    expect(audit).toMatchObject({ rowsMatched: 1, rowsStale: 1, rowsStaged: 2 });
    const result = await merge(run, services(), { ...extract, manifest: { ...extract.manifest, columns: staged.columns } }, staged, audit);
    expect(result).toMatchObject({ rowsInserted: 1, rowsUpdated: 0, rowsSkipped: 1 });
    expect((await admin.query(`SELECT id::int, note FROM ${schema}.versions ORDER BY id`)).rows).toEqual([
      { id: 1, note: 'newer' },
      { id: 2, note: 'older' },
    ]);
    const [row] = (await admin.query('SELECT rows_inserted::int, rows_updated::int FROM pipeline_audit.load_history WHERE run_id = $1', [run.runId])).rows;
    expect(row).toEqual({ rows_inserted: 1, rows_updated: 0 });
  });

  it('creates the audit table once per warehouse, and again after a merge failed', async () => {
    await admin.query(`TRUNCATE ${schema}.events`);
    // The same warehouse, counting its audit-table DDL, with a transaction that can be made to fail once.
    const ddl: string[] = [];
    let failNext = false;
    const counting: Warehouse = {
      kind: warehouse.kind,
      dialect: warehouse.dialect,
      query: (statement, options) => warehouse.query(statement, options),
      execute: (statement, options) => {
        if (statement.sql.includes('pipeline_audit') && statement.sql.includes('IF NOT EXISTS')) ddl.push(statement.sql);
        return warehouse.execute(statement, options);
      },
      transaction: (statements, options) => {
        if (!failNext) return warehouse.transaction(statements, options);
        failNext = false;
        return Promise.reject(new Error('connection lost'));
      },
      close: () => Promise.resolve(),
    };
    const withCounting = (): LoadServices => ({ ...services(), warehouse: counting });
    const staged = await stagedRows('stg_ddl');
    await merge(appendRun(`${schema}-ddl-a`), withCounting(), extract, staged, audited);
    const once = ddl.length;
    expect(once).toBeGreaterThan(0);
    await merge(appendRun(`${schema}-ddl-b`), withCounting(), extract, staged, audited);
    expect(ddl).toHaveLength(once);
    failNext = true;
    await expect(merge(appendRun(`${schema}-ddl-c`), withCounting(), extract, staged, audited)).rejects.toThrow('connection lost');
    await merge(appendRun(`${schema}-ddl-c`), withCounting(), extract, staged, audited);
    expect(ddl).toHaveLength(2 * once);
    expect(await events()).toHaveLength(6);
  });
});
