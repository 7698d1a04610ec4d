import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { EMRClient } from '@aws-sdk/client-emr';
import { createTestSchema, getPostgresUrl, startEmrStepsDouble, startMoto, uniqueName, type EmrStepsDouble, type MotoServer, type TestSchema } from '@pipeline/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../storage/s3-object-store.js';
import { EmrStepsCompute } from './emr-steps-compute.js';
import { parseEmrStepExternalId } from './remote-external-id.js';
import { findRepoRoot } from './spark-home.js';
import type { SparkJobError } from './spark-job-error.js';
import type { SparkJobResult, SparkJobSpec, SparkManifest } from './spark-job.js';

// The EMR client, unchanged, against the EMR steps stand-in: each step is a real spark-submit of
// the load job, reading PostgreSQL with the credentials of a moto secret and writing to moto's S3.

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const sparkDir = path.join(findRepoRoot()!, 'spark');
const clusterName = uniqueName('etl');

let moto: MotoServer;
let double: EmrStepsDouble;
let s3: S3Client;
let emr: EMRClient;
let bucket: string;
let source: TestSchema;
let secretArn: string;
let dir: string;
let transformPath: string;
const puts: string[] = [];

function spec(runId: string, table: string): SparkJobSpec {
  const base = `s3://${bucket}/runs/${runId}/orders`;
  return {
    runId,
    pipelineId: 'shop',
    loadId: 'orders',
    interval: null,
    source: { table, query: null, incrementalColumn: null },
    read: { kind: 'jdbc', url: 'jdbc:postgresql://127.0.0.1:5432/test', secretArn },
    transform: { path: transformPath },
    params: {},
    dedupe: null,
    output: { dir: `${base}/data`, format: 'csv' },
    manifestPath: `${base}/manifest.json`,
  };
}

function compute(cluster: { id: string } | { name: string } = { id: double.clusterId }) {
  return new EmrStepsCompute({
    cluster,
    codePrefix: `s3://${bucket}/code`,
    client: emr,
    store: new S3ObjectStore({ client: s3 }),
    sparkDir,
    pollInterval: { initialMs: 200, maxMs: 1_000 },
  });
}

/** Live (not zombie) processes of a process group, from /proc: reaping orphans is up to init. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') members.push(Number(entry));
  }
  return members;
}

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'PutObjectCommand') puts.push((args.input as { Key: string }).Key);
      return next(args);
    },
    { step: 'initialize', name: 'recordPuts' },
  );
  bucket = uniqueName('emr').replace('_', '-');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));

  const url = await getPostgresUrl();
  source = await createTestSchema(url, 'emr_source');
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query(`CREATE TABLE ${source.schema}.orders (id bigint, name text, placed_at timestamptz)`);
  await db.query(`INSERT INTO ${source.schema}.orders VALUES (1, 'ann', '2026-01-01T10:00:00Z'), (2, 'bo', '2026-01-02T11:00:00Z'), (3, NULL, NULL)`);
  await db.end();
  const parsed = new URL(url);
  const secrets = new SecretsManagerClient({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS });
  ({ ARN: secretArn } = (await secrets.send(
    new CreateSecretCommand({
      Name: uniqueName('warehouse'),
      SecretString: JSON.stringify({ engine: 'postgres', host: parsed.hostname, port: Number(parsed.port || 5432), username: decodeURIComponent(parsed.username), password: 'not-needed-by-trust-auth', dbname: parsed.pathname.slice(1) }),
    }),
  )) as { ARN: string });
  secrets.destroy();

  dir = await mkdtemp(path.join(os.tmpdir(), 'emr-int-'));
  transformPath = path.join(dir, 'shout.py');
  await writeFile(transformPath, 'from pyspark.sql import functions as F\n\ndef transform(df, ctx):\n    return df.withColumn("name", F.upper("name"))\n');

  double = await startEmrStepsDouble({
    s3Endpoint: moto.endpoint,
    region: REGION,
    clusters: [clusterName],
    logUri: `s3://${bucket}/emr-logs/`,
    killGraceMs: 3_000,
    env: { AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_DEFAULT_REGION: REGION },
  });
  emr = new EMRClient({ endpoint: double.endpoint, region: REGION, credentials: CREDENTIALS });
});

afterAll(async () => {
  await double?.stop();
  emr?.destroy();
  s3?.destroy();
  await moto?.stop();
  await source?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('EmrStepsCompute on the EMR steps stand-in', () => {
  const runId = uniqueName('run');
  let first: SparkJobResult;
  let codePuts: string[];

  beforeAll(async () => {
    first = await compute({ name: clusterName }).run({ spec: spec(runId, `${source.schema}.orders`), workDir: dir, phase: 'extract-transform', attempt: 1 });
    codePuts = puts.filter((key) => key.startsWith('code/'));
  });

  it('runs the load job as a step: output and manifest land in S3, the transform came from the uploaded zip', async () => {
    const ref = parseEmrStepExternalId(first.externalId)!;
    expect(ref.clusterId).toBe(double.clusterId);
    expect(first.logUri).toBe(`s3://${bucket}/emr-logs/${ref.clusterId}/steps/${ref.stepId}/`);
    const store = new S3ObjectStore({ client: s3 });
    const manifest = JSON.parse((await store.get(`s3://${bucket}/runs/${runId}/orders/manifest.json`)).toString()) as SparkManifest;
    expect(manifest).toMatchObject({ rowsRead: 3, rowsWritten: 3, format: 'csv' });
    const parts = await store.list(`s3://${bucket}/runs/${runId}/orders/data`);
    expect(parts.map((uri) => uri.split('/').at(-1))).toEqual(expect.arrayContaining(manifest.files));
    const lines = (await Promise.all(manifest.files.map((file) => store.get(`s3://${bucket}/runs/${runId}/orders/data/${file}`)))).join('').split('\n').filter(Boolean).sort();
    expect(lines).toEqual(['1,"ANN",2026-01-01T10:00:00.000000Z', '2,"BO",2026-01-02T11:00:00.000000Z', '3,,']);
    expect(codePuts.map((key) => key.split('/').at(-1))).toEqual(['pipeline_spark.zip', 'load_job.py', 'connectivity_check.py']);
    const step = double.steps(ref.clusterId).find((s) => s.id === ref.stepId)!;
    expect(step.name).toBe(`pipeline:${runId}:orders:extract-transform:a1`);
    expect(step.args.join(' ')).not.toContain('not-needed-by-trust-auth');
    const stderr = gunzipSync(await store.get(`${first.logUri}stderr.gz`)).toString();
    expect(stderr).toContain('"msg": "read the warehouse credentials"');
    expect(stderr).not.toContain('not-needed-by-trust-auth');
  });

  it('reconnects a retry of the same run, load and phase to the completed step instead of submitting another', async () => {
    const before = double.steps(double.clusterId).length;
    const recorded: string[] = [];
    const byName = await compute().run({ spec: spec(runId, `${source.schema}.orders`), workDir: dir, phase: 'extract-transform', attempt: 2 }, { onSubmitted: (id) => void recorded.push(id) });
    const byId = await compute().run({ spec: spec(runId, `${source.schema}.orders`), workDir: dir, phase: 'extract-transform', attempt: 3, previousExternalId: first.externalId });
    expect(byName.externalId).toBe(first.externalId);
    expect(byId.externalId).toBe(first.externalId);
    expect(recorded).toEqual([first.externalId]);
    expect(double.steps(double.clusterId)).toHaveLength(before);
  });

  it('reports a failing job with FailureDetails and its log location, reusing the uploaded code', async () => {
    const putsBefore = puts.length;
    const failing = compute().run({ spec: spec(uniqueName('run'), `${source.schema}.missing_table`), workDir: dir, phase: 'extract-transform', attempt: 1 });
    const err = (await failing.then(() => undefined, (e: unknown) => e)) as SparkJobError;
    expect(err).toMatchObject({ name: 'SparkJobError', code: 'E_SPARK_JOB', retryable: true });
    expect(err.details?.reason).toBe('E_SPARK_JOB');
    expect(err.details?.message).toContain('missing_table');
    const logUri = err.details!.logUri!;
    expect(logUri).toMatch(new RegExp(`^s3://${bucket}/emr-logs/${double.clusterId}/steps/s-[A-Z0-9]+/$`));
    expect(err.details?.logFile).toBe(`${logUri}stderr.gz`);
    expect(await new S3ObjectStore({ client: s3 }).exists(err.details!.logFile!)).toBe(true);
    expect(puts.slice(putsBefore).filter((key) => key.startsWith('code/'))).toEqual([]);
  });
});

describe('cancelling a step', () => {
  it('sends CancelSteps and the job\'s whole process group is gone', async () => {
    const controller = new AbortController();
    let stepId: string | undefined;
    const running = compute().run(
      { spec: spec(uniqueName('run'), `${source.schema}.orders`), workDir: dir, phase: 'extract-transform', attempt: 1 },
      { signal: controller.signal, onSubmitted: (id) => void (stepId = parseEmrStepExternalId(id)!.stepId) },
    );
    const pid = await expect
      .poll(() => double.steps(double.clusterId).find((s) => s.id === stepId)?.pid, { timeout: 30_000, interval: 100 })
      .toBeGreaterThan(0)
      .then(() => double.steps(double.clusterId).find((s) => s.id === stepId)!.pid!);
    await expect.poll(() => groupMembers(pid).length, { timeout: 10_000 }).toBeGreaterThan(1);
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'E_CANCELLED' });
    await expect.poll(() => groupMembers(pid), { timeout: 10_000 }).toEqual([]);
    await expect.poll(() => double.steps(double.clusterId).find((s) => s.id === stepId)?.state, { timeout: 10_000 }).toBe('CANCELLED');
  });
});

describe('finding the cluster by name', () => {
  it('refuses a name no active cluster has, and one that several share, listing them', async () => {
    const name = uniqueName('dup');
    const ids = [double.addCluster(name), double.addCluster(name)];
    const request = { spec: spec(uniqueName('run'), `${source.schema}.orders`), workDir: dir, phase: 'extract-transform', attempt: 1 };
    await expect(compute({ name: uniqueName('absent') }).run(request)).rejects.toMatchObject({ code: 'E_EMR_CLUSTER', message: expect.stringContaining('No active EMR cluster is named') });
    const err = await compute({ name }).run(request).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ code: 'E_EMR_CLUSTER', message: expect.stringContaining('2 active EMR clusters') });
    for (const id of ids) expect(err.message).toContain(id);
  });
});
