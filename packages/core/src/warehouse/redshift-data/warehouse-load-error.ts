import { PipelineError } from '../../errors/pipeline-error.js';

/** One row COPY rejected, as Redshift's load-error system relation records it. */
export interface LoadErrorRow {
  fileName: string | null;
  lineNumber: number | null;
  columnName: string | null;
  columnType: string | null;
  /** The field's text before parsing, shortened; null where the relation does not keep it (Serverless). */
  rawValue: string | null;
  errorCode: number | null;
  reason: string | null;
}

/** Characters of a raw value shown in the message. */
const SHOWN_VALUE_CHARS = 80;

/**
 * A COPY into the warehouse rejected rows. `rows` holds them as Redshift recorded them, and the
 * message names each: file, line, column, value and reason, so the bad data can be found
 * without a console session.
 */
export class WarehouseLoadError extends PipelineError {
  readonly code = 'E_WAREHOUSE_LOAD';
  readonly rows: LoadErrorRow[];
  readonly statementId: string;

  constructor(serverError: string, statementId: string, rows: LoadErrorRow[], lookupFailure?: string) {
    super(loadErrorMessage(serverError, statementId, rows, lookupFailure));
    this.rows = rows;
    this.statementId = statementId;
  }
}

function loadErrorMessage(serverError: string, statementId: string, rows: LoadErrorRow[], lookupFailure: string | undefined): string {
  const head = `COPY failed (statement ${statementId}): ${serverError}`;
  if (lookupFailure !== undefined) return `${head}\nThe rejected rows could not be read: ${lookupFailure}`;
  if (rows.length === 0) return `${head}\nNo rejected rows were recorded for it; the cause is in the error above.`;
  const lines = rows.map((r) => {
    const where = `${r.fileName ?? '?'} line ${r.lineNumber ?? '?'}, column ${r.columnName ?? '?'}${r.columnType ? ` (${r.columnType})` : ''}`;
    const value = r.rawValue === null ? '' : ` — value ${JSON.stringify(shorten(r.rawValue))}`;
    return `  ${where}: ${r.reason ?? 'rejected'}${r.errorCode === null ? '' : ` [${r.errorCode}]`}${value}`;
  });
  return `${head}\nRejected rows:\n${lines.join('\n')}\nFix the data (or the column types) and rerun.`;
}

function shorten(text: string): string {
  return text.length > SHOWN_VALUE_CHARS ? `${text.slice(0, SHOWN_VALUE_CHARS)}…` : text;
}
