import { PipelineError } from '@pipeline/core';
import type { RunState } from '../model/states.js';

/** The run is in a state the operation does not apply to (retrying a run that did not fail…). */
export class RunStateError extends PipelineError {
  readonly code = 'E_RUN_STATE';
  readonly runId: string;
  readonly state: RunState;
  readonly operation: string;

  constructor(runId: string, state: RunState, operation: string, expected: string) {
    super(`cannot ${operation} run "${runId}": it is ${state}, and only ${expected} runs can be`);
    this.runId = runId;
    this.state = state;
    this.operation = operation;
  }
}
