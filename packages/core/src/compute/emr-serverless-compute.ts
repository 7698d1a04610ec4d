import type { EMRServerlessClient, JobRun, JobRunState } from '@aws-sdk/client-emr-serverless';
import { ConfigError } from '../errors/config-error.js';
import { emrServerlessSdk, type EmrServerlessSdk } from '../lazy/lazy-modules.js';
import { awsErrorInfo } from '../storage/aws-error-info.js';
import type { ObjectStore } from '../storage/object-store.js';
import { joinUri } from '../storage/s3-uri.js';
import { REMOTE_SPARK_CONF } from './emr-step-command.js';
import { pause, pollDelay, type PollInterval } from './poll-backoff.js';
import { isTransientApiError, remoteApiError } from './remote-api-error.js';
import { emrServerlessExternalId, parseEmrServerlessExternalId, type EmrServerlessJobRef } from './remote-external-id.js';
import { checkRemoteSpec, prepareRemoteJob, REMOTE_ARGS_MAX_CHARS } from './remote-job.js';
import { attemptToken, remoteJobName, type RemoteJobKey } from './remote-job-name.js';
import { localSparkPaths } from './spark-home.js';
import { SparkJobError } from './spark-job-error.js';
import type { Compute, SparkJobRequest, SparkJobResult, SparkRunOptions } from './spark-job.js';

export interface EmrServerlessComputeOptions {
  applicationId: string;
  /** The role the job runs as: it reads the code and the warehouse secret, and writes the output. */
  executionRoleArn: string;
  /** s3:// prefix for the job code (under its content hash) and for specs too long for an argument. */
  codePrefix: string;
  /** s3:// prefix EMR Serverless copies the driver's and executors' logs to. @defaultValue none (logs stay in the service) */
  logUri?: string;
  /** @defaultValue the SDK's own resolution (AWS_REGION…) */
  region?: string;
  /** @defaultValue a client built from the SDK's settings; its endpoint honours AWS_ENDPOINT_URL_EMR_SERVERLESS */
  client?: EMRServerlessClient;
  store: ObjectStore;
  /** The repository's `spark/` folder. @defaultValue found from the working directory */
  sparkDir?: string;
  /** Extra spark-submit parameters, e.g. `['--conf', 'spark.executor.memory=8g']`; none may contain a space. */
  sparkSubmitParameters?: string[];
  /** The service cancels a job run that takes longer. @defaultValue the service's (12 hours) */
  executionTimeoutMinutes?: number;
  pollInterval?: PollInterval;
}

const SERVICE = 'emr-serverless';
const ACTIVE = new Set<string>(['SUBMITTED', 'PENDING', 'SCHEDULED', 'RUNNING', 'QUEUED'] satisfies JobRunState[]);
const TERMINAL = new Set<string>(['SUCCESS', 'FAILED', 'CANCELLED'] satisfies JobRunState[]);
const MAX_FAILED_POLLS = 10;

/**
 * Runs the load job as an EMR Serverless job run. StartJobRun gets a client token derived from
 * the run, load, phase and attempt, so a repeated request of one attempt starts one job run; a
 * later attempt reconnects to the job run the earlier one recorded while it is still queued or
 * running, or has succeeded. The job reads warehouse credentials from Secrets Manager itself.
 */
export class EmrServerlessCompute implements Compute {
  readonly kind = 'emr-serverless' as const;
  readonly #options: EmrServerlessComputeOptions;
  #connection: Promise<{ sdk: EmrServerlessSdk; client: EMRServerlessClient }> | undefined;
  readonly #sparkDir: string;

  constructor(options: EmrServerlessComputeOptions) {
    const sparkDir = options.sparkDir ?? localSparkPaths().sparkDir;
    if (!sparkDir) throw new ConfigError('The spark/ folder with the load job cannot be found from the working directory; run from the project checkout.', { code: 'E_CONFIG_SPARK' });
    const spaced = options.sparkSubmitParameters?.find((parameter) => /\s/.test(parameter));
    if (spaced !== undefined) throw new ConfigError(`EMR Serverless splits sparkSubmitParameters on spaces, so "${spaced}" cannot be passed; drop the spaces.`);
    this.#options = options;
    this.#sparkDir = sparkDir;
  }

  /** The SDK and the client, loaded by the first request: a constructor cannot wait for the SDK to load. */
  #connect(): Promise<{ sdk: EmrServerlessSdk; client: EMRServerlessClient }> {
    const { client, region } = this.#options;
    this.#connection ??= emrServerlessSdk().then((sdk) => ({ sdk, client: client ?? new sdk.EMRServerlessClient(region ? { region } : {}) }));
    return this.#connection;
  }

  /** The application, as EMR Serverless describes it now: for `pipeline doctor`. */
  async check(signal?: AbortSignal): Promise<string> {
    const { sdk, client } = await this.#connect();
    try {
      const { application } = await client.send(new sdk.GetApplicationCommand({ applicationId: this.#options.applicationId }), signal ? { abortSignal: signal } : {});
      return `application ${this.#options.applicationId} "${application?.name ?? ''}" ${application?.state ?? 'state unknown'}, ${application?.releaseLabel ?? 'release unknown'}`;
    } catch (err) {
      throw remoteApiError('emr-serverless', 'GetApplication', err);
    }
  }

  async run(request: SparkJobRequest, runOptions: SparkRunOptions = {}): Promise<SparkJobResult> {
    const { signal } = runOptions;
    signal?.throwIfAborted();
    checkRemoteSpec(SERVICE, request.spec);
    const key: RemoteJobKey = { runId: request.spec.runId, loadId: request.spec.loadId, phase: request.phase ?? 'extract-transform' };

    const earlier = await this.#findEarlier(request.previousExternalId, signal);
    const ref = earlier?.ref ?? (await this.#start(request, key, signal));
    const externalId = emrServerlessExternalId(ref);
    let jobRun: JobRun;
    try {
      await runOptions.onSubmitted?.(externalId);
      jobRun = earlier?.jobRun.state === 'SUCCESS' ? earlier.jobRun : await this.#wait(ref, signal);
    } catch (err) {
      const cancelFailure = earlier?.jobRun.state === 'SUCCESS' ? undefined : await this.#cancel(ref);
      if (signal?.aborted) {
        throw new SparkJobError(`EMR Serverless job run ${ref.jobRunId} cancelled${cancelFailure ? `, but CancelJobRun failed: ${cancelFailure}` : ''}`, {
          code: 'E_CANCELLED',
          retryable: false,
          cause: err,
        });
      }
      throw err;
    }
    return this.#outcome(jobRun, ref, externalId);
  }

  async #findEarlier(previousExternalId: string | undefined, signal?: AbortSignal): Promise<{ ref: EmrServerlessJobRef; jobRun: JobRun } | undefined> {
    const previous = parseEmrServerlessExternalId(previousExternalId);
    if (!previous || previous.applicationId !== this.#options.applicationId) return undefined;
    try {
      const jobRun = await this.#get(previous, signal);
      const state = jobRun.state ?? '';
      return ACTIVE.has(state) || state === 'SUCCESS' ? { ref: previous, jobRun } : undefined;
    } catch (err) {
      if (awsErrorInfo(err).name === 'ResourceNotFoundException') return undefined;
      throw remoteApiError(SERVICE, 'GetJobRun', err);
    }
  }

  async #start(request: SparkJobRequest, key: RemoteJobKey, signal?: AbortSignal): Promise<EmrServerlessJobRef> {
    const attempt = request.attempt ?? 1;
    const job = await prepareRemoteJob({
      store: this.#options.store,
      codePrefix: this.#options.codePrefix,
      sparkDir: this.#sparkDir,
      spec: request.spec,
      fits: (_code, specArgs) => specArgs.every((arg) => arg.length <= REMOTE_ARGS_MAX_CHARS),
      ...(signal ? { signal } : {}),
    });
    const parameters = [
      ...REMOTE_SPARK_CONF.flatMap(([name, value]) => ['--conf', `${name}=${value}`]),
      '--conf', 'spark.emr-serverless.driverEnv.TZ=UTC',
      ...(this.#options.sparkSubmitParameters ?? []),
      '--py-files', job.code.pyFilesUri,
    ];
    const { logUri } = this.#options;
    const { sdk, client } = await this.#connect();
    try {
      const response = await client.send(
        new sdk.StartJobRunCommand({
          applicationId: this.#options.applicationId,
          clientToken: attemptToken(key, attempt),
          executionRoleArn: this.#options.executionRoleArn,
          name: remoteJobName(key, attempt),
          jobDriver: { sparkSubmit: { entryPoint: job.code.loadJobUri, entryPointArguments: job.specArgs, sparkSubmitParameters: parameters.join(' ') } },
          ...(logUri ? { configurationOverrides: { monitoringConfiguration: { s3MonitoringConfiguration: { logUri } } } } : {}),
          ...(this.#options.executionTimeoutMinutes ? { executionTimeoutMinutes: this.#options.executionTimeoutMinutes } : {}),
        }),
        signal ? { abortSignal: signal } : {},
      );
      return { applicationId: response.applicationId ?? this.#options.applicationId, jobRunId: response.jobRunId! };
    } catch (err) {
      throw remoteApiError(SERVICE, 'StartJobRun', err);
    }
  }

  async #get(ref: EmrServerlessJobRef, signal?: AbortSignal): Promise<JobRun> {
    const { sdk, client } = await this.#connect();
    const { jobRun } = await client.send(new sdk.GetJobRunCommand({ applicationId: ref.applicationId, jobRunId: ref.jobRunId }), signal ? { abortSignal: signal } : {});
    if (!jobRun) throw new Error(`GetJobRun returned no job run for ${ref.jobRunId}`);
    return jobRun;
  }

  /** Polls with growing, jittered waits until SUCCESS, FAILED or CANCELLED; throttling costs a poll, not the job. */
  async #wait(ref: EmrServerlessJobRef, signal?: AbortSignal): Promise<JobRun> {
    let failedPolls = 0;
    for (let n = 0; ; n += 1) {
      signal?.throwIfAborted();
      try {
        const jobRun = await this.#get(ref, signal);
        failedPolls = 0;
        if (TERMINAL.has(jobRun.state ?? '')) return jobRun;
      } catch (err) {
        signal?.throwIfAborted();
        failedPolls += 1;
        if (!isTransientApiError(err) || failedPolls >= MAX_FAILED_POLLS) throw remoteApiError(SERVICE, 'GetJobRun', err);
      }
      await pause(pollDelay(n, this.#options.pollInterval), signal);
    }
  }

  async #cancel(ref: EmrServerlessJobRef): Promise<string | undefined> {
    try {
      const { sdk, client } = await this.#connect();
      await client.send(new sdk.CancelJobRunCommand({ applicationId: ref.applicationId, jobRunId: ref.jobRunId }));
      return undefined;
    } catch (err) {
      const info = awsErrorInfo(err);
      return `${info.name}: ${info.message}`;
    }
  }

  /** `<logUri>/applications/<appId>/jobs/<jobRunId>/`: the job run's logs, the driver's under SPARK_DRIVER/. */
  #logUri(ref: EmrServerlessJobRef): string | undefined {
    const { logUri } = this.#options;
    return logUri ? `${joinUri(logUri, 'applications', ref.applicationId, 'jobs', ref.jobRunId)}/` : undefined;
  }

  #outcome(jobRun: JobRun, ref: EmrServerlessJobRef, externalId: string): SparkJobResult {
    const logUri = this.#logUri(ref);
    if (jobRun.state === 'SUCCESS') return { externalId, ...(logUri ? { logUri } : {}) };
    const logFile = logUri ? joinUri(logUri, 'SPARK_DRIVER', 'stderr.gz') : undefined;
    const details = {
      reason: jobRun.state ?? 'UNKNOWN',
      ...(jobRun.stateDetails ? { message: jobRun.stateDetails } : {}),
      ...(logFile ? { logFile } : {}),
      ...(logUri ? { logUri } : {}),
    };
    const where = `EMR Serverless job run ${ref.jobRunId} on application ${ref.applicationId}`;
    const logs = logFile ? ` Driver log: ${logFile}` : '';
    if (jobRun.state === 'CANCELLED') {
      throw new SparkJobError(`${where} was cancelled: ${jobRun.stateDetails ?? 'outside this run'}.${logs}`, { code: 'E_CANCELLED', retryable: false, details });
    }
    throw new SparkJobError(`${where} failed: ${jobRun.stateDetails ?? 'no details given'}.${logs}`, { code: 'E_SPARK_JOB', retryable: true, details });
  }
}
