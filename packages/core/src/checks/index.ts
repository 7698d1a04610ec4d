export type { CheckResult } from './check-result.js';
export { ChecksFailedError } from './checks-failed-error.js';
export { runChecks } from './run-checks.js';
export { toCheckSpecs, reconciliationOf, checkColumns } from './to-check-specs.js';
