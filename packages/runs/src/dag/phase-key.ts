import type { LoadPhase } from '@pipeline/core';

/** The key of a phase within a run: `<loadId>/<phase>` (load ids cannot hold "/"). */
export function phaseKey(loadId: string, phase: LoadPhase): string {
  return `${loadId}/${phase}`;
}
