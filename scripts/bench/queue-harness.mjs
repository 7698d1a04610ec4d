// The queue suite's harness: no-op workers, the throughput contenders and their clocks, and the
// bench processes they run in. Shared by the suite (queue.mjs) and the processes it measures the
// contenders in (throughput-contender.mjs, and scheduler-process.mjs for ours).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { createLogger, loadConfig, parsePipeline } from '@pipeline/core';
import { Orchestrator } from '@pipeline/runs';
import { startWorker } from '@pipeline/worker';

export const THROUGHPUT_PHASES = Number(process.env.BENCH_PHASES ?? 3000);
/** Worker concurrency of every throughput contender. */
export const THROUGHPUT_CONCURRENCY = 8;
export const logger = createLogger({ level: 'warn' });

export async function dropPrefix(redis, prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}


/**
 * A bench script (`file`, next to this one) in a Node process of its own that answers each
 * message it is sent with one message: `{ result }`, or `{ error }` (a stack). `request(message)`
 * resolves with the result; `ready` once the process said it is ready (its modules loaded, its
 * connections made: nothing of its start is on a clock); `close()` ends it.
 */
export function benchProcess(file, args = []) {
  const name = [file, ...args].join(' ');
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), args, { stdio: ['ignore', 2, 'inherit', 'ipc'] });
  let waiting;
  let markReady;
  let failReady;
  const ready = new Promise((resolve, reject) => ((markReady = resolve), (failReady = reject)));
  const settle = (how, value) => {
    const current = waiting;
    waiting = undefined;
    current?.[how](value);
  };
  child.on('message', (m) => {
    if (m === 'ready') markReady();
    else if (m.error) settle('reject', new Error(`${name} failed: ${m.error}`));
    else settle('resolve', m.result);
  });
  child.on('exit', (code) => {
    const err = new Error(`${name} exited with code ${code}`);
    failReady(err);
    settle('reject', err);
  });
  return {
    ready,
    request: (message) =>
      new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        child.send(message);
      }),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}

/**
 * The other side of `benchProcess`: answers every message with `handle(message)`'s result,
 * one message at a time, and says it is ready once `setup` resolved.
 */
export async function serveBenchRequests(setup, handle, teardown) {
  await setup?.();
  process.on('message', (message) => {
    Promise.resolve()
      .then(() => handle(message))
      .then(
        (result) => process.send({ result }),
        (err) => process.send({ error: err?.stack ?? String(err) }),
      );
  });
  process.on('disconnect', () => teardown?.());
  process.send('ready');
}

/** Seconds of CPU Redis has used, its main thread and its background threads. */
async function redisCpuSeconds(redis) {
  const info = await redis.info('cpu');
  return ['used_cpu_user', 'used_cpu_sys'].reduce((sum, field) => sum + Number(new RegExp(`${field}:([\\d.]+)`).exec(info)?.[1] ?? 0), 0);
}

/**
 * A stopwatch that also counts the CPU this process (every thread: the JavaScript, its garbage
 * collection and compilation, the socket writes) and Redis spend meanwhile. Redis is read before
 * the clock starts and after it stops, so the reads cost the clock nothing. `stop(units)`:
 * seconds, and the CPU microseconds of each per unit of work.
 */
export async function cpuClock(redis) {
  const redis0 = await redisCpuSeconds(redis);
  const node0 = process.cpuUsage();
  const t0 = performance.now();
  return {
    async stop(units) {
      const seconds = (performance.now() - t0) / 1000;
      const node = process.cpuUsage(node0);
      const redisSeconds = (await redisCpuSeconds(redis)) - redis0;
      return { seconds, rate: units / seconds, nodeUs: (node.user + node.system) / units, redisUs: (redisSeconds * 1e6) / units };
    },
  };
}

/**
 * A BullMQ worker on `queue` (keys under `prefix`) until `count` jobs completed, timed from its start; `feed` adds
 * jobs once the clock runs. Jobs per second, with the CPU per job (see `cpuClock`). The queue is closed and its keys dropped after.
 */
async function drainRate(redis, queue, prefix, { count, concurrency, processor, feed }) {
  let done = 0;
  let finished;
  const allDone = new Promise((resolve) => (finished = resolve));
  const clock = await cpuClock(redis);
  const connection = redis.duplicate({ maxRetriesPerRequest: null });
  const worker = new Worker(queue.name, processor, { connection, prefix, concurrency });
  worker.on('completed', () => {
    if (++done === count) finished();
  });
  await feed?.();
  await allDone;
  const measured = await clock.stop(count);
  await worker.close();
  // The worker closes the connections it made, not the one it was given.
  connection.disconnect();
  await queue.close();
  await dropPrefix(redis, prefix);
  return measured;
}

/** A bare BullMQ no-op worker draining `count` jobs added before its clock starts: `drainRate`'s figures. */
export async function bareThroughput(redis, count, concurrency) {
  const prefix = `{bench-tput-${randomBytes(3).toString('hex')}}`;
  const queue = new Queue('noop', { connection: redis, prefix });
  await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'noop', data: { i }, opts: { jobId: `t${i}`, removeOnComplete: true } })));
  return drainRate(redis, queue, prefix, { count, concurrency, processor: async () => null });
}

/** The one load of every benchmark pipeline: its phases never reach these tables. */
export const BENCH_LOADS = `loads:
  - id: l
    source: { table: public.unused }
    target: { table: public.unused_target, key: [id] }
`;

export const PIPELINE = parsePipeline('bench.yaml', `id: bench\n${BENCH_LOADS}`);

/** Workers on both queues whose phases do nothing but note when they start and end (in `marks`, when given). */
export async function noopWorkers(redis, keyPrefix, concurrency, { marks, workerId } = {}) {
  // The no-op phases never reach the warehouse; the worker still resolves its settings at start.
  const warehouseUrl = process.env.PIPELINE_WAREHOUSE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const config = loadConfig({ env: { ...process.env, PIPELINE_KEY_PREFIX: keyPrefix, PIPELINE_WAREHOUSE_URL: warehouseUrl } });
  return startWorker({
    config,
    redis,
    keyPrefix,
    queues: ['spark', 'sql'],
    concurrency,
    logger,
    ...(workerId ? { workerId } : {}),
    phaseRunner: async (record, loadId, phase) => {
      const key = `${record.runId}/${phase}`;
      marks?.set(`${key}:start`, performance.now());
      marks?.set(`${key}:end`, performance.now());
      return { noop: true };
    },
  });
}

/**
 * Resolves once `count` cleanup jobs completed on these workers. A load's last job is its cleanup,
 * completed once the run's end is on its record. Counted as the bare baseline counts its jobs, from
 * the workers' events: polling Redis would load the process and the Redis under measurement with
 * work the baseline does not do.
 */
export function cleanupsCompleted(workers, count) {
  let cleanups = 0;
  return new Promise((resolve) => {
    for (const worker of workers) {
      worker.workers.get('sql').on('completed', (job) => {
        if (job.name === 'cleanup' && ++cleanups === count) resolve();
      });
    }
  });
}

export async function waitForRuns(orchestrator, runIds) {
  for (;;) {
    const records = await Promise.all(runIds.map((id) => orchestrator.store.get(id)));
    if (records.every((r) => r && ['success', 'failed', 'cancelled'].includes(r.state))) return records;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const PHASES = ['extract-transform', 'stage', 'audit', 'merge', 'validate', 'cleanup'];


/** Most runs one pipeline may have active: the schema's ceiling on `schedule.maxActiveRuns`. */
const RUNS_PER_PIPELINE = 100;

/**
 * Pipelines whose schedules have `runCount` hourly intervals due between them at `now`, every
 * one catching up with `maxActiveRuns` high enough to start them all in one tick.
 */
async function duePipelines(dir, runCount, now) {
  for (let i = 0; i * RUNS_PER_PIPELINE < runCount; i++) {
    const due = Math.min(RUNS_PER_PIPELINE, runCount - i * RUNS_PER_PIPELINE);
    const start = new Date(now.getTime() - due * 3_600_000).toISOString();
    await writeFile(
      path.join(dir, `bench-${i}.yaml`),
      `id: bench-${i}\nschedule: { cron: "0 * * * *", timezone: UTC, start: "${start}", catchup: true, maxActiveRuns: ${due} }\n${BENCH_LOADS}`,
    );
  }
}

/** The scheduler's process (scheduler-process.mjs), started on first use: see `throughput`. */
let schedulerService;

async function schedulerProcess() {
  schedulerService ??= benchProcess('scheduler-process.mjs');
  await schedulerService.ready;
  return schedulerService;
}

/** Ends the processes the contenders of this process started. */
export async function closeContenderProcesses() {
  await schedulerService?.close();
  schedulerService = undefined;
}

/**
 * Phases per second through scheduler and workers: the scheduler's first tick creates every run
 * (catching up on due intervals, as after a pause), and the worker drains them. The scheduler
 * runs in a process of its own, as it is deployed (a service beside the workers, which never
 * share its process); the worker in this one. The clock runs from the scheduler's start to the
 * last run's end. Rate and CPU per phase, as `cpuClock` gives them, the scheduler's CPU counted
 * with this process's.
 */
export async function throughput(redis, concurrency) {
  const keyPrefix = `bench-t-${randomBytes(3).toString('hex')}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-tput-'));
  const now = new Date('2026-06-01T12:00:00Z');
  const runCount = Math.ceil(THROUGHPUT_PHASES / PHASES.length);
  await duePipelines(dir, runCount, now);
  const scheduler = await schedulerProcess();
  const orchestrator = new Orchestrator({ redis, keyPrefix, logger });
  const worker = await noopWorkers(redis, keyPrefix, concurrency);
  const allDone = cleanupsCompleted([worker], runCount);
  const clock = await cpuClock(redis);
  const tick = await scheduler.request({ dir, keyPrefix, now: now.toISOString() });
  if (tick.runIds.length !== runCount || tick.errors > 0) throw new Error(`the scheduler created ${tick.runIds.length} of ${runCount} runs (${tick.errors} errors)`);
  await allDone;
  const units = runCount * PHASES.length;
  const measured = await clock.stop(units);
  measured.nodeUs += tick.cpuUs / units;
  const records = await waitForRuns(orchestrator, tick.runIds);
  if (records.some((r) => r.state !== 'success')) throw new Error('a no-op run did not succeed');
  await worker.close({ force: true });
  await orchestrator.close();
  await dropPrefix(redis, `{${keyPrefix}}`);
  await rm(dir, { recursive: true, force: true });
  return measured;
}

/**
 * Runs of PHASES.length no-op jobs chained through BullMQ alone: each job adds the next one of
 * its run with `Queue.add`, with no run record. Phases per second: the cost of chaining jobs
 * through BullMQ's API. `work(run, phase, prefix)`, when given, runs in
 * each job before the next is added; keys it writes go under `prefix`, dropped afterwards.
 */
export async function chainThroughput(redis, count, concurrency, work) {
  const prefix = `{bench-chain-${randomBytes(3).toString('hex')}}`;
  const queue = new Queue('chain', { connection: redis, prefix });
  const runs = Math.ceil(count / PHASES.length);
  const add = (run, phase) => queue.add('noop', { run, phase }, { jobId: `r${run}__p${phase}`, removeOnComplete: true });
  return drainRate(redis, queue, prefix, {
    count: runs * PHASES.length,
    concurrency,
    processor: async (job) => {
      const { run, phase } = job.data;
      await work?.(run, phase, prefix);
      if (phase + 1 < PHASES.length) await add(run, phase + 1);
      return null;
    },
    feed: async () => {
      for (let i = 0; i < runs; i++) await add(i, 0);
    },
  });
}

/** A compare-and-set of a JSON record on its version, as a phase's start and end write its run's record. */
const RECORD_CAS = `local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`;

/**
 * `chainThroughput` with the two record writes of every phase (its start, then its end), each a
 * compare-and-set of a record the size of a run's, before the next job's add: the Redis round
 * trips of a phase whose hand-off adds the next job with a command of its own (ours adds it in the
 * end's write), without the work around them (records decoded and encoded, the DAG, checks,
 * events, logs).
 */
export function roundTripThroughput(redis, count, concurrency) {
  const record = (run, version) => `${'x'.repeat(1500)}"run":${run},"version":${version}}`;
  const write = (key, run, version) => redis.eval(RECORD_CAS, 1, key, version === 0 ? '' : record(run, version), record(run, version + 1));
  return chainThroughput(redis, count, concurrency, async (run, phase, prefix) => {
    const key = `${prefix}:run:${run}`;
    if ((await write(key, run, 2 * phase)) !== 1 || (await write(key, run, 2 * phase + 1)) !== 1) throw new Error(`record of run ${run} written by someone else`);
  });
}

/**
 * The throughput contenders by name: each drains THROUGHPUT_PHASES no-op phases (jobs, for the
 * bare worker) once, at THROUGHPUT_CONCURRENCY, and returns `drainRate`'s figures.
 */
export const CONTENDERS = {
  bare: (redis) => bareThroughput(redis, THROUGHPUT_PHASES, THROUGHPUT_CONCURRENCY),
  ours: (redis) => throughput(redis, THROUGHPUT_CONCURRENCY),
  chain: (redis) => chainThroughput(redis, THROUGHPUT_PHASES, THROUGHPUT_CONCURRENCY),
  trips: (redis) => roundTripThroughput(redis, THROUGHPUT_PHASES, THROUGHPUT_CONCURRENCY),
};
