import { PipelineError } from '@pipeline/core';

/** Redis did not answer a scrape's read of the cluster gauges in time; the next scrape tries again. */
export class MetricsReadTimeoutError extends PipelineError {
  readonly code = 'E_METRICS_READ_TIMEOUT';
  override readonly retryable = true;

  constructor(timeoutMs: number) {
    super(`Redis did not answer the cluster metrics read within ${timeoutMs} ms; the gauges keep their last values`);
  }
}
