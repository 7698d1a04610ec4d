import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getPostgresUrl,
  startEmrStepsDouble,
  startMoto,
  startRedshiftDataDouble,
  tempDirs,
  type EmrStepsDouble,
  type MotoServer,
  type RedshiftDataDouble,
} from '@pipeline/testing';
import { runCli } from './cli-harness.js';

// The production path, every AWS call through the real SDK clients over HTTP: job code and run
// files in S3 and the warehouse secret in Secrets Manager (moto), the load job as an EMR step
// (the steps stand-in runs it with spark-submit), and every SQL phase through the Redshift Data
// API (the stand-in runs the statements in PostgreSQL, COPY reading the Parquet from S3).

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const id = randomBytes(4).toString('hex');
const src = `aws_src_${id}`;
const dst = `aws_dst_${id}`;
const bucket = `pipeline-aws-${id}`;

let moto: MotoServer;
let emr: EmrStepsDouble;
let dataApi: RedshiftDataDouble;
let admin: pg.Client;
let env: NodeJS.ProcessEnv;
const temp = tempDirs();
const savedEnv = { ...process.env };

const SOURCE = `
CREATE TABLE ${src}.tricky (
  id bigint PRIMARY KEY, s text, n numeric(38,10), b boolean, ts timestamptz, d date, f double precision, i int
);
INSERT INTO ${src}.tricky VALUES
  (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (2, '', 0, false, '1970-01-01T00:00:00Z', '1970-01-01', 0, 0),
  (3, 'quote " and ''single''', 1234567890123456789012345678.0123456789, true, '2026-06-30T23:59:59.123456+02:00', '2026-02-28', 1.5, -2147483648),
  (4, E'comma, tab\\t, newline\\n, backslash \\\\ end', -0.0000000001, true, '1999-12-31T23:59:59.999999Z', '2000-02-29', -1e300, 2147483647),
  (5, 'unicode: Zoë, 東京, 🎉', 99999999999999999999999999.9999999999, false, '2038-01-19T03:14:08Z', '9999-12-31', 1e-300, 42),
  (9223372036854775807, '\\N', 1, true, '2026-01-01T00:00:00Z', '2026-01-01', 3.141592653589793, 7);
`;

async function rows(table: string) {
  return (await admin.query(`SELECT id::text, s, n::text, b, ts, d::text, f, i FROM ${table} ORDER BY id`)).rows;
}

beforeAll(async () => {
  const url = await getPostgresUrl();
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${src}`);
  await admin.query(`CREATE SCHEMA ${dst}`);
  await admin.query(SOURCE);
  // The target exists with the source's types, as a team's table would.
  await admin.query(`CREATE TABLE ${dst}.tricky (LIKE ${src}.tricky INCLUDING ALL)`);

  moto = await startMoto();
  const s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  s3.destroy();
  const parsed = new URL(url);
  const secrets = new SecretsManagerClient({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS });
  const { ARN: secretArn } = await secrets.send(
    new CreateSecretCommand({
      Name: `warehouse-${id}`,
      SecretString: JSON.stringify({ engine: 'postgres', host: parsed.hostname, port: Number(parsed.port || 5432), username: decodeURIComponent(parsed.username) || 'postgres', password: 'unused-with-trust-auth', dbname: parsed.pathname.slice(1) }),
    }),
  );
  secrets.destroy();

  const awsEnv = { AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_DEFAULT_REGION: REGION };
  emr = await startEmrStepsDouble({ s3Endpoint: moto.endpoint, region: REGION, clusters: [`etl-${id}`], logUri: `s3://${bucket}/emr-logs/`, env: awsEnv });
  dataApi = await startRedshiftDataDouble({ postgresUrl: url, s3: { endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS } });

  // The SDK clients read their endpoints from the process environment.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL_S3: moto.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
    AWS_ENDPOINT_URL_EMR: emr.endpoint,
    AWS_ENDPOINT_URL_REDSHIFT_DATA: dataApi.endpoint,
  });
  const dir = await temp.make('aws-pipelines-');
  await writeFile(
    path.join(dir, 'tricky.yaml'),
    `id: tricky\nloads:\n  - id: tricky\n    source: { table: ${src}.tricky }\n    target: { table: ${dst}.tricky, key: [id], strategy: merge }\n    checks:\n      final: [ { unique: [id] }, { reconciliation: true } ]\n`,
  );
  env = {
    ...process.env,
    PIPELINE_PIPELINES_DIR: dir,
    PIPELINE_COMPUTE: 'emr',
    PIPELINE_EMR_CLUSTER_NAME: `etl-${id}`,
    PIPELINE_SPARK_READ: 'jdbc',
    PIPELINE_WAREHOUSE: 'redshift-data',
    PIPELINE_REDSHIFT_WORKGROUP: 'analytics',
    PIPELINE_SECRET_ARN: secretArn,
    PIPELINE_COPY_ROLE_ARN: 'arn:aws:iam::123456789012:role/pipeline-copy',
    PIPELINE_TEMP_DIR: `s3://${bucket}/pipeline`,
    PIPELINE_S3_FORCE_PATH_STYLE: 'true',
    PIPELINE_LOG_LEVEL: 'warn',
  };
}, 120_000);

afterAll(async () => {
  process.env = savedEnv;
  await emr?.stop();
  await dataApi?.stop();
  await moto?.stop();
  await admin?.query(`DROP SCHEMA IF EXISTS ${src} CASCADE`);
  await admin?.query(`DROP SCHEMA IF EXISTS ${dst} CASCADE`);
  await admin?.query(`DELETE FROM pipeline_audit.load_history WHERE pipeline_id = 'tricky' AND run_id LIKE 'tricky.manual.%' AND loaded_at > now() - interval '1 hour'`).catch(() => undefined);
  await admin?.end();
  await temp.removeAll();
});

describe('pipeline run on the AWS path (EMR steps, Redshift Data API, S3, Secrets Manager)', () => {
  it('doctor checks the secret, the Data API, the cluster and the S3 temp dir, and skips local Spark', async () => {
    const result = await runCli(['doctor'], env);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(/ok\s+secrets\s+/);
    expect(result.out).toMatch(/ok\s+warehouse\s+PostgreSQL [\d.]+.* at the Data API \(workgroup analytics\) \(redshift dialect\)/);
    expect(result.out).toMatch(new RegExp(`ok\\s+compute\\s+emr: cluster j-\\w+ "etl-${id}" WAITING`));
    expect(result.out).toMatch(new RegExp(`ok\\s+temp dir\\s+s3://${bucket}/pipeline writable`));
    expect(result.out).not.toMatch(/pyspark|jdbc driver/);
  }, 60_000);

  it('loads every value exactly, audits the load and removes the run files', async () => {
    const result = await runCli(['run', 'tricky', '--json'], env);
    expect(result.code, `${result.out}\n${result.err}`).toBe(0);
    expect(await rows(`${dst}.tricky`)).toEqual(await rows(`${src}.tricky`));

    // One EMR step ran the job; every SQL statement went through the Data API.
    expect(emr.steps(emr.clusterId).map((s) => s.state)).toEqual(['COMPLETED']);
    const sent = dataApi.statements().flatMap((s) => s.sqls).join('\n');
    expect(sent).toMatch(/COPY "pipeline_staging"\."tricky__stg_[0-9a-f]+" .*FROM 's3:\/\/pipeline-aws-[0-9a-f]+\/pipeline\/runs\/tricky\.manual\.[^/]+\/tricky\/copy\.manifest'\s+IAM_ROLE '[^']+'\s+FORMAT AS PARQUET\s+MANIFEST/s);
    expect(sent).toMatch(/MERGE INTO/);

    const runId = /tricky\.manual\.[A-Za-z0-9.]+/.exec(result.out)?.[0];
    expect(runId).toBeDefined();
    const audit = await admin.query('SELECT rows_staged::int, rows_inserted::int, rows_updated::int FROM pipeline_audit.load_history WHERE run_id = $1', [runId]);
    expect(audit.rows).toEqual([{ rows_staged: 6, rows_inserted: 6, rows_updated: 0 }]);

    const s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
    const left = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `pipeline/runs/${runId}/` }));
    const code = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'pipeline/code/' }));
    s3.destroy();
    expect(left.KeyCount ?? 0).toBe(0);
    expect(code.KeyCount ?? 0).toBeGreaterThan(0);
  }, 240_000);
});
