import { withLogScope, type LoadServices, type Logger } from '@pipeline/core';
import { JOB_CATALOG, PhaseTransitionError, RunNotFoundError, jobId, parseJob, queueForPhase, toPhaseError, type JobPayload, type Orchestrator, type RunRecord } from '@pipeline/runs';
import { DelayedError, UnrecoverableError, type Job, type Processor } from 'bullmq';
import { executePhase } from './execute-phase.js';
import { shouldRetry } from './failure-policy.js';
import type { PhaseMetrics } from './metrics/phase-metrics.js';
import { PhaseObservation } from './metrics/phase-observation.js';
import { runPhase } from './phase-runner.js';
import { recordingCompute } from './recording-compute.js';
import { recordingWarehouse } from './recording-warehouse.js';
import type { RunningPhase, RunningPhases } from './running-phases.js';

/** How a job ended, as BullMQ stores it (the phase's own result is on the run record). */
export type PhaseOutcome = 'success' | 'handed-off' | 'cancelled' | 'skipped';

export interface PhaseProcessorOptions {
  orchestrator: Orchestrator;
  services: LoadServices;
  running: RunningPhases;
  workerId: string;
  logger: Logger;
  /** False once the worker is shutting down: a job fetched while it closes goes back to the queue unstarted. */
  accepting: () => boolean;
  /** Runs one phase's work. @defaultValue `runPhase`: the core phase functions */
  phaseRunner?: typeof runPhase;
  /** Where attempts that ran are counted and timed. @defaultValue none: nothing is measured */
  metrics?: PhaseMetrics;
}

function parse(job: Job): JobPayload {
  try {
    return parseJob(job.name, job.data);
  } catch (err) {
    throw new UnrecoverableError((err as Error).message);
  }
}

/**
 * The BullMQ processor for phase jobs. The hand-off (`completePhase`) happens before the job
 * completes, so a crash in between leaves a stalled job whose retry finds the phase `success`
 * and only enqueues downstream again.
 */
export function createPhaseProcessor(options: PhaseProcessorOptions): Processor<unknown, PhaseOutcome> {
  const { orchestrator, running } = options;
  return async (job, token, jobSignal) => {
    const payload = parse(job);
    const { runId, loadId, phase, generation } = payload;
    const log = withLogScope(options.logger, { runId, loadId, phase, attempt: job.attemptsMade + 1 });
    if (!options.accepting()) return handBack(job, token, log);

    // Registered before markRunning, so that a cancel arriving in between is not missed.
    const entry = running.start(job.id ?? jobId(payload), runId, queueForPhase(phase), { cancellable: phase !== 'cleanup' });
    const observation = new PhaseObservation(options.metrics, loadId, phase);
    let result: unknown;
    let refused: PhaseTransitionError | RunNotFoundError | undefined;
    try {
      const started = await markRunning(orchestrator, payload, options.workerId, job.attemptsMade + 1);
      if (started instanceof Error) {
        refused = started;
      } else {
        if (entry.stopReason !== undefined) return 'cancelled';
        const record = started;
        const attempt = job.attemptsMade + 1;
        const previousExternalId = record.phases.find((p) => p.loadId === loadId && p.phase === phase)?.externalId;
        const services = phaseServices(options, payload, log, { attempt, previousExternalId });
        const limits = { timeoutMs: JOB_CATALOG[phase].timeoutMs, jobSignal };
        const run = options.phaseRunner ?? runPhase;
        observation.started(record.pipelineId);
        result = await executePhase(entry, phase, limits, (signal) => run(record, loadId, phase, { services, signal, attempt }));
        observation.workEnded();
      }
    } catch (err) {
      return settleFailure(err, { job, token, entry, payload, orchestrator, log, observation });
    } finally {
      running.end(entry.jobId);
    }
    if (refused) return notRun(refused, orchestrator, payload, log);
    await orchestrator.completePhase(runId, loadId, phase, result, { generation });
    observation.ended('success', { result });
    return 'success';
  };
}

/**
 * Starts the attempt on the run record. The refusal, when the phase must not run (its run was
 * cancelled, it already finished, the run was retried or removed), is returned, not thrown: it
 * is how stale and repeated jobs are dropped.
 */
async function markRunning(orchestrator: Orchestrator, payload: JobPayload, worker: string, attempt: number): Promise<RunRecord | PhaseTransitionError | RunNotFoundError> {
  const { runId, loadId, phase, generation } = payload;
  try {
    return await orchestrator.markRunning(runId, loadId, phase, { worker, attempt, generation });
  } catch (err) {
    if (err instanceof PhaseTransitionError || err instanceof RunNotFoundError) return err;
    throw err;
  }
}

/**
 * A job whose phase does not run. Its phase may have finished (success, or failed for good), or
 * its run been cancelled, by a worker that died before adding the jobs that follow (downstream,
 * or cleanup): the queued phases' jobs are added again (no-ops for jobs already added).
 */
async function notRun(refused: PhaseTransitionError | RunNotFoundError, orchestrator: Orchestrator, payload: JobPayload, log: Logger): Promise<PhaseOutcome> {
  const { runId } = payload;
  const terminal = refused instanceof PhaseTransitionError && refused.code === 'E_PHASE_TERMINAL';
  if (terminal && refused.phaseState === 'success') {
    await orchestrator.enqueueReady(runId);
    log.info('phase had already succeeded: downstream enqueued again');
    return 'handed-off';
  }
  const reason = refused instanceof PhaseTransitionError && refused.code === 'E_RUN_CANCELLED' ? 'cancelled' : 'skipped';
  log.info(
    refused instanceof PhaseTransitionError ? { reason, runState: refused.runState, phaseState: refused.phaseState } : { reason, runState: 'missing' },
    'phase not run',
  );
  if (reason === 'cancelled' || (terminal && refused.phaseState === 'failed')) await orchestrator.enqueueReady(runId);
  return reason;
}

/**
 * The phase's services: its log scope, and a compute and a warehouse that record external ids
 * (Spark job, EMR step or job run, Data API statement) before anything waits on them.
 */
function phaseServices(options: PhaseProcessorOptions, payload: JobPayload, logger: Logger, attemptInfo: { attempt: number; previousExternalId: string | undefined }): LoadServices {
  const { runId, loadId, phase, generation } = payload;
  const record = async (externalId: string) => {
    await options.orchestrator.setExternalId(runId, loadId, phase, externalId, { generation });
  };
  const compute = recordingCompute(options.services.compute, record);
  const warehouse = recordingWarehouse(options.services.warehouse, {
    record,
    previousExternalId: attemptInfo.previousExternalId,
    tokenBase: `${runId}/${loadId}/${phase}/g${generation}/a${attemptInfo.attempt}`,
  });
  return { ...options.services, compute, warehouse, logger };
}

interface FailureContext {
  job: Job;
  token: string | undefined;
  entry: RunningPhase;
  payload: JobPayload;
  orchestrator: Orchestrator;
  log: Logger;
  observation: PhaseObservation;
}

/** Puts the job back on the queue for another worker, without using one of its attempts. */
async function handBack(job: Job, token: string | undefined, log: Logger): Promise<never> {
  await job.moveToDelayed(Date.now(), token);
  log.info('worker shutting down: job handed back to the queue');
  throw new DelayedError();
}

/**
 * A phase that threw: stopped by a cancel (the run is already cancelled), handed back on
 * shutdown (the job goes back to the queue without using an attempt), or failed — retried by
 * BullMQ while the error is retryable and attempts are left, else failed for good.
 */
async function settleFailure(err: unknown, context: FailureContext): Promise<PhaseOutcome> {
  const { job, token, entry, payload, orchestrator, log, observation } = context;
  if (entry.stopReason === 'cancelled') {
    observation.ended('cancelled');
    log.info('phase stopped: its run was cancelled');
    return 'cancelled';
  }
  if (entry.stopReason === 'shutdown' || entry.released) {
    observation.ended('handed-back');
    // Recorded first, so the next worker's start is a hand-over and not taken for a dead worker.
    // Best effort: the job goes back to the queue either way.
    await orchestrator
      .releasePhase(payload.runId, payload.loadId, payload.phase, { generation: payload.generation })
      .catch((releaseErr: unknown) => log.warn({ err: releaseErr }, 'could not record the hand-back on the run'));
    return handBack(job, token, log);
  }
  const final = !shouldRetry(err, job);
  observation.ended(final ? 'failed' : 'retry', { error: err });
  await orchestrator.failPhase(payload.runId, payload.loadId, payload.phase, err, { final, generation: payload.generation });
  const info = toPhaseError(err);
  log.warn({ err, final }, final ? 'phase failed' : 'phase attempt failed; the queue retries it');
  if (final) throw new UnrecoverableError(`${info.code}: ${info.message}`);
  throw err;
}
