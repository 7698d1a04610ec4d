import pg from 'pg';

/**
 * The system relations Redshift records COPY's rejected rows in, as tables in the stand-in's
 * own schema (which its sessions have on the search path). Same names, columns and types as
 * Redshift's SYS_LOAD_ERROR_DETAIL (Serverless and provisioned) and STL_LOAD_ERRORS
 * (provisioned), so a query written for Redshift reads them unchanged.
 */
export function loadErrorTablesDdl(schema: string): string[] {
  const s = pg.escapeIdentifier(schema);
  return [
    `CREATE TABLE ${s}.sys_load_error_detail (
      user_id integer, query_id bigint, transaction_id bigint, session_id integer, database_name character(64),
      table_id integer, start_time timestamp, file_name character(256), line_number bigint, column_name character(127),
      column_type character(10), column_length character(10), position integer, error_code integer, error_message character(512))`,
    `CREATE TABLE ${s}.stl_load_errors (
      userid integer, slice integer, tbl integer, starttime timestamp, session integer, query integer,
      filename character(256), line_number bigint, colname character(127), type character(10), col_length character(10),
      position integer, raw_line character(1024), raw_field_value character(1024), err_code integer, err_reason character(100),
      is_partial integer, start_offset bigint)`,
  ];
}

/** One rejected row, as the stand-in learnt it from PostgreSQL's COPY error. */
export interface LoadErrorRow {
  queryId: number;
  sessionId: number;
  database: string;
  tableId: number;
  fileName: string;
  lineNumber: number;
  columnName: string;
  columnType: string;
  rawLine: string;
  rawFieldValue: string;
  errorCode: number;
  reason: string;
}

/**
 * Records a rejected row in both relations. Runs on its own connection, outside the COPY's
 * transaction, so the record survives the rollback as Redshift's do.
 */
export async function recordLoadError(pool: pg.Pool, schema: string, row: LoadErrorRow): Promise<void> {
  const s = pg.escapeIdentifier(schema);
  // character(n) columns would reject longer text; Redshift truncates these the same way.
  const cut = (text: string, n: number) => text.slice(0, n);
  await pool.query(
    `INSERT INTO ${s}.sys_load_error_detail (user_id, query_id, transaction_id, session_id, database_name, table_id, start_time,
       file_name, line_number, column_name, column_type, column_length, position, error_code, error_message)
     VALUES (100, $1, 0, $2, $3, $4, now() AT TIME ZONE 'UTC', $5, $6, $7, $8, NULL, 0, $9, $10)`,
    [row.queryId, row.sessionId, cut(row.database, 64), row.tableId, cut(row.fileName, 256), row.lineNumber, cut(row.columnName, 127), cut(row.columnType, 10), row.errorCode, cut(row.reason, 512)],
  );
  await pool.query(
    `INSERT INTO ${s}.stl_load_errors (userid, slice, tbl, starttime, session, query, filename, line_number, colname, type, col_length,
       position, raw_line, raw_field_value, err_code, err_reason, is_partial, start_offset)
     VALUES (100, 0, $1, now() AT TIME ZONE 'UTC', $2, $3, $4, $5, $6, $7, NULL, 0, $8, $9, $10, $11, 0, 0)`,
    [row.tableId, row.sessionId, row.queryId, cut(row.fileName, 256), row.lineNumber, cut(row.columnName, 127), cut(row.columnType, 10), cut(row.rawLine, 1024), cut(row.rawFieldValue, 1024), row.errorCode, cut(row.reason, 100)],
  );
}
