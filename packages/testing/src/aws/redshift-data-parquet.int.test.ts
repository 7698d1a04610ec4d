import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeStatementCommand, ExecuteStatementCommand, RedshiftDataClient, type DescribeStatementCommandOutput } from '@aws-sdk/client-redshift-data';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type MotoServer } from '../moto.js';
import { getPostgresUrl } from '../postgres-url.js';
import { createTestSchema, type TestSchema } from '../test-schema.js';
import { uniqueName } from '../unique-name.js';
import { venvPython } from '../venv-python.js';
import { startRedshiftDataDouble, type RedshiftDataDouble } from './redshift-data-double.js';

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const TARGET = { WorkgroupName: 'wg', Database: 'dev' };
const ROLE = 'arn:aws:iam::123456789012:role/copy';

// Every column type the load writes, in pyarrow's terms. The file's column names differ from
// the table's on purpose: Redshift maps Parquet columns by position.
const ALL_TYPES = `
rows = [
    (1, None, None, None, None, None, None, None, None, None, None, None),
    (2, "", -32768, -9223372036854775808, -0.0, 5e-324, Decimal("-9999999999999999999999999999.9999999999"),
     date(1, 1, 1), datetime(1970, 1, 1), datetime(1, 1, 1, tzinfo=timezone.utc), False, b""),
    (3, 'unicode é 中文 😀 "q",\\n\\\\ \\\\N', 32767, 9223372036854775807, 0.1, 0.1, Decimal("0.0000000001"),
     date(9999, 12, 31), datetime(2026, 3, 1, 12, 0, 0, 123456), datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=timezone.utc), True, b"\\x00\\xff"),
    (4, "NULL", 0, 2**53 + 1, float("nan"), float("-inf"), Decimal("0E-10"),
     date(2024, 2, 29), datetime(1969, 12, 31, 23, 59, 59, 999999), datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc), None, bytes(range(4))),
]
types = [pa.int32(), pa.string(), pa.int16(), pa.int64(), pa.float32(), pa.float64(), pa.decimal128(38, 10),
         pa.date32(), pa.timestamp("us"), pa.timestamp("us", tz="UTC"), pa.bool_(), pa.binary()]
table = pa.table([pa.array([row[i] for row in rows], t) for i, t in enumerate(types)], names=[f"file_col_{i}" for i in range(len(types))])
`;
const ALL_TYPES_DDL = `(id integer, s varchar(256), i16 smallint, i64 bigint, f32 real, f64 double precision, dec numeric(38,10),
  d date, ts timestamp, tstz timestamptz, b boolean, bin varbyte(100))`;
// What PostgreSQL then holds, as text in a UTC session.
const ALL_TYPES_LOADED = [
  ['1', null, null, null, null, null, null, null, null, null, null, null],
  ['2', '', '-32768', '-9223372036854775808', '-0', '5e-324', '-9999999999999999999999999999.9999999999', '0001-01-01', '1970-01-01 00:00:00', '0001-01-01 00:00:00+00', 'f', '\\x'],
  ['3', 'unicode é 中文 😀 "q",\n\\ \\N', '32767', '9223372036854775807', '0.1', '0.1', '0.0000000001', '9999-12-31', '2026-03-01 12:00:00.123456', '2026-06-30 23:59:59.999999+00', 't', '\\x00ff'],
  ['4', 'NULL', '0', '9007199254740993', 'NaN', '-Infinity', '0.0000000000', '2024-02-29', '1969-12-31 23:59:59.999999', '1969-12-31 23:59:59.999999+00', null, '\\x00010203'],
];

let url: string;
let moto: MotoServer;
let double: RedshiftDataDouble;
let client: RedshiftDataClient;
let s3: S3Client;
let admin: pg.Client;
let testSchema: TestSchema;
let schema: string;
let bucket: string;
let workDir: string;
const keys: string[] = [];

beforeAll(async () => {
  url = await getPostgresUrl();
  moto = await startMoto();
  double = await startRedshiftDataDouble({ postgresUrl: url, s3: { endpoint: moto.endpoint, region: REGION } });
  client = new RedshiftDataClient({ endpoint: double.endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
  s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
  bucket = uniqueName('parquet').replace('_', '-');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query("SET TIME ZONE 'UTC'");
  testSchema = await createTestSchema(url, 'rsparquet');
  schema = testSchema.schema;
  workDir = await mkdtemp(path.join(os.tmpdir(), 'rsparquet-'));
});

afterAll(async () => {
  await testSchema?.drop();
  await admin?.end();
  client?.destroy();
  await double?.stop();
  for (const key of keys) await s3?.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
  await s3?.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  s3?.destroy();
  await moto?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** A Parquet file written by pyarrow from `script`, which builds `table`. */
async function parquet(script: string): Promise<Buffer> {
  const file = path.join(workDir, `${uniqueName('f')}.parquet`);
  const prelude = 'import sys\nfrom datetime import date, datetime, timezone\nfrom decimal import Decimal\nimport pyarrow as pa\nimport pyarrow.parquet as pq\n';
  const result = spawnSync(venvPython(), ['-c', `${prelude}${script}\npq.write_table(table, sys.argv[1])\n`, file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`writing the test's Parquet file failed: ${result.stderr}`);
  return readFile(file);
}

async function put(key: string, body: Uint8Array | string): Promise<string> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  keys.push(key);
  return `s3://${bucket}/${key}`;
}

async function putManifest(key: string, entries: object[]): Promise<string> {
  return put(key, JSON.stringify({ entries }));
}

async function run(sql: string): Promise<DescribeStatementCommandOutput> {
  const { Id } = await client.send(new ExecuteStatementCommand({ ...TARGET, Sql: sql }));
  for (;;) {
    const d = await client.send(new DescribeStatementCommand({ Id }));
    if (d.Status === 'FINISHED' || d.Status === 'FAILED' || d.Status === 'ABORTED') return d;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function createTable(ddl: string): Promise<string> {
  const table = `"${schema}"."${uniqueName('t')}"`;
  expect(await run(`CREATE TABLE ${table} ${ddl}`)).toMatchObject({ Status: 'FINISHED' });
  return table;
}

const copy = (table: string, uri: string, extra = '') => `COPY ${table} FROM '${uri}' IAM_ROLE '${ROLE}' FORMAT AS PARQUET ${extra}`;

async function rowsAsText(table: string): Promise<(string | null)[][]> {
  const { rows } = await admin.query({ text: `SELECT * FROM ${table} ORDER BY 1`, rowMode: 'array', types: { getTypeParser: () => (value: string) => value } });
  return rows as (string | null)[][];
}

describe('COPY … FORMAT AS PARQUET on the Data API stand-in', () => {
  it('loads every type from a prefix, NULL and empty string apart, skipping what Redshift skips', async () => {
    const body = await parquet(ALL_TYPES);
    const prefix = `prefix/${uniqueName('run')}`;
    await put(`${prefix}/part-00000.parquet`, body);
    // Spark's commit marker, local checksums, a folder marker: each would break the load if read.
    await put(`${prefix}/_SUCCESS`, '');
    await put(`${prefix}/.part-00000.parquet.crc`, 'crc');
    await put(`${prefix}/#scratch`, 'x');
    await put(`${prefix}/part-00000.parquet~`, 'x');
    await put(`${prefix}/empty-folder/`, '');
    const table = await createTable(ALL_TYPES_DDL);

    const d = await run(copy(table, `s3://${bucket}/${prefix}/`));

    expect(d).toMatchObject({ Status: 'FINISHED', ResultRows: 4 });
    expect(await rowsAsText(table)).toEqual(ALL_TYPES_LOADED);
  });

  it('loads the files a manifest lists with their content_length, by position onto the column list', async () => {
    const body = await parquet(ALL_TYPES);
    const prefix = `manifest/${uniqueName('run')}`;
    const first = await put(`${prefix}/a.parquet`, body);
    const second = await put(`${prefix}/b.parquet`, body);
    const manifest = await putManifest(`${prefix}/load.manifest`, [
      { url: first, mandatory: true, meta: { content_length: body.length } },
      { url: second, mandatory: true, meta: { content_length: body.length } },
      { url: `s3://${bucket}/${prefix}/gone.parquet`, mandatory: false, meta: { content_length: 1 } },
    ]);
    // The table's columns in another order than the file's: the column list puts them back.
    const table = await createTable(`(bin varbyte(100), b boolean, tstz timestamptz, ts timestamp, d date, dec numeric(38,10), f64 double precision,
      f32 real, i64 bigint, i16 smallint, s varchar(256), id integer)`);
    const columns = '"id", "s", "i16", "i64", "f32", "f64", "dec", "d", "ts", "tstz", "b", "bin"';

    const d = await run(`COPY ${table} (${columns}) FROM '${manifest}' IAM_ROLE '${ROLE}' FORMAT AS PARQUET MANIFEST`);

    expect(d).toMatchObject({ Status: 'FINISHED', ResultRows: 8 });
    const { rows } = await admin.query({ text: `SELECT ${columns} FROM ${table} ORDER BY id`, rowMode: 'array', types: { getTypeParser: () => (value: string) => value } });
    expect(rows).toEqual(ALL_TYPES_LOADED.flatMap((row) => [row, row]));
  });

  describe('refuses as Redshift does, leaving the table untouched', () => {
    let table: string;
    let good: Buffer;
    let goodUri: string;

    beforeAll(async () => {
      table = await createTable('(id integer, s varchar(5), n numeric(38,10))');
      good = await parquet('table = pa.table({"a": pa.array([7], pa.int32()), "b": pa.array(["ok"]), "c": pa.array([None], pa.decimal128(38, 10))})');
      goodUri = await put(`refuse/${uniqueName('good')}.parquet`, good);
      await admin.query(`INSERT INTO ${table} VALUES (0, 'seed', NULL)`);
    });

    async function refused(sql: string): Promise<string> {
      const d = await run(sql);
      expect(d.Status).toBe('FAILED');
      expect(await rowsAsText(table)).toEqual([['0', 'seed', null]]);
      return d.Error!;
    }

    it('a file with another number of columns', async () => {
      const uri = await put(`refuse/${uniqueName('count')}.parquet`, await parquet('table = pa.table({"a": pa.array([1], pa.int32()), "b": pa.array(["x"])})'));
      const error = await refused(copy(table, uri));
      expect(error).toMatch(/^ERROR: Spectrum Scan Error\n/);
      expect(error).toContain(`Unmatched number of columns between table and file. Table columns: 3, Data columns: 2, File name: https://s3.${REGION}.amazonaws.com/${bucket}/`);
    });

    it('a column whose Parquet type does not fit: int64 into integer, another decimal precision', async () => {
      const int64 = await put(`refuse/${uniqueName('int64')}.parquet`, await parquet('table = pa.table({"a": pa.array([1], pa.int64()), "b": pa.array(["x"]), "c": pa.array([None], pa.decimal128(38, 10))})'));
      expect(await refused(copy(table, int64))).toMatch(/code: +15007\n.*has an incompatible Parquet schema for column 'id'\. Column type: INTEGER, Parquet schema:\noptional int64 a/);
      const narrow = await put(`refuse/${uniqueName('dec')}.parquet`, await parquet('table = pa.table({"a": pa.array([1], pa.int32()), "b": pa.array(["x"]), "c": pa.array([None], pa.decimal128(18, 10))})'));
      expect(await refused(copy(table, narrow))).toMatch(/code: +15001\n.*column 'n' has an invalid type length\. Expecting: 16 len in file: 8/);
    });

    it('a string longer in UTF-8 bytes than its VARCHAR, though short enough in characters', async () => {
      const uri = await put(`refuse/${uniqueName('long')}.parquet`, await parquet('table = pa.table({"a": pa.array([1], pa.int32()), "b": pa.array(["ééé"]), "c": pa.array([None], pa.decimal128(38, 10))})'));
      expect(await refused(copy(table, uri))).toContain('The length of the data column s is longer than the length defined in the table. Table: 5, Data: 6');
    });

    it('an object that is no Parquet file, and REGION, which Parquet COPY rejects', async () => {
      const uri = await put(`refuse/${uniqueName('csv')}.parquet`, '1,"x",\n');
      expect(await refused(copy(table, uri))).toMatch(/Spectrum Scan Error[\s\S]*is not a valid Parquet file/);
      expect(await refused(copy(table, goodUri, "REGION 'us-east-1'"))).toBe('ERROR: REGION argument is not supported for PARQUET based COPY');
    });

    it('a manifest entry without meta.content_length, or with the wrong one, and a missing mandatory file', async () => {
      const bare = await putManifest(`refuse/${uniqueName('bare')}.manifest`, [{ url: goodUri, mandatory: true }]);
      expect(await refused(copy(table, bare, 'MANIFEST'))).toMatch(/has no "meta": \{"content_length": <bytes>\}/);
      const wrong = await putManifest(`refuse/${uniqueName('wrong')}.manifest`, [{ url: goodUri, meta: { content_length: good.length + 1 } }]);
      expect(await refused(copy(table, wrong, 'MANIFEST'))).toContain(`meta.content_length is ${good.length + 1} but ${goodUri} has ${good.length} bytes`);
      const missing = await putManifest(`refuse/${uniqueName('missing')}.manifest`, [{ url: `${goodUri}.gone`, mandatory: true, meta: { content_length: 1 } }]);
      expect(await refused(copy(table, missing, 'MANIFEST'))).toMatch(/does not exist .*mandatory manifest entry/);
      const none = await putManifest(`refuse/${uniqueName('none')}.manifest`, [{ url: `${goodUri}.gone`, meta: { content_length: 1 } }]);
      expect(await refused(copy(table, none, 'MANIFEST'))).toMatch(/lists no object that exists/);
    });

    it('a prefix with nothing but hidden files', async () => {
      const prefix = `refuse/${uniqueName('hidden')}`;
      await put(`${prefix}/_SUCCESS`, '');
      expect(await refused(copy(table, `s3://${bucket}/${prefix}/`))).toBe(`ERROR: The specified S3 prefix '${prefix}/' does not exist`);
    });

    it('a row PostgreSQL rejects: recorded in the load-error tables by its row number in the file', async () => {
      const strict = await createTable('(id integer NOT NULL, s varchar(20))');
      // Row 2's newline makes PostgreSQL count an extra line; the row number must not move.
      const uri = await put(`refuse/${uniqueName('row')}.parquet`, await parquet('table = pa.table({"a": pa.array([1, 2, None], pa.int32()), "b": pa.array(["x", "a\\nb", "bad"])})'));

      const d = await run(copy(strict, uri));

      expect(d.Status).toBe('FAILED');
      expect(d.Error).toMatch(/^ERROR: Load into table 't_[0-9a-f]{8}' failed\. Check 'sys_load_error_detail' system table for details\.$/);
      const sys = await admin.query(
        `SELECT TRIM(file_name) AS f, line_number::int AS line, TRIM(column_name) AS c, error_code FROM ${double.systemSchema}.sys_load_error_detail WHERE query_id = $1`,
        [d.RedshiftQueryId],
      );
      expect(sys.rows).toEqual([{ f: uri, line: 3, c: 'id', error_code: 1213 }]);
      const stl = await admin.query(`SELECT TRIM(raw_line) AS l FROM ${double.systemSchema}.stl_load_errors WHERE query = $1`, [d.RedshiftQueryId]);
      expect(stl.rows).toEqual([{ l: ',"bad"' }]);
      expect(await rowsAsText(strict)).toEqual([]);
    });
  });
});
