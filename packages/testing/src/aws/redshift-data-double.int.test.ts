import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  type DescribeStatementCommandOutput,
} from '@aws-sdk/client-redshift-data';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type MotoServer } from '../moto.js';
import { getPostgresUrl } from '../postgres-url.js';
import { repoRoot } from '../repo-root.js';
import { createTestSchema, type TestSchema } from '../test-schema.js';
import { uniqueName } from '../unique-name.js';
import { startRedshiftDataDouble, type RedshiftDataDouble } from './redshift-data-double.js';

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const TARGET = { WorkgroupName: 'wg', Database: 'dev' };

let url: string;
let moto: MotoServer;
let double: RedshiftDataDouble;
let client: RedshiftDataClient;
let s3: S3Client;
let admin: pg.Client;
let testSchema: TestSchema;
let schema: string;
let bucket: string;

beforeAll(async () => {
  url = await getPostgresUrl();
  moto = await startMoto();
  double = await startRedshiftDataDouble({ postgresUrl: url, s3: { endpoint: moto.endpoint, region: REGION }, pageSize: 3 });
  client = new RedshiftDataClient({ endpoint: double.endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
  s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
  bucket = uniqueName('rsdata').replace('_', '-');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  testSchema = await createTestSchema(url, 'rsdata');
  schema = testSchema.schema;
});

afterAll(async () => {
  await testSchema?.drop();
  await admin?.end();
  client?.destroy();
  await double?.stop();
  for (const key of ['a.csv', 'b.csv', 'bad.csv', 'load.manifest']) await s3?.send(new DeleteObjectCommand({ Bucket: bucket, Key: `in/${key}` })).catch(() => undefined);
  await s3?.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  s3?.destroy();
  await moto?.stop();
});

async function settle(id: string, seen?: Set<string>): Promise<DescribeStatementCommandOutput> {
  for (;;) {
    const d = await client.send(new DescribeStatementCommand({ Id: id }));
    seen?.add(d.Status!);
    if (d.Status === 'FINISHED' || d.Status === 'FAILED' || d.Status === 'ABORTED') return d;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function run(sql: string, extra: Record<string, unknown> = {}): Promise<DescribeStatementCommandOutput> {
  const { Id } = await client.send(new ExecuteStatementCommand({ ...TARGET, Sql: sql, ...extra }));
  return settle(Id!);
}

describe('the Redshift Data API stand-in, through the real SDK', () => {
  it('runs asynchronously: the call returns, the statement moves through STARTED to FINISHED', async () => {
    const { Id } = await client.send(new ExecuteStatementCommand({ ...TARGET, Sql: 'SELECT pg_sleep(0.3)' }));
    const seen = new Set<string>();
    const d = await settle(Id!, seen);
    expect(seen).toContain('STARTED');
    expect(d).toMatchObject({ Status: 'FINISHED', HasResultSet: true, ResultRows: 1, QueryString: 'SELECT pg_sleep(0.3)', WorkgroupName: 'wg', Database: 'dev' });
    expect(d.Duration).toBeGreaterThan(250_000_000);
    expect(d.CreatedAt).toBeInstanceOf(Date);
  });

  it('binds named parameters as text that PostgreSQL converts in context', async () => {
    const d = await run('SELECT CAST(:n AS int) + 1 AS n, :s AS s', { Parameters: [{ name: 'n', value: '41' }, { name: 's', value: "it's \\ ✓" }] });
    const result = await client.send(new GetStatementResultCommand({ Id: d.Id }));
    expect(result.Records).toEqual([[{ longValue: 42 }, { stringValue: "it's \\ ✓" }]]);
    expect(result.ColumnMetadata?.map((c) => c.typeName)).toEqual(['int4', 'varchar']);
  });

  it('returns typed Field values and pages with NextToken', async () => {
    const d = await run(`SELECT i, i % 2 = 0 AS even, i * 1.5::float8 AS f, CAST(i + 0.1234567891 AS numeric(38,10)) AS q,
      CASE WHEN i = 2 THEN NULL ELSE 'v' || i END AS s, timestamptz '2024-03-01 12:00:00.5+00' + i * interval '1 hour' AS t
      FROM generate_series(1, 7) AS i ORDER BY i`);
    const pages = [];
    let token: string | undefined;
    do {
      const page = await client.send(new GetStatementResultCommand({ Id: d.Id, NextToken: token }));
      pages.push(page);
      token = page.NextToken;
    } while (token);
    expect(pages.map((p) => p.Records?.length)).toEqual([3, 3, 1]);
    expect(pages[0]!.TotalNumRows).toBe(7);
    const rows = pages.flatMap((p) => p.Records ?? []);
    expect(rows[1]).toEqual([
      { longValue: 2 },
      { booleanValue: true },
      { doubleValue: 3 },
      { stringValue: '2.1234567891' },
      { isNull: true },
      { stringValue: '2024-03-01 14:00:00.5+00' },
    ]);
    expect(pages[0]!.ColumnMetadata?.map((c) => [c.name, c.typeName])).toEqual([
      ['i', 'int4'],
      ['even', 'bool'],
      ['f', 'float8'],
      ['q', 'numeric'],
      ['s', 'varchar'],
      ['t', 'timestamptz'],
    ]);
  });

  it('sends 64-bit integers with every digit on the wire', async () => {
    const d = await run('SELECT CAST(9007199254740993 AS bigint) AS big');
    const response = await fetch(double.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RedshiftData.GetStatementResult' },
      body: JSON.stringify({ Id: d.Id }),
    });
    expect(await response.text()).toContain('{"longValue":9007199254740993}');
  });

  it('runs a batch as one transaction and reports each statement', async () => {
    await admin.query(`CREATE TABLE ${schema}.b (id int PRIMARY KEY, v text)`);
    const { Id } = await client.send(
      new BatchExecuteStatementCommand({ ...TARGET, Sqls: [`INSERT INTO ${schema}.b VALUES (1, 'a'), (2, 'b')`, `UPDATE ${schema}.b SET v = upper(v)`, `SELECT v FROM ${schema}.b ORDER BY id`] }),
    );
    const d = await settle(Id!);
    expect(d.Status).toBe('FINISHED');
    expect(d.SubStatements?.map((s) => [s.Id, s.Status, s.ResultRows, s.HasResultSet])).toEqual([
      [`${Id}:1`, 'FINISHED', 2, false],
      [`${Id}:2`, 'FINISHED', 2, false],
      [`${Id}:3`, 'FINISHED', 2, true],
    ]);
    const result = await client.send(new GetStatementResultCommand({ Id: `${Id}:3` }));
    expect(result.Records).toEqual([[{ stringValue: 'A' }], [{ stringValue: 'B' }]]);
    await expect(client.send(new GetStatementResultCommand({ Id }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('rolls a failed batch back entirely', async () => {
    await admin.query(`CREATE TABLE ${schema}.r (id int PRIMARY KEY)`);
    const { Id } = await client.send(
      new BatchExecuteStatementCommand({ ...TARGET, Sqls: [`INSERT INTO ${schema}.r VALUES (1)`, `INSERT INTO ${schema}.r VALUES (1)`, `INSERT INTO ${schema}.r VALUES (3)`] }),
    );
    const d = await settle(Id!);
    expect(d.Status).toBe('FAILED');
    expect(d.Error).toMatch(/^ERROR: duplicate key value violates unique constraint/);
    expect(d.SubStatements?.map((s) => s.Status)).toEqual(['FINISHED', 'FAILED', 'ABORTED']);
    expect((await admin.query(`SELECT count(*)::int AS n FROM ${schema}.r`)).rows[0].n).toBe(0);
  });

  it('reports a serialization failure as Redshift error 1023', async () => {
    await admin.query(`CREATE TABLE ${schema}.sa (v int); CREATE TABLE ${schema}.sb (v int)`);
    const lockKey = 7_000_000 + Math.floor(Math.random() * 1_000_000);
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      // Write skew: this transaction reads sb and writes sa; the batch reads sa and writes sb,
      // then waits on a lock until this one has committed. The later committer must fail.
      await other.query(`SELECT pg_advisory_lock(${lockKey})`);
      await other.query(`BEGIN ISOLATION LEVEL SERIALIZABLE; SELECT count(*) FROM ${schema}.sb; INSERT INTO ${schema}.sa VALUES (1)`);
      const { Id } = await client.send(
        new BatchExecuteStatementCommand({ ...TARGET, Sqls: [`INSERT INTO ${schema}.sb SELECT count(*) FROM ${schema}.sa`, `SELECT pg_advisory_xact_lock(${lockKey})`] }),
      );
      await waitForLockWaiter(lockKey);
      await other.query('COMMIT');
      await other.query(`SELECT pg_advisory_unlock(${lockKey})`);
      const d = await settle(Id!);
      expect(d.Status).toBe('FAILED');
      expect(d.Error).toMatch(/^ERROR: 1023 DETAIL: Serializable isolation violation on table/);
    } finally {
      await other.end();
    }
  });

  it('returns the same statement for a repeated ClientToken, and runs it once', async () => {
    await admin.query(`CREATE TABLE ${schema}.idem (id serial)`);
    const request = { ...TARGET, Sql: `INSERT INTO ${schema}.idem DEFAULT VALUES`, ClientToken: uniqueName('token') };
    const first = await client.send(new ExecuteStatementCommand(request));
    const second = await client.send(new ExecuteStatementCommand(request));
    expect(second.Id).toBe(first.Id);
    await settle(first.Id!);
    expect((await admin.query(`SELECT count(*)::int AS n FROM ${schema}.idem`)).rows[0].n).toBe(1);
    await expect(client.send(new ExecuteStatementCommand({ ...request, Sql: 'SELECT 1' }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('cancels a running statement on the server', async () => {
    const sql = `SELECT pg_sleep(30) /* ${uniqueName('cancel')} */`;
    const { Id } = await client.send(new ExecuteStatementCommand({ ...TARGET, Sql: sql }));
    for (let d = await client.send(new DescribeStatementCommand({ Id })); d.Status !== 'STARTED'; d = await client.send(new DescribeStatementCommand({ Id }))) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitFor(async () => (await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1', [sql])).rows[0].n === 1);
    expect(await client.send(new CancelStatementCommand({ Id }))).toMatchObject({ Status: true });
    expect((await settle(Id!)).Status).toBe('ABORTED');
    await waitFor(async () => (await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1 AND state = 'active'`, [sql])).rows[0].n === 0);
    await expect(client.send(new CancelStatementCommand({ Id }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('answers with the service errors the SDK knows', async () => {
    await expect(client.send(new DescribeStatementCommand({ Id: 'a3b7f1de-0000-0000-0000-000000000000' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(client.send(new ExecuteStatementCommand({ Database: 'dev', Sql: 'SELECT 1' }))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(client.send(new ExecuteStatementCommand({ ...TARGET, Sql: 'SELECT :a', Parameters: [{ name: 'a', value: '' }] }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(client.send(new ExecuteStatementCommand({ ...TARGET, Sql: 'SELECT 1', Parameters: [{ name: 'a', value: 'x' }] }))).rejects.toThrow(/not referenced/);
    const { Id } = await client.send(new ExecuteStatementCommand({ ...TARGET, Sql: 'SELECT pg_sleep(0.5)' }));
    await expect(client.send(new GetStatementResultCommand({ Id }))).rejects.toMatchObject({ name: 'ValidationException' });
    await settle(Id!);
  });

  it('runs the translated Redshift DDL the generator emits', async () => {
    const golden = (name: string) => readFileSync(path.join(repoRoot(), 'packages/sql/src/__golden__/redshift', name), 'utf8').replaceAll('"analytics"', `"${schema}"`);
    const create = await run(golden('create-table-all-types.sql').replace(/;\s*$/, ''));
    expect(create).toMatchObject({ Status: 'FINISHED' });
    const { rows } = await admin.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'all_types' AND column_name IN ('c_binary', 'c_string')`, [schema]);
    expect(rows).toEqual(expect.arrayContaining([{ column_name: 'c_binary', data_type: 'bytea' }, { column_name: 'c_string', data_type: 'character varying' }]));
  });

  describe('COPY from S3', () => {
    beforeAll(async () => {
      await admin.query(`CREATE TABLE ${schema}.stage (id int, name text)`);
      const put = (key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: `in/${key}`, Body: body }));
      await put('a.csv', '1,"a,b"\n2,\n');
      await put('b.csv', '3,""\n');
      await put('bad.csv', '4,ok\nfive,"bad row"\n');
      await put('load.manifest', JSON.stringify({ entries: [{ url: `s3://${bucket}/in/a.csv`, mandatory: true }, { url: `s3://${bucket}/in/b.csv`, mandatory: true }] }));
    });

    it('loads the files a manifest lists, in one statement, with CSV NULL and empty apart', async () => {
      const d = await run(`COPY "${schema}"."stage" ("id", "name")\nFROM 's3://${bucket}/in/load.manifest'\nIAM_ROLE 'arn:aws:iam::123456789012:role/copy'\nFORMAT AS CSV\nMANIFEST`);
      expect(d).toMatchObject({ Status: 'FINISHED', ResultRows: 3 });
      expect((await admin.query(`SELECT id, name FROM ${schema}.stage ORDER BY id`)).rows).toEqual([
        { id: 1, name: 'a,b' },
        { id: 2, name: null },
        { id: 3, name: '' },
      ]);
    });

    it('records the rejected row where Redshift would, and fails the load', async () => {
      const d = await run(`COPY "${schema}"."stage" ("id", "name") FROM 's3://${bucket}/in/bad' IAM_ROLE 'arn:aws:iam::123456789012:role/copy' FORMAT AS CSV`);
      expect(d.Status).toBe('FAILED');
      expect(d.Error).toBe("ERROR: Load into table 'stage' failed. Check 'sys_load_error_detail' system table for details.");
      const sys = await admin.query(`SELECT TRIM(file_name) AS f, line_number, TRIM(column_name) AS c, TRIM(column_type) AS t, error_code, TRIM(error_message) AS m FROM ${double.systemSchema}.sys_load_error_detail WHERE query_id = $1`, [d.RedshiftQueryId]);
      expect(sys.rows).toEqual([{ f: `s3://${bucket}/in/bad.csv`, line_number: '2', c: 'id', t: 'integer', error_code: 1216, m: 'invalid input syntax for type integer: "five"' }]);
      const stl = await admin.query(`SELECT TRIM(raw_field_value) AS v, TRIM(raw_line) AS l FROM ${double.systemSchema}.stl_load_errors WHERE query = $1`, [d.RedshiftQueryId]);
      expect(stl.rows).toEqual([{ v: 'five', l: 'five,"bad row"' }]);
      expect((await admin.query(`SELECT count(*)::int AS n FROM ${schema}.stage WHERE id = 4`)).rows[0].n).toBe(0);
    });

    it('refuses what it cannot emulate instead of loading wrongly', async () => {
      const d = await run(`COPY "${schema}"."stage" FROM 's3://${bucket}/in/a.csv' IAM_ROLE 'arn:aws:iam::123456789012:role/copy' FORMAT AS JSON`);
      expect(d).toMatchObject({ Status: 'FAILED', Error: expect.stringMatching(/CSV and Parquet only/) });
    });
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function waitForLockWaiter(key: number): Promise<void> {
  return waitFor(async () => (await admin.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`, [key])).rows[0].n === 1);
}
