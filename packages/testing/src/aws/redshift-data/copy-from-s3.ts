import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { CopyRequestError, CopyRowError } from './copy-errors.js';
import { copySources, readObject, type CopySource } from './copy-sources.js';
import { csvRecordEndingOnLine } from './csv-records.js';
import { parquetToCsv } from './parquet-to-csv.js';
import { literalValue, redshiftTokens, type Token } from './redshift-tokens.js';
import { targetColumns } from './target-columns.js';

/** What a `COPY … FROM 's3://…'` statement asks for. */
export interface S3Copy {
  /** The table as written in the statement (already quoted where it was quoted). */
  table: string;
  /** The column list as written, without parentheses; empty for all columns. */
  columns: string;
  /** The column list's names as Redshift resolves them (quotes removed, others lower-cased). */
  columnNames: string[];
  uri: string;
  format: 'csv' | 'parquet' | 'json' | 'text';
  manifest: boolean;
  iamRole: string | undefined;
  region: string | undefined;
}

/** Reads a COPY from S3; undefined when the statement is anything else. */
export function parseS3Copy(sql: string): S3Copy | undefined {
  const tokens = redshiftTokens(sql).filter((t) => t.type !== 'space' && !(t.type === 'quoted' && /^(--|\/\*)/.test(t.text)));
  if (tokens[0]?.type !== 'word' || tokens[0].text.toUpperCase() !== 'COPY') return undefined;
  let i = 1;
  let table = '';
  while (i < tokens.length && tokens[i]!.text !== '(' && !isWord(tokens[i], 'FROM')) table += tokens[i++]!.text;
  let columns = '';
  const columnNames: string[] = [];
  if (tokens[i]?.text === '(') {
    const parts: string[] = [];
    for (i += 1; i < tokens.length && tokens[i]!.text !== ')'; i++) {
      parts.push(tokens[i]!.text);
      if (tokens[i]!.text !== ',') columnNames.push(identifierName(tokens[i]!));
    }
    columns = parts.join('');
    i += 1;
  }
  if (!isWord(tokens[i], 'FROM')) return undefined;
  const uri = literalValue(tokens[i + 1] ?? { type: 'space', text: '' });
  if (uri === undefined || !uri.startsWith('s3://')) return undefined;
  const copy: S3Copy = { table, columns, columnNames, uri, format: 'text', manifest: false, iamRole: undefined, region: undefined };
  for (i += 2; i < tokens.length; i++) {
    const word = tokens[i]!.text.toUpperCase();
    if (word === ';') continue;
    if (word === 'IAM_ROLE') copy.iamRole = literalValue(tokens[++i]!) ?? tokens[i]!.text;
    else if (word === 'MANIFEST') copy.manifest = true;
    else if (word === 'CSV') copy.format = 'csv';
    else if (word === 'REGION') {
      if (isWord(tokens[i + 1], 'AS')) i += 1;
      copy.region = literalValue(tokens[++i] ?? { type: 'space', text: '' });
    } else if (word === 'FORMAT') {
      if (isWord(tokens[i + 1], 'AS')) i += 1;
      const format = tokens[++i]?.text.toLowerCase();
      if (format !== 'csv' && format !== 'parquet' && format !== 'json') throw new CopyRequestError(`COPY format ${format ?? '(none)'} is not supported`);
      copy.format = format;
    } else {
      throw new CopyRequestError(`COPY option ${tokens[i]!.text} is not supported by the stand-in (it knows IAM_ROLE, FORMAT AS CSV | PARQUET, MANIFEST, REGION)`);
    }
  }
  return copy;
}

function isWord(token: Token | undefined, word: string): boolean {
  return token?.type === 'word' && token.text.toUpperCase() === word;
}

function identifierName(token: Token): string {
  return token.type === 'quoted' && token.text.startsWith('"') ? token.text.slice(1, -1).replaceAll('""', '"') : token.text.toLowerCase();
}

/**
 * Loads the files of a COPY into its table on `client`, inside the caller's transaction: each
 * S3 object (see copySources for which) streamed into `COPY … FROM STDIN WITH (FORMAT csv)`.
 *
 * CSV files go in as they are, under PostgreSQL's CSV rules: an unquoted empty field is NULL,
 * `""` an empty string. A Parquet file is first checked and converted by parquetToCsv: its
 * columns map by position onto the column list (or the table's columns), their count must match
 * and each Parquet type must fit its column, else the COPY fails as Redshift's Spectrum scan
 * does. A row PostgreSQL rejects fails with {@link CopyRowError}, its line being the row's
 * number in the file.
 */
export async function runS3Copy(client: pg.PoolClient, copy: S3Copy, s3: S3Client): Promise<number> {
  if (copy.format !== 'csv' && copy.format !== 'parquet') {
    throw new CopyRequestError(`the stand-in loads CSV and Parquet only; this COPY asks for ${copy.format.toUpperCase()}`);
  }
  if (copy.format === 'parquet' && copy.region !== undefined) throw new CopyRequestError('REGION argument is not supported for PARQUET based COPY');
  const sources = await copySources(s3, { uri: copy.uri, manifest: copy.manifest, format: copy.format });
  if (copy.format === 'csv') {
    const target = copy.columns ? `${copy.table} (${copy.columns})` : copy.table;
    let rows = 0;
    for (const source of sources) {
      const text = new TextDecoder().decode(await readObject(s3, source.url));
      rows += await copyCsv(client, target, text, (line, err) => lineError(source.url, text, line, err));
    }
    return rows;
  }
  const columns = await targetColumns(client, copy.table, copy.columnNames);
  const target = `${copy.table} (${columns.map((c) => pg.escapeIdentifier(c.name)).join(', ')})`;
  const region = await s3.config.region();
  let rows = 0;
  for (const source of sources) {
    const csv = await parquetToCsv(await readObject(s3, source.url), columns, spectrumUrl(source, region));
    rows += await copyCsv(client, target, csv, (line, err) => rowError(source.url, csv, line, err));
  }
  return rows;
}

// `column` is set where the context names none, as for a NULL in a NOT NULL column.
type PgCopyError = Error & { code?: string; where?: string; column?: string };

// PostgreSQL names the place of a bad row in the error's context: `COPY t, line 3, column c: "v"`.
const WHERE = /COPY [^,]+, line (\d+)(?:, column ([^:]+)(?:: "((?:.|\n)*)")?)?/;

async function copyCsv(client: pg.PoolClient, target: string, csv: string, rejected: (found: RegExpExecArray, err: PgCopyError) => Error): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${target} FROM STDIN WITH (FORMAT csv)`));
  try {
    await pipeline(Readable.from([csv]), stream);
  } catch (err) {
    const found = WHERE.exec((err as PgCopyError).where ?? '');
    throw (err as PgCopyError).code && found ? rejected(found, err as PgCopyError) : err;
  }
  return stream.rowCount;
}

/** A rejected row of a text file: PostgreSQL's line is the file's line. */
function lineError(file: string, text: string, found: RegExpExecArray, err: PgCopyError): CopyRowError {
  const line = Number(found[1]);
  return new CopyRowError(file, line, found[2] ?? err.column ?? '', found[3] ?? '', text.split('\n')[line - 1] ?? '', err);
}

/** A rejected row of a Parquet file: its line is the row's number in the file. */
function rowError(file: string, csv: string, found: RegExpExecArray, err: PgCopyError): CopyRowError {
  const record = csvRecordEndingOnLine(csv, Number(found[1]));
  return new CopyRowError(file, record?.index ?? Number(found[1]), found[2] ?? err.column ?? '', found[3] ?? '', record?.text ?? '', err);
}

/** The object's address as Spectrum names files in its errors. */
function spectrumUrl(source: CopySource, region: string): string {
  return `https://s3.${region}.amazonaws.com/${source.bucket}/${source.key}`;
}
