import { performance } from 'node:perf_hooks';
import type { S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { CopyRequestError, CopyRowError } from './copy-errors.js';
import { parseS3Copy, runS3Copy, type S3Copy } from './copy-from-s3.js';
import { recordLoadError } from './load-error-tables.js';
import { bindNamedParameters, ParameterError } from './named-parameters.js';
import { loadErrorCode, redshiftErrorText, type PgError } from './redshift-error-text.js';
import { redshiftToPostgres, TranslationError } from './redshift-to-postgres.js';
import { columnMetadata, encodeField } from './result-encoding.js';
import type { StatementRecord, StatementResult, StatementStatus, SubStatement } from './statement-record.js';

/** What running statements needs from the stand-in. */
export interface RunnerContext {
  /** Sessions that run statements (Redshift's settings: UTC, ISO dates, backslash escapes). */
  pool: pg.Pool;
  /** Side sessions: cancelling backends, recording load errors outside the failed transaction. */
  admin: pg.Pool;
  /** The schema holding the system tables. */
  systemSchema: string;
  s3: S3Client | undefined;
}

// Every value as PostgreSQL's text, so that the wire encoding decides the representation.
const TEXT_TYPES = { getTypeParser: () => (value: string) => value };

/**
 * Runs one request as Redshift does: every statement of it in one SERIALIZABLE transaction
 * (Redshift's isolation), in order, committed at the end or rolled back at the first failure.
 * Updates the record's states as it goes; never throws.
 */
export async function runStatement(ctx: RunnerContext, record: StatementRecord): Promise<void> {
  if (record.cancelRequested) return finish(record, 'ABORTED', undefined);
  set(record, 'PICKED');
  let client: pg.PoolClient;
  try {
    client = await ctx.pool.connect();
  } catch (err) {
    return finish(record, 'FAILED', `ERROR: could not connect to the database: ${(err as Error).message}`);
  }
  record.pid = (client as unknown as { processID: number }).processID;
  const started = performance.now();
  let broken = false;
  try {
    if (record.cancelRequested) return finish(record, 'ABORTED', undefined);
    set(record, 'STARTED');
    await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
    for (const [index, sub] of record.subs.entries()) {
      const failure = await runSub(ctx, client, record, sub);
      if (failure !== undefined) {
        for (const later of record.subs.slice(index + 1)) setSub(later, 'ABORTED');
        await client.query('ROLLBACK').catch(() => (broken = true));
        record.durationNs = nanos(started);
        return finish(record, record.cancelRequested ? 'ABORTED' : 'FAILED', failure);
      }
    }
    try {
      await client.query('COMMIT');
    } catch (err) {
      record.durationNs = nanos(started);
      return finish(record, 'FAILED', redshiftErrorText(err as PgError));
    }
    record.durationNs = nanos(started);
    finish(record, 'FINISHED', undefined);
  } catch (err) {
    broken = true;
    finish(record, 'FAILED', `ERROR: ${(err as Error).message}`);
  } finally {
    client.release(broken);
  }
}

/** Runs one statement of the request; returns the error text when it failed. */
async function runSub(ctx: RunnerContext, client: pg.PoolClient, record: StatementRecord, sub: SubStatement): Promise<string | undefined> {
  const started = performance.now();
  setSub(sub, 'STARTED');
  try {
    if (record.cancelRequested) throw Object.assign(new Error('canceling statement due to user request'), { code: '57014' });
    const copy = parseS3Copy(sub.sql);
    if (copy) {
      sub.resultRows = await runCopy(ctx, client, record, sub, copy);
    } else {
      const { text, values } = bindNamedParameters(redshiftToPostgres(sub.sql), record.request.parameters);
      const result = await client.query({ text, values, rowMode: 'array', types: TEXT_TYPES });
      sub.resultRows = result.rowCount ?? -1;
      sub.hasResultSet = result.fields.length > 0;
      sub.result = sub.hasResultSet ? encodeResult(result) : undefined;
    }
    sub.durationNs = nanos(started);
    setSub(sub, 'FINISHED');
    return undefined;
  } catch (err) {
    sub.durationNs = nanos(started);
    const text = errorText(err);
    sub.error = text;
    setSub(sub, (err as PgError).code === '57014' ? 'ABORTED' : 'FAILED');
    return text;
  }
}

async function runCopy(ctx: RunnerContext, client: pg.PoolClient, record: StatementRecord, sub: SubStatement, copy: S3Copy): Promise<number> {
  if (!ctx.s3) throw new CopyRequestError('S3ServiceException: the stand-in was started without an s3 endpoint, so it cannot read s3:// objects');
  const columns = copy.columns ? `${copy.table} (${copy.columns})` : copy.table;
  const described = await client.query<{ oid: number; types: Record<string, string> | null }>(
    `SELECT c.oid::int AS oid, json_object_agg(a.attname, format_type(a.atttypid, a.atttypmod)) AS types
     FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE c.oid = to_regclass($1) GROUP BY c.oid`,
    [copy.table],
  );
  const table = described.rows[0];
  try {
    return await runS3Copy(client, copy, ctx.s3);
  } catch (err) {
    if (!(err instanceof CopyRowError)) throw err;
    await recordLoadError(ctx.admin, ctx.systemSchema, {
      queryId: sub.queryId,
      sessionId: record.pid ?? 0,
      database: record.request.database ?? '',
      tableId: table?.oid ?? 0,
      fileName: err.file,
      lineNumber: err.line,
      columnName: err.column,
      columnType: table?.types?.[err.column] ?? '',
      rawLine: err.rawLine,
      rawFieldValue: err.rawFieldValue,
      errorCode: loadErrorCode(err.pgError.code),
      reason: err.pgError.message,
    });
    const name = copy.table.split('.').pop()?.replaceAll('"', '') ?? columns;
    throw new CopyRequestError(`Load into table '${name}' failed. Check 'sys_load_error_detail' system table for details.`);
  }
}

function errorText(err: unknown): string {
  if (err instanceof CopyRequestError || err instanceof TranslationError || err instanceof ParameterError) return `ERROR: ${err.message}`;
  if ((err as PgError).code === '57014') return 'Query cancelled on user request.';
  return redshiftErrorText(err as PgError);
}

function encodeResult(result: pg.QueryArrayResult): StatementResult {
  const fields = result.fields;
  return {
    columns: fields.map(columnMetadata),
    records: result.rows.map((row: unknown[]) => `[${row.map((v, i) => encodeField(fields[i]!, v as string | null)).join(',')}]`),
  };
}

function nanos(since: number): number {
  return Math.round((performance.now() - since) * 1e6);
}

function set(record: StatementRecord, status: StatementStatus): void {
  record.status = status;
  record.updatedAt = new Date();
}

function setSub(sub: SubStatement, status: StatementStatus): void {
  sub.status = status;
  sub.updatedAt = new Date();
}

function finish(record: StatementRecord, status: StatementStatus, error: string | undefined): void {
  record.error = error;
  set(record, status);
}
