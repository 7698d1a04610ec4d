import type { Redis } from 'ioredis';
import { RunEventLog, RunNotFoundError, RunStore, compareStreamIds, isTerminalRun, toRunView, type PhaseStateEvent, type PhaseView, type RunEvent, type RunRecord, type StoredRunEvent } from '@pipeline/runs';
import type { PhaseChange } from './phase-change.js';
import { primaryRows } from './progress-format.js';

export interface FollowRunOptions {
  /** The shared connection: record reads and the trim check. */
  redis: Redis;
  /** A connection of its own for the blocking reads (`redis.duplicate()`); disconnecting it ends a read at once. */
  reader: Redis;
  keyPrefix: string;
  /** The run as created: its phases' starting states. */
  run: RunRecord;
  /** Id of the newest event read before the run was created, so none of the run's events is missed. */
  fromId: string;
  onChange: (change: PhaseChange) => void;
  /** Aborting stops following (the run goes on); `followRun` then resolves with undefined. */
  signal: AbortSignal;
  /** Re-read the run record this often, in case an event was missed. @defaultValue 5000 */
  recheckMs?: number;
  /** Longest blocking read. @defaultValue 1000 */
  blockMs?: number;
  /** Events per read. @defaultValue 500 */
  count?: number;
}

interface Known {
  state: PhaseView['state'];
  attempts: number;
  /** Event time of the current attempt's start, for its duration. */
  startedAt?: number;
}

const phaseKey = (loadId: string, phase: string) => `${loadId}\u0000${phase}`;

/**
 * Follows one run through the run event stream until it ends, reporting each phase state change
 * in order. Reads block on a connection of their own and start from the id read before the run
 * was created. The stream carries every run, so other runs' events are skipped; and it is
 * trimmed, so the record is re-read every `recheckMs`, at once when the stream was trimmed past
 * the reader, and when the run ends; any change the events did not bring is reported from it.
 *
 * A re-read takes the record and the stream's newest id in one MULTI, so the record reflects
 * exactly the events up to that id: those are handled first, then the record fills what is
 * missing, and nothing is reported twice.
 *
 * Resolves with the finished run, or undefined when `signal` aborted first.
 */
export async function followRun(options: FollowRunOptions): Promise<RunRecord | undefined> {
  const { runId } = options.run;
  const count = options.count ?? 500;
  const recheckMs = options.recheckMs ?? 5_000;
  const events = new RunEventLog(options.reader, options.keyPrefix);
  const store = new RunStore(options.redis, { keyPrefix: options.keyPrefix });
  const recordKey = store.keys.run(runId);
  const known = new Map<string, Known>(options.run.phases.map((p) => [phaseKey(p.loadId, p.phase), { state: p.state, attempts: p.attempts }]));
  let cursor = options.fromId;
  let checkedAt = Date.now();
  // Rows and durations live on the record: read it at most once per batch, and only when needed.
  let stored: Map<string, PhaseView> | undefined;

  /** Handles one event; true when it ends the run. */
  const handle = async (event: RunEvent): Promise<boolean> => {
    if (event.runId !== runId) return false;
    if (event.type === 'run') return isTerminalRun(event.to);
    let view: PhaseView | undefined;
    if (event.to === 'success' || event.to === 'failed') {
      stored ??= new Map(toRunView(await store.require(runId)).phases.map((p) => [phaseKey(p.loadId, p.name), p]));
      view = stored.get(phaseKey(event.loadId, event.phase));
    }
    options.onChange(toChange(event, known, view));
    return false;
  };

  const recheck = async (): Promise<RunRecord | undefined> => {
    checkedAt = Date.now();
    const [json, newest] = await snapshot(options.redis, recordKey, events.key);
    if (json === null) throw new RunNotFoundError(runId);
    const record = JSON.parse(json) as RunRecord;
    // Catch up with the events the snapshot already reflects, in order.
    while (newest !== undefined && compareStreamIds(cursor, newest) < 0) {
      const batch = (await events.read(cursor, { count })).filter((e) => compareStreamIds(e.id, newest) <= 0);
      if (batch.length === 0) break;
      stored = undefined;
      for (const { id, event } of batch) {
        cursor = id;
        await handle(event);
      }
    }
    reconcile(record, known, options.onChange);
    return isTerminalRun(record.state) ? record : undefined;
  };

  while (!options.signal.aborted) {
    const readFrom = cursor;
    let batch: StoredRunEvent[];
    try {
      batch = await events.read(readFrom, { blockMs: options.blockMs ?? 1_000, count });
    } catch (err) {
      if (options.signal.aborted) return undefined;
      throw err;
    }
    stored = undefined;
    let ended = false;
    for (const { id, event } of batch) {
      cursor = id;
      if (await handle(event)) {
        ended = true;
        break;
      }
    }
    const trimmed = !ended && batch.length === count && (await streamTrimmedPast(options.redis, events.key, readFrom));
    if (ended || trimmed || Date.now() - checkedAt >= recheckMs) {
      const done = await recheck();
      if (done) return done;
    }
  }
  return undefined;
}

/** The change an event stands for, with the duration and rows the record holds for it. */
function toChange(event: PhaseStateEvent, known: Map<string, Known>, stored: PhaseView | undefined): PhaseChange {
  const at = new Date(event.at);
  const key = phaseKey(event.loadId, event.phase);
  const mine = known.get(key);
  const change: PhaseChange = { loadId: event.loadId, phase: event.phase, state: event.to, at, attempt: event.attempts };
  const same = stored !== undefined && stored.state === event.to && stored.attempts === event.attempts;
  if (event.to === 'success' || event.to === 'failed') {
    if (same && stored.durationMs !== null) change.durationMs = stored.durationMs;
    else if (mine?.startedAt !== undefined) change.durationMs = at.getTime() - mine.startedAt;
  }
  const rows = event.to === 'success' && same ? primaryRows(event.phase, stored.rows) : undefined;
  if (rows !== undefined) change.rows = rows;
  if (event.error) change.errorCode = event.error.code;
  if (event.restarted) change.restarted = true;
  const startedAt = event.to === 'running' ? at.getTime() : mine?.startedAt;
  known.set(key, { state: event.to, attempts: event.attempts, ...(startedAt !== undefined ? { startedAt } : {}) });
  return change;
}

/** Reports every phase whose stored state differs from what the events said. */
function reconcile(record: RunRecord, known: Map<string, Known>, onChange: (change: PhaseChange) => void): void {
  const view = toRunView(record);
  record.phases.forEach((phase, i) => {
    const key = phaseKey(phase.loadId, phase.phase);
    const mine = known.get(key);
    if (mine && mine.state === phase.state && mine.attempts === phase.attempts) return;
    const shown = view.phases[i]!;
    const at = phase.endedAt ?? phase.startedAt ?? phase.queuedAt;
    const change: PhaseChange = { loadId: phase.loadId, phase: phase.phase, state: phase.state, at: at ? new Date(at) : new Date(), attempt: phase.attempts };
    if (shown.durationMs !== null && (phase.state === 'success' || phase.state === 'failed')) change.durationMs = shown.durationMs;
    const rows = phase.state === 'success' ? primaryRows(phase.phase, shown.rows) : undefined;
    if (rows !== undefined) change.rows = rows;
    if (phase.state === 'failed' && phase.error) change.errorCode = phase.error.code;
    const startedAt = phase.startedAt ? Date.parse(phase.startedAt) : undefined;
    known.set(key, { state: phase.state, attempts: phase.attempts, ...(startedAt !== undefined ? { startedAt } : {}) });
    onChange(change);
  });
}

/** The run record and the stream's newest id, read atomically. */
async function snapshot(redis: Redis, recordKey: string, streamKey: string): Promise<[string | null, string | undefined]> {
  const replies = await redis.multi().get(recordKey).xrevrange(streamKey, '+', '-', 'COUNT', 1).exec();
  if (!replies) throw new Error('reading the run and the event stream in one transaction failed: EXEC returned nothing');
  const [[getError, json], [rangeError, newest]] = replies as [[Error | null, string | null], [Error | null, [string, string[]][]]];
  if (getError) throw getError;
  if (rangeError) throw rangeError;
  return [json, newest[0]?.[0]];
}

/** Whether events after `afterId` may have been trimmed away: the oldest one left is newer than it. */
async function streamTrimmedPast(redis: Redis, streamKey: string, afterId: string): Promise<boolean> {
  const [oldest] = (await redis.xrange(streamKey, '-', '+', 'COUNT', 1)) as [string, string[]][];
  return oldest !== undefined && compareStreamIds(oldest[0], afterId) > 0;
}
