import { S3Client } from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../repo-root.js';
import { venvPython } from '../venv-python.js';
import {
  ACTIVE_CLUSTER_STATES,
  clusterArn,
  clusterStatus,
  emrId,
  stepShape,
  TERMINAL_STEP_STATES,
  type ClusterState,
  type DoubleCluster,
  type DoubleStep,
  type StepState,
} from './emr-double-model.js';
import { runStep, type StepRunnerOptions } from './emr-step-runner.js';
import { ServiceFault, startJsonRpcServer } from './json-rpc-server.js';

export interface EmrStepsDoubleOptions {
  /** The S3 the steps read and write (moto's endpoint). */
  s3Endpoint: string;
  region: string;
  /** Where steps mirror S3 and keep their logs. @defaultValue a new temporary folder, removed by stop() */
  mirrorDir?: string;
  /** @defaultValue the repository venv's spark-submit */
  sparkSubmit?: string;
  /** @defaultValue the repository venv's python */
  python?: string;
  /** JDBC driver jar added to every job. @defaultValue Debian's /usr/share/java/postgresql.jar when present */
  jdbcJar?: string;
  /** Environment of the jobs, over this process's: AWS_ENDPOINT_URL and fake AWS keys for moto, say. */
  env?: Record<string, string>;
  /** Names of the long-running clusters to start with. @defaultValue ['pipeline-double'] */
  clusters?: string[];
  /** LogUri of the clusters created by `clusters` and `addCluster` (s3://…). @defaultValue none */
  logUri?: string;
  /** Steps one cluster runs at a time. @defaultValue 1, as EMR before step concurrency */
  concurrency?: number;
  /** Grace between SIGTERM and SIGKILL when a running step is cancelled. @defaultValue 5_000 */
  killGraceMs?: number;
}

/** What a test may look at: a step as the stand-in holds it. */
export interface DoubleStepView {
  id: string;
  name: string;
  state: StepState;
  args: string[];
  /** The running spark-submit's process id (leader of its process group). */
  pid: number | undefined;
}

export interface EmrStepsDouble {
  /** Pass as the EMR client's `endpoint`. */
  endpoint: string;
  /** The clusters created at start, in the order of `clusters`. */
  clusterIds: string[];
  /** The first of `clusterIds`. */
  clusterId: string;
  mirrorDir: string;
  /** Adds a WAITING long-running cluster; names need not be unique, as in EMR. */
  addCluster(name: string, options?: { logUri?: string }): string;
  /** Every step of the cluster, oldest first. */
  steps(clusterId: string): DoubleStepView[];
  /** Resolves once every step started so far has finished. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const PAGE = 50;

function requireString(input: Record<string, unknown>, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') throw new ServiceFault('ValidationException', `${field} is required.`);
  return value;
}

function page<T>(items: T[], marker: unknown): { items: T[]; marker?: string } {
  const start = typeof marker === 'string' ? Number(marker) : 0;
  const end = start + PAGE;
  return { items: items.slice(start, end), ...(end < items.length ? { marker: String(end) } : {}) };
}

/**
 * A stand-in for Amazon EMR's step API that runs each step for real. It speaks EMR's protocol
 * (AWS JSON 1.1, `X-Amz-Target: ElasticMapReduce.<Op>`) for ListClusters, DescribeCluster,
 * AddJobFlowSteps, ListSteps, DescribeStep, CancelSteps and RunJobFlow, so the real EMR client
 * talks to it. A step (`command-runner.jar spark-submit …`) runs as a local spark-submit of the
 * same job against the S3 at `s3Endpoint` (moto): see `runStep`. States come from the process:
 * PENDING while queued behind the cluster's running steps, RUNNING, then COMPLETED, FAILED (with
 * FailureDetails from the job's last error line and its log file) or CANCELLED (CancelSteps
 * stops the process group).
 */
export async function startEmrStepsDouble(options: EmrStepsDoubleOptions): Promise<EmrStepsDouble> {
  const mirrorDir = options.mirrorDir ?? (await mkdtemp(path.join(os.tmpdir(), 'emr-double-')));
  const ownsMirror = options.mirrorDir === undefined;
  const env = { ...process.env, ...options.env };
  const s3 = new S3Client({
    endpoint: options.s3Endpoint,
    region: options.region,
    forcePathStyle: true,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'testing', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'testing' },
  });
  const defaultJar = '/usr/share/java/postgresql.jar';
  const runner: StepRunnerOptions = {
    s3,
    mirrorRoot: mirrorDir,
    sparkSubmit: options.sparkSubmit ?? path.join(repoRoot(), '.venv', 'bin', 'spark-submit'),
    python: options.python ?? venvPython(),
    jdbcJar: options.jdbcJar ?? (existsSync(defaultJar) ? defaultJar : undefined),
    env,
  };
  const concurrency = options.concurrency ?? 1;
  const killGraceMs = options.killGraceMs ?? 5_000;
  const clusters: DoubleCluster[] = [];
  const running = new Set<Promise<void>>();

  const killGroup = (step: DoubleStep, signal: NodeJS.Signals) => {
    const pid = step.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  const killAllOnExit = () => {
    for (const c of clusters) for (const step of c.steps) if (!TERMINAL_STEP_STATES.has(step.state)) killGroup(step, 'SIGKILL');
  };
  process.once('exit', killAllOnExit);

  function cluster(id: unknown): DoubleCluster {
    const found = clusters.find((c) => c.id === id);
    if (!found) throw new ServiceFault('InvalidRequestException', `Cluster id '${String(id)}' is not valid.`);
    return found;
  }

  function newCluster(fields: { name: string; state: ClusterState; logUri?: string; keepAlive: boolean; releaseLabel?: string; tags?: DoubleCluster['tags'] }): DoubleCluster {
    const created: DoubleCluster = {
      id: emrId('j'),
      name: fields.name,
      state: fields.state,
      keepAlive: fields.keepAlive,
      releaseLabel: fields.releaseLabel ?? 'emr-7.5.0',
      createdAt: new Date(),
      steps: [],
      tags: fields.tags ?? [],
      ...(fields.logUri ? { logUri: fields.logUri } : {}),
      ...(fields.state === 'WAITING' ? { readyAt: new Date() } : {}),
    };
    clusters.push(created);
    return created;
  }

  function newStep(input: Record<string, unknown>): DoubleStep {
    const name = requireString(input, 'Name');
    if (name.length > 256) throw new ServiceFault('ValidationException', 'Step name must be at most 256 characters.');
    const jarStep = (input.HadoopJarStep ?? {}) as { Jar?: string; Args?: string[]; Properties?: DoubleStep['properties'] };
    if (!jarStep.Jar) throw new ServiceFault('ValidationException', 'HadoopJarStep.Jar is required.');
    const args = jarStep.Args ?? [];
    const properties = jarStep.Properties ?? [];
    const chars = jarStep.Jar.length + args.reduce((n, a) => n + a.length, 0) + properties.reduce((n, p) => n + (p.Key ?? '').length + (p.Value ?? '').length, 0);
    if (chars > 10_240) throw new ServiceFault('ValidationException', 'The string values passed into HadoopJarStep object cannot exceed a total of 10240 characters.');
    return {
      id: emrId('s'),
      name,
      actionOnFailure: typeof input.ActionOnFailure === 'string' ? input.ActionOnFailure : 'CONTINUE',
      jar: jarStep.Jar,
      args,
      properties,
      state: 'PENDING',
      createdAt: new Date(),
    };
  }

  function end(step: DoubleStep, state: StepState, reason?: string) {
    step.state = state;
    step.endedAt = new Date();
    if (reason) step.stateChangeReason = reason;
  }

  function terminate(target: DoubleCluster, state: 'TERMINATED' | 'TERMINATED_WITH_ERRORS', reason: { Code: string; Message: string }) {
    for (const step of target.steps) if (step.state === 'PENDING') end(step, 'CANCELLED', 'Cluster terminated.');
    target.state = 'TERMINATING';
    target.stateChangeReason = reason;
    setTimeout(() => {
      target.state = state;
      target.endedAt = new Date();
    }, 20).unref();
  }

  /** Starts queued steps while the cluster has room, and settles the cluster's own state. */
  function pump(target: DoubleCluster) {
    if (target.state !== 'RUNNING' && target.state !== 'WAITING') return;
    const active = target.steps.filter((s) => s.state === 'RUNNING' || s.state === 'CANCEL_PENDING').length;
    for (const step of target.steps.filter((s) => s.state === 'PENDING').slice(0, Math.max(0, concurrency - active))) start(target, step);
    const busy = target.steps.some((s) => !TERMINAL_STEP_STATES.has(s.state));
    if (busy) target.state = 'RUNNING';
    else if (target.keepAlive) target.state = 'WAITING';
    else terminate(target, 'TERMINATED', { Code: 'ALL_STEPS_COMPLETED', Message: 'Steps completed' });
  }

  function start(target: DoubleCluster, step: DoubleStep) {
    step.state = 'RUNNING';
    step.startedAt = new Date();
    const done = runStep(step, target, runner)
      .catch((err: Error) => ({ ok: false, failure: { Reason: 'Stand-in error', Message: err.message } }))
      .then((outcome) => {
        if (step.cancelRequested) end(step, 'CANCELLED', 'Cancelled by request.');
        else if (outcome.ok) end(step, 'COMPLETED');
        else {
          step.failureDetails = outcome.failure ?? { Reason: 'Unknown Error.' };
          end(step, 'FAILED');
          if (step.actionOnFailure === 'TERMINATE_CLUSTER' || step.actionOnFailure === 'TERMINATE_JOB_FLOW') {
            terminate(target, 'TERMINATED_WITH_ERRORS', { Code: 'STEP_FAILURE', Message: `Shut down as step failed: ${step.id}` });
          } else if (step.actionOnFailure === 'CANCEL_AND_WAIT') {
            for (const other of target.steps) if (other.state === 'PENDING') end(other, 'CANCELLED', `Cancelled as step ${step.id} failed.`);
          }
        }
        pump(target);
      });
    running.add(done);
    void done.finally(() => running.delete(done));
  }

  function cancel(target: DoubleCluster, stepId: string, option: string) {
    const step = target.steps.find((s) => s.id === stepId);
    if (!step) return { StepId: stepId, Status: 'FAILED', Reason: `Step id '${stepId}' is not valid.` };
    if (step.state === 'PENDING') {
      end(step, 'CANCELLED', 'Cancelled by request.');
      pump(target);
      return { StepId: stepId, Status: 'SUBMITTED' };
    }
    if (step.state !== 'RUNNING') return { StepId: stepId, Status: 'FAILED', Reason: `Step is ${step.state}.` };
    step.cancelRequested = true;
    step.state = 'CANCEL_PENDING';
    killGroup(step, option === 'TERMINATE_PROCESS' ? 'SIGKILL' : 'SIGTERM');
    setTimeout(() => killGroup(step, 'SIGKILL'), killGraceMs).unref();
    return { StepId: stepId, Status: 'SUBMITTED' };
  }

  const server = await startJsonRpcServer('ElasticMapReduce', {
    ListClusters(input) {
      const states = Array.isArray(input.ClusterStates) ? (input.ClusterStates as string[]) : undefined;
      const matching = [...clusters].reverse().filter((c) => !states || states.includes(c.state));
      const { items, marker } = page(matching, input.Marker);
      return {
        Clusters: items.map((c) => ({ Id: c.id, Name: c.name, Status: clusterStatus(c), NormalizedInstanceHours: 0, ClusterArn: clusterArn(options.region, c.id) })),
        ...(marker ? { Marker: marker } : {}),
      };
    },
    DescribeCluster(input) {
      const c = cluster(input.ClusterId);
      return {
        Cluster: {
          Id: c.id,
          Name: c.name,
          Status: clusterStatus(c),
          ClusterArn: clusterArn(options.region, c.id),
          ReleaseLabel: c.releaseLabel,
          Applications: [{ Name: 'Spark' }],
          AutoTerminate: !c.keepAlive,
          TerminationProtected: false,
          VisibleToAllUsers: true,
          NormalizedInstanceHours: 0,
          Tags: c.tags,
          ...(c.logUri ? { LogUri: c.logUri } : {}),
        },
      };
    },
    AddJobFlowSteps(input) {
      const c = cluster(input.JobFlowId);
      if (!ACTIVE_CLUSTER_STATES.has(c.state)) throw new ServiceFault('ValidationException', 'A job flow that is shutting down, terminated, or finished may not be modified.');
      const steps = ((input.Steps ?? []) as Record<string, unknown>[]).map(newStep);
      c.steps.push(...steps);
      pump(c);
      return { StepIds: steps.map((s) => s.id) };
    },
    ListSteps(input) {
      const c = cluster(input.ClusterId);
      const states = Array.isArray(input.StepStates) ? (input.StepStates as string[]) : undefined;
      const ids = Array.isArray(input.StepIds) ? (input.StepIds as string[]) : undefined;
      const matching = [...c.steps].reverse().filter((s) => (!states || states.includes(s.state)) && (!ids || ids.includes(s.id)));
      const { items, marker } = page(matching, input.Marker);
      return { Steps: items.map(stepShape), ...(marker ? { Marker: marker } : {}) };
    },
    DescribeStep(input) {
      const c = cluster(input.ClusterId);
      const step = c.steps.find((s) => s.id === input.StepId);
      if (!step) throw new ServiceFault('InvalidRequestException', `Step id '${String(input.StepId)}' is not valid.`);
      return { Step: stepShape(step) };
    },
    CancelSteps(input) {
      const c = cluster(input.ClusterId);
      const option = typeof input.StepCancellationOption === 'string' ? input.StepCancellationOption : 'SEND_INTERRUPT';
      return { CancelStepsInfoList: ((input.StepIds ?? []) as string[]).map((id) => cancel(c, id, option)) };
    },
    RunJobFlow(input) {
      const name = requireString(input, 'Name');
      const instances = (input.Instances ?? {}) as { KeepJobFlowAliveWhenNoSteps?: boolean };
      const steps = ((input.Steps ?? []) as Record<string, unknown>[]).map(newStep);
      const created = newCluster({
        name,
        state: 'STARTING',
        keepAlive: instances.KeepJobFlowAliveWhenNoSteps ?? false,
        ...(typeof input.LogUri === 'string' ? { logUri: input.LogUri } : {}),
        ...(typeof input.ReleaseLabel === 'string' ? { releaseLabel: input.ReleaseLabel } : {}),
        ...(Array.isArray(input.Tags) ? { tags: input.Tags as DoubleCluster['tags'] } : {}),
      });
      created.steps.push(...steps);
      // Provisioning takes minutes on EMR; long enough here for a client to see STARTING.
      setTimeout(() => {
        created.state = 'RUNNING';
        created.readyAt = new Date();
        pump(created);
      }, 50).unref();
      return { JobFlowId: created.id, ClusterArn: clusterArn(options.region, created.id) };
    },
  });

  const addCluster = (name: string, more: { logUri?: string } = {}) => {
    const logUri = more.logUri ?? options.logUri;
    return newCluster({ name, state: 'WAITING', keepAlive: true, ...(logUri ? { logUri } : {}) }).id;
  };
  const clusterIds = (options.clusters ?? ['pipeline-double']).map((name) => addCluster(name));

  return {
    endpoint: server.endpoint,
    clusterIds,
    clusterId: clusterIds[0]!,
    mirrorDir,
    addCluster,
    steps: (clusterId) =>
      cluster(clusterId).steps.map((s) => ({ id: s.id, name: s.name, state: s.state, args: [...s.args], pid: s.process?.pid })),
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
    async stop() {
      for (const c of clusters) for (const step of c.steps) if (!TERMINAL_STEP_STATES.has(step.state)) {
        step.cancelRequested = true;
        killGroup(step, 'SIGKILL');
      }
      await Promise.all([...running]);
      process.removeListener('exit', killAllOnExit);
      await server.close();
      s3.destroy();
      if (ownsMirror) await rm(mirrorDir, { recursive: true, force: true });
    },
  };
}
