export { toRunView, runViewSchema, phaseViewSchema, phaseErrorViewSchema, type RunView, type PhaseView } from './run-view.js';
