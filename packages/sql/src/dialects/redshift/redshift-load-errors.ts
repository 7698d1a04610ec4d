import { SqlInputError } from '../../errors/sql-input-error.js';
import { statementOf } from '../../render/statement-of.js';
import type { Statement } from '../../types/statement.js';

/**
 * Which system relation holds COPY's rejected rows. `sys` (SYS_LOAD_ERROR_DETAIL) exists on
 * Serverless and on provisioned clusters but carries no raw value; `stl` (STL_LOAD_ERRORS)
 * exists on provisioned clusters only and keeps the raw field value and line.
 */
export type LoadErrorSource = 'sys' | 'stl';

/** Longest raw value returned per row: enough to recognise it, short enough for an error message. */
const RAW_VALUE_CHARS = 200;

/**
 * The rows one COPY rejected, identified by its query id (the Data API's RedshiftQueryId).
 * Columns, whichever the source: `file_name`, `line_number`, `column_name`, `column_type`,
 * `raw_value` (NULL from `sys`), `error_code`, `reason`; ordered by file and line.
 */
export function redshiftLoadErrors(queryId: number | bigint | string, source: LoadErrorSource, limit = 10): Statement {
  const id = String(queryId);
  if (!/^\d{1,19}$/.test(id)) throw new SqlInputError('loadErrors.queryId', `must be a Redshift query id (digits), got ${JSON.stringify(queryId)}.`);
  if (!Number.isSafeInteger(limit) || limit < 1) throw new SqlInputError('loadErrors.limit', `must be a positive integer, got ${JSON.stringify(limit)}.`);
  if (source !== 'stl' && source !== 'sys') throw new SqlInputError('loadErrors.source', `must be "sys" or "stl", got ${JSON.stringify(source)}.`);
  const sql =
    source === 'stl'
      ? [
          'SELECT TRIM("filename") AS "file_name", "line_number", TRIM("colname") AS "column_name", TRIM("type") AS "column_type",',
          `  SUBSTRING(TRIM("raw_field_value"), 1, ${RAW_VALUE_CHARS}) AS "raw_value", "err_code" AS "error_code", TRIM("err_reason") AS "reason"`,
          'FROM STL_LOAD_ERRORS',
          'WHERE "query" = $1',
          'ORDER BY "filename", "line_number"',
          `LIMIT ${limit}`,
        ]
      : [
          'SELECT TRIM("file_name") AS "file_name", "line_number", TRIM("column_name") AS "column_name", TRIM("column_type") AS "column_type",',
          '  CAST(NULL AS varchar) AS "raw_value", "error_code", TRIM("error_message") AS "reason"',
          'FROM SYS_LOAD_ERROR_DETAIL',
          'WHERE "query_id" = $1',
          'ORDER BY "file_name", "line_number"',
          `LIMIT ${limit}`,
        ];
  return statementOf(sql.join('\n'), [id]);
}
