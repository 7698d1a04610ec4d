import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresDialect } from '@pipeline/sql';
import { getPostgresUrl, uniqueName } from '@pipeline/testing';
import { ChecksFailedError } from '../checks/checks-failed-error.js';
import { createLogger } from '../logging/index.js';
import { parsePipeline } from '../pipeline/load-pipelines.js';
import { PostgresWarehouse } from '../warehouse/postgres-warehouse.js';
import { audit } from './audit.js';
import { planLoads } from './run-pipeline.js';
import type { LoadRun, LoadServices } from './load-run.js';
import type { StageResult } from './phase-results.js';

const schema = uniqueName('audit');
let admin: pg.Client;
let warehouse: PostgresWarehouse;

function runFor(yaml: string): LoadRun {
  const definition = parsePipeline('t.yaml', yaml);
  return { runId: 'r1', pipelineId: definition.id, load: definition.loads[0]!, interval: null, params: {}, transformPath: null };
}

function services(): LoadServices {
  return {
    warehouse,
    compute: { kind: 'local', run: () => Promise.reject(new Error('no Spark in this test')) },
    tempDir: '/tmp',
    read: { kind: 'jdbc', url: 'jdbc:postgresql://unused/unused' },
    secretEnv: {},
    logger: createLogger({ level: 'silent' }),
    now: () => new Date('2026-01-02T00:00:00Z'),
  };
}

async function staging(name: string, rows: [number, string | null, string][]): Promise<StageResult> {
  await admin.query(`CREATE TABLE ${schema}.${name} (id bigint, country text, updated_at timestamptz)`);
  for (const row of rows) await admin.query(`INSERT INTO ${schema}.${name} VALUES ($1, $2, $3)`, row);
  return {
    staging: { schema, name },
    targetExisted: false,
    rowsCopied: rows.length,
    columns: [
      { name: 'id', type: { kind: 'int64' }, nullable: true },
      { name: 'country', type: { kind: 'string' }, nullable: true },
      { name: 'updated_at', type: { kind: 'timestamptz' }, nullable: true },
    ],
  };
}

const definition = (orderBy: string) => `id: p
loads:
  - id: l
    source: { table: a.src }
    target: { table: ${schema}.dst, key: [id]${orderBy} }
    checks:
      staging: [ { accepted_values: { country: [US, DE] } } ]
`;

beforeAll(async () => {
  const url = await getPostgresUrl();
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  warehouse = new PostgresWarehouse({ dialect: postgresDialect, connectionString: async () => url });
});

afterAll(async () => {
  await warehouse?.close();
  await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin?.end();
});

describe('audit phase', () => {
  it('passes clean staging and counts nothing matched for a new target', async () => {
    const staged = await staging('clean', [[1, 'US', '2026-01-01T01:00Z'], [2, 'DE', '2026-01-01T02:00Z']]);
    const result = await audit(runFor(definition(', orderBy: updated_at')), services(), staged);
    expect(result).toMatchObject({ duplicatesRemoved: 0, rowsStaged: 2, rowsMatched: 0 });
    expect(result.checks.map((c) => [c.name, c.passed])).toEqual([
      ['unique(id)', true],
      ['not_null(id)', true],
      ['accepted_values(country)', true],
    ]);
  });

  it('resolves repeated keys in SQL, latest by orderBy, when the batch still holds them', async () => {
    const staged = await staging('dups', [
      [1, 'US', '2026-01-01T01:00Z'],
      [1, 'DE', '2026-01-01T05:00Z'],
      [2, 'US', '2026-01-01T02:00Z'],
    ]);
    const result = await audit(runFor(definition(', orderBy: updated_at')), services(), staged);
    expect(result).toMatchObject({ duplicatesRemoved: 1, rowsStaged: 2 });
    expect((await admin.query(`SELECT id::int, country FROM ${schema}.dups ORDER BY id`)).rows).toEqual([
      { id: 1, country: 'DE' },
      { id: 2, country: 'US' },
    ]);
  });

  it('binds run parameters into custom SQL checks, layered pipeline < load < run', async () => {
    const staged = await staging('params', [
      [1, 'US', '2026-01-01T01:00Z'],
      [2, 'DE', '2026-01-01T02:00Z'],
      [3, 'DE', '2026-01-01T03:00Z'],
    ]);
    const pipeline = parsePipeline(
      't.yaml',
      `id: p
params: { country: US, max_id: 1 }
loads:
  - id: l
    source: { table: a.src }
    target: { table: ${schema}.dst, key: [id] }
    params: { max_id: 2 }
    checks:
      staging:
        - custom_sql: { name: ids_in_range, sql: "SELECT id FROM {{ table }} WHERE country = {{ params.country }} AND id > {{ params.max_id }}" }
`,
    );
    const runWith = (params: Record<string, string>) => planLoads({ runId: 'r1', pipeline, interval: null, params })[0]!;

    const passing = await audit(runWith({}), services(), staged);
    expect(passing.checks.find((c) => c.name === 'ids_in_range')).toMatchObject({ passed: true, observed: 0 });

    const error = await audit(runWith({ country: 'DE' }), services(), staged).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChecksFailedError);
    expect((error as ChecksFailedError).results.find((r) => r.name === 'ids_in_range')).toMatchObject({ passed: false, observed: 1, sample: [{ id: '3' }] });
  });

  it('fails on repeated keys it cannot order, and on a failing check, with samples', async () => {
    const staged = await staging('bad', [
      [1, 'US', '2026-01-01T01:00Z'],
      [1, 'US', '2026-01-01T05:00Z'],
      [3, 'Atlantis', '2026-01-01T02:00Z'],
    ]);
    const error = await audit(runFor(definition('')), services(), staged).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChecksFailedError);
    const results = (error as ChecksFailedError).results;
    expect(results.find((r) => r.name === 'unique(id)')).toMatchObject({ passed: false, observed: 1 });
    expect(results.find((r) => r.name === 'accepted_values(country)')).toMatchObject({ passed: false, observed: 1, sample: [{ id: '3', country: 'Atlantis' }] });
    expect((error as ChecksFailedError).code).toBe('E_STAGING_CHECKS');
  });
});
