/** One CSV record: its 1-based position among the records and its text, without the line end. */
export interface CsvRecord {
  index: number;
  text: string;
}

/**
 * The record of `csv` (LF line ends, `"` quotes) that PostgreSQL's COPY names by `line` in an
 * error. COPY counts physical lines, newlines inside quoted fields included, and reports the
 * line on which the failing record ends; a record's position is what a row number means for
 * a file that is not text, such as Parquet.
 */
export function csvRecordEndingOnLine(csv: string, line: number): CsvRecord | undefined {
  let physical = 1;
  let index = 1;
  let start = 0;
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\n' && quoted) physical += 1;
    else if (c === '\n') {
      if (physical === line) return { index, text: csv.slice(start, i) };
      physical += 1;
      index += 1;
      start = i + 1;
    }
  }
  return start < csv.length && physical === line ? { index, text: csv.slice(start) } : undefined;
}
