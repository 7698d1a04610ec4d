import { describe, expect, it } from 'vitest';
import { attemptToken, isJobOf, remoteJobName } from './remote-job-name.js';
import { emrServerlessExternalId, emrStepExternalId, parseEmrServerlessExternalId, parseEmrStepExternalId } from './remote-external-id.js';

const key = { runId: 'users-20260101t000000z', loadId: 'users', phase: 'extract-transform' };

describe('remoteJobName', () => {
  it('names run, load, phase and attempt, and recognises every attempt of the same phase only', () => {
    expect(remoteJobName(key, 2)).toBe('pipeline:users-20260101t000000z:users:extract-transform:a2');
    expect(isJobOf(remoteJobName(key, 1), key)).toBe(true);
    expect(isJobOf(remoteJobName(key, 17), key)).toBe(true);
    expect(isJobOf(remoteJobName({ ...key, phase: 'stage' }, 1), key)).toBe(false);
    expect(isJobOf(remoteJobName({ ...key, runId: `${key.runId}0` }, 1), key)).toBe(false);
    expect(isJobOf(remoteJobName({ ...key, loadId: 'user' }, 1), key)).toBe(false);
    expect(isJobOf('pipeline:users-20260101t000000z:users:extract-transform:a2x', key)).toBe(false);
    expect(isJobOf(undefined, key)).toBe(false);
  });

  it('hashes keys EMR would refuse or that a colon would make ambiguous, staying within 256 characters', () => {
    const long = { ...key, runId: 'r'.repeat(300) };
    expect(remoteJobName(long, 3)).toMatch(/^pipeline:#[0-9a-f]{64}:a3$/);
    expect(isJobOf(remoteJobName(long, 1), long)).toBe(true);
    const a = { runId: 'a:b', loadId: 'c', phase: 'p' };
    const b = { runId: 'a', loadId: 'b:c', phase: 'p' };
    expect(remoteJobName(a, 1)).not.toBe(remoteJobName(b, 1));
    expect(isJobOf(remoteJobName(a, 1), b)).toBe(false);
  });

  it('gives each attempt its own deterministic 64-character token', () => {
    expect(attemptToken(key, 1)).toBe(attemptToken({ ...key }, 1));
    expect(attemptToken(key, 1)).toHaveLength(64);
    expect(attemptToken(key, 2)).not.toBe(attemptToken(key, 1));
    expect(attemptToken({ ...key, phase: 'x' }, 1)).not.toBe(attemptToken(key, 1));
  });
});

describe('external ids', () => {
  it('round-trip and refuse other ids', () => {
    expect(parseEmrStepExternalId(emrStepExternalId({ clusterId: 'j-ABC123', stepId: 's-XYZ9' }))).toEqual({ clusterId: 'j-ABC123', stepId: 's-XYZ9' });
    expect(parseEmrServerlessExternalId(emrServerlessExternalId({ applicationId: '00fabc', jobRunId: '00fdef' }))).toEqual({ applicationId: '00fabc', jobRunId: '00fdef' });
    expect(parseEmrStepExternalId('local:host:123')).toBeNull();
    expect(parseEmrStepExternalId('emr-serverless:00fabc:00fdef')).toBeNull();
    expect(parseEmrServerlessExternalId('emr:j-A:s-B')).toBeNull();
    expect(parseEmrStepExternalId(undefined)).toBeNull();
  });
});
