import {
  AddJobFlowStepsCommand,
  CancelStepsCommand,
  DescribeClusterCommand,
  DescribeStepCommand,
  EMRClient,
  EMRServiceException,
  ListClustersCommand,
  ListStepsCommand,
  RunJobFlowCommand,
  type StepState,
} from '@aws-sdk/client-emr';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../storage/local-object-store.js';
import { EmrStepsCompute, type EmrStepsComputeOptions } from './emr-steps-compute.js';
import { findRepoRoot } from './spark-home.js';
import type { SparkJobSpec } from './spark-job.js';

// State sequences a real cluster produces over minutes (and the stand-in only with a real job):
// throttling, INTERRUPTED, external cancellation, timing of the polls.

const emr = mockClient(EMRClient);
const sparkDir = path.join(findRepoRoot()!, 'spark');
const NAME = 'pipeline:r1:orders:extract-transform:a1';
let dir: string;

const spec: SparkJobSpec = {
  runId: 'r1',
  pipelineId: 'p',
  loadId: 'orders',
  interval: null,
  source: { table: 'public.orders', query: null, incrementalColumn: null },
  read: { kind: 'jdbc', url: 'jdbc:postgresql://wh:5432/dw', secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dw' },
  transform: null,
  params: {},
  dedupe: null,
  output: { dir: 's3://bucket/runs/r1/orders/data', format: 'csv' },
  manifestPath: 's3://bucket/runs/r1/orders/manifest.json',
};

function awsError(name: string, fault: 'client' | 'server', extra: Record<string, unknown> = {}) {
  return Object.assign(new EMRServiceException({ name, $fault: fault, $metadata: { httpStatusCode: fault === 'client' ? 400 : 500 }, message: `${name} from AWS` }), extra);
}

function step(state: StepState, extra: Record<string, unknown> = {}) {
  return { Step: { Id: 's-1', Name: NAME, Status: { State: state, ...extra } }, $metadata: {} };
}

function compute(options: Partial<EmrStepsComputeOptions> = {}) {
  return new EmrStepsCompute({
    cluster: { id: 'j-1' },
    codePrefix: path.join(dir, 'code'),
    store: new LocalObjectStore(),
    client: new EMRClient({ region: 'us-east-1' }),
    sparkDir,
    pollInterval: { initialMs: 20, maxMs: 40, factor: 2, jitter: 0 },
    ...options,
  });
}

function request(extra: Record<string, unknown> = {}) {
  return { spec, workDir: dir, phase: 'extract-transform', attempt: 1, ...extra };
}

beforeEach(async () => {
  emr.reset();
  dir = await mkdtemp(path.join(os.tmpdir(), 'emr-steps-'));
  emr.on(DescribeClusterCommand).resolves({ Cluster: { Id: 'j-1', LogUri: 's3n://logs/emr/' } });
  emr.on(ListStepsCommand).resolves({ Steps: [] });
  emr.on(AddJobFlowStepsCommand).resolves({ StepIds: ['s-1'] });
  emr.on(CancelStepsCommand).resolves({ CancelStepsInfoList: [{ StepId: 's-1', Status: 'SUBMITTED' }] });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('EmrStepsCompute', () => {
  it('submits a named step, records its id before waiting, and polls PENDING → RUNNING → COMPLETED with growing waits', async () => {
    const events: string[] = [];
    emr.on(DescribeStepCommand).callsFake(async () => {
      events.push('describe');
      return [step('PENDING'), step('RUNNING'), step('COMPLETED')][events.filter((e) => e === 'describe').length - 1] ?? step('COMPLETED');
    });
    const started = Date.now();

    const result = await compute().run(request(), { onSubmitted: (id) => void events.push(`submitted ${id}`) });

    expect(Date.now() - started).toBeGreaterThanOrEqual(20 + 40);
    expect(result).toEqual({ externalId: 'emr:j-1:s-1', logUri: 's3n://logs/emr/j-1/steps/s-1/' });
    expect(events).toEqual(['submitted emr:j-1:s-1', 'describe', 'describe', 'describe']);
    const [{ args }] = emr.commandCalls(AddJobFlowStepsCommand);
    const submitted = args[0].input.Steps![0]!;
    expect(submitted.Name).toBe(NAME);
    expect(submitted.ActionOnFailure).toBe('CONTINUE');
    const stepArgs = submitted.HadoopJarStep!.Args!;
    expect(stepArgs.slice(0, 3)).toEqual(['spark-submit', '--deploy-mode', 'cluster']);
    expect(JSON.parse(stepArgs.at(-1)!)).toEqual(spec);
    expect(stepArgs.at(-2)).toBe('--spec-json');
  });

  it('keeps polling through throttling, and fails on an error retrying cannot fix', async () => {
    emr
      .on(DescribeStepCommand)
      .rejectsOnce(awsError('ThrottlingException', 'client', { $retryable: { throttling: true } }))
      .rejectsOnce(awsError('InternalServerError', 'server'))
      .resolves(step('COMPLETED'));
    await expect(compute().run(request())).resolves.toMatchObject({ externalId: 'emr:j-1:s-1' });
    expect(emr.commandCalls(DescribeStepCommand)).toHaveLength(3);

    emr.on(DescribeStepCommand).rejects(awsError('AccessDeniedException', 'client'));
    await expect(compute().run(request())).rejects.toMatchObject({ code: 'E_COMPUTE_API', retryable: false, message: expect.stringContaining('elasticmapreduce:DescribeStep') });
  });

  it('reports FAILED with EMR\'s FailureDetails and the step\'s log folder, as retryable', async () => {
    emr.on(DescribeStepCommand).resolves(step('FAILED', { FailureDetails: { Reason: 'E_SPARK_JOB', Message: 'load failed: relation missing', LogFile: 's3://logs/emr/j-1/steps/s-1/stderr.gz' } }));
    await expect(compute().run(request())).rejects.toMatchObject({
      name: 'SparkJobError',
      code: 'E_SPARK_JOB',
      retryable: true,
      message: expect.stringContaining('load failed: relation missing'),
      details: { reason: 'E_SPARK_JOB', message: 'load failed: relation missing', logFile: 's3://logs/emr/j-1/steps/s-1/stderr.gz', logUri: 's3n://logs/emr/j-1/steps/s-1/' },
    });
  });

  it('treats INTERRUPTED as a failure worth retrying and an outside cancellation as cancelled', async () => {
    emr.on(DescribeStepCommand).resolvesOnce(step('RUNNING')).resolves(step('INTERRUPTED', { StateChangeReason: { Message: 'Cluster terminated' } }));
    await expect(compute().run(request())).rejects.toMatchObject({ code: 'E_SPARK_JOB', retryable: true, message: expect.stringContaining('interrupted') });
    emr.on(DescribeStepCommand).resolves(step('CANCELLED'));
    await expect(compute().run(request())).rejects.toMatchObject({ code: 'E_CANCELLED', retryable: false });
  });

  it('reconnects to the step an earlier attempt recorded instead of submitting again', async () => {
    emr.on(DescribeStepCommand).resolvesOnce(step('RUNNING')).resolves(step('COMPLETED'));
    const submitted: string[] = [];
    const result = await compute().run(request({ attempt: 2, previousExternalId: 'emr:j-1:s-1' }), { onSubmitted: (id) => void submitted.push(id) });
    expect(result.externalId).toBe('emr:j-1:s-1');
    expect(submitted).toEqual(['emr:j-1:s-1']);
    expect(emr.commandCalls(AddJobFlowStepsCommand)).toHaveLength(0);
  });

  it('finds an earlier attempt\'s step by name, newest first across pages, and returns a completed one without waiting', async () => {
    emr
      .on(ListStepsCommand)
      .resolvesOnce({ Steps: [{ Id: 's-0', Name: 'pipeline:r1:other:extract-transform:a1' }], Marker: 'm1' })
      .resolves({ Steps: [{ Id: 's-1', Name: 'pipeline:r1:orders:extract-transform:a1' }] });
    emr.on(DescribeStepCommand).resolves(step('COMPLETED'));
    const result = await compute().run(request({ attempt: 3 }));
    expect(result.externalId).toBe('emr:j-1:s-1');
    expect(emr.commandCalls(ListStepsCommand)[1]!.args[0].input).toMatchObject({ ClusterId: 'j-1', Marker: 'm1', StepStates: ['PENDING', 'RUNNING', 'COMPLETED'] });
    expect(emr.commandCalls(DescribeStepCommand)).toHaveLength(1);
    expect(emr.commandCalls(AddJobFlowStepsCommand)).toHaveLength(0);
  });

  it('submits a new step when the recorded one failed', async () => {
    emr.on(DescribeStepCommand, { StepId: 's-old' }).resolves({ Step: { Id: 's-old', Name: NAME, Status: { State: 'FAILED' } } });
    emr.on(DescribeStepCommand, { StepId: 's-1' }).resolves(step('COMPLETED'));
    await expect(compute().run(request({ attempt: 2, previousExternalId: 'emr:j-1:s-old' }))).resolves.toMatchObject({ externalId: 'emr:j-1:s-1' });
    expect(emr.commandCalls(AddJobFlowStepsCommand)[0]!.args[0].input.Steps![0]!.Name).toBe('pipeline:r1:orders:extract-transform:a2');
  });

  it('cancels the step with SEND_INTERRUPT when aborted', async () => {
    emr.on(DescribeStepCommand).resolves(step('RUNNING'));
    const controller = new AbortController();
    const running = compute().run(request(), { signal: controller.signal, onSubmitted: () => void setTimeout(() => controller.abort(), 50) });
    await expect(running).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(emr.commandCalls(CancelStepsCommand).map((c) => c.args[0].input)).toEqual([{ ClusterId: 'j-1', StepIds: ['s-1'], StepCancellationOption: 'SEND_INTERRUPT' }]);
  });

  it('cancels the step when its id cannot be recorded, since no retry would find it', async () => {
    emr.on(DescribeStepCommand).resolves(step('RUNNING'));
    await expect(compute().run(request(), { onSubmitted: () => Promise.reject(new Error('redis down')) })).rejects.toThrow('redis down');
    expect(emr.commandCalls(CancelStepsCommand)).toHaveLength(1);
  });

  it('resolves a cluster name once and sends a spec too long for the step as an object', async () => {
    emr.on(ListClustersCommand).resolves({ Clusters: [{ Id: 'j-1', Name: 'etl', Status: { State: 'WAITING' } }, { Id: 'j-2', Name: 'other' }] });
    emr.on(DescribeStepCommand).resolves(step('COMPLETED'));
    const etl = compute({ cluster: { name: 'etl' } });
    const long = { ...spec, source: { table: null, query: `SELECT ${'1, '.repeat(6_000)}1`, incrementalColumn: null } };
    await etl.run(request({ spec: long }));
    await etl.run(request());
    expect(emr.commandCalls(ListClustersCommand)).toHaveLength(1);
    const [first, second] = emr.commandCalls(AddJobFlowStepsCommand).map((c) => c.args[0].input);
    expect(first!.JobFlowId).toBe('j-1');
    const args = first!.Steps![0]!.HadoopJarStep!.Args!;
    expect(args.at(-2)).toBe('--spec');
    expect(JSON.parse(await readFile(args.at(-1)!, 'utf8'))).toEqual(long);
    expect(second!.Steps![0]!.HadoopJarStep!.Args!.at(-2)).toBe('--spec-json');
  });

  it('ships the transform inside the zip and names its member in the spec', async () => {
    const transform = path.join(dir, 'orders_transform.py');
    await writeFile(transform, 'def transform(df, ctx):\n    return df\n');
    emr.on(DescribeStepCommand).resolves(step('COMPLETED'));
    await compute().run(request({ spec: { ...spec, transform: { path: transform } } }));
    const args = emr.commandCalls(AddJobFlowStepsCommand)[0]!.args[0].input.Steps![0]!.HadoopJarStep!.Args!;
    expect(JSON.parse(args.at(-1)!).transform.path).toMatch(/^pipeline_transforms\/[0-9a-f]{16}\/orders_transform\.py$/);
  });

  it('runs a transient cluster that ends with its step', async () => {
    emr.on(ListClustersCommand).resolves({ Clusters: [{ Id: 'j-5', Name: 'pipeline:r1:other:extract-transform:a1' }] });
    emr.on(RunJobFlowCommand).resolves({ JobFlowId: 'j-9' });
    emr.on(ListStepsCommand, { ClusterId: 'j-9' }).resolves({ Steps: [{ Id: 's-1', Name: NAME }] });
    emr.on(DescribeStepCommand).resolves(step('COMPLETED'));
    const transient = compute({
      cluster: undefined,
      transient: { releaseLabel: 'emr-7.5.0', instanceType: 'm5.xlarge', instanceCount: 3, serviceRole: 'EMR_DefaultRole', jobFlowRole: 'EMR_EC2_DefaultRole', logUri: 's3://logs/transient/' },
    });
    await expect(transient.run(request())).resolves.toEqual({ externalId: 'emr:j-9:s-1', logUri: 's3://logs/transient/j-9/steps/s-1/' });
    const input = emr.commandCalls(RunJobFlowCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      Name: NAME,
      ReleaseLabel: 'emr-7.5.0',
      Instances: { InstanceCount: 3, KeepJobFlowAliveWhenNoSteps: false, TerminationProtected: false },
      Steps: [{ Name: NAME, ActionOnFailure: 'TERMINATE_CLUSTER' }],
    });
  });

  it('refuses options and specs it cannot run', async () => {
    expect(() => compute({ cluster: undefined })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    await expect(compute().run(request({ spec: { ...spec, output: { dir: '/tmp/out', format: 'csv' } } }))).rejects.toMatchObject({ code: 'E_REMOTE_SPEC' });
    expect(emr.commandCalls(AddJobFlowStepsCommand)).toHaveLength(0);
  });
});
