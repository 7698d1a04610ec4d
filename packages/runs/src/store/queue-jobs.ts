import { optsEncodeMap, type JobsOptions } from 'bullmq';

/**
 * A BullMQ job that a run store write adds in the same step as the record change that makes it
 * due (see `RunStoreOptions.jobsOf`): what `Queue.add(name, data, opts)` would add to `queue`.
 */
export interface QueueJob {
  /** The queue's name (not its key prefix). */
  queue: string;
  name: string;
  data: unknown;
  /** A job id is required: adding a job whose id exists adds nothing, which makes a repeat harmless. */
  opts: JobsOptions & { jobId: string };
}

/** A QueueJob as the write scripts take it (see `add-jobs.lua`). */
export interface EncodedJob {
  queue: string;
  jobId: string;
  name: string;
  data: string;
  opts: string;
}

/**
 * Options a job added by a write may not have: they need the other ways BullMQ adds jobs (delayed,
 * prioritised, child of a flow, repeated, deduplicated), which the write scripts do not take.
 */
const REFUSED: readonly string[] = ['delay', 'priority', 'parent', 'repeat', 'repeatJobKey', 'deduplication', 'debounce', 'telemetry'];

/**
 * The job as the write scripts take it: its data as JSON, and its options in the stored form
 * BullMQ gives them (the short names of `optsEncodeMap`, undefined members left out), so that the
 * job hash it writes is the one `Queue.add` writes. Throws on options only `Queue.add` can add.
 */
export function encodeJob(job: QueueJob): EncodedJob {
  const { jobId } = job.opts;
  if (!jobId || jobId.includes(':')) throw new Error(`job id "${jobId}" of queue ${job.queue} must be non-empty and without ":"`);
  const opts: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(job.opts)) {
    if (value === undefined) continue;
    if (REFUSED.includes(name) && !(name === 'delay' && value === 0)) {
      throw new Error(`job ${jobId} of queue ${job.queue} has option "${name}": a run store write adds standard jobs only`);
    }
    opts[(optsEncodeMap as Record<string, string>)[name] ?? name] = value;
  }
  return { queue: job.queue, jobId, name: job.name, data: JSON.stringify(job.data ?? {}), opts: JSON.stringify(opts) };
}

/** Bytes an encoded job adds to a script call. */
export function encodedJobBytes(job: EncodedJob): number {
  return job.jobId.length + job.name.length + job.data.length + job.opts.length;
}

/**
 * The keys and arguments of the jobs of one script call (see `add-jobs.lua`): the queues they go
 * to, each once (its six keys, and its job key prefix), and the jobs of each record in turn.
 * `prefix` is the queues' BullMQ prefix (`{<keyPrefix>}`).
 */
export function jobCallArgs(prefix: string, perRecord: ReadonlyArray<readonly EncodedJob[]>, timestamp: number) {
  const queues = new Map<string, number>();
  const keys: string[] = [];
  const prefixes: string[] = [];
  const records = perRecord.map((jobs) => {
    const args: Array<string | number> = [jobs.length];
    for (const job of jobs) {
      let index = queues.get(job.queue);
      if (index === undefined) {
        index = queues.size + 1;
        queues.set(job.queue, index);
        const base = `${prefix}:${job.queue}:`;
        keys.push(`${base}wait`, `${base}meta`, `${base}id`, `${base}active`, `${base}events`, `${base}marker`);
        prefixes.push(base);
      }
      args.push(index, job.jobId, job.name, job.data, job.opts, timestamp);
    }
    return args;
  });
  return { keys, prefixes, records };
}
