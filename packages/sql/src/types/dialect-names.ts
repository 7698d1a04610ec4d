import type { DialectName } from './dialect-name.js';

/** Every supported dialect, in the order error messages list them. */
export const DIALECT_NAMES: readonly DialectName[] = ['postgres', 'redshift'];
