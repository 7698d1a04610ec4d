/** The COPY could not run at all (an option the stand-in lacks, a missing object, a bad manifest). */
export class CopyRequestError extends Error {
  override readonly name: string = 'CopyRequestError';
}

/**
 * Redshift refused a Parquet file while scanning it (Parquet COPY runs on Redshift Spectrum): a
 * column count or type that does not fit the table, a file that is no Parquet. Its message is
 * laid out as Redshift's DescribeStatement Error shows such a failure.
 */
export class SpectrumScanError extends CopyRequestError {
  override readonly name = 'SpectrumScanError';
  constructor(
    readonly code: number,
    readonly context: string,
  ) {
    super(
      [
        'Spectrum Scan Error',
        '  DETAIL: ',
        '  -----------------------------------------------',
        '  error:  Spectrum Scan Error',
        `  code:      ${code}`,
        `  context:   ${context}`,
        '  -----------------------------------------------',
      ].join('\n'),
    );
  }
}

/** PostgreSQL rejected a row of one file. */
export class CopyRowError extends Error {
  override readonly name = 'CopyRowError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: string,
    readonly rawFieldValue: string,
    readonly rawLine: string,
    readonly pgError: Error & { code?: string },
  ) {
    super(pgError.message, { cause: pgError });
  }
}
