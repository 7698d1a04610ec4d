import { PipelineError } from '@pipeline/core';

/**
 * A phase was asked to run without the result of a phase it needs. The DAG only makes a phase
 * ready after its upstream succeeded, so this means the run record was edited or the job was
 * added by hand; running it again cannot help.
 */
export class PhaseInputError extends PipelineError {
  readonly code = 'E_PHASE_INPUT';
  readonly runId: string;
  readonly loadId: string;
  readonly needs: string;

  constructor(runId: string, loadId: string, needs: string) {
    super(`run "${runId}", load "${loadId}": the result of phase "${needs}" is missing; retry the run (pipeline retry) so that the phases run again in order`);
    this.runId = runId;
    this.loadId = loadId;
    this.needs = needs;
  }
}
