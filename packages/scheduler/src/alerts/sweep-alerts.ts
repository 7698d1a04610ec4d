import { isTerminalRun, workerKey, type RunRecord, type RunStore } from '@pipeline/runs';
import type { Redis } from 'ioredis';
import type { Alert } from './alert.js';
import { alertKeys } from './alert-key.js';
import { runDeadline } from './run-deadline.js';

export interface SweepContext {
  redis: Redis;
  keyPrefix: string;
  store: RunStore;
  /**
   * A `running` phase whose worker has no heartbeat is stalled only once it started at least
   * this long ago: a worker may take its first job before its first heartbeat is written.
   */
  stalledGraceMs: number;
}

/** Runs that are queued (held ones included) or running, across every pipeline that has any. */
async function activeRuns(ctx: SweepContext): Promise<RunRecord[]> {
  const counts = await ctx.store.countsByState();
  const pipelines = [...new Set(counts.filter((c) => !isTerminalRun(c.state)).map((c) => c.pipelineId))];
  const ids = (await Promise.all(pipelines.flatMap((p) => [ctx.store.activeRunIds(p), ctx.store.heldRunIds(p)]))).flat();
  return (await ctx.store.getMany(ids)).filter((r) => !isTerminalRun(r.state));
}

/** The workers, among `ids`, whose heartbeat key exists. */
async function liveWorkers(ctx: SweepContext, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const values = await ctx.redis.mget(ids.map((id) => workerKey(ctx.keyPrefix, id)));
  return new Set(ids.filter((_, i) => values[i] !== null));
}

function base(run: RunRecord, at: Date) {
  return { pipelineId: run.pipelineId, runId: run.runId, trigger: run.trigger, intervalStart: run.intervalStart, intervalEnd: run.intervalEnd, at: at.toISOString() };
}

/**
 * What only time reveals, found by looking at the active runs: a run past its deadline
 * (`deadline_missed`), and a `running` phase whose worker's heartbeat expired while nobody has
 * taken the job over yet (`phase_stalled`, keyed like the restart event of the same attempt).
 */
export async function sweepAlerts(ctx: SweepContext, now: Date): Promise<Alert[]> {
  const runs = await activeRuns(ctx);
  const alerts: Alert[] = [];
  for (const run of runs) {
    const deadline = runDeadline(run);
    if (deadline && now.getTime() > deadline.getTime()) {
      alerts.push({ ...base(run, now), kind: 'deadline_missed', key: alertKeys.deadlineMissed(run.runId), state: run.state, deadline: deadline.toISOString() });
    }
  }
  const running = runs.flatMap((run) =>
    run.phases
      .filter((p) => p.state === 'running' && p.worker !== undefined && p.startedAt !== undefined && now.getTime() - Date.parse(p.startedAt) >= ctx.stalledGraceMs)
      .map((phase) => ({ run, phase })),
  );
  const live = await liveWorkers(ctx, [...new Set(running.map(({ phase }) => phase.worker!))]);
  for (const { run, phase } of running) {
    if (live.has(phase.worker!)) continue;
    const attempt = { runId: run.runId, loadId: phase.loadId, phase: phase.phase, generation: phase.generation, attempt: phase.attempts };
    alerts.push({ ...base(run, now), kind: 'phase_stalled', key: alertKeys.phaseStalled(attempt), state: 'running', loadId: phase.loadId, phase: phase.phase, attempt: phase.attempts, worker: phase.worker! });
  }
  return alerts;
}
