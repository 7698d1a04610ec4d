// One throughput contender (queue-harness.mjs, CONTENDERS) in a process of its own: it measures
// once per `measure` message from the queue suite and answers with the figures, until the suite
// disconnects.
import { Redis } from 'ioredis';
import { CONTENDERS, closeContenderProcesses, serveBenchRequests } from './queue-harness.mjs';

const name = process.argv[2];
const measure = CONTENDERS[name];
if (!measure || !process.send) {
  process.stderr.write(`usage: started by the queue suite with one of ${Object.keys(CONTENDERS).join(', ')}\n`);
  process.exit(2);
}
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
await serveBenchRequests(
  () => redis.ping(),
  () => measure(redis),
  () => {
    redis.disconnect();
    void closeContenderProcesses();
  },
);
