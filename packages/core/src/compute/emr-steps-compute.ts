import type { EMRClient, Step, StepConfig, StepState } from '@aws-sdk/client-emr';
import { ConfigError } from '../errors/config-error.js';
import { emrSdk, type EmrSdk } from '../lazy/lazy-modules.js';
import { ComputeError } from './compute-error.js';
import { awsErrorInfo } from '../storage/aws-error-info.js';
import type { ObjectStore } from '../storage/object-store.js';
import { clusterIdByName, clusterLogUri, listActiveClusters, stepLogUri } from './emr-cluster.js';
import { emrSparkSubmitStep, hadoopJarStepChars } from './emr-step-command.js';
import { describeStep, waitForStep } from './emr-step-wait.js';
import { pause, type PollInterval } from './poll-backoff.js';
import { remoteApiError } from './remote-api-error.js';
import { emrStepExternalId, parseEmrStepExternalId, type EmrStepRef } from './remote-external-id.js';
import { checkRemoteSpec, prepareRemoteJob, REMOTE_ARGS_MAX_CHARS } from './remote-job.js';
import { isJobOf, remoteJobName, type RemoteJobKey } from './remote-job-name.js';
import { localSparkPaths } from './spark-home.js';
import { SparkJobError } from './spark-job-error.js';
import type { Compute, SparkJobRequest, SparkJobResult, SparkRunOptions } from './spark-job.js';

/** A cluster started for one job and gone after it (RunJobFlow). */
export interface EmrTransientCluster {
  /** e.g. "emr-7.5.0" */
  releaseLabel: string;
  /** For the primary and the core nodes, e.g. "m5.xlarge". */
  instanceType: string;
  /** Primary plus core nodes. */
  instanceCount: number;
  serviceRole: string;
  /** The EC2 instance profile; the job reads S3 and the warehouse secret with it. */
  jobFlowRole: string;
  /** Where EMR copies the cluster's and the step's logs (s3://…). */
  logUri: string;
  subnetId?: string;
  tags?: Record<string, string>;
}

export interface EmrStepsComputeOptions {
  /** The long-running cluster to add steps to, by id or by its (unique, active) name. Give this or `transient`. */
  cluster?: { id: string } | { name: string };
  /** Start a cluster per job instead. */
  transient?: EmrTransientCluster;
  /** s3:// prefix for the job code (under its content hash) and for specs too long for the step's arguments. */
  codePrefix: string;
  /** Where step logs are reported to be. @defaultValue the cluster's own LogUri */
  logUri?: string;
  /** @defaultValue the SDK's own resolution (AWS_REGION…) */
  region?: string;
  /** @defaultValue a client built from the SDK's settings; its endpoint honours AWS_ENDPOINT_URL_EMR */
  client?: EMRClient;
  /** Where the code goes: an S3 store. */
  store: ObjectStore;
  /** The repository's `spark/` folder. @defaultValue found from the working directory */
  sparkDir?: string;
  /** Extra spark-submit arguments, e.g. `['--conf', 'spark.executor.memory=8g']`. */
  sparkSubmitArgs?: string[];
  pollInterval?: PollInterval;
}

/** States in which a step of an earlier attempt is worth reconnecting to. */
const REUSABLE = new Set<string>(['PENDING', 'RUNNING', 'COMPLETED'] satisfies StepState[]);
const SERVICE = 'emr';

function errorName(err: unknown): string {
  return awsErrorInfo(err).name;
}

/**
 * Runs the load job as an EMR step (`command-runner.jar spark-submit`), on a long-running
 * cluster or on a transient one. EMR has no idempotency token for steps, so each step is named
 * for its run, load, phase and attempt; before submitting, the compute reconnects to the step
 * an earlier attempt recorded, or finds one by name, and waits on it instead of running the job
 * twice. Job code is uploaded under its content hash. The job reads warehouse credentials from
 * Secrets Manager itself (read.secretArn): nothing secret goes into the step's arguments.
 */
export class EmrStepsCompute implements Compute {
  readonly kind = 'emr' as const;
  readonly #options: EmrStepsComputeOptions;
  #connection: Promise<{ sdk: EmrSdk; client: EMRClient }> | undefined;
  readonly #sparkDir: string;
  #clusterId: Promise<string> | undefined;
  readonly #logUris = new Map<string, Promise<string | undefined>>();

  constructor(options: EmrStepsComputeOptions) {
    if ((options.cluster === undefined) === (options.transient === undefined)) {
      throw new ConfigError('The emr compute needs either a cluster (id or name) or transient cluster settings, not both or neither.');
    }
    const sparkDir = options.sparkDir ?? localSparkPaths().sparkDir;
    if (!sparkDir) throw new ConfigError('The spark/ folder with the load job cannot be found from the working directory; run from the project checkout.', { code: 'E_CONFIG_SPARK' });
    this.#options = options;
    this.#sparkDir = sparkDir;
  }

  /** The SDK and the client, loaded by the first request: a constructor cannot wait for the SDK to load. */
  #connect(): Promise<{ sdk: EmrSdk; client: EMRClient }> {
    const { client, region } = this.#options;
    this.#connection ??= emrSdk().then((sdk) => ({ sdk, client: client ?? new sdk.EMRClient(region ? { region } : {}) }));
    return this.#connection;
  }

  async run(request: SparkJobRequest, runOptions: SparkRunOptions = {}): Promise<SparkJobResult> {
    const { signal } = runOptions;
    signal?.throwIfAborted();
    checkRemoteSpec(SERVICE, request.spec);
    const key: RemoteJobKey = { runId: request.spec.runId, loadId: request.spec.loadId, phase: request.phase ?? 'extract-transform' };

    const earlier = await this.#findEarlier(key, request.previousExternalId, signal);
    const ref = earlier?.ref ?? (await this.#submit(request, key, signal));
    const externalId = emrStepExternalId(ref);
    let step: Step;
    try {
      await runOptions.onSubmitted?.(externalId);
      step = earlier?.state === 'COMPLETED' ? earlier.step : await waitForStep((await this.#connect()).client, ref, { ...(signal ? { signal } : {}), ...(this.#options.pollInterval ? { pollInterval: this.#options.pollInterval } : {}) });
    } catch (err) {
      // Aborted, or the id could not be recorded: either way nobody will wait on this step.
      const cancelFailure = earlier?.state === 'COMPLETED' ? undefined : await this.#cancel(ref);
      if (signal?.aborted) {
        throw new SparkJobError(`EMR step ${ref.stepId} on ${ref.clusterId} cancelled${cancelFailure ? `, but CancelSteps failed: ${cancelFailure}` : ''}`, {
          code: 'E_CANCELLED',
          retryable: false,
          cause: err,
        });
      }
      throw err;
    }
    const logUri = await this.#stepLogUri(ref);
    return stepOutcome(step, ref, externalId, logUri);
  }

  /** A step of an earlier attempt of this phase that is pending, running or completed. */
  async #findEarlier(key: RemoteJobKey, previousExternalId: string | undefined, signal?: AbortSignal): Promise<{ ref: EmrStepRef; step: Step; state: string } | undefined> {
    const previous = parseEmrStepExternalId(previousExternalId);
    const { client } = await this.#connect();
    if (previous) {
      try {
        const step = await describeStep(client, previous, signal);
        const state = step.Status?.State ?? '';
        if (isJobOf(step.Name, key) && REUSABLE.has(state)) return { ref: previous, step, state };
      } catch (err) {
        // The cluster or step is unknown here (another account, region or an expired cluster): look by name.
        if (errorName(err) !== 'InvalidRequestException') throw remoteApiError(SERVICE, 'DescribeStep', err);
      }
    }
    const clusterIds = this.#options.transient
      ? (await listActiveClusters(client, signal)).filter((cluster) => isJobOf(cluster.Name, key)).map((cluster) => cluster.Id!)
      : [await this.#resolveClusterId(signal)];
    for (const clusterId of clusterIds) {
      const found = await this.#findStep(clusterId, key, signal);
      if (found) return found;
    }
    return undefined;
  }

  /** ListSteps returns the newest first: the first match is the latest attempt. */
  async #findStep(clusterId: string, key: RemoteJobKey, signal?: AbortSignal): Promise<{ ref: EmrStepRef; step: Step; state: string } | undefined> {
    const { sdk, client } = await this.#connect();
    let marker: string | undefined;
    do {
      let page;
      try {
        page = await client.send(
          new sdk.ListStepsCommand({ ClusterId: clusterId, StepStates: [...REUSABLE] as StepState[], ...(marker ? { Marker: marker } : {}) }),
          signal ? { abortSignal: signal } : {},
        );
      } catch (err) {
        throw remoteApiError(SERVICE, 'ListSteps', err);
      }
      const match = page.Steps?.find((summary) => isJobOf(summary.Name, key) && summary.Id);
      if (match) {
        const ref = { clusterId, stepId: match.Id! };
        // The summary lacks FailureDetails and the full config; the step itself has them.
        const step = await describeStep(client, ref, signal).catch((err: unknown) => Promise.reject(remoteApiError(SERVICE, 'DescribeStep', err)));
        return { ref, step, state: step.Status?.State ?? '' };
      }
      marker = page.Marker;
    } while (marker);
    return undefined;
  }

  async #submit(request: SparkJobRequest, key: RemoteJobKey, signal?: AbortSignal): Promise<EmrStepRef> {
    const stepName = remoteJobName(key, request.attempt ?? 1);
    const commandFor = (pyFilesUri: string, entryPointUri: string, specArgs: string[]) =>
      emrSparkSubmitStep({ stepName, pyFilesUri, entryPointUri, specArgs, ...(this.#options.sparkSubmitArgs ? { extraArgs: this.#options.sparkSubmitArgs } : {}) });
    const job = await prepareRemoteJob({
      store: this.#options.store,
      codePrefix: this.#options.codePrefix,
      sparkDir: this.#sparkDir,
      spec: request.spec,
      fits: (code, specArgs) => hadoopJarStepChars(commandFor(code.pyFilesUri, code.loadJobUri, specArgs)) <= REMOTE_ARGS_MAX_CHARS,
      ...(signal ? { signal } : {}),
    });
    const transient = this.#options.transient;
    const step: StepConfig = {
      Name: stepName,
      // A transient cluster exists for this step alone; on a shared one, other steps go on.
      ActionOnFailure: transient ? 'TERMINATE_CLUSTER' : 'CONTINUE',
      HadoopJarStep: commandFor(job.code.pyFilesUri, job.code.loadJobUri, job.specArgs),
    };
    return transient ? this.#runJobFlow(transient, step, signal) : this.#addStep(step, signal);
  }

  async #addStep(step: StepConfig, signal?: AbortSignal): Promise<EmrStepRef> {
    const clusterId = await this.#resolveClusterId(signal);
    const { sdk, client } = await this.#connect();
    try {
      const { StepIds } = await client.send(new sdk.AddJobFlowStepsCommand({ JobFlowId: clusterId, Steps: [step] }), signal ? { abortSignal: signal } : {});
      return { clusterId, stepId: StepIds![0]! };
    } catch (err) {
      const failure = remoteApiError(SERVICE, 'AddJobFlowSteps', err);
      const clusterGone = ['ValidationException', 'InvalidRequestException'].includes(errorName(err));
      if (clusterGone && this.#options.cluster && 'name' in this.#options.cluster) {
        // The named cluster may have been replaced: resolve the name again on the next attempt.
        this.#clusterId = undefined;
        throw new ComputeError(SERVICE, `${failure.message} The cluster name is looked up again on the next attempt.`, { code: failure.code, retryable: true, cause: err });
      }
      throw failure;
    }
  }

  async #runJobFlow(cluster: EmrTransientCluster, step: StepConfig, signal?: AbortSignal): Promise<EmrStepRef> {
    const { sdk, client } = await this.#connect();
    let clusterId: string;
    try {
      const response = await client.send(
        new sdk.RunJobFlowCommand({
          Name: step.Name,
          ReleaseLabel: cluster.releaseLabel,
          LogUri: cluster.logUri,
          Applications: [{ Name: 'Spark' }],
          Instances: {
            InstanceCount: cluster.instanceCount,
            MasterInstanceType: cluster.instanceType,
            SlaveInstanceType: cluster.instanceType,
            // Gone once its one step is done, whatever the outcome.
            KeepJobFlowAliveWhenNoSteps: false,
            TerminationProtected: false,
            ...(cluster.subnetId ? { Ec2SubnetId: cluster.subnetId } : {}),
          },
          ServiceRole: cluster.serviceRole,
          JobFlowRole: cluster.jobFlowRole,
          VisibleToAllUsers: true,
          Steps: [step],
          ...(cluster.tags ? { Tags: Object.entries(cluster.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
        }),
        signal ? { abortSignal: signal } : {},
      );
      clusterId = response.JobFlowId!;
    } catch (err) {
      throw remoteApiError(SERVICE, 'RunJobFlow', err);
    }
    // RunJobFlow answers with the cluster only; its one step is listed right after.
    for (let tries = 0; ; tries += 1) {
      try {
        const { Steps } = await client.send(new sdk.ListStepsCommand({ ClusterId: clusterId }), signal ? { abortSignal: signal } : {});
        const found = Steps?.find((summary) => summary.Name === step.Name);
        if (found?.Id) return { clusterId, stepId: found.Id };
        if (tries >= 5) throw new Error(`cluster ${clusterId} lists no step named ${step.Name}`);
      } catch (err) {
        throw remoteApiError(SERVICE, 'ListSteps', err);
      }
      await pause(1_000 * (tries + 1), signal);
    }
  }

  /** What runs the jobs, as EMR describes it now: for `pipeline doctor`. */
  async check(signal?: AbortSignal): Promise<string> {
    if (this.#options.transient) return `a transient cluster per job (${this.#options.transient.releaseLabel})`;
    const clusterId = await this.#resolveClusterId(signal);
    const { sdk, client } = await this.#connect();
    try {
      const { Cluster } = await client.send(new sdk.DescribeClusterCommand({ ClusterId: clusterId }), signal ? { abortSignal: signal } : {});
      return `cluster ${clusterId} "${Cluster?.Name ?? ''}" ${Cluster?.Status?.State ?? 'state unknown'}, ${Cluster?.ReleaseLabel ?? 'release unknown'}, logs ${Cluster?.LogUri ?? 'not kept'}`;
    } catch (err) {
      throw remoteApiError(SERVICE, 'DescribeCluster', err);
    }
  }

  #resolveClusterId(signal?: AbortSignal): Promise<string> {
    const cluster = this.#options.cluster!;
    if ('id' in cluster) return Promise.resolve(cluster.id);
    this.#clusterId ??= this.#connect().then(({ client }) => clusterIdByName(client, cluster.name, signal)).catch((err: unknown) => {
      this.#clusterId = undefined;
      throw err;
    });
    return this.#clusterId;
  }

  /** Asks EMR to stop the step; returns what went wrong, if anything, for the cancellation's message. */
  async #cancel(ref: EmrStepRef): Promise<string | undefined> {
    try {
      const { sdk, client } = await this.#connect();
      const { CancelStepsInfoList } = await client.send(
        new sdk.CancelStepsCommand({ ClusterId: ref.clusterId, StepIds: [ref.stepId], StepCancellationOption: 'SEND_INTERRUPT' }),
      );
      const info = CancelStepsInfoList?.find((item) => item.StepId === ref.stepId);
      return info?.Status === 'FAILED' ? info.Reason ?? 'FAILED' : undefined;
    } catch (err) {
      return `${errorName(err)}: ${awsErrorInfo(err).message}`;
    }
  }

  async #stepLogUri(ref: EmrStepRef): Promise<string | undefined> {
    const base = this.#options.logUri ?? this.#options.transient?.logUri;
    if (base) return stepLogUri(base, ref.clusterId, ref.stepId);
    let logUri = this.#logUris.get(ref.clusterId);
    if (!logUri) {
      // Only for the record: a cluster that cannot be described must not fail a finished job.
      logUri = this.#connect().then(({ client }) => clusterLogUri(client, ref.clusterId)).catch(() => undefined);
      this.#logUris.set(ref.clusterId, logUri);
    }
    const found = await logUri;
    return found ? stepLogUri(found, ref.clusterId, ref.stepId) : undefined;
  }
}

/** The result of a finished step, or the SparkJobError that says why it did not complete. */
function stepOutcome(step: Step, ref: EmrStepRef, externalId: string, logUri: string | undefined): SparkJobResult {
  const state = step.Status?.State;
  if (state === 'COMPLETED') return { externalId, ...(logUri ? { logUri } : {}) };
  const failure = step.Status?.FailureDetails;
  const details = {
    ...(failure?.Reason ? { reason: failure.Reason } : {}),
    ...(failure?.Message ? { message: failure.Message } : {}),
    ...(failure?.LogFile ? { logFile: failure.LogFile } : {}),
    ...(logUri ? { logUri } : {}),
  };
  const where = `EMR step ${ref.stepId} on ${ref.clusterId}`;
  const logs = logUri ? ` Logs: ${failure?.LogFile ?? logUri}` : failure?.LogFile ? ` Log: ${failure.LogFile}` : '';
  if (state === 'CANCELLED') {
    throw new SparkJobError(`${where} was cancelled (${step.Status?.StateChangeReason?.Message ?? 'outside this run'}).${logs}`, { code: 'E_CANCELLED', retryable: false, details });
  }
  const why = [failure?.Reason, failure?.Message].filter(Boolean).join(': ') || step.Status?.StateChangeReason?.Message || 'no reason given';
  const what = state === 'INTERRUPTED' ? 'was interrupted (its cluster went away or the step was stopped)' : 'failed';
  throw new SparkJobError(`${where} ${what}: ${why}.${logs}`, { code: 'E_SPARK_JOB', retryable: true, details });
}
