import { SqlError } from './sql-error.js';

/** Arguments that cannot make a correct statement, e.g. a merge without a key. */
export class SqlInputError extends SqlError {
  readonly code = 'E_SQL_INPUT';
  /** The argument at fault, e.g. `merge.key`. */
  readonly what: string;

  constructor(what: string, message: string, options?: { cause?: unknown }) {
    super(`${what}: ${message}`, options);
    this.what = what;
  }
}
