import type { PhaseChange, RunOutcome } from './phase-change.js';

/** Shows phase state changes as they happen, on stderr. */
export interface ProgressRenderer {
  update(change: PhaseChange): void;
  /**
   * Ctrl-C: give the terminal back at once (the cursor), even if the command still needs a
   * moment to stop.
   */
  interrupt(): void;
  /** The command is done: the live block leaves its final frame; plain mode prints the outcome, when there is one. */
  end(outcome?: RunOutcome): void;
}

/** For `PIPELINE_PROGRESS=off`. */
export const silentProgress: ProgressRenderer = {
  update: () => undefined,
  interrupt: () => undefined,
  end: () => undefined,
};
