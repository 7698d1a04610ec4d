import { SqlError } from './sql-error.js';

/** A custom SQL check names a run parameter the run does not have. */
export class UnknownParamError extends SqlError {
  readonly code = 'E_SQL_PARAM';
  /** The name inside `{{ params.<name> }}`. */
  readonly param: string;
  /** The custom check that used it. */
  readonly check: string;
  /** The parameters the run has, sorted. */
  readonly known: readonly string[];

  constructor(param: string, check: string, known: readonly string[]) {
    super(
      `custom_sql "${check}" uses {{ params.${param} }}, but the run has no parameter ${JSON.stringify(param)} ` +
        `(known: ${known.length > 0 ? known.join(', ') : 'none'}). ` +
        "Add it to the pipeline's or the load's params, or pass it when starting the run.",
    );
    this.param = param;
    this.check = check;
    this.known = known;
  }
}
