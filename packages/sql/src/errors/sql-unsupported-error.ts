import { SqlError } from './sql-error.js';

/** An operation the chosen engine cannot perform, e.g. COPY FROM STDIN on Redshift. */
export class SqlUnsupportedError extends SqlError {
  readonly code = 'E_SQL_UNSUPPORTED';
  readonly operation: string;
  readonly dialect: string;

  constructor(operation: string, dialect: string, advice: string) {
    super(`${operation} is not supported on ${dialect}: ${advice}`);
    this.operation = operation;
    this.dialect = dialect;
  }
}
