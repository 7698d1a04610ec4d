import { SqlError } from './sql-error.js';

/** Which identifier rule a value broke. */
export type IdentifierRule = 'empty' | 'too_long' | 'upper_case' | 'characters' | 'table_format';

/** A schema, table or column name is not one the generator will quote and send. */
export class SqlIdentifierError extends SqlError {
  readonly code = 'E_SQL_IDENTIFIER';
  /** Where the identifier came from, e.g. `target.key[0]`. */
  readonly what: string;
  readonly value: string;
  readonly rule: IdentifierRule;

  constructor(what: string, value: string, rule: IdentifierRule, message: string) {
    super(message);
    this.what = what;
    this.value = value;
    this.rule = rule;
  }
}
