import { observedNumber } from './observed-number.js';

/** The rule of every check whose observed value counts failing rows. */
export function zeroFailures(check: string): (observed: unknown) => boolean {
  return (observed) => observedNumber(observed, check) === 0;
}
