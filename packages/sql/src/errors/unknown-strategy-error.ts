import { SqlError } from './sql-error.js';

/** A merge strategy name that is not in the dialect's allowlist. */
export class UnknownStrategyError extends SqlError {
  readonly code = 'E_SQL_STRATEGY';
  readonly strategy: string;
  readonly dialect: string;
  readonly allowed: readonly string[];

  constructor(strategy: string, dialect: string, allowed: readonly string[]) {
    super(
      `Unknown merge strategy ${JSON.stringify(strategy)} for ${dialect}. ` +
        `Set the load's strategy to one of: ${allowed.join(', ')}.`,
    );
    this.strategy = strategy;
    this.dialect = dialect;
    this.allowed = allowed;
  }
}
