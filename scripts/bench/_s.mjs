// Child of the "queue" suite: a scheduler holding 10,000 pipeline definitions. Prints one JSON
// object: seconds of the first tick (reading every definition, nothing due), seconds of the tick
// that enqueues the due runs (one per pipeline), and the process's peak resident memory.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLogger } from '@pipeline/core';
import { startScheduler } from '@pipeline/scheduler';

const COUNT = Number(process.env.BENCH_PIPELINES ?? 10_000);
const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-10k-'));
const keyPrefix = `bench-s-${randomBytes(3).toString('hex')}`;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null, enableAutoPipelining: process.env.AP === '1' });
const logger = createLogger({ level: 'warn' });
try {
  for (let i = 0; i < COUNT; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, COUNT - i) }, (_, j) =>
        writeFile(
          path.join(dir, `p${i + j}.yaml`),
          `id: p${i + j}\nschedule: { cron: "${(i + j) % 60} * * * *", timezone: UTC, start: "2026-06-01T12:00:00Z" }\nloads:\n  - id: l\n    source: { table: public.src_${(i + j) % 97}, incrementalColumn: updated_at }\n    target: { table: analytics.dst_${i + j}, key: [id], strategy: merge, orderBy: updated_at }\n    checks:\n      staging: [ { not_null: [id] } ]\n`,
        ),
      ),
    );
  }
  // Every schedule starts at 12:00. The tick at 11:00 reads the definitions and finds nothing
  // due; the tick at 14:30 finds one due interval per pipeline: that tick is the one measured.
  let clock = new Date('2026-06-01T11:00:00Z');
  let firstTick;
  const idleTick = new Promise((resolve) => (firstTick = resolve));
  const t0 = performance.now();
  const scheduler = startScheduler({ config: { pipelinesDir: dir }, redis, keyPrefix, logger, tickMs: 3_600_000, concurrency: Number(process.env.CONC ?? 64), now: () => clock, onTick: (r) => firstTick(r) });
  // The tick the scheduler runs at start; the next automatic one is an hour away.
  const idle = await idleTick; globalThis.gc?.(); process.stderr.write("after load: " + JSON.stringify(process.memoryUsage()) + " maxRSS " + process.resourceUsage().maxRSS/1024 + "\n");
  const loadSeconds = (performance.now() - t0) / 1000;
  if (idle.pipelines.some((p) => p.created.length > 0)) throw new Error('runs were created before any interval was due');
  clock = new Date('2026-06-01T14:30:00Z');
  const t1 = performance.now();
  const report = await scheduler.tick();
  const enqueueSeconds = (performance.now() - t1) / 1000; process.stderr.write("after tick: " + JSON.stringify(process.memoryUsage()) + " maxRSS " + process.resourceUsage().maxRSS/1024 + "\n"); globalThis.gc?.(); process.stderr.write("after tick gc: " + JSON.stringify(process.memoryUsage()) + "\n");
  const runs = report.pipelines.reduce((n, p) => n + p.created.length, 0);
  await scheduler.stop();
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ loadSeconds, enqueueSeconds, runs, rssMb, errors: report.errors.length })}\n`);
} finally {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${keyPrefix}}*`, 'COUNT', 5000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
}
