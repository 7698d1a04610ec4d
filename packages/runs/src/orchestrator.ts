import { manualRunId, resolveTransform, type LoadPhase, type Logger, type PipelineRunRequest } from '@pipeline/core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobOptions } from './catalog/job-options.js';
import { JobPayloadSchema } from './catalog/job-payload.js';
import { jobId } from './catalog/job-id.js';
import { jobRetryOverrides } from './catalog/job-retry-overrides.js';
import { applyAdmitted } from './dag/apply-admitted.js';
import { applyExternalId } from './dag/apply-external-id.js';
import { applyPhaseAttemptFailure, applyPhaseFailure } from './dag/apply-phase-failure.js';
import { applyPhaseReleased } from './dag/apply-phase-released.js';
import { applyPhaseRunning } from './dag/apply-phase-running.js';
import { applyPhaseSuccess } from './dag/apply-phase-success.js';
import { applyPhasesQueued } from './dag/apply-phases-queued.js';
import { applyRetry } from './dag/apply-retry.js';
import { applyRunCancelled } from './dag/apply-run-cancelled.js';
import type { GenerationOption } from './dag/guard-phase.js';
import { initialPhases } from './dag/initial-phases.js';
import { readyPhases } from './dag/ready-phases.js';
import { AdmissionBusyError } from './errors/admission-busy-error.js';
import { RunNotFoundError } from './errors/run-not-found-error.js';
import { assertRunId } from './model/run-id.js';
import type { PhaseRecord } from './model/phase-record.js';
import type { Draft, RunRecord } from './model/run-record.js';
import { isTerminalRun, type Trigger } from './model/states.js';
import { toPhaseError } from './model/to-phase-error.js';
import { cancelChannel, DEFAULT_KEY_PREFIX, QUEUE_KINDS, queueForPhase, redisPrefix, type QueueKind } from './queues/queue-names.js';
import { LeaseLock } from './store/lease-lock.js';
import type { QueueJob } from './store/queue-jobs.js';
import { RunStore } from './store/run-store.js';

export interface OrchestratorOptions {
  /** Shared connection for the store, the queues and cancel messages; the caller closes it. */
  redis: Redis;
  /** Namespace of the deployment. @defaultValue 'pipeline' */
  keyPrefix?: string;
  logger: Logger;
  /** @defaultValue () => new Date() */
  now?: () => Date;
  /**
   * How long `triggerRun`, `triggerRetry` and `admitWaiting` wait for the pipeline's admission
   * lock. @defaultValue 10_000
   */
  admissionWaitMs?: number;
}

/** How long a trigger or retry holds its pipeline's admission lock at most, should it stop while holding it (the scheduler's lease). */
const ADMISSION_LEASE_MS = 30_000;

/** What `triggerRun` or `triggerRetry` did. */
export interface TriggeredRun {
  record: RunRecord;
  /** Set when the run is held: how many of the pipeline's runs were active, its limit, and how many runs were held before it. */
  held?: { active: number; maxActiveRuns: number; ahead: number };
}

/** What `runPipeline` takes, with the trigger; the id is derived here unless given. */
export interface CreateRunRequest extends Omit<PipelineRunRequest, 'runId'> {
  trigger: Trigger;
  /** Scheduled and backfill runs pass `scheduledRunId(…)`; a fresh manual id otherwise. */
  runId?: string;
}

export interface FailPhaseOptions extends GenerationOption {
  /** True when no attempt is left (or the error is not retryable): the phase fails for good. */
  final: boolean;
}

export interface MarkRunningOptions extends GenerationOption {
  worker: string;
  /** BullMQ's attempt number, for the log. */
  attempt: number;
}

/**
 * A log line's fields: those that tie it to its run, then `fields` (passed per line: a child
 * logger per call costs more than the line). The spread comes last on purpose: Node 20 copies
 * `{ ...scope, more }` on a slow path, and some of these lines are written on every phase change.
 */
function logFields(record: RunRecord, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { runId: record.runId, pipelineId: record.pipelineId, ...fields };
}

/** Whether a phase of the record has a job to run: it is queued, and in a cancelled run only cleanups still run. */
function runsJob(record: RunRecord, phase: PhaseRecord): boolean {
  return phase.state === 'queued' && (record.state !== 'cancelled' || phase.phase === 'cleanup');
}

/** The job of a phase, its payload checked against the job catalog. */
function phaseJob(record: RunRecord, phase: PhaseRecord): QueueJob & { queue: QueueKind } {
  const data = JobPayloadSchema.parse({ runId: record.runId, loadId: phase.loadId, phase: phase.phase, generation: phase.generation });
  const load = record.pipeline.loads.find((l) => l.id === phase.loadId);
  return { queue: queueForPhase(phase.phase), name: phase.phase, data, opts: jobOptions(data, jobRetryOverrides(load)) };
}

/**
 * The run life cycle on BullMQ. Every state change is a compare-and-set of the run record,
 * which adds the jobs of the phases it makes due in the same step (`jobsOf`). Job ids are
 * deterministic, so adding again is always safe: a change repeated after a crash writes nothing
 * and adds the jobs of the run's queued phases again.
 */
export class Orchestrator {
  readonly store: RunStore;
  readonly keyPrefix: string;
  private readonly redis: Redis;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly admissionWaitMs: number;
  /** Made on first use: a BullMQ queue writes its metadata to Redis when made, and a command refused for bad input must leave nothing behind. */
  private readonly queues = new Map<QueueKind, Queue>();
  /** Admissions started by runs that ended (see `onSlotFreed`), one per pipeline at a time; `again` when another run ended meanwhile. */
  private readonly admitting = new Map<string, { again: boolean; done: Promise<void> }>();

  constructor(options: OrchestratorOptions) {
    this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.redis = options.redis;
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
    this.admissionWaitMs = options.admissionWaitMs ?? 10_000;
    this.store = new RunStore(options.redis, {
      keyPrefix: this.keyPrefix,
      now: this.now,
      onSlotFreed: (record) => this.onSlotFreed(record.pipelineId),
      jobsOf: (current, next) => this.jobsOf(current, next),
    });
  }

  /** The BullMQ queue of one kind (for inspection; jobs are added through this class). */
  queue(kind: QueueKind): Queue {
    let queue = this.queues.get(kind);
    if (!queue) {
      queue = new Queue(kind, { connection: this.redis, prefix: redisPrefix(this.keyPrefix) });
      // Without a listener BullMQ prints connection errors to the console, outside the JSON log.
      // They are the shared connection's errors, which its owner logs already: debug is enough.
      queue.on('error', (err) => this.logger.debug({ err, queue: kind }, 'queue connection error'));
      this.queues.set(kind, queue);
    }
    return queue;
  }

  /**
   * Creates the run and enqueues its first phases. When a run with this id exists (another
   * scheduler replica was first) the existing record is returned and nothing new is enqueued.
   */
  async createRun(request: CreateRunRequest): Promise<RunRecord> {
    return (await this.createOrGetRun(request)).record;
  }

  /** `createRun`, also saying whether this call created the run. */
  async createOrGetRun(request: CreateRunRequest): Promise<{ record: RunRecord; created: boolean }> {
    return (await this.createOrGetRuns([request]))[0]!;
  }

  /**
   * A manual run, within its pipeline's `schedule.maxActiveRuns`: started at once when the
   * pipeline has a free run slot and no run held before it, else created held (see
   * `RunRecord.held`), to be admitted once a slot frees, after the runs held before it (see
   * `admitWaiting`). Counting and creating are one step across processes: both happen under the
   * pipeline's admission lock, which scheduler ticks take too. A pipeline without a schedule has
   * no limit: its runs start at once.
   */
  async triggerRun(request: CreateRunRequest): Promise<TriggeredRun> {
    const maxActiveRuns = request.pipeline.schedule?.maxActiveRuns;
    if (maxActiveRuns === undefined) return { record: await this.createRun(request) };
    return this.withinLimit(request.pipeline.id, maxActiveRuns, {
      start: () => this.createRun(request),
      hold: async () => (await this.createOrGetRuns([request], { held: true }))[0]!.record,
    });
  }

  /**
   * `retryRun` within the run's `schedule.maxActiveRuns` (of the definition it was created from),
   * as `triggerRun` starts a manual run: retried at once when a slot is free and no run is held
   * before it, else retried held (its phases reset, none queued) to be admitted as
   * `triggerRun`'s held runs are.
   * Throws RunStateError, and holds nothing, when the run is neither failed nor cancelled.
   */
  async triggerRetry(runId: string): Promise<TriggeredRun> {
    const current = await this.store.require(runId);
    const maxActiveRuns = current.pipeline.schedule?.maxActiveRuns;
    if (maxActiveRuns === undefined) return { record: await this.retryRun(runId) };
    return this.withinLimit(current.pipelineId, maxActiveRuns, {
      start: () => this.retryRun(runId),
      hold: async () => {
        // Checked again under the lock, which every retry of the pipeline takes: one that came
        // first (RunStateError) leaves nothing held.
        applyRetry(await this.store.require(runId), this.now());
        // Indexed first: a crash before the write leaves an entry the next tick drops, never a held run it cannot find.
        await this.store.hold(current.pipelineId, runId, this.now());
        const record = await this.store.update(runId, (r) => ({ ...applyRetry(r, this.now()), held: true }));
        this.logger.info(logFields(record, { held: true }), 'run retried');
        return record;
      },
    });
  }

  /**
   * Under the pipeline's admission lock, counts its active and held runs and starts the run when
   * a slot is free and nothing is held before it, else holds it.
   *
   * Once held, the free slots are given out again (`admitFree`). A run that ended after the count
   * and before this run was on the held index found nothing held, so it started no admission
   * (see `onSlotFreed`): without this, its slot would stay free, and this run held, until a
   * scheduler tick or the end of another run. A run that ends later finds this one held.
   */
  private async withinLimit(pipelineId: string, maxActiveRuns: number, run: { start: () => Promise<RunRecord>; hold: () => Promise<RunRecord> }): Promise<TriggeredRun> {
    return this.admissionLock(pipelineId).with(async () => {
      const [active, ahead] = await Promise.all([this.store.activeCount(pipelineId), this.store.heldCount(pipelineId)]);
      if (active < maxActiveRuns && ahead === 0) return { record: await run.start() };
      const record = await run.hold();
      if ((await this.admitFree(pipelineId)).includes(record.runId)) return { record: await this.store.require(record.runId) };
      return { record, held: { active, maxActiveRuns, ahead } };
    });
  }

  /** The pipeline's admission lock, which scheduler ticks take too; waited for `waitMs` (`admissionWaitMs` by default). */
  private admissionLock(pipelineId: string, waitMs = this.admissionWaitMs): LeaseLock {
    return new LeaseLock(this.redis, this.store.keys.admissionLock(pipelineId), {
      leaseMs: ADMISSION_LEASE_MS,
      waitMs,
      onTimeout: () => new AdmissionBusyError(pipelineId, waitMs),
    });
  }

  /**
   * A run of the pipeline ended while others were held: `admitWaiting` starts in the background,
   * so that the write that ended the run (a worker's hand-off, a cancel) does not wait for it.
   * A run that ends while one is under way makes it go round once more. Failures are logged and
   * left to the next scheduler tick, which admits held runs too. `close` waits for them.
   */
  private onSlotFreed(pipelineId: string): void {
    const current = this.admitting.get(pipelineId);
    if (current) {
      current.again = true;
      return;
    }
    const state = { again: true, done: Promise.resolve() };
    state.done = (async () => {
      while (state.again) {
        state.again = false;
        try {
          await this.admitWaiting(pipelineId);
        } catch (err) {
          const busy = err instanceof AdmissionBusyError;
          this.logger[busy ? 'info' : 'warn']({ err, pipelineId }, 'held runs not admitted as a run ended: the next scheduler tick admits them');
        }
      }
      this.admitting.delete(pipelineId);
    })();
    this.admitting.set(pipelineId, state);
  }

  /**
   * Gives held runs their run slots, in the order given (the caller, `admitWaiting` or a
   * scheduler tick, holds the pipeline's admission lock and counted the free slots): each becomes
   * ready, its first phases' jobs are added, and only then it leaves the held index, so a crash
   * in between leaves it there for the next tick to finish. Runs no longer held (admitted
   * already, cancelled, gone) leave the index too, their queued jobs added again. Returns the runs
   * admitted by this call (not one cancelled meanwhile).
   */
  async admitHeld(pipelineId: string, runIds: readonly string[]): Promise<string[]> {
    const admitted: string[] = [];
    for (const runId of runIds) {
      // Whether the version the write applied to was held: the last call of the update's function.
      let wasHeld = false;
      const record = await this.updateRun(runId, (r) => {
        wasHeld = r.held === true;
        return this.queueReady(applyAdmitted(r));
      }).catch((err: unknown) => {
        if (err instanceof RunNotFoundError) return undefined;
        throw err;
      });
      if (record) {
        if (wasHeld && !isTerminalRun(record.state)) {
          admitted.push(runId);
          this.logger.info(logFields(record), 'held run admitted');
        }
      }
      await this.store.removeHeld(pipelineId, [runId]);
    }
    return admitted;
  }

  /**
   * Gives the pipeline's free run slots to its held runs, in the order they were held, under its
   * admission lock: what a run's end starts at once (see `onSlotFreed`), where a scheduler tick
   * would do it at its next turn. The limit is the pipeline's `schedule.maxActiveRuns` as the
   * scheduler last read it from the definition file (`RunStore.maxActiveRunsInForce`), or, where
   * no scheduler recorded one, the limit the first held run was held under (none: all are
   * admitted). Returns the runs admitted.
   * Throws AdmissionBusyError when the lock stays taken `options.waitMs` (`admissionWaitMs` by
   * default); the holder, or the next scheduler tick, admits them then.
   */
  async admitWaiting(pipelineId: string, options: { waitMs?: number } = {}): Promise<string[]> {
    return this.admissionLock(pipelineId, options.waitMs).with(() => this.admitFree(pipelineId));
  }

  /** `admitWaiting`'s work, for a caller holding the admission lock. */
  private async admitFree(pipelineId: string): Promise<string[]> {
    const admitted: string[] = [];
    for (;;) {
      const [first] = await this.store.heldRunIds(pipelineId, 1);
      if (first === undefined) return admitted;
      const free = await this.freeSlots(pipelineId, first);
      if (free <= 0) return admitted;
      admitted.push(...(await this.admitHeld(pipelineId, await this.store.heldRunIds(pipelineId, Number.isFinite(free) ? free : undefined))));
    }
  }

  /**
   * The pipeline's free run slots (Infinity without a limit), within the limit in force as the
   * scheduler last read the definition; where none is recorded, within the one the first held
   * run was held under, read from its record only then (records grow with their loads).
   */
  private async freeSlots(pipelineId: string, firstHeld: string): Promise<number> {
    const [active, inForce] = await Promise.all([this.store.activeCount(pipelineId), this.store.maxActiveRunsInForce(pipelineId)]);
    let limit = inForce;
    if (limit === undefined) {
      const held = await this.store.get(firstHeld);
      // A held run gone (pruned) is dropped from the index by admitHeld, and takes no slot.
      if (!held) return 1;
      limit = held.pipeline.schedule?.maxActiveRuns ?? null;
    }
    return limit === null ? Number.POSITIVE_INFINITY : limit - active;
  }

  /**
   * `createOrGetRun` for many runs, in order: the records are written in one round trip and
   * the ready phases' jobs added in one more per queue, which is what lets a scheduler tick
   * create thousands of runs. A run whose id exists is read back and its queued phases' jobs
   * added again, as for one run.
   */
  async createOrGetRuns(requests: readonly CreateRunRequest[], options: { held?: boolean } = {}): Promise<Array<{ record: RunRecord; created: boolean }>> {
    if (requests.length === 0) return [];
    const now = this.now();
    // Built before knowing whether they exist: building a record costs less than reading first.
    const records = requests.map((request) => {
      const runId = request.runId ?? manualRunId(request.pipeline.id, now);
      assertRunId(runId);
      return this.newRecord(runId, request, now, options.held ?? false);
    });
    const created = await this.store.createMany(records);
    const existing = new Map((await this.store.getMany(records.filter((_, i) => !created[i]).map((r) => r.runId))).map((r) => [r.runId, r]));
    const results = records.map((record, i) => {
      if (created[i]) {
        this.logger.info(logFields(record, { trigger: record.trigger, intervalStart: record.intervalStart, ...(record.held ? { held: true } : {}) }), 'run created');
        return { record, created: true };
      }
      const stored = existing.get(record.runId);
      // Created and pruned again between the two reads: nothing is left to enqueue.
      if (!stored) throw new RunNotFoundError(record.runId);
      return { record: stored, created: false };
    });
    // The jobs of the runs created went with them; those of runs that existed are added again.
    await this.addQueuedJobs(results.filter((r) => !r.created).map((r) => r.record));
    return results;
  }

  /**
   * The hand-off: records the phase's success and result, and enqueues what became ready, in
   * one step. The worker calls it BEFORE its job completes; after a crash in between, the stalled
   * job is retried, finds the phase `success` and calls this again, which only re-adds the queued
   * phases' jobs (a no-op for those already added).
   */
  async completePhase(runId: string, loadId: string, phase: LoadPhase, result: unknown, options: GenerationOption = {}): Promise<RunRecord> {
    const record = await this.updateRun(runId, (r) => this.queueReady(applyPhaseSuccess(r, loadId, phase, result, this.now(), options)));
    this.logger.info(logFields(record, { loadId, phase, runState: record.state }), 'phase succeeded');
    return record;
  }

  /**
   * Records a failed attempt. Not final: the phase waits for the queue's retry. Final: the phase
   * fails, what can no longer run is marked upstream_failed, and cleanup is enqueued.
   */
  async failPhase(runId: string, loadId: string, phase: LoadPhase, error: unknown, options: FailPhaseOptions): Promise<RunRecord> {
    const info = toPhaseError(error);
    const now = this.now();
    const record = await this.updateRun(runId, (r) =>
      options.final ? this.queueReady(applyPhaseFailure(r, loadId, phase, info, now, options)) : applyPhaseAttemptFailure(r, loadId, phase, info, now, options),
    );
    this.logger.warn(logFields(record, { loadId, phase, final: options.final, code: info.code, runState: record.state }), options.final ? 'phase failed' : 'phase attempt failed');
    return record;
  }

  /** A worker starts an attempt. Throws PhaseTransitionError when the phase must not run (cancelled, finished, stale). */
  async markRunning(runId: string, loadId: string, phase: LoadPhase, options: MarkRunningOptions): Promise<RunRecord> {
    const record = await this.store.update(runId, (r) => applyPhaseRunning(r, loadId, phase, options, this.now()));
    this.logger.info(logFields(record, { loadId, phase, worker: options.worker, attempt: options.attempt }), 'phase running');
    return record;
  }

  /**
   * A worker shutting down gives a running phase back to the queue: the phase is `queued` again
   * (its external id kept for the next attempt to re-attach). The caller moves the job back.
   */
  async releasePhase(runId: string, loadId: string, phase: LoadPhase, options: GenerationOption = {}): Promise<RunRecord> {
    const record = await this.store.update(runId, (r) => applyPhaseReleased(r, loadId, phase, this.now(), options));
    this.logger.info(logFields(record, { loadId, phase }), 'phase handed back to the queue');
    return record;
  }

  /** Stores the external job's id; the worker calls it BEFORE waiting, so a retry can reconnect. */
  async setExternalId(runId: string, loadId: string, phase: LoadPhase, externalId: string, options: GenerationOption = {}): Promise<RunRecord> {
    const record = await this.store.update(runId, (r) => applyExternalId(r, loadId, phase, externalId, options));
    this.logger.info(logFields(record, { loadId, phase, externalId }), 'external job recorded');
    return record;
  }

  /**
   * Cancels the run: the run and its unfinished phases become `cancelled`, their waiting and
   * delayed jobs are removed, and the run id is published on `{prefix}:cancel` so that a worker
   * running one of its phases aborts it. A finished run is returned unchanged. Calling it again
   * on a cancelled run repeats the removal and the message.
   */
  async cancelRun(runId: string): Promise<RunRecord> {
    const record = await this.updateRun(runId, (r) => this.queueReady(applyRunCancelled(r, this.now())));
    if (record.state !== 'cancelled') return record;
    const cancelled = record.phases.filter((p) => p.state === 'cancelled');
    await this.store.removeHeld(record.pipelineId, [runId]);
    await Promise.all(cancelled.map((p) => this.queue(queueForPhase(p.phase)).remove(jobId({ runId, loadId: p.loadId, phase: p.phase, generation: p.generation }))));
    await this.redis.publish(cancelChannel(this.keyPrefix), runId);
    this.logger.info(logFields(record, { phases: cancelled.length }), 'run cancelled');
    return record;
  }

  /**
   * Retries a failed or cancelled run (see `applyRetry` for what runs again) and enqueues what is
   * ready, whatever the pipeline's limit: for a caller that counted the slots under the admission
   * lock (a scheduler tick). Others use `triggerRetry`.
   */
  async retryRun(runId: string): Promise<RunRecord> {
    const record = await this.updateRun(runId, (r) => this.queueReady(applyRetry(r, this.now())));
    this.logger.info(logFields(record), 'run retried');
    return record;
  }

  /**
   * Marks ready phases queued and (re-)adds the jobs of every queued phase: the repair for a
   * hand-off lost before its jobs were added. Safe at any time.
   */
  async enqueueReady(runId: string): Promise<RunRecord> {
    return this.enqueueQueued(await this.store.update(runId, (r) => this.queueReady(r)));
  }

  /** Waits for admissions started by runs that ended, then closes the queues; the Redis connection belongs to the caller. */
  async close(): Promise<void> {
    await this.admissionsSettled();
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  /** Resolves once no admission started by a run's end is under way (they never reject). */
  async admissionsSettled(): Promise<void> {
    while (this.admitting.size > 0) await Promise.all([...this.admitting.values()].map((a) => a.done));
  }

  private newRecord(runId: string, request: CreateRunRequest, now: Date, held: boolean): RunRecord {
    const record: Draft<RunRecord> = {
      runId,
      pipelineId: request.pipeline.id,
      trigger: request.trigger,
      state: 'queued',
      intervalStart: request.interval?.start.toISOString() ?? null,
      intervalEnd: request.interval?.end.toISOString() ?? null,
      params: { ...request.params },
      createdAt: now.toISOString(),
      pipeline: request.pipeline,
      transformPaths: Object.fromEntries(request.pipeline.loads.map((load) => [load.id, resolveTransform(load, request.baseDir)])),
      phases: initialPhases(request.pipeline),
      version: 1,
    };
    if (held) record.held = true;
    return this.queueReady(record, now);
  }

  private queueReady(record: RunRecord, now: Date = this.now()): RunRecord {
    return applyPhasesQueued(record, readyPhases(record), now);
  }

  private async enqueueQueued(record: RunRecord): Promise<RunRecord> {
    await this.addQueuedJobs([record]);
    return record;
  }

  /**
   * `store.update(runId, fn)`, whose write adds the jobs of the phases it makes due (`jobsOf`).
   * When it writes nothing, because what `fn` does was done already (a worker repeating its
   * hand-off after a crash, a second cancel), the jobs of every queued phase are added again
   * instead: the repair of a run whose jobs were lost some other way (a record written by a
   * version that added them after the write, a queue emptied by hand).
   */
  private async updateRun(runId: string, fn: (record: RunRecord) => RunRecord): Promise<RunRecord> {
    // Whether the version the write applied to changed: the last call of the update's function.
    let wrote = false;
    const record = await this.store.update(runId, (r) => {
      const next = fn(r);
      wrote = next !== r;
      return next;
    });
    return wrote ? record : this.enqueueQueued(record);
  }

  /**
   * The jobs a write of `next` over `current` (null: the run's creation) adds with the record:
   * those of the phases it makes queued. A phase queued before, at the same generation, had its
   * job added by the write that queued it (or has it still, between a failed attempt and its
   * retry); a released phase's job exists and is left as it is.
   */
  private jobsOf(current: RunRecord | null, next: RunRecord): QueueJob[] {
    const jobs: QueueJob[] = [];
    next.phases.forEach((phase, i) => {
      if (!runsJob(next, phase)) return;
      const before = current?.phases[i];
      if (before === phase) return;
      if (before && before.state === 'queued' && before.loadId === phase.loadId && before.phase === phase.phase && before.generation === phase.generation) return;
      jobs.push(phaseJob(next, phase));
    });
    return jobs;
  }

  /**
   * Adds the job of every queued phase of the records (of a cancelled run, only the cleanups
   * still run). Job ids are deterministic, so a job added before is left as it is. One job is
   * added on its own; more go to each queue in one bulk add.
   */
  private async addQueuedJobs(records: readonly RunRecord[]): Promise<void> {
    const jobs = records.flatMap((record) => record.phases.filter((p) => runsJob(record, p)).map((p) => phaseJob(record, p)));
    if (jobs.length === 1) {
      const [job] = jobs as [(typeof jobs)[number]];
      await this.queue(job.queue).add(job.name, job.data, job.opts);
    } else if (jobs.length > 1) {
      await Promise.all(
        QUEUE_KINDS.map(async (kind) => {
          const ofKind = jobs.filter((j) => j.queue === kind);
          if (ofKind.length > 0) await this.queue(kind).addBulk(ofKind.map(({ name, data, opts }) => ({ name, data, opts })));
        }),
      );
    }
  }
}
