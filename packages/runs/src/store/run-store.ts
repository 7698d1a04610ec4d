import type { Redis } from 'ioredis';
import { RunConflictError } from '../errors/run-conflict-error.js';
import { RunNotFoundError } from '../errors/run-not-found-error.js';
import type { RunRecord } from '../model/run-record.js';
import { isTerminalRun, type RunState } from '../model/states.js';
import { runEvents } from '../events/run-event.js';
import { DEFAULT_KEY_PREFIX } from '../queues/queue-names.js';
import { LeaseLock } from './lease-lock.js';
import { LuaScript } from './lua-script.js';
import { encodeJob, encodedJobBytes, jobCallArgs, type EncodedJob, type QueueJob } from './queue-jobs.js';
import { RecentRecords } from './recent-records.js';
import { TurnBatch } from './turn-batch.js';
import { runKeys, type RunKeys } from './run-keys.js';

export interface RunStoreOptions {
  /** Namespace of the deployment; keys live under `{<keyPrefix>}:`. @defaultValue 'pipeline' */
  keyPrefix?: string;
  /** Compare-and-set tries before `update` gives up with RunConflictError. @defaultValue 100 */
  maxUpdateTries?: number;
  /**
   * How long `update` holds a run's update lock at most: should its process stop while holding it,
   * the others wait this long. A write still needs the version it read, so a lock that lapsed
   * early costs a retry, never a lost change. @defaultValue 10_000
   */
  updateLockMs?: number;
  /** How long `update` waits for a run's update lock before it gives up with RunConflictError. @defaultValue 60_000 */
  updateLockWaitMs?: number;
  /** Approximate number of events the event stream keeps (older ones are trimmed). @defaultValue 100_000 */
  eventsMaxLen?: number;
  /** Clock of the events' `at`. @defaultValue () => new Date() */
  now?: () => Date;
  /**
   * Called after a write that ended a run (took it out of its pipeline's active set) while the
   * pipeline had held runs waiting: a run slot is free for them. Called in the write's turn, so
   * it must not throw; what it starts is its own to await. @defaultValue none
   */
  onSlotFreed?: (record: RunRecord) => void;
  /**
   * The BullMQ jobs a write adds, in the same step as the record (see `add-jobs.lua`): given the
   * record before (null when the write creates the run) and the record written. A job whose id
   * exists is left as it is; a write refused adds none. Called before the write is sent: what it
   * throws, or a job `encodeJob` refuses, fails the write (`update` or `createMany` rejects) and
   * nothing is written. @defaultValue none
   */
  jobsOf?: (current: RunRecord | null, next: RunRecord) => readonly QueueJob[];
}

export interface ListOptions {
  /** @defaultValue 50 */
  limit?: number;
  /** Only runs scored strictly before this instant (interval start, or created time for a full refresh): the next page. */
  before?: Date;
}

/** The field of a pipeline's `sched:<pipelineId>` hash holding the end of its last scheduled interval. */
export const SCHEDULE_LAST_END_FIELD = 'lastIntervalEnd';

/**
 * The field of a pipeline's `sched:<pipelineId>` hash holding the `schedule.maxActiveRuns` of its
 * definition as the scheduler last read it ('' for a pipeline without a schedule).
 */
export const SCHEDULE_MAX_ACTIVE_FIELD = 'maxActiveRuns';

/** Runs created per script call by `createMany`. */
const CREATE_CHUNK = 128;

/**
 * Compare-and-set writes per script call at most, and their bytes (records and events) at most:
 * each call holds Redis up while it runs, and the records of wide runs weigh hundreds of KB.
 */
const CAS_BATCH = { maxItems: 64, maxWeight: 1024 * 1024, weigh: (write: CasWrite) => write.bytes };

/** One record's compare-and-set, as `cas-runs.lua` takes it. */
interface CasWrite {
  keys: [run: string, active: string, held: string];
  args: Array<string | number>;
  /** The jobs the write adds. */
  jobs: readonly EncodedJob[];
  /** Length of the record's, events' and jobs' JSON: what the call carries. */
  bytes: number;
}

/** Script files whose functions the scripts that add BullMQ jobs call: ours, and BullMQ's own. */
const ADDS_JOBS = { uses: ['add-jobs'], bullmq: ['storeJob', 'addJobInTargetList', 'isQueuePausedOrMaxed', 'getOrSetMaxEvents'] } as const;

/** The store's scripts: the same for every store, read once. */
const CREATE_SCRIPT = new LuaScript('create-runs', { ...ADDS_JOBS, uses: ['held-index', ...ADDS_JOBS.uses] });
const HOLD_SCRIPT = new LuaScript('hold-run', { uses: ['held-index'] });
const CAS_SCRIPT = new LuaScript('cas-runs', ADDS_JOBS);
const DELETE_SCRIPT = new LuaScript('delete-run');

/**
 * Runs whose last written record a store keeps, to write the next change without reading first:
 * at most this many, weighing at most this much JSON (decoded, a record takes a few times more).
 */
const RECENT = { maxRecords: 10_000, maxBytes: 16 * 1024 * 1024 };

/** The stats hash field counting a pipeline's runs in one state. */
export function statsField(pipelineId: string, state: RunState): string {
  return `${pipelineId}:${state}`;
}

/** Every member of T, the optional ones included (possibly undefined): a literal of this type lists them all. */
type AllMembers<T> = { [K in keyof Required<T>]: T[K] };

/**
 * The record at `version`, with `version` as its last member: stored that way, the
 * compare-and-set script reads it off the end of the JSON without decoding the whole record.
 * Copied member by member (a member added to RunRecord and not listed here fails to compile):
 * this runs on every write, and a rest-and-spread copy costs several times more on Node 20.
 */
function atVersion(record: RunRecord, version: number): RunRecord {
  const next: AllMembers<RunRecord> = {
    runId: record.runId,
    pipelineId: record.pipelineId,
    trigger: record.trigger,
    state: record.state,
    intervalStart: record.intervalStart,
    intervalEnd: record.intervalEnd,
    params: record.params,
    createdAt: record.createdAt,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    pipeline: record.pipeline,
    transformPaths: record.transformPaths,
    phases: record.phases,
    held: record.held,
    version,
  };
  return next;
}

/** Whether a run counts against its pipeline's `maxActiveRuns`: admitted (not held) and not finished. */
export function isActiveRun(record: Pick<RunRecord, 'state' | 'held'>): boolean {
  return !isTerminalRun(record.state) && !record.held;
}

/** Where a run sits in its pipeline's index: by data interval, or creation for a full refresh. */
function scoreOf(record: RunRecord): number {
  return Date.parse(record.intervalStart ?? record.createdAt);
}

/**
 * Runs in Redis. Every write is atomic: `create` stores and indexes in one Lua script (SET NX),
 * `update` is an optimistic read–modify–compare-and-set on the record's `version`.
 */
export class RunStore {
  readonly keys: RunKeys;
  private readonly redis: Redis;
  private readonly maxUpdateTries: number;
  private readonly updateLockMs: number;
  private readonly updateLockWaitMs: number;
  private readonly eventsMaxLen: number;
  private readonly now: () => Date;
  private readonly onSlotFreed: ((record: RunRecord) => void) | undefined;
  private readonly jobsOf: ((current: RunRecord | null, next: RunRecord) => readonly QueueJob[]) | undefined;
  /** The compare-and-set writes of one turn, sent in one script call (see `write`). */
  private readonly casBatch = new TurnBatch<CasWrite, number | Error>((writes) => this.sendWrites(writes), CAS_BATCH);
  /** The records this store wrote last. */
  private readonly recent = new RecentRecords(RECENT);

  constructor(redis: Redis, options: RunStoreOptions = {}) {
    this.redis = redis;
    this.keys = runKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
    this.maxUpdateTries = options.maxUpdateTries ?? 100;
    this.updateLockMs = options.updateLockMs ?? 10_000;
    this.updateLockWaitMs = options.updateLockWaitMs ?? 60_000;
    this.eventsMaxLen = options.eventsMaxLen ?? 100_000;
    this.now = options.now ?? (() => new Date());
    this.onSlotFreed = options.onSlotFreed;
    this.jobsOf = options.jobsOf;
  }

  /** Stores a new run; false (and nothing written) when a run with its id exists already. */
  async create(record: RunRecord): Promise<boolean> {
    return (await this.createMany([record]))[0]!;
  }

  /**
   * `create` for many runs in one round trip: per record, whether it was stored (false when a
   * run with its id existed). Each record is created atomically on its own, with the jobs
   * `jobsOf` gives for it (none for a run that existed); when the call
   * rejects, some may have been stored, and creating them again is safe. The records go to Redis
   * CREATE_CHUNK to a script call: a tick creating thousands of runs sends a few hundred
   * commands, not one per run, and no single call holds Redis up for long.
   */
  async createMany(records: readonly RunRecord[]): Promise<boolean[]> {
    const { keys } = this;
    const at = this.now();
    const jsons = records.map((record) => JSON.stringify(atVersion(record, record.version)));
    const calls: Array<[string[], (string | number)[]]> = [];
    for (let from = 0; from < records.length; from += CREATE_CHUNK) {
      const chunk = records.slice(from, from + CREATE_CHUNK);
      const { keys: callKeys, args, jobs } = this.callHead(chunk.map((record) => this.jobsFor(null, record)));
      chunk.forEach((record, j) => {
        const events = runEvents(null, record, at);
        callKeys.push(keys.run(record.runId), keys.runs(record.pipelineId), keys.active(record.pipelineId), keys.held(record.pipelineId));
        const membership = isActiveRun(record) ? '1' : isTerminalRun(record.state) ? '0' : 'h';
        args.push(jsons[from + j]!, scoreOf(record), record.runId, membership, Date.parse(record.createdAt), statsField(record.pipelineId, record.state), events.length);
        for (const event of events) args.push(JSON.stringify(event));
        args.push(...jobs.records[j]!);
      });
      calls.push([callKeys, args]);
    }
    const stored = ((await CREATE_SCRIPT.runMany(this.redis, calls)) as number[][]).flat();
    return records.map((record, i) => {
      if (stored[i] === 1) this.recent.set(record, jsons[i]!.length);
      return stored[i] === 1;
    });
  }

  async get(runId: string): Promise<RunRecord | null> {
    const json = await this.redis.get(this.keys.run(runId));
    return json === null ? null : (JSON.parse(json) as RunRecord);
  }

  /** Like `get`, but a missing run is a RunNotFoundError. */
  async require(runId: string): Promise<RunRecord> {
    const record = await this.get(runId);
    if (!record) throw new RunNotFoundError(runId);
    return record;
  }

  /**
   * Reads the run, applies the pure `fn` and writes the result only if nobody wrote in between;
   * on a conflict it reads again and re-applies `fn`, so `fn` must depend on its argument alone.
   * When `fn` returns its argument unchanged (the same object) nothing is written. Errors from
   * `fn` propagate and nothing is written.
   *
   * The record this store last wrote or created is tried first, without reading: a worker that
   * starts a phase and then completes it, or completes one and starts the next, is usually the
   * only writer in between. The compare-and-set on the version refuses it when it is stale, and
   * anything decided on it that is not a write (an error, no change) is decided again on a fresh
   * read.
   *
   * Then one fresh read and write. When that loses too, other writers are busy with the run (many
   * workers finishing phases of one wide run at once): the next tries are made holding the run's
   * update lock, one writer at a time. Retrying freely instead, each would read, decode, encode
   * and send the whole record again and again only to lose, the more often the larger the run,
   * until some gave up. The lock only spares that work: the compare-and-set still decides.
   */
  async update(runId: string, fn: (record: RunRecord) => RunRecord): Promise<RunRecord> {
    const current = this.recent.get(runId);
    if (current) {
      // No change on a remembered record is decided again on a fresh read, as an error is.
      const written = await this.applyAndWrite(current, fn).catch(() => undefined);
      if (written && written !== current) return written;
    }
    const first = await this.readAndWrite(runId, fn);
    if (first) return first;
    const lock = new LeaseLock(this.redis, this.keys.updateLock(runId), {
      leaseMs: this.updateLockMs,
      waitMs: this.updateLockWaitMs,
      onTimeout: (polls) => new RunConflictError(runId, polls, this.updateLockWaitMs),
    });
    return lock.with(async () => {
      for (let tries = 2; tries <= this.maxUpdateTries; tries++) {
        const written = await this.readAndWrite(runId, fn);
        if (written) return written;
      }
      throw new RunConflictError(runId, this.maxUpdateTries);
    });
  }

  /** Reads the run and writes `fn` of it (see `applyAndWrite`). */
  private async readAndWrite(runId: string, fn: (record: RunRecord) => RunRecord): Promise<RunRecord | undefined> {
    return this.applyAndWrite(await this.require(runId), fn);
  }

  /** Writes `fn` of `current`: the record written, `current` itself when `fn` changed nothing, or undefined when another writer was first. */
  private async applyAndWrite(current: RunRecord, fn: (record: RunRecord) => RunRecord): Promise<RunRecord | undefined> {
    const changed = fn(current);
    return changed === current ? current : this.write(current, changed);
  }

  /**
   * Compare-and-set on `current.version`: the written record, or undefined when someone wrote
   * first. A write that ended a run while held runs wait is told to `onSlotFreed`. The jobs
   * `jobsOf` gives go with the write, added only when it is. The writes of one turn go to Redis
   * in one script call (`TurnBatch`), each decided on its own.
   */
  private async write(current: RunRecord, changed: RunRecord): Promise<RunRecord | undefined> {
    const { keys } = this;
    const next = atVersion(changed, current.version + 1);
    const json = JSON.stringify(next);
    const events = runEvents(current, next, this.now());
    const stateChanged = current.state !== next.state;
    const args: Array<string | number> = [
      current.version,
      json,
      current.runId,
      isActiveRun(next) ? '1' : '0',
      stateChanged ? statsField(current.pipelineId, current.state) : '',
      stateChanged ? statsField(next.pipelineId, next.state) : '',
      events.length,
    ];
    let bytes = json.length;
    for (const event of events) {
      const eventJson = JSON.stringify(event);
      bytes += eventJson.length;
      args.push(eventJson);
    }
    const jobs = this.jobsFor(current, next);
    for (const job of jobs) bytes += encodedJobBytes(job);
    const written = await this.casBatch.add({ keys: [keys.run(current.runId), keys.active(current.pipelineId), keys.held(current.pipelineId)], args, jobs, bytes });
    if (written instanceof Error) throw written;
    if (written === -1) {
      this.recent.delete(current.runId);
      throw new RunNotFoundError(current.runId);
    }
    if (written !== 1 && written !== 2) {
      this.recent.delete(current.runId);
      return undefined;
    }
    this.recent.set(next, json.length);
    if (written === 2) this.onSlotFreed?.(next);
    return next;
  }

  /** One `cas-runs.lua` call for the writes of a turn: a reply per write (an error that write's alone). */
  private async sendWrites(writes: readonly CasWrite[]): Promise<Array<number | Error>> {
    const { keys, args, jobs } = this.callHead(writes.map((write) => write.jobs));
    writes.forEach((write, i) => {
      keys.push(...write.keys);
      args.push(...write.args, ...jobs.records[i]!);
    });
    return (await CAS_SCRIPT.run(this.redis, keys, args)) as Array<number | Error>;
  }

  /**
   * The keys and arguments a `create-runs.lua` or `cas-runs.lua` call starts with (the event
   * stream, the stats, the queues its records' jobs go to), and the jobs' arguments per record.
   */
  private callHead(jobsPerRecord: ReadonlyArray<readonly EncodedJob[]>) {
    const jobs = jobCallArgs(this.keys.prefix, jobsPerRecord, Date.now());
    const keys = [this.keys.events, this.keys.stats, ...jobs.keys];
    const args: Array<string | number> = [this.eventsMaxLen, jobs.prefixes.length, ...jobs.prefixes];
    return { keys, args, jobs };
  }

  /** The jobs a write of `next` over `current` adds (see `RunStoreOptions.jobsOf`), encoded. */
  private jobsFor(current: RunRecord | null, next: RunRecord): EncodedJob[] {
    return this.jobsOf ? this.jobsOf(current, next).map(encodeJob) : [];
  }

  /** A pipeline's runs, newest interval first. */
  async list(pipelineId: string, options: ListOptions = {}): Promise<RunRecord[]> {
    const max = options.before ? `(${options.before.getTime()}` : '+inf';
    const ids = await this.redis.zrevrangebyscore(this.keys.runs(pipelineId), max, '-inf', 'LIMIT', 0, options.limit ?? 50);
    return this.getMany(ids);
  }

  /** The runs of these ids that exist, in the order given, with one MGET (every key shares the deployment's hash tag). */
  async getMany(runIds: string[]): Promise<RunRecord[]> {
    if (runIds.length === 0) return [];
    const jsons = await this.redis.mget(runIds.map((id) => this.keys.run(id)));
    return jsons.flatMap((json) => (json === null ? [] : [JSON.parse(json) as RunRecord]));
  }

  /** Admitted non-terminal runs of the pipeline (held runs are not counted): what `schedule.maxActiveRuns` limits. */
  async activeCount(pipelineId: string): Promise<number> {
    return this.redis.scard(this.keys.active(pipelineId));
  }

  async activeRunIds(pipelineId: string): Promise<string[]> {
    return this.redis.smembers(this.keys.active(pipelineId));
  }

  /** How many of the pipeline's runs are held (see `RunRecord.held`). */
  async heldCount(pipelineId: string): Promise<number> {
    return this.redis.zcard(this.keys.held(pipelineId));
  }

  /** The pipeline's held runs (see `RunRecord.held`), in the order they were held; the first `limit` when given. */
  async heldRunIds(pipelineId: string, limit?: number): Promise<string[]> {
    if (limit !== undefined && limit <= 0) return [];
    return this.redis.zrange(this.keys.held(pipelineId), 0, limit === undefined ? -1 : limit - 1);
  }

  /**
   * Pipelines with held runs (a held index exists only while it holds a run), found by scanning
   * the deployment's keys: for an hourly housekeeping pass, not for every tick.
   */
  async heldPipelineIds(): Promise<string[]> {
    const ids = new Set<string>();
    for await (const page of this.keySuffixes(this.keys.held(''), 1000)) for (const id of page) ids.add(id);
    return [...ids];
  }

  /**
   * What follows `prefix` in the deployment's keys that start with it, a SCAN page at a time
   * (`count` keys looked at per page; a key may come twice, as SCAN allows).
   */
  private async *keySuffixes(prefix: string, count: number): AsyncGenerator<string[]> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', count);
      cursor = next;
      yield keys.map((key) => key.slice(prefix.length));
    } while (cursor !== '0');
  }

  /** Puts a run on the pipeline's held index, behind every run held before it (`at`: when it started waiting); one held already keeps its place. */
  async hold(pipelineId: string, runId: string, at: Date): Promise<void> {
    await HOLD_SCRIPT.run(this.redis, [this.keys.held(pipelineId)], [runId, at.getTime()]);
  }

  /**
   * Takes runs off the pipeline's held index: once admitted and their first jobs added, or when
   * the record says they no longer wait (cancelled, pruned).
   */
  async removeHeld(pipelineId: string, runIds: readonly string[]): Promise<void> {
    if (runIds.length > 0) await this.redis.zrem(this.keys.held(pipelineId), ...runIds);
  }

  /**
   * Stored runs counted by pipeline and state, kept exact by the same Lua calls that write the
   * records (pruned runs are no longer counted). Pipelines and states with no run are left out.
   */
  async countsByState(): Promise<Array<{ pipelineId: string; state: RunState; count: number }>> {
    const fields = await this.redis.hgetall(this.keys.stats);
    return Object.entries(fields).flatMap(([field, value]) => {
      const at = field.lastIndexOf(':');
      const count = Number(value);
      return count > 0 ? [{ pipelineId: field.slice(0, at), state: field.slice(at + 1) as RunState, count }] : [];
    });
  }

  /** How many runs each of these pipelines has held (see `RunRecord.held`), in one round trip; the order given. */
  async heldCounts(pipelineIds: readonly string[]): Promise<number[]> {
    if (pipelineIds.length === 0) return [];
    const batch = this.redis.pipeline();
    for (const id of pipelineIds) batch.zcard(this.keys.held(id));
    return ((await batch.exec()) ?? []).map(([err, count]) => {
      if (err) throw err;
      return Number(count);
    });
  }

  async pause(pipelineId: string): Promise<void> {
    await this.redis.sadd(this.keys.paused, pipelineId);
  }

  async resume(pipelineId: string): Promise<void> {
    await this.redis.srem(this.keys.paused, pipelineId);
  }

  async isPaused(pipelineId: string): Promise<boolean> {
    return (await this.redis.sismember(this.keys.paused, pipelineId)) === 1;
  }

  async pausedPipelines(): Promise<string[]> {
    return this.redis.smembers(this.keys.paused);
  }

  /** End (ISO) of the last interval the scheduler created a run for; null before the first. */
  async lastScheduledEnd(pipelineId: string): Promise<string | null> {
    return this.redis.hget(this.keys.sched(pipelineId), SCHEDULE_LAST_END_FIELD);
  }

  /**
   * The pipeline's `schedule.maxActiveRuns` as the scheduler last read it from the definition
   * file (each tick records it): null when the definition has no schedule, undefined when no
   * scheduler has recorded it.
   */
  async maxActiveRunsInForce(pipelineId: string): Promise<number | null | undefined> {
    const value = await this.redis.hget(this.keys.sched(pipelineId), SCHEDULE_MAX_ACTIVE_FIELD);
    if (value === null) return undefined;
    return value === '' ? null : Number(value);
  }

  async setLastScheduledEnd(pipelineId: string, intervalEnd: string): Promise<void> {
    await this.redis.hset(this.keys.sched(pipelineId), SCHEDULE_LAST_END_FIELD, intervalEnd);
  }

  /**
   * Retention: deletes finished runs created before `olderThan`, across every pipeline of the
   * deployment. Active runs are never pruned, nor a run that changes while being pruned.
   * Returns how many runs were deleted.
   */
  async prune(olderThan: Date): Promise<number> {
    const cutoff = olderThan.getTime();
    let pruned = 0;
    for await (const page of this.keySuffixes(this.keys.runs(''), 100)) {
      for (const pipelineId of page) pruned += await this.pruneIndex(pipelineId, cutoff);
    }
    return pruned;
  }

  private async pruneIndex(pipelineId: string, cutoff: number): Promise<number> {
    const { keys } = this;
    let pruned = 0;
    // Scores are interval starts, which precede creation for scheduled and backfill runs, so
    // runs created before the cutoff score below it (a manual run for a future interval waits
    // until its interval start passes the cutoff); creation time decides.
    const ids = await this.redis.zrangebyscore(keys.runs(pipelineId), '-inf', `(${cutoff}`);
    for (const runId of ids) {
      const record = await this.get(runId);
      if (!record) {
        await this.redis.zrem(keys.runs(pipelineId), runId);
        continue;
      }
      if (!isTerminalRun(record.state) || Date.parse(record.createdAt) >= cutoff) continue;
      const deleted = await DELETE_SCRIPT.run(
        this.redis,
        [keys.run(runId), keys.runs(pipelineId), keys.active(pipelineId), keys.stats],
        [record.version, runId, statsField(record.pipelineId, record.state)],
      );
      if (deleted === 1) pruned++;
    }
    return pruned;
  }
}
