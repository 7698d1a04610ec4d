/** A PostgreSQL error as node-postgres raises it. */
export interface PgError extends Error {
  code?: string;
  detail?: string;
}

/**
 * The Error text DescribeStatement gives for a failed statement, in Redshift's words where the
 * client reads them: a serialization failure is Redshift's error 1023, everything else keeps
 * PostgreSQL's message behind Redshift's `ERROR: ` prefix.
 */
export function redshiftErrorText(err: PgError): string {
  if (err.code === '40001') {
    return `ERROR: 1023 DETAIL: Serializable isolation violation on table - 0, transactions forming the cycle are: (${err.message})`;
  }
  const detail = err.detail ? `\n  DETAIL: ${err.detail}` : '';
  return `ERROR: ${err.message}${detail}`;
}

/** Redshift's load error code for the SQLSTATE PostgreSQL gave a rejected COPY row. */
export function loadErrorCode(sqlState: string | undefined): number {
  switch (sqlState) {
    case '22003':
      return 1204; // value out of range for the type
    case '22007':
    case '22008':
      return 1206; // timestamp format
    case '23502':
      return 1213; // NOT NULL field without data
    case '22P04':
      return 1202; // more or fewer columns than the table
    case '22001':
      return 1204; // string longer than the column
    default:
      return 1216; // input line not valid
  }
}
