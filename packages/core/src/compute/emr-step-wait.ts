import type { EMRClient, Step, StepState } from '@aws-sdk/client-emr';
import { emrSdk } from '../lazy/lazy-modules.js';
import { pause, pollDelay, type PollInterval } from './poll-backoff.js';
import { isTransientApiError, remoteApiError } from './remote-api-error.js';
import type { EmrStepRef } from './remote-external-id.js';

/** States a step does not leave. */
export const TERMINAL_STEP_STATES: ReadonlySet<string> = new Set<StepState>(['COMPLETED', 'FAILED', 'CANCELLED', 'INTERRUPTED']);

/**
 * Throttling or a passing fault on a status request costs a poll, not the job; this many in a
 * row (after the SDK's own retries) fails the wait.
 */
const MAX_FAILED_POLLS = 10;

export async function describeStep(client: EMRClient, ref: EmrStepRef, signal?: AbortSignal): Promise<Step> {
  const { DescribeStepCommand } = await emrSdk();
  const { Step: step } = await client.send(new DescribeStepCommand({ ClusterId: ref.clusterId, StepId: ref.stepId }), signal ? { abortSignal: signal } : {});
  if (!step) throw new Error(`DescribeStep returned no step for ${ref.stepId}`);
  return step;
}

/**
 * Polls the step with growing, jittered waits until it is COMPLETED, FAILED, CANCELLED or
 * INTERRUPTED, and returns it. The SDK's waiter is not used: it keeps waiting on INTERRUPTED and
 * counts its delays in whole seconds. Rejects with the signal's reason when aborted.
 */
export async function waitForStep(
  client: EMRClient,
  ref: EmrStepRef,
  options: { signal?: AbortSignal; pollInterval?: PollInterval; onState?: (state: string) => void } = {},
): Promise<Step> {
  const { signal } = options;
  let failedPolls = 0;
  let lastState: string | undefined;
  for (let n = 0; ; n += 1) {
    signal?.throwIfAborted();
    try {
      const step = await describeStep(client, ref, signal);
      failedPolls = 0;
      const state = step.Status?.State ?? 'UNKNOWN';
      if (state !== lastState) options.onState?.(state);
      lastState = state;
      if (TERMINAL_STEP_STATES.has(state)) return step;
    } catch (err) {
      signal?.throwIfAborted();
      failedPolls += 1;
      if (!isTransientApiError(err) || failedPolls >= MAX_FAILED_POLLS) throw remoteApiError('emr', 'DescribeStep', err);
    }
    await pause(pollDelay(n, options.pollInterval), signal);
  }
}
