export { PhaseInputError } from './phase-input-error.js';
export { PhaseTimeoutError } from './phase-timeout-error.js';
