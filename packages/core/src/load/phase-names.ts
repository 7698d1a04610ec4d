/** The phases of one load, in order. */
export const LOAD_PHASES = ['extract-transform', 'stage', 'audit', 'merge', 'validate', 'cleanup'] as const;
export type LoadPhase = (typeof LOAD_PHASES)[number];
