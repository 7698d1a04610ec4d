// Child of the "queue" suite: a scheduler holding 10,000 pipeline definitions. Prints one JSON
// object: seconds to read the definitions, seconds for the tick that enqueues the due runs (one
// per pipeline), and the process's peak resident memory.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLogger } from '@pipeline/core';
import { DefinitionSet, startScheduler } from '@pipeline/scheduler';

const COUNT = Number(process.env.BENCH_PIPELINES ?? 10_000);
const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-10k-'));
const keyPrefix = `bench-s-${randomBytes(3).toString('hex')}`;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const logger = createLogger({ level: 'warn' });
try {
  for (let i = 0; i < COUNT; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, COUNT - i) }, (_, j) =>
        writeFile(
          path.join(dir, `p${i + j}.yaml`),
          `id: p${i + j}\nschedule: { cron: "${(i + j) % 60} * * * *", timezone: UTC }\nloads:\n  - id: l\n    source: { table: public.src_${(i + j) % 97}, incrementalColumn: updated_at }\n    target: { table: analytics.dst_${i + j}, key: [id], strategy: merge, orderBy: updated_at }\n    checks:\n      staging: [ { not_null: [id] } ]\n`,
        ),
      ),
    );
  }
  const now = () => new Date('2026-06-01T12:30:00Z');
  const t0 = performance.now();
  await new DefinitionSet(dir, logger).refresh();
  const loadSeconds = (performance.now() - t0) / 1000;

  // A long tick interval: the one tick measured is the one `startScheduler` runs at once.
  const t1 = performance.now();
  let first;
  const ticked = new Promise((resolve) => (first = resolve));
  const scheduler = startScheduler({ config: { pipelinesDir: dir }, redis, keyPrefix, logger, tickMs: 3_600_000, now, onTick: (report) => first(report) });
  const report = await ticked;
  const tickSeconds = (performance.now() - t1) / 1000;
  const runs = report.pipelines.reduce((n, p) => n + p.created.length, 0);
  await scheduler.stop();
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ loadSeconds, enqueueSeconds: tickSeconds - loadSeconds, tickSeconds, runs, rssMb, errors: report.errors.length })}\n`);
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
