import { describe, expect, it } from 'vitest';
import { ChecksFailedError, SparkJobError, registerSecret } from '@pipeline/core';
import { toPhaseError } from './to-phase-error.js';

describe('toPhaseError', () => {
  it('keeps the code, the message and a remote job\'s failure details, secrets removed', () => {
    registerSecret('s3cr3t-value-for-this-test');
    const err = new SparkJobError('EMR step s-1 failed: password s3cr3t-value-for-this-test rejected', {
      details: { reason: 'Unknown Error.', message: 'Exception in thread main', logFile: 's3://logs/j-1/steps/s-1/stderr.gz', logUri: 's3://logs/j-1/steps/s-1/' },
    });
    expect(toPhaseError(err)).toEqual({
      code: 'E_SPARK_JOB',
      message: expect.not.stringContaining('s3cr3t-value-for-this-test'),
      details: { reason: 'Unknown Error.', message: 'Exception in thread main', logFile: 's3://logs/j-1/steps/s-1/stderr.gz', logUri: 's3://logs/j-1/steps/s-1/' },
    });
  });

  it('leaves details out when there are none, and gives errors without a code E_INTERNAL', () => {
    expect(toPhaseError(new SparkJobError('boom'))).toEqual({ code: 'E_SPARK_JOB', message: 'boom' });
    expect(toPhaseError(new Error('bug'))).toEqual({ code: 'E_INTERNAL', message: 'bug' });
  });

  it('lists the failed data checks of a ChecksFailedError, without their sample rows', () => {
    const err = new ChecksFailedError('staging', [
      { name: 'not_null(id)', passed: false, observed: 2, sample: [{ id: null }], stage: 'staging' },
      { name: 'row_count', passed: true, observed: 10, sample: [], stage: 'staging' },
    ]);
    expect(toPhaseError(err)).toMatchObject({ code: 'E_STAGING_CHECKS', checks: [{ name: 'not_null(id)', observed: 2, stage: 'staging' }] });
  });
});
