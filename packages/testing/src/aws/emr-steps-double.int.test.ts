import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type MotoServer } from '../moto.js';
import { uniqueName } from '../unique-name.js';
import { venvPython } from '../venv-python.js';
import { startEmrStepsDouble, type EmrStepsDouble } from './emr-steps-double.js';

const REGION = 'us-east-1';

/**
 * A stand-in for spark-submit that does what the load job does to its files: reads the input
 * its spec names, replaces the output folder, prints JSON log lines, and exits as told. It
 * records its arguments and its child's pid (for the cancel test) in its working directory.
 */
const FAKE_SPARK_SUBMIT = `
import json, os, shutil, subprocess, sys, time
args = sys.argv[1:]
open("argv.json", "w").write(json.dumps(args))
spec = json.loads(args[args.index("--spec-json") + 1])
local = lambda uri: uri[len("file://"):]
if spec.get("sleep"):
    child = subprocess.Popen(["sleep", "300"])
    open("child.pid", "w").write(str(child.pid))
    print(json.dumps({"level": "info", "msg": "started"}), file=sys.stderr, flush=True)
    child.wait()
text = open(local(spec["input"])).read()
out = local(spec["out"])
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
open(os.path.join(out, "part-00000.txt"), "w").write(text.upper())
open(os.path.join(out, ".part-00000.txt.crc"), "w").write("x")
print("some log4j line", file=sys.stderr)
if spec.get("exit"):
    print(json.dumps({"level": "error", "msg": "load failed", "code": "E_SPARK_JOB", "detail": "relation missing"}), file=sys.stderr)
    print("Traceback (most recent call last): noise", file=sys.stderr)
sys.exit(spec.get("exit", 0))
`;

let moto: MotoServer;
let s3: S3Client;
let bucket: string;
let dir: string;
let double: EmrStepsDouble;

async function emr<T = Record<string, unknown>>(operation: string, input: Record<string, unknown>): Promise<T> {
  const response = await fetch(double.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `ElasticMapReduce.${operation}` },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as T & { __type?: string; message?: string };
  if (!response.ok) throw Object.assign(new Error(body.message), { type: body.__type, status: response.status });
  return body;
}

function sparkStep(name: string, spec: Record<string, unknown>, action = 'CONTINUE') {
  return {
    Name: name,
    ActionOnFailure: action,
    HadoopJarStep: { Jar: 'command-runner.jar', Args: ['spark-submit', '--deploy-mode', 'cluster', `s3://${bucket}/code/job.py`, '--spec-json', JSON.stringify(spec)] },
  };
}

async function stepState(clusterId: string, stepId: string) {
  const { Step } = await emr<{ Step: { Status: { State: string; FailureDetails?: Record<string, string> } } }>('DescribeStep', { ClusterId: clusterId, StepId: stepId });
  return Step.Status;
}

async function object(key: string): Promise<Buffer | undefined> {
  try {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await Body!.transformToByteArray());
  } catch {
    return undefined;
  }
}

async function keys(prefix: string): Promise<string[]> {
  const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (Contents ?? []).map((o) => o.Key!).sort();
}

function alive(pid: number): boolean {
  return spawnSync('kill', ['-0', String(pid)]).status === 0;
}

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  bucket = uniqueName('double').replace('_', '-');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'code/job.py', Body: 'print(1)' }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'in/data.txt', Body: 'hello' }));
  dir = await mkdtemp(path.join(os.tmpdir(), 'emr-double-test-'));
  const script = path.join(dir, 'spark-submit');
  await writeFile(script, `#!${venvPython()}\n${FAKE_SPARK_SUBMIT}`);
  await chmod(script, 0o755);
  double = await startEmrStepsDouble({ s3Endpoint: moto.endpoint, region: REGION, sparkSubmit: script, jdbcJar: '/dev/null', logUri: `s3://${bucket}/logs/`, killGraceMs: 1_000 });
});

afterAll(async () => {
  await double?.stop();
  s3?.destroy();
  await moto?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the EMR steps stand-in', () => {
  it('runs a step against mirrored S3: inputs down, arguments rewritten, outputs and deletions back up, logs under LogUri', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'out/ok/stale-part.txt', Body: 'old' }));
    const { StepIds } = await emr<{ StepIds: string[] }>('AddJobFlowSteps', {
      JobFlowId: double.clusterId,
      Steps: [sparkStep('ok', { input: `s3://${bucket}/in/data.txt`, out: `s3://${bucket}/out/ok` })],
    });
    const stepId = StepIds[0]!;
    expect(['PENDING', 'RUNNING']).toContain((await stepState(double.clusterId, stepId)).State);
    await double.idle();

    expect((await stepState(double.clusterId, stepId)).State).toBe('COMPLETED');
    expect((await object('out/ok/part-00000.txt'))?.toString()).toBe('HELLO');
    expect(await keys('out/ok/')).toEqual(['out/ok/part-00000.txt']);
    const argv = JSON.parse(await readFile(path.join(double.mirrorDir, stepId, 'container', 'argv.json'), 'utf8')) as string[];
    expect(argv).not.toContain('--deploy-mode');
    expect(argv.slice(0, 2)).toEqual(['--master', 'local[2]']);
    const mirrored = `file://${path.join(double.mirrorDir, stepId, 's3', bucket)}`;
    expect(argv).toContain(`${mirrored}/code/job.py`);
    expect(JSON.parse(argv.at(-1)!)).toEqual({ input: `${mirrored}/in/data.txt`, out: `${mirrored}/out/ok` });
    const stderr = gunzipSync((await object(`logs/${double.clusterId}/steps/${stepId}/stderr.gz`))!).toString();
    expect(stderr).toContain('some log4j line');
  });

  it('reports a failed step with the job\'s error line and its log file', async () => {
    const { StepIds } = await emr<{ StepIds: string[] }>('AddJobFlowSteps', {
      JobFlowId: double.clusterId,
      Steps: [sparkStep('fails', { input: `s3://${bucket}/in/data.txt`, out: `s3://${bucket}/out/fails`, exit: 1 })],
    });
    await double.idle();
    const status = await stepState(double.clusterId, StepIds[0]!);
    expect(status.State).toBe('FAILED');
    expect(status.FailureDetails).toEqual({
      Reason: 'E_SPARK_JOB',
      Message: 'load failed: relation missing',
      LogFile: `s3://${bucket}/logs/${double.clusterId}/steps/${StepIds[0]}/stderr.gz`,
    });
  });

  it('runs one step at a time, cancels a running step by stopping its process group, then runs the next', async () => {
    const clusterId = double.addCluster('cancel-test');
    const { StepIds } = await emr<{ StepIds: string[] }>('AddJobFlowSteps', {
      JobFlowId: clusterId,
      Steps: [
        sparkStep('slow', { input: `s3://${bucket}/in/data.txt`, out: `s3://${bucket}/out/slow`, sleep: true }),
        sparkStep('next', { input: `s3://${bucket}/in/data.txt`, out: `s3://${bucket}/out/next` }),
      ],
    });
    const [slow, next] = StepIds as [string, string];
    const pidFile = path.join(double.mirrorDir, slow, 'container', 'child.pid');
    await expect.poll(() => readFile(pidFile, 'utf8').catch(() => ''), { timeout: 10_000 }).not.toBe('');
    const child = Number(await readFile(pidFile, 'utf8'));
    expect((await stepState(clusterId, next)).State).toBe('PENDING');

    const { CancelStepsInfoList } = await emr<{ CancelStepsInfoList: unknown[] }>('CancelSteps', { ClusterId: clusterId, StepIds: [slow], StepCancellationOption: 'SEND_INTERRUPT' });
    expect(CancelStepsInfoList).toEqual([{ StepId: slow, Status: 'SUBMITTED' }]);
    await expect.poll(() => alive(child), { timeout: 5_000 }).toBe(false);
    await double.idle();
    expect((await stepState(clusterId, slow)).State).toBe('CANCELLED');
    expect((await stepState(clusterId, next)).State).toBe('COMPLETED');
  });

  it('lists steps newest first with state and id filters and markers, and refuses what EMR refuses', async () => {
    const clusterId = double.addCluster('paging');
    const bad = (i: number) => ({ Name: `bad-${i}`, HadoopJarStep: { Jar: 's3://x/custom.jar' } });
    await emr('AddJobFlowSteps', { JobFlowId: clusterId, Steps: Array.from({ length: 55 }, (_, i) => bad(i)) });
    await double.idle();
    const first = await emr<{ Steps: Array<{ Id: string; Name: string }>; Marker?: string }>('ListSteps', { ClusterId: clusterId, StepStates: ['FAILED'] });
    expect(first.Steps).toHaveLength(50);
    expect(first.Steps[0]!.Name).toBe('bad-54');
    const second = await emr<{ Steps: Array<{ Name: string }>; Marker?: string }>('ListSteps', { ClusterId: clusterId, StepStates: ['FAILED'], Marker: first.Marker });
    expect(second.Steps.map((s) => s.Name)).toEqual(['bad-4', 'bad-3', 'bad-2', 'bad-1', 'bad-0']);
    expect(second.Marker).toBeUndefined();
    expect((await emr<{ Steps: unknown[] }>('ListSteps', { ClusterId: clusterId, StepStates: ['COMPLETED'] })).Steps).toEqual([]);
    expect((await emr<{ Steps: Array<{ Id: string }> }>('ListSteps', { ClusterId: clusterId, StepIds: [first.Steps[3]!.Id] })).Steps).toHaveLength(1);

    const tooLong = { Name: 'long', HadoopJarStep: { Jar: 'command-runner.jar', Args: ['spark-submit', 'x'.repeat(10_240)] } };
    await expect(emr('AddJobFlowSteps', { JobFlowId: clusterId, Steps: [tooLong] })).rejects.toMatchObject({ type: 'ValidationException' });
    await expect(emr('DescribeStep', { ClusterId: 'j-NOPE', StepId: 's-NOPE' })).rejects.toMatchObject({ type: 'InvalidRequestException', status: 400 });
    await expect(emr('TerminateJobFlows', {})).rejects.toMatchObject({ type: 'UnknownOperationException' });
  });

  it('runs a transient cluster\'s steps and then terminates it, refusing new steps', async () => {
    const { JobFlowId } = await emr<{ JobFlowId: string }>('RunJobFlow', {
      Name: 'transient',
      LogUri: `s3://${bucket}/transient-logs/`,
      Instances: { KeepJobFlowAliveWhenNoSteps: false, InstanceCount: 1 },
      Steps: [sparkStep('only', { input: `s3://${bucket}/in/data.txt`, out: `s3://${bucket}/out/transient` }, 'TERMINATE_CLUSTER')],
    });
    const { Cluster } = await emr<{ Cluster: { Status: { State: string }; LogUri: string } }>('DescribeCluster', { ClusterId: JobFlowId });
    expect(Cluster.Status.State).toBe('STARTING');
    expect(Cluster.LogUri).toBe(`s3://${bucket}/transient-logs/`);
    const describe = () => emr<{ Cluster: { Status: { State: string } } }>('DescribeCluster', { ClusterId: JobFlowId }).then((r) => r.Cluster.Status.State);
    await expect.poll(describe, { timeout: 20_000 }).toBe('TERMINATED');
    const { Steps } = await emr<{ Steps: Array<{ Status: { State: string } }> }>('ListSteps', { ClusterId: JobFlowId });
    expect(Steps.map((s) => s.Status.State)).toEqual(['COMPLETED']);
    expect(await keys('out/transient/')).toEqual(['out/transient/part-00000.txt']);
    await expect(emr('AddJobFlowSteps', { JobFlowId, Steps: [sparkStep('late', {})] })).rejects.toMatchObject({ type: 'ValidationException' });
    const { Clusters } = await emr<{ Clusters: Array<{ Id: string }> }>('ListClusters', { ClusterStates: ['WAITING', 'RUNNING'] });
    expect(Clusters.map((c) => c.Id)).not.toContain(JobFlowId);
  });
});
