// The throughput contender's scheduler, in a process of its own as it is deployed (a service of
// its own beside the workers): per message `{ dir, keyPrefix, now }` it starts a scheduler on
// those definitions, waits for its first tick, stops it, and answers with the runs the tick
// created, its errors, and the CPU this process spent meanwhile (to be counted with the worker's).
import { Redis } from 'ioredis';
import { startScheduler } from '@pipeline/scheduler';
import { logger, serveBenchRequests } from './queue-harness.mjs';

if (!process.send) {
  process.stderr.write('usage: started by the queue suite\n');
  process.exit(2);
}
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
await serveBenchRequests(
  () => redis.ping(),
  async ({ dir, keyPrefix, now }) => {
    const cpu0 = process.cpuUsage();
    let ticked;
    const firstTick = new Promise((resolve) => (ticked = resolve));
    const at = new Date(now);
    const scheduler = startScheduler({ config: { pipelinesDir: dir }, redis, keyPrefix, logger, tickMs: 3_600_000, now: () => at, onTick: (report) => ticked(report) });
    const report = await firstTick;
    const cpu = process.cpuUsage(cpu0);
    await scheduler.stop();
    return { runIds: report.pipelines.flatMap((p) => p.created), errors: report.errors.length, cpuUs: cpu.user + cpu.system };
  },
  () => redis.disconnect(),
);
