import type { LoadPhase } from '@pipeline/core';
import type { PhaseErrorInfo, PhaseRecord } from '../model/phase-record.js';
import type { RunRecord } from '../model/run-record.js';
import type { PhaseState, RunState, Trigger } from '../model/states.js';

/** What every event carries: whose run it is and when the change was written. */
interface RunEventBase {
  runId: string;
  pipelineId: string;
  trigger: Trigger;
  /** ISO instant of the write. */
  at: string;
}

/** The run's rolled-up state changed (`from` is null when the run was created). */
export interface RunStateEvent extends RunEventBase {
  type: 'run';
  from: RunState | null;
  to: RunState;
  intervalStart: string | null;
  intervalEnd: string | null;
}

/**
 * A phase changed state, or started a new attempt while still `running`: the worker of the
 * previous attempt died without reporting (`restarted`, with that worker's id).
 */
export interface PhaseStateEvent extends RunEventBase {
  type: 'phase';
  loadId: string;
  phase: LoadPhase;
  from: PhaseState;
  to: PhaseState;
  attempts: number;
  generation: number;
  worker?: string;
  /** The worker of the attempt that was abandoned, when `restarted`. */
  previousWorker?: string;
  restarted?: boolean;
  /** Set when the phase failed (for good, or an attempt that will be retried); `checks` names the failed data checks. */
  error?: { code: string; message: string; checks?: string[] };
}

export type RunEvent = RunStateEvent | PhaseStateEvent;

/** Messages are cut to this length in events; the run record keeps the whole message. */
const MAX_EVENT_MESSAGE = 2_000;

function errorOf(error: PhaseErrorInfo | undefined): PhaseStateEvent['error'] {
  if (!error) return undefined;
  const message = error.message.length > MAX_EVENT_MESSAGE ? `${error.message.slice(0, MAX_EVENT_MESSAGE)}…` : error.message;
  return { code: error.code, message, ...(error.checks ? { checks: error.checks.map((c) => c.name) } : {}) };
}

function phaseEvent(base: RunEventBase, before: PhaseRecord, after: PhaseRecord): PhaseStateEvent | undefined {
  const restarted = before.state === 'running' && after.state === 'running' && after.attempts > before.attempts;
  const attemptFailed = before.state === 'running' && after.state === 'queued';
  if (before.state === after.state && !restarted) return undefined;
  // Field by field, not `{ ...base, … }`: this runs on every phase change, and Node 20's V8
  // copies a spread that gains new properties on a slow path, ten times the cost of the rest.
  const event: PhaseStateEvent = {
    runId: base.runId,
    pipelineId: base.pipelineId,
    trigger: base.trigger,
    at: base.at,
    type: 'phase',
    loadId: after.loadId,
    phase: after.phase,
    from: before.state,
    to: after.state,
    attempts: after.attempts,
    generation: after.generation,
  };
  if (after.worker !== undefined) event.worker = after.worker;
  if (restarted) {
    event.restarted = true;
    if (before.worker !== undefined) event.previousWorker = before.worker;
  }
  if (after.state === 'failed' || attemptFailed) {
    const error = errorOf(after.error);
    if (error) event.error = error;
  }
  return event;
}

/**
 * The events a write of `next` over `previous` (null: the run is created) stands for: one per
 * phase whose state changed, then one for the run when its state changed. Written by the same
 * Lua call as the record, so an event exists exactly when its change does.
 */
export function runEvents(previous: RunRecord | null, next: RunRecord, at: Date): RunEvent[] {
  const base: RunEventBase = { runId: next.runId, pipelineId: next.pipelineId, trigger: next.trigger, at: at.toISOString() };
  const events: RunEvent[] = [];
  if (previous) {
    // Changes replace a phase in place, so the phase before is normally at the same index (and,
    // when the change left it alone, the same object); it is looked up by key only otherwise.
    let byKey: Map<string, PhaseRecord> | undefined;
    next.phases.forEach((after, i) => {
      let prior = previous.phases[i];
      if (prior === after) return;
      if (!prior || prior.loadId !== after.loadId || prior.phase !== after.phase) {
        byKey ??= new Map(previous.phases.map((p) => [`${p.loadId}\u0000${p.phase}`, p]));
        prior = byKey.get(`${after.loadId}\u0000${after.phase}`);
      }
      const event = prior && phaseEvent(base, prior, after);
      if (event) events.push(event);
    });
  }
  if (!previous || previous.state !== next.state) {
    events.push({
      runId: base.runId,
      pipelineId: base.pipelineId,
      trigger: base.trigger,
      at: base.at,
      type: 'run',
      from: previous?.state ?? null,
      to: next.state,
      intervalStart: next.intervalStart,
      intervalEnd: next.intervalEnd,
    });
  }
  return events;
}
