// Suite "queue": the orchestration alone, against the local Redis. Phases do no work (a no-op
// phase runner stands in for the core phase functions), so what is measured is the run
// bookkeeping, the hand-off and BullMQ, each beside a bare BullMQ baseline from the same run.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { parsePipeline } from '@pipeline/core';
import { Orchestrator } from '@pipeline/runs';
import { root } from '../lib.mjs';
import { memoryCgroup } from './memory-limit.mjs';
import { PHASES, PIPELINE, benchProcess, cleanupsCompleted, dropPrefix, logger, noopWorkers, waitForRuns } from './queue-harness.mjs';
import { emit, figure, median, round } from './report.mjs';

const HANDOFFS = Number(process.env.BENCH_HANDOFFS ?? 1000);
const THROUGHPUT_REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const THROUGHPUT_WARMUP = Number(process.env.BENCH_WARMUP ?? 4);
const SCHEDULER_REPEATS = Number(process.env.BENCH_SCHEDULER_REPEATS ?? 3);
const WIDE_LOADS = Number(process.env.BENCH_WIDE_LOADS ?? 100);
const WIDE_WORKERS = Number(process.env.BENCH_WIDE_WORKERS ?? 4);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** add → completed of a bare no-op job, one at a time. */
async function bareRoundTrips(redis, count) {
  const prefix = `{bench-bare-${randomBytes(3).toString('hex')}}`;
  const queue = new Queue('noop', { connection: redis, prefix });
  const waiting = new Map();
  const connection = redis.duplicate({ maxRetriesPerRequest: null });
  const worker = new Worker('noop', async () => null, { connection, prefix, concurrency: 1 });
  worker.on('completed', (job) => waiting.get(job.id)?.());
  await worker.waitUntilReady();
  const samples = [];
  for (let i = 0; i < count + 50; i++) {
    const t0 = performance.now();
    const done = new Promise((resolve) => waiting.set(`j${i}`, resolve));
    await queue.add('noop', {}, { jobId: `j${i}`, removeOnComplete: true });
    await done;
    if (i >= 50) samples.push(performance.now() - t0);
  }
  await worker.close();
  connection.disconnect();
  await queue.close();
  await dropPrefix(redis, prefix);
  return samples;
}

async function handoffs(redis) {
  const keyPrefix = `bench-h-${randomBytes(3).toString('hex')}`;
  const marks = new Map();
  const worker = await noopWorkers(redis, keyPrefix, 1, { marks });
  const orchestrator = new Orchestrator({ redis, keyPrefix, logger });
  const samples = [];
  const runs = Math.ceil(HANDOFFS / (PHASES.length - 1)) + 10;
  for (let i = 0; i < runs; i++) {
    const run = await orchestrator.createRun({ pipeline: PIPELINE, trigger: 'manual', interval: null });
    const [record] = await waitForRuns(orchestrator, [run.runId]);
    if (record.state !== 'success') throw new Error(`no-op run ${run.runId} ended ${record.state}`);
    if (i < 10) continue;
    for (let p = 1; p < PHASES.length; p++) {
      samples.push(marks.get(`${run.runId}/${PHASES[p]}:start`) - marks.get(`${run.runId}/${PHASES[p - 1]}:end`));
    }
  }
  await worker.close({ force: true });
  await orchestrator.close();
  await dropPrefix(redis, `{${keyPrefix}}`);
  return samples.slice(0, HANDOFFS);
}

/**
 * One run of a pipeline of WIDE_LOADS independent loads, drained by WIDE_WORKERS workers (each on
 * both queues at concurrency 8, each with its own store, as separate processes would be): every
 * phase of the run writes the same record, which grows with the loads, so this is where writers
 * of one run collide. Phases per second, the record's size at the end, and the phase attempts
 * that failed because the run kept changing under them.
 */
async function wideRun(redis) {
  const keyPrefix = `bench-w-${randomBytes(3).toString('hex')}`;
  const loads = Array.from({ length: WIDE_LOADS }, (_, i) => `  - id: l${i}\n    source: { table: public.unused_${i} }\n    target: { table: public.unused_target_${i}, key: [id] }\n`);
  const pipeline = parsePipeline('wide.yaml', `id: wide\nloads:\n${loads.join('')}`);
  const workers = [];
  for (let i = 0; i < WIDE_WORKERS; i++) workers.push(await noopWorkers(redis, keyPrefix, 8, { workerId: `bench-wide-${i}` }));
  let conflicts = 0;
  for (const worker of workers) {
    for (const queue of worker.workers.values()) queue.on('failed', (_job, err) => (conflicts += err?.code === 'E_RUN_CONFLICT' ? 1 : 0));
  }
  const allDone = cleanupsCompleted(workers, WIDE_LOADS);
  const orchestrator = new Orchestrator({ redis, keyPrefix, logger });
  const t0 = performance.now();
  const run = await orchestrator.createRun({ pipeline, trigger: 'manual', interval: null });
  await allDone;
  const seconds = (performance.now() - t0) / 1000;
  const [record] = await waitForRuns(orchestrator, [run.runId]);
  if (record.state !== 'success') throw new Error(`the wide run ended ${record.state}`);
  await Promise.all(workers.map((w) => w.close({ force: true })));
  await orchestrator.close();
  await dropPrefix(redis, `{${keyPrefix}}`);
  return { rate: (WIDE_LOADS * PHASES.length) / seconds, recordKb: JSON.stringify(record).length / 1024, conflicts };
}

/** Memory of the scheduler's task in the infra stack (infra/src/stacks/orchestrator-stack.ts). */
const SCHEDULER_TASK_MB = 512;

/** The NODE_OPTIONS the scheduler's image sets (the Dockerfile's `scheduler` stage), or '' when it sets none. */
function schedulerImageNodeOptions() {
  const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const stage = /^FROM \S+ AS scheduler\n([\s\S]*?)(?=^FROM |(?![\s\S]))/m.exec(dockerfile)?.[1] ?? '';
  const value = /^ENV NODE_OPTIONS=(.*)$/m.exec(stage)?.[1]?.trim() ?? '';
  return value.replace(/^"(.*)"$/, '$1');
}

/**
 * The scheduler with 10,000 definitions runs in its own process, so its memory is its own, with
 * `nodeOptions` (its image's); with `limitMb`, inside a memory cgroup of that size, as its
 * container runs it.
 */
function schedulerScale(limitMb, nodeOptions) {
  const cgroup = limitMb ? memoryCgroup(`pipeline-bench-${process.pid}`, limitMb * 1024 * 1024) : null;
  const [command, args] = (cgroup?.wrap ?? ((c, a) => [c, a]))(process.execPath, [path.join(root, 'scripts/bench/scheduler-scale.mjs')]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: nodeOptions } });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('close', (code) => {
      cgroup?.remove();
      if (code === 0) resolve({ ...JSON.parse(out), memoryLimitMb: cgroup ? limitMb : null, nodeOptions });
      else reject(new Error(`scheduler-scale exited ${code}`));
    });
  });
}

const PARTS = ['handoff', 'throughput', 'wide', 'scheduler'];

/** `npm run bench -- queue [handoff] [throughput] [wide] [scheduler]`: the parts named, or all of them. */
export async function run(args = []) {
  const unknown = args.filter((a) => !PARTS.includes(a));
  if (unknown.length > 0) throw new Error(`unknown part(s) ${unknown.join(', ')} of the queue suite: choose from ${PARTS.join(', ')}`);
  const parts = new Set(args.length > 0 ? args : PARTS);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  try {
    const info = await redis.info('server');
    emit({ bench: 'env', node: process.version, cpus: os.cpus().length, redis: /redis_version:(\S+)/.exec(info)?.[1] });
    if (parts.has('handoff')) await handoffFigures(redis);
    if (parts.has('throughput')) await throughputFigures();
    if (parts.has('wide')) {
      const wide = await wideRun(redis);
      emit({ bench: 'queue.wide_run', value: round(wide.rate), unit: 'phases/s', loads: WIDE_LOADS, workers: WIDE_WORKERS, recordKb: round(wide.recordKb, 1), conflicts: wide.conflicts, target: 'reported' });
    }
    if (parts.has('scheduler')) await schedulerFigures();
  } finally {
    redis.disconnect();
  }
}

async function handoffFigures(redis) {
  const bare = await bareRoundTrips(redis, HANDOFFS);
  const hand = await handoffs(redis);
  const bareP50 = percentile(bare, 50);
  const bareP99 = percentile(bare, 99);
  figure('queue.handoff_p50', { value: percentile(hand, 50), unit: 'ms', baseline: bareP50, target: 'value<=5 && ratio<=4', check: (v, r) => v <= 5 && r <= 4 });
  figure('queue.handoff_p99', { value: percentile(hand, 99), unit: 'ms', baseline: bareP99, target: 'reported', check: () => true });
}

async function throughputFigures() {
  // The bare worker drains its jobs in well under a second, where a moment of the machine's
  // noise moves its rate by half: the contenders are measured in turns and their medians compared.
  // Each runs in a process of its own, as a worker does: in one process, the bare worker's use of
  // BullMQ and ioredis slowed ours by a tenth (the code they share is compiled for both).
  const names = ['bare', 'ours', 'chain', 'trips'];
  const processes = names.map((name) => benchProcess('throughput-contender.mjs', [name]));
  await Promise.all(processes.map((p) => p.ready));
  const results = new Map(names.map((name) => [name, []]));
  try {
    // Workers run for hours; the figures are their steady state. Every contender first runs
    // THROUGHPUT_WARMUP unmeasured rounds: on a cold process ours ran at half its later rate
    // while the optimising compiler caught up with the bookkeeping, where the bare worker's few
    // functions are hot within its first round.
    for (let i = 0; i < THROUGHPUT_WARMUP + THROUGHPUT_REPEATS; i++) {
      for (const [j, contender] of processes.entries()) {
        const result = await contender.request('measure');
        if (i >= THROUGHPUT_WARMUP) results.get(names[j]).push(result);
      }
    }
  } finally {
    await Promise.all(processes.map((p) => p.close()));
  }
  const bare = results.get('bare');
  // Where the time goes: CPU per phase of the contender's process (scheduler, worker) and of Redis.
  const cpu = (measured) => ({ node: round(median(measured.map((r) => r.nodeUs)), 1), redis: round(median(measured.map((r) => r.redisUs)), 1) });
  const rate = (measured) => median(measured.map((r) => r.rate));
  const extra = (measured) => ({ repeats: THROUGHPUT_REPEATS, warmup: THROUGHPUT_WARMUP, cpuUsPerPhase: cpu(measured), baselineCpuUsPerPhase: cpu(bare) });
  const ours = results.get('ours');
  figure('queue.throughput', { value: rate(ours), unit: 'phases/s', baseline: rate(bare), extra: extra(ours), target: 'ratio>=0.25', check: (_v, r) => r >= 0.25 });
  for (const [line, name] of [['queue.throughput_chain', 'chain'], ['queue.throughput_round_trips', 'trips']]) {
    const measured = results.get(name);
    figure(line, { value: rate(measured), unit: 'phases/s', baseline: rate(bare), extra: extra(measured), target: 'reported', check: () => true });
  }
}

async function schedulerFigures() {
  // As deployed: in its task's memory. Then with the machine's memory, for comparison. A tick
  // lasts about two seconds, where this machine's speed swings by half from one minute to the
  // next: the tick is measured in SCHEDULER_REPEATS processes and its median reported, with the
  // highest peak memory of them.
  const nodeOptions = schedulerImageNodeOptions();
  const samples = [];
  for (let i = 0; i < SCHEDULER_REPEATS; i++) samples.push(await schedulerScale(SCHEDULER_TASK_MB, nodeOptions));
  const scale = samples[0];
  const limit = { memoryLimitMb: scale.memoryLimitMb, nodeOptions: scale.nodeOptions };
  const repeats = { repeats: samples.length };
  figure('queue.scheduler_10k_rss', { value: Math.max(...samples.map((s) => s.rssMb)), unit: 'MB', target: 'value<=256', check: (v) => v <= 256, extra: { ...limit, ...repeats } });
  const enqueue = samples.map((s) => round(s.enqueueSeconds));
  figure('queue.scheduler_10k_enqueue', { value: median(enqueue), unit: 's', target: 'value<=2', check: (v) => v <= 2, extra: { ...limit, ...repeats, samples: enqueue } });
  emit({ bench: 'queue.scheduler_10k_load', value: round(median(samples.map((s) => s.loadSeconds))), unit: 's', runs: scale.runs, ...limit, ...repeats });
  if (scale.memoryLimitMb === null) return;
  const unlimited = await schedulerScale(null, nodeOptions);
  emit({ bench: 'queue.scheduler_10k_rss_unlimited', value: round(unlimited.rssMb), unit: 'MB', enqueueSeconds: round(unlimited.enqueueSeconds), memoryLimitMb: null, nodeOptions: unlimited.nodeOptions, target: 'reported' });
}
