import { PipelineError } from '../errors/pipeline-error.js';
import type { CheckResult } from './check-result.js';

/** One or more blocking data checks failed. Retrying the same data cannot help. */
export class ChecksFailedError extends PipelineError {
  readonly code: string;
  readonly results: CheckResult[];

  constructor(stage: 'staging' | 'final', results: CheckResult[]) {
    const failed = results.filter((r) => !r.passed);
    const list = failed
      .map((r) => `${r.name} (observed ${r.observed ?? 'null'}${r.sample.length ? `; e.g. ${JSON.stringify(r.sample.slice(0, 3))}` : ''})`)
      .join('; ');
    super(
      stage === 'staging'
        ? `${failed.length} staging check(s) failed, nothing was published: ${list}`
        : `${failed.length} final-table check(s) failed: ${list}`,
    );
    this.code = stage === 'staging' ? 'E_STAGING_CHECKS' : 'E_FINAL_CHECKS';
    this.results = results;
  }
}
