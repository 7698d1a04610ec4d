import type { Compute, SparkJobRequest, SparkRunOptions } from '@pipeline/core';
import { qualifyExternalId } from './local-external-id.js';

/**
 * Wraps a compute so that the external id of every job it starts is stored (through `record`)
 * before anything waits on the job: a worker that dies mid-job leaves the id for the retry to
 * reconnect to. When the id cannot be stored the job is stopped, since no retry could find it.
 */
export function recordingCompute(inner: Compute, record: (externalId: string) => Promise<void>): Compute {
  return {
    kind: inner.kind,
    async run(request: SparkJobRequest, options: SparkRunOptions = {}) {
      const stop = new AbortController();
      const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
      const result = await inner.run(request, {
        ...options,
        signal,
        onSubmitted: async (id) => {
          try {
            await record(qualifyExternalId(id));
          } catch (err) {
            stop.abort(err);
            throw err;
          }
          await options.onSubmitted?.(id);
        },
      });
      return { ...result, externalId: qualifyExternalId(result.externalId) };
    },
  };
}
