import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { redshiftDialect, type Statement } from '@pipeline/sql';
import { createTestSchema, getPostgresUrl, startMoto, startRedshiftDataDouble, uniqueName, type MotoServer, type RedshiftDataDouble, type TestSchema } from '@pipeline/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIfMissing } from './create-if-missing.js';
import { PostgresWarehouse } from './postgres-warehouse.js';
import { RedshiftDataWarehouse } from './redshift-data-warehouse.js';
import type { RedshiftDataOptions } from './redshift-data/redshift-data-options.js';
import { WarehouseLoadError } from './redshift-data/warehouse-load-error.js';
import { WarehouseError } from './warehouse-error.js';

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const ROLE = 'arn:aws:iam::123456789012:role/pipeline-copy';

let url: string;
let moto: MotoServer;
let double: RedshiftDataDouble;
let client: RedshiftDataClient;
let warehouse: RedshiftDataWarehouse;
let postgres: PostgresWarehouse;
let admin: pg.Client;
let s3: S3Client;
let bucket: string;
let testSchema: TestSchema;
let schema: string;
const s3Keys: string[] = [];
const auditRunPrefix = uniqueName('rsdata-run');

const s = (sql: string, params: unknown[] = []): Statement => ({ sql, params });
const count = async (table: string) => (await admin.query(`SELECT count(*)::int AS n FROM ${schema}.${table}`)).rows[0].n as number;

function redshift(options: Partial<RedshiftDataOptions> = {}): RedshiftDataWarehouse {
  return new RedshiftDataWarehouse({ target: { workgroupName: 'wg' }, database: 'dev', client, pollInterval: { initialMs: 5, maxMs: 50 }, ...options });
}

async function putObject(key: string, body: string): Promise<string> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  s3Keys.push(key);
  return `s3://${bucket}/${key}`;
}

beforeAll(async () => {
  url = await getPostgresUrl();
  moto = await startMoto();
  double = await startRedshiftDataDouble({ postgresUrl: url, s3: { endpoint: moto.endpoint, region: REGION }, pageSize: 4 });
  client = new RedshiftDataClient({ endpoint: double.endpoint, region: REGION, credentials: CREDENTIALS });
  warehouse = redshift();
  postgres = new PostgresWarehouse({ dialect: redshiftDialect, connectionString: async () => url });
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
  bucket = uniqueName('wh').replace('_', '-');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  testSchema = await createTestSchema(url, 'rsdata_wh');
  schema = testSchema.schema;
});

afterAll(async () => {
  await admin?.query('DELETE FROM pipeline_audit.load_history WHERE run_id LIKE $1', [`${auditRunPrefix}%`]).catch(() => undefined);
  await testSchema?.drop();
  await admin?.end();
  await postgres?.close();
  await warehouse?.close();
  client?.destroy();
  await double?.stop();
  for (const key of s3Keys) await s3?.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
  await s3?.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  s3?.destroy();
  await moto?.stop();
});

describe('RedshiftDataWarehouse through the SDK and the Data API stand-in', () => {
  const NASTY = ['\\', "'", "\\'", "''", 'O\'Brien\\', 'ünïcödé ✓ 𝄞', 'line\nbreak\ttab', '$1 and :p1', '', null];

  it('round-trips every kind of value exactly, bound and inlined, as PostgresWarehouse reads it', async () => {
    await admin.query(`CREATE TABLE ${schema}.typed (k int, s varchar(65535), n numeric(38,10), big bigint, ts timestamptz, b boolean, f float8, d date)`);
    const values = (k: number, text: string | null) => [k, text, '1234567890123456789012345678.1234567890', 9007199254740993n, new Date('2024-03-01T12:34:56.789Z'), k % 2 === 0, 0.1, '2024-02-29'];
    const insert = (k: number, text: string | null) => s(`INSERT INTO ${schema}.typed VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, values(k, text));
    // Bound: one ExecuteStatement each, values as named parameters (NULL and '' written inline).
    for (const [i, text] of NASTY.entries()) expect(await warehouse.execute(insert(i, text))).toBe(1);
    // Inlined: one BatchExecuteStatement, values through the literal renderer.
    await warehouse.transaction([s('BEGIN'), ...NASTY.map((text, i) => insert(100 + i, text)), s('COMMIT')]);

    const select = s(`SELECT k, s, n, big, ts, b, f, d FROM ${schema}.typed WHERE k >= $1 ORDER BY k`, [0]);
    const rows = await warehouse.query(select);
    expect(rows).toEqual(await postgres.query(select));
    expect(rows.map((r) => r.s)).toEqual([...NASTY, ...NASTY]);
    expect(rows[0]).toEqual({ k: 0, s: '\\', n: '1234567890123456789012345678.1234567890', big: '9007199254740993', ts: new Date('2024-03-01T12:34:56.789Z'), b: true, f: 0.1, d: expect.any(Date) });
    const nullRow = rows.find((r) => r.k === NASTY.length - 1);
    const emptyRow = rows.find((r) => r.k === NASTY.length - 2);
    expect([nullRow?.s, emptyRow?.s]).toEqual([null, '']);
  });

  it('reads a result of several pages', async () => {
    const rows = await warehouse.query<{ i: number; t: string }>(s("SELECT i, 'row ' || i AS t FROM generate_series(1, $1::int) AS i ORDER BY i", [11]));
    expect(rows).toHaveLength(11);
    expect(rows[10]).toEqual({ i: 11, t: 'row 11' });
  });

  it('reports each statement of a transaction, BEGIN and COMMIT as null', async () => {
    await admin.query(`CREATE TABLE ${schema}.counts (id int PRIMARY KEY, v text)`);
    const counts = await warehouse.transaction([
      s('BEGIN'),
      s(`INSERT INTO ${schema}.counts VALUES ($1, $2), ($3, $4)`, [1, 'a', 2, 'b']),
      s(`UPDATE ${schema}.counts SET v = upper(v)`),
      s(`DELETE FROM ${schema}.counts WHERE id = $1`, [2]),
      s('COMMIT'),
    ]);
    expect(counts).toEqual([null, 2, 2, 1, null]);
    expect((await admin.query(`SELECT id, v FROM ${schema}.counts`)).rows).toEqual([{ id: 1, v: 'A' }]);
  });

  it('leaves nothing behind when a transaction fails midway, and says which statement failed', async () => {
    await admin.query(`CREATE TABLE ${schema}.atomic (id int PRIMARY KEY)`);
    await admin.query(`INSERT INTO ${schema}.atomic VALUES (1)`);
    const attempt = warehouse.transaction([s('BEGIN'), s(`DELETE FROM ${schema}.atomic`), s(`INSERT INTO ${schema}.atomic VALUES (5), (5)`), s('COMMIT')]);
    await expect(attempt).rejects.toBeInstanceOf(WarehouseError);
    await expect(attempt).rejects.toThrow(/duplicate key.*statement 2 of 2 in the transaction, all rolled back\) while running: INSERT INTO/s);
    expect((await admin.query(`SELECT id FROM ${schema}.atomic`)).rows).toEqual([{ id: 1 }]);
  });

  it('cancels a long statement on the server when the signal aborts', async () => {
    const sql = `SELECT pg_sleep(30) AS "slept" /* ${uniqueName('cancel')} */`;
    const controller = new AbortController();
    let id = '';
    const running = warehouse.query(s(sql), { signal: controller.signal, onSubmitted: (statementId) => void (id = statementId) });
    await waitFor(async () => (await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1 AND state = 'active'`, [sql])).rows[0].n === 1);
    const started = Date.now();
    controller.abort();
    await expect(running).rejects.toMatchObject({ cancelled: true, code: 'E_WAREHOUSE' });
    expect(Date.now() - started).toBeLessThan(5_000);
    await waitFor(async () => double.statements().find((r) => r.id === id)?.status === 'ABORTED');
    expect((await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1 AND state = 'active'`, [sql])).rows[0].n).toBe(0);
  });

  it('re-attaches to a finished statement instead of running it again', async () => {
    await admin.query(`CREATE TABLE ${schema}.once (id serial, v text)`);
    const insert = s(`INSERT INTO ${schema}.once (v) VALUES ($1)`, ['x']);
    let id: string | undefined;
    expect(await warehouse.execute(insert, { onSubmitted: (statementId) => void (id = statementId) })).toBe(1);
    // The worker died before recording the result; its retry re-attaches with the saved id.
    const submitted = double.statements().length;
    expect(await warehouse.execute(insert, { attachTo: id!, onSubmitted: () => expect.unreachable() })).toBe(1);
    expect(await count('once')).toBe(1);
    expect(double.statements()).toHaveLength(submitted);
    // A transaction attached to a single statement's id is not that call: it submits anew.
    await warehouse.transaction([s('BEGIN'), insert, s('COMMIT')], { attachTo: id! });
    expect(await count('once')).toBe(2);
  });

  it('re-attaches to a running statement and waits for it; an unknown or failed one is submitted anew', async () => {
    await admin.query(`CREATE TABLE ${schema}.later (v int)`);
    const slow = s(`INSERT INTO ${schema}.later SELECT 1 FROM pg_sleep(0.3)`);
    let id = '';
    const first = warehouse.execute(slow, { onSubmitted: (statementId) => void (id = statementId) });
    await waitFor(async () => id !== '');
    expect(await warehouse.execute(slow, { attachTo: id })).toBe(1);
    await first;
    expect(await count('later')).toBe(1);
    expect(await warehouse.execute(slow, { attachTo: '00000000-0000-0000-0000-000000000000' })).toBe(1);
    expect(await count('later')).toBe(2);
    const failing = redshift().execute(s(`INSERT INTO ${schema}.missing_table VALUES (1)`), { onSubmitted: (statementId) => void (id = statementId) });
    await expect(failing).rejects.toThrow(/does not exist/);
    await expect(warehouse.execute(slow, { attachTo: id })).resolves.toBe(1);
    expect(await count('later')).toBe(3);
  });

  it('makes submissions idempotent with the call\'s clientToken', async () => {
    await admin.query(`CREATE TABLE ${schema}.idem (id serial)`);
    const insert = s(`INSERT INTO ${schema}.idem DEFAULT VALUES`);
    const token = uniqueName('phase-attempt');
    await warehouse.execute(insert, { clientToken: token });
    await warehouse.execute(insert, { clientToken: token });
    expect(await count('idem')).toBe(1);
    const sent = double.statements().filter((r) => r.sqls[0] === insert.sql);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.clientToken).toMatch(/^[0-9a-f]{64}$/);
  });

  it('retries a transaction that hit a real serialization conflict (Redshift 1023)', async () => {
    await admin.query(`CREATE TABLE ${schema}.sa (v int); CREATE TABLE ${schema}.sb (v int)`);
    const lockKey = 8_000_000 + Math.floor(Math.random() * 1_000_000);
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    const ids: string[] = [];
    try {
      // Write skew: `other` reads sb and writes sa; the transaction reads sa and writes sb, then
      // waits on a lock `other` holds until it has committed. The later committer fails with 1023.
      await other.query(`SELECT pg_advisory_lock(${lockKey})`);
      await other.query(`BEGIN ISOLATION LEVEL SERIALIZABLE; SELECT count(*) FROM ${schema}.sb; INSERT INTO ${schema}.sa VALUES (1)`);
      const tx = warehouse.transaction(
        [s('BEGIN'), s(`INSERT INTO ${schema}.sb SELECT count(*) FROM ${schema}.sa`), s(`SELECT pg_advisory_xact_lock(${lockKey})`), s('COMMIT')],
        { onSubmitted: (id) => void ids.push(id), clientToken: uniqueName('conflict') },
      );
      await waitFor(async () => (await admin.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`, [lockKey])).rows[0].n === 1);
      await other.query('COMMIT');
      await other.query(`SELECT pg_advisory_unlock(${lockKey})`);
      expect(await tx).toEqual([null, 1, 1, null]);
    } finally {
      await other.end();
    }
    expect(ids).toHaveLength(2);
    const [failed, retried] = ids.map((id) => double.statements().find((r) => r.id === id)!);
    expect(failed!.error).toMatch(/1023.*Serializable isolation violation/);
    expect(retried!.status).toBe('FINISHED');
    expect(failed!.clientToken).not.toBe(retried!.clientToken);
    // The retry ran after the other transaction committed, so it saw its row.
    expect((await admin.query(`SELECT v FROM ${schema}.sb`)).rows).toEqual([{ v: 1 }]);
  });

  describe('COPY from S3', () => {
    const columns = ['id', 'name'];

    it('loads the files of a manifest through execute', async () => {
      await admin.query(`CREATE TABLE ${schema}.loaded (id int, name text)`);
      const a = await putObject('ok/a.csv', '1,"x,y"\n2,\n');
      const b = await putObject('ok/b.csv', '3,""\n');
      const manifest = await putObject('ok/load.manifest', JSON.stringify({ entries: [{ url: a, mandatory: true }, { url: b, mandatory: true }] }));
      const copy = redshiftDialect.copyFromS3({ schema, name: 'loaded' }, columns, { uri: manifest, iamRole: ROLE, format: 'csv', manifest: true });
      expect(await warehouse.execute(copy)).toBe(3);
      expect((await admin.query(`SELECT id, name FROM ${schema}.loaded ORDER BY id`)).rows).toEqual([
        { id: 1, name: 'x,y' },
        { id: 2, name: null },
        { id: 3, name: '' },
      ]);
    });

    it('names the rejected row in the error (Serverless: SYS_LOAD_ERROR_DETAIL)', async () => {
      await admin.query(`CREATE TABLE ${schema}.rejecting (id int, name text)`);
      const file = await putObject('bad/part-0.csv', '1,fine\nfive,"bad row"\n');
      const copy = redshiftDialect.copyFromS3({ schema, name: 'rejecting' }, columns, { uri: `s3://${bucket}/bad/`, iamRole: ROLE, format: 'csv', manifest: false });
      const error = await warehouse.execute(copy).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(WarehouseLoadError);
      const loadError = error as WarehouseLoadError;
      expect(loadError.code).toBe('E_WAREHOUSE_LOAD');
      expect(loadError.rows).toEqual([
        { fileName: file, lineNumber: 2, columnName: 'id', columnType: 'integer', rawValue: null, errorCode: 1216, reason: 'invalid input syntax for type integer: "five"' },
      ]);
      expect(loadError.message).toContain("Load into table 'rejecting' failed");
      expect(loadError.message).toContain(`${file} line 2, column id (integer): invalid input syntax for type integer: "five"`);
      expect(await count('rejecting')).toBe(0);
    });

    it('adds the raw value on a provisioned cluster (STL_LOAD_ERRORS)', async () => {
      await admin.query(`CREATE TABLE ${schema}.rejecting2 (id int, name text)`);
      await putObject('bad2/part-0.csv', '1,fine\nfive,"bad row"\n');
      const provisioned = redshift({ target: { clusterIdentifier: 'cluster-1' }, dbUser: 'loader' });
      const copy = redshiftDialect.copyFromS3({ schema, name: 'rejecting2' }, columns, { uri: `s3://${bucket}/bad2/`, iamRole: ROLE, format: 'csv', manifest: false });
      const error = (await provisioned.execute(copy).catch((err: unknown) => err)) as WarehouseLoadError;
      expect(error.rows).toMatchObject([{ lineNumber: 2, columnName: 'id', rawValue: 'five' }]);
      expect(error.message).toContain('— value "five"');
      expect(double.statements().at(-1)).toMatchObject({ clusterIdentifier: 'cluster-1', dbUser: 'loader', workgroupName: undefined });
    });
  });

  it('runs the generated merge transaction with its audit row, once', async () => {
    const target = { schema, name: 'users' };
    const staging = { schema, name: 'users_stage' };
    const cols = [
      { name: 'user_id', type: { kind: 'int64' as const }, nullable: false },
      { name: 'email', type: { kind: 'string' as const }, nullable: true },
      { name: 'updated_at', type: { kind: 'timestamptz' as const }, nullable: true },
    ];
    // Other suites may be creating the shared audit table on a fresh database right now.
    await createIfMissing(warehouse, redshiftDialect.auditTableDdl());
    for (const statement of [redshiftDialect.createTable(target, cols, ['user_id']), redshiftDialect.createTable(staging, cols, [])]) {
      await warehouse.execute(statement);
    }
    await warehouse.transaction([
      s('BEGIN'),
      s(`INSERT INTO ${schema}.users VALUES ($1, $2, $3), ($4, $5, $6)`, [1, 'old@x', new Date('2024-01-01T00:00:00Z'), 2, 'keep@x', new Date('2024-01-01T00:00:00Z')]),
      s(`INSERT INTO ${schema}.users_stage VALUES ($1, $2, $3), ($4, $5, $6)`, [1, "new'@x\\", new Date('2024-03-01T00:00:00Z'), 3, null, new Date('2024-03-01T00:00:00Z')]),
      s('COMMIT'),
    ]);
    const runId = `${auditRunPrefix}-merge`;
    const statements = redshiftDialect.mergeTransaction({
      strategy: 'merge',
      target,
      staging,
      columns: cols.map((c) => c.name),
      key: ['user_id'],
      audit: {
        runId,
        pipelineId: 'users',
        loadId: 'users',
        intervalStart: new Date('2024-03-01T00:00:00Z'),
        intervalEnd: new Date('2024-03-02T00:00:00Z'),
        strategy: 'merge',
        rowsRead: 2,
        rowsStaged: 2,
        rowsInserted: 1,
        rowsUpdated: 1,
        rowsDeleted: null,
        checks: [{ name: "unique(user_id) 'quoted'", passed: true, observed: 0 }],
      },
    });
    const counts = await warehouse.transaction(statements);
    expect(counts).toHaveLength(statements.length);
    // The MERGE's count: the rows it updated and inserted.
    expect(counts[statements.findIndex((st) => st.sql.startsWith('MERGE'))]).toBe(2);
    const table = await warehouse.query(s(`SELECT user_id, email, updated_at FROM ${schema}.users ORDER BY user_id`));
    expect(table).toEqual([
      { user_id: '1', email: "new'@x\\", updated_at: new Date('2024-03-01T00:00:00Z') },
      { user_id: '2', email: 'keep@x', updated_at: new Date('2024-01-01T00:00:00Z') },
      { user_id: '3', email: null, updated_at: new Date('2024-03-01T00:00:00Z') },
    ]);
    const [audit] = await warehouse.query(redshiftDialect.auditRowLookup(runId, 'users'));
    expect(audit).toMatchObject({ rows_staged: '2', rows_inserted: '1', rows_updated: '1', rows_deleted: null, loaded_at: expect.any(Date) });
    const checks = await warehouse.query(s('SELECT "checks" FROM "pipeline_audit"."load_history" WHERE "run_id" = $1', [runId]));
    expect(checks).toEqual([{ checks: [{ name: "unique(user_id) 'quoted'", passed: true, observed: 0 }] }]);
    // A second attempt of the same merge is refused by the audit guard and changes nothing.
    await expect(warehouse.transaction(statements)).rejects.toThrow(/division by zero/);
    expect(await warehouse.query(s(`SELECT user_id, email, updated_at FROM ${schema}.users ORDER BY user_id`))).toEqual(table);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
