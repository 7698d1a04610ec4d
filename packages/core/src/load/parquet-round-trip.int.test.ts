import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { redshiftDialect, type TableName } from '@pipeline/sql';
import { createTestSchema, getPostgresUrl, startMoto, startRedshiftDataDouble, uniqueName, type MotoServer, type RedshiftDataDouble, type TestSchema } from '@pipeline/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSparkCompute } from '../compute/local-spark-compute.js';
import { localSparkPaths } from '../compute/spark-home.js';
import type { SparkJobSpec, SparkManifest } from '../compute/spark-job.js';
import { RedshiftDataWarehouse } from '../warehouse/redshift-data-warehouse.js';

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const ROLE = 'arn:aws:iam::123456789012:role/pipeline-copy';
const JDBC_JAR = process.env.PIPELINE_JDBC_JAR ?? '/usr/share/java/postgresql.jar';

// A source with every column type a load carries, and the values that break lossy paths: NULL
// next to '', quotes, newlines, backslashes, unicode, numeric(38,10) extremes, int64 beyond
// 2^53, float edge cases, microsecond timestamps with and without zone, bytes.
const SOURCE_DDL = `(id bigint, s text, i16 smallint, i32 integer, i64 bigint, f32 real, f64 double precision,
  dec numeric(38,10), d date, ts timestamp, tstz timestamptz, b boolean, bin bytea)`;
const SOURCE_ROWS = `
  (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (2, '', -32768, -2147483648, -9223372036854775808, '-0', 5e-324, -9999999999999999999999999999.9999999999,
   '0001-01-01', '1970-01-01 00:00:00', '0001-01-01 00:00:00+00', false, ''::bytea),
  (3, E'unicode é 中文 😀 "q",\\n\\\\N \\\\', 32767, 2147483647, 9223372036854775807, 0.1, 0.1, 0.0000000001,
   '9999-12-31', '2026-03-01 12:00:00.123456', '2026-06-30 23:59:59.999999+00', true, '\\x00ff'::bytea),
  (4, 'NULL', 0, 0, 9007199254740993, 'NaN', '-Infinity', 9999999999999999999999999999.9999999999,
   '2024-02-29', '1969-12-31 23:59:59.999999', '2026-01-01 00:00:00.000001+05:30', NULL, '\\x000102'::bytea),
  (5, ' ', 1, 1, -9007199254740993, 'Infinity', 1e300, -0.0000000001, '1582-10-04', '2038-01-19 03:14:08', NULL, true, NULL)`;

let url: string;
let moto: MotoServer;
let double: RedshiftDataDouble;
let client: RedshiftDataClient;
let warehouse: RedshiftDataWarehouse;
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
  client = new RedshiftDataClient({ endpoint: double.endpoint, region: REGION, credentials: CREDENTIALS });
  warehouse = new RedshiftDataWarehouse({ target: { workgroupName: 'wg' }, database: 'dev', client, pollInterval: { initialMs: 5, maxMs: 50 } });
  s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
  bucket = uniqueName('roundtrip').replace('_', '-');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query("SET TIME ZONE 'UTC'");
  testSchema = await createTestSchema(url, 'parquet_rt');
  schema = testSchema.schema;
  workDir = await mkdtemp(path.join(os.tmpdir(), 'parquet-rt-'));
});

afterAll(async () => {
  await testSchema?.drop();
  await admin?.end();
  await warehouse?.close();
  client?.destroy();
  await double?.stop();
  for (const key of keys) await s3?.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
  await s3?.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  s3?.destroy();
  await moto?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** The job's JDBC read of this test's database; the password, if any, travels in the environment. */
function jdbcRead(): { read: SparkJobSpec['read']; secretEnv: Record<string, string> } {
  const u = new URL(url);
  const read = { kind: 'jdbc' as const, url: `jdbc:postgresql://${u.hostname}:${u.port || 5432}${u.pathname}`, user: decodeURIComponent(u.username) };
  if (!u.password) return { read, secretEnv: {} };
  return { read: { ...read, passwordEnv: 'PIPELINE_JDBC_PASSWORD' }, secretEnv: { PIPELINE_JDBC_PASSWORD: decodeURIComponent(u.password) } };
}

/** Every row as PostgreSQL's JSON of it, in id order: text that tells -0 from 0 and '' from NULL. */
async function rowsOf(table: string): Promise<string[]> {
  const { rows } = await admin.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${table} t ORDER BY id`);
  return rows.map((r) => r.row);
}

describe('Spark → Parquet → S3 → COPY FORMAT AS PARQUET, end to end', () => {
  it('loads a table equal, value for value, to the source it was read from', { timeout: 180_000 }, async () => {
    await admin.query(`CREATE TABLE ${schema}.source ${SOURCE_DDL}`);
    await admin.query(`INSERT INTO ${schema}.source VALUES ${SOURCE_ROWS}`);
    const spark = localSparkPaths();
    const compute = new LocalSparkCompute({ sparkSubmit: spark.sparkSubmit, python: spark.python, sparkDir: spark.sparkDir!, jdbcJar: JDBC_JAR });
    const out = path.join(workDir, 'run');
    const { read, secretEnv } = jdbcRead();
    const spec: SparkJobSpec = {
      runId: uniqueName('run'),
      pipelineId: 'parquet-round-trip',
      loadId: 'source',
      interval: null,
      source: { table: `${schema}.source`, query: null, incrementalColumn: null },
      read,
      transform: null,
      params: {},
      dedupe: null,
      output: { dir: path.join(out, 'data'), format: 'parquet' },
      manifestPath: path.join(out, 'manifest.json'),
    };

    await compute.run({ spec, workDir: path.join(out, 'work'), secretEnv });

    const manifest = JSON.parse(await readFile(spec.manifestPath, 'utf8')) as SparkManifest;
    expect(manifest).toMatchObject({ rowsRead: 5, rowsWritten: 5, format: 'parquet' });
    // What a job writes to S3 on EMR: the data files and Spark's _SUCCESS; here also the local
    // file system's .crc files, which a prefix COPY must skip as well.
    const prefix = `runs/${spec.runId}/data`;
    const written = await readdir(spec.output.dir);
    expect(written).toEqual(expect.arrayContaining(['_SUCCESS', ...manifest.files]));
    for (const name of written) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/${name}`, Body: await readFile(path.join(spec.output.dir, name)) }));
      keys.push(`${prefix}/${name}`);
    }
    const entries = await Promise.all(
      manifest.files.map(async (name) => ({ url: `s3://${bucket}/${prefix}/${name}`, mandatory: true, meta: { content_length: (await stat(path.join(spec.output.dir, name))).size } })),
    );
    const manifestKey = `runs/${spec.runId}/copy.manifest`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: manifestKey, Body: JSON.stringify({ entries }) }));
    keys.push(manifestKey);

    const columns = manifest.columns.map((c) => c.name);
    const byPrefix: TableName = { schema, name: 'by_prefix' };
    const byManifest: TableName = { schema, name: 'by_manifest' };
    for (const table of [byPrefix, byManifest]) await warehouse.execute(redshiftDialect.createTable(table, manifest.columns, []));
    const fromPrefix = await warehouse.execute(redshiftDialect.copyFromS3(byPrefix, columns, { uri: `s3://${bucket}/${prefix}/`, iamRole: ROLE, format: 'parquet' }));
    const fromManifest = await warehouse.execute(
      redshiftDialect.copyFromS3(byManifest, columns, { uri: `s3://${bucket}/${manifestKey}`, iamRole: ROLE, format: 'parquet', manifest: true }),
    );

    expect([fromPrefix, fromManifest]).toEqual([5, 5]);
    const source = await rowsOf(`${schema}.source`);
    expect(source).toHaveLength(5);
    expect(await rowsOf(`${schema}.by_prefix`)).toEqual(source);
    expect(await rowsOf(`${schema}.by_manifest`)).toEqual(source);
  });
});
