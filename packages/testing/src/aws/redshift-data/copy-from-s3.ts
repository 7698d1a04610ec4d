import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { literalValue, redshiftTokens, type Token } from './redshift-tokens.js';

/** What a `COPY … FROM 's3://…'` statement asks for. */
export interface S3Copy {
  /** The table as written in the statement (already quoted where it was quoted). */
  table: string;
  /** The column list as written, without parentheses; empty for all columns. */
  columns: string;
  uri: string;
  format: 'csv' | 'parquet' | 'json' | 'text';
  manifest: boolean;
  iamRole: string | undefined;
}

/** The COPY could not run at all (an option the stand-in lacks, a missing object). */
export class CopyRequestError extends Error {
  override readonly name = 'CopyRequestError';
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

/** Reads a COPY from S3; undefined when the statement is anything else. */
export function parseS3Copy(sql: string): S3Copy | undefined {
  const tokens = redshiftTokens(sql).filter((t) => t.type !== 'space' && !(t.type === 'quoted' && /^(--|\/\*)/.test(t.text)));
  if (tokens[0]?.type !== 'word' || tokens[0].text.toUpperCase() !== 'COPY') return undefined;
  let i = 1;
  let table = '';
  while (i < tokens.length && tokens[i]!.text !== '(' && !isWord(tokens[i], 'FROM')) table += tokens[i++]!.text;
  let columns = '';
  if (tokens[i]?.text === '(') {
    const parts: string[] = [];
    for (i += 1; i < tokens.length && tokens[i]!.text !== ')'; i++) parts.push(tokens[i]!.text);
    columns = parts.join('');
    i += 1;
  }
  if (!isWord(tokens[i], 'FROM')) return undefined;
  const uri = literalValue(tokens[i + 1] ?? { type: 'space', text: '' });
  if (uri === undefined || !uri.startsWith('s3://')) return undefined;
  const copy: S3Copy = { table, columns, uri, format: 'text', manifest: false, iamRole: undefined };
  for (i += 2; i < tokens.length; i++) {
    const word = tokens[i]!.text.toUpperCase();
    if (word === ';') continue;
    if (word === 'IAM_ROLE') copy.iamRole = literalValue(tokens[++i]!) ?? tokens[i]!.text;
    else if (word === 'MANIFEST') copy.manifest = true;
    else if (word === 'CSV') copy.format = 'csv';
    else if (word === 'REGION') i += isWord(tokens[i + 1], 'AS') ? 2 : 1;
    else if (word === 'FORMAT') {
      if (isWord(tokens[i + 1], 'AS')) i += 1;
      const format = tokens[++i]?.text.toLowerCase();
      if (format !== 'csv' && format !== 'parquet' && format !== 'json') throw new CopyRequestError(`COPY format ${format ?? '(none)'} is not supported`);
      copy.format = format;
    } else {
      throw new CopyRequestError(`COPY option ${tokens[i]!.text} is not supported by the stand-in (it knows IAM_ROLE, FORMAT AS CSV, MANIFEST, REGION)`);
    }
  }
  return copy;
}

function isWord(token: Token | undefined, word: string): boolean {
  return token?.type === 'word' && token.text.toUpperCase() === word;
}

/**
 * Loads the files of a COPY into its table on `client`, inside the caller's transaction: each
 * S3 object (the manifest's entries, or every object under the prefix) streamed into
 * `COPY … FROM STDIN WITH (FORMAT csv)`. PostgreSQL's CSV rules apply: an unquoted empty field
 * is NULL, `""` an empty string.
 */
export async function runS3Copy(client: pg.PoolClient, copy: S3Copy, s3: S3Client): Promise<number> {
  if (copy.format !== 'csv') throw new CopyRequestError(`the stand-in loads CSV only; this COPY asks for ${copy.format.toUpperCase()}`);
  const files = copy.manifest ? await manifestEntries(s3, copy.uri) : await objectsUnder(s3, copy.uri);
  if (files.length === 0) throw new CopyRequestError(`S3ServiceException: no objects found under ${copy.uri}`);
  const target = copy.columns ? `${copy.table} (${copy.columns})` : copy.table;
  let rows = 0;
  for (const file of files) {
    const text = await readObject(s3, file);
    const stream = client.query(copyFrom(`COPY ${target} FROM STDIN WITH (FORMAT csv)`));
    try {
      await pipeline(Readable.from([text]), stream);
    } catch (err) {
      throw rowError(file, text, err as Error & { code?: string; where?: string });
    }
    rows += stream.rowCount;
  }
  return rows;
}

// PostgreSQL names the place of a bad row in the error's context: `COPY t, line 3, column c: "v"`.
const WHERE = /COPY [^,]+, line (\d+)(?:, column ([^:]+)(?:: "((?:.|\n)*)")?)?/;

function rowError(file: string, text: string, err: Error & { code?: string; where?: string }): Error {
  const found = WHERE.exec(err.where ?? '');
  if (!err.code || !found) return err;
  const line = Number(found[1]);
  return new CopyRowError(file, line, found[2] ?? '', found[3] ?? '', text.split('\n')[line - 1] ?? '', err);
}

function splitUri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new CopyRequestError(`${uri} is not an s3://bucket/key URI`);
  return { bucket: match[1]!, key: match[2]! };
}

async function readObject(s3: S3Client, uri: string): Promise<string> {
  const { bucket, key } = splitUri(uri);
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await object.Body?.transformToString('utf8')) ?? '';
  } catch (err) {
    throw new CopyRequestError(`S3ServiceException:${(err as Error).message} (reading ${uri})`, { cause: err });
  }
}

async function manifestEntries(s3: S3Client, uri: string): Promise<string[]> {
  const manifest = JSON.parse(await readObject(s3, uri)) as { entries?: { url?: unknown; mandatory?: unknown }[] };
  const files: string[] = [];
  for (const entry of manifest.entries ?? []) {
    if (typeof entry.url !== 'string') throw new CopyRequestError(`the manifest ${uri} has an entry without a url`);
    files.push(entry.url);
  }
  return files;
}

async function objectsUnder(s3: S3Client, uri: string): Promise<string[]> {
  const { bucket, key } = splitUri(uri);
  const files: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key && (object.Size ?? 0) > 0) files.push(`s3://${bucket}/${object.Key}`);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return files.sort();
}
