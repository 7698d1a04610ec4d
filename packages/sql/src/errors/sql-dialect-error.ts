import { SqlError } from './sql-error.js';

/** A dialect name that no generator exists for. */
export class SqlDialectError extends SqlError {
  readonly code = 'E_SQL_DIALECT';
  readonly dialect: string;
  readonly allowed: readonly string[];

  constructor(dialect: string, allowed: readonly string[]) {
    super(`Unknown SQL dialect ${JSON.stringify(dialect)}. Use one of: ${allowed.join(', ')}.`);
    this.dialect = dialect;
    this.allowed = allowed;
  }
}
