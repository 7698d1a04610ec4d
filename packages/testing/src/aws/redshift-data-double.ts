import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { DataApi } from './redshift-data/data-api-handlers.js';
import { loadErrorTablesDdl } from './redshift-data/load-error-tables.js';
import type { RecordedStatement } from './redshift-data/statement-record.js';
import type { RunnerContext } from './redshift-data/statement-runner.js';

export type { RecordedStatement } from './redshift-data/statement-record.js';

export interface RedshiftDataDoubleOptions {
  /** The PostgreSQL database the statements run in. */
  postgresUrl: string;
  /** Where `COPY … FROM 's3://…'` reads objects (moto's endpoint); without it such a COPY fails. */
  s3?: { endpoint: string; region: string; credentials?: { accessKeyId: string; secretAccessKey: string } };
  /** Records per GetStatementResult page; small, so that tests exercise NextToken. @defaultValue 100 */
  pageSize?: number;
  /** Sessions running statements at once; further statements wait in PICKED. @defaultValue 8 */
  concurrency?: number;
}

export interface RedshiftDataDouble {
  /** `http://127.0.0.1:<port>`: the SDK client's `endpoint`. */
  endpoint: string;
  /**
   * The schema holding SYS_LOAD_ERROR_DETAIL and STL_LOAD_ERRORS; the stand-in's sessions have
   * it on their search path. Dropped by `stop()`.
   */
  systemSchema: string;
  /** Every request received so far, oldest first. */
  statements(): RecordedStatement[];
  /** Cancels what still runs, stops listening, drops the system schema. */
  stop(): Promise<void>;
}

/**
 * A stand-in for the Amazon Redshift Data API: an HTTP server speaking its wire protocol (AWS
 * JSON 1.1, `X-Amz-Target: RedshiftData.<Operation>`) for ExecuteStatement,
 * BatchExecuteStatement, DescribeStatement, GetStatementResult and CancelStatement, running the
 * statements in PostgreSQL. Like the service it is asynchronous: a statement is SUBMITTED when
 * the call returns and moves through PICKED and STARTED to FINISHED, FAILED or ABORTED.
 *
 * Where it follows Redshift rather than PostgreSQL: a request's statements run in one
 * SERIALIZABLE transaction; a serialization failure reads as Redshift's error 1023; the
 * generator's Redshift-only SQL is translated (see REDSHIFT_TO_POSTGRES); backslashes in
 * literals escape; `COPY … FROM 's3://…' … FORMAT AS CSV | PARQUET [MANIFEST]` reads the objects from S3
 * and records rejected rows in SYS_LOAD_ERROR_DETAIL and STL_LOAD_ERRORS; integers travel as
 * longValue with all their digits. Authentication fields are checked for shape and recorded,
 * never verified.
 */
export async function startRedshiftDataDouble(options: RedshiftDataDoubleOptions): Promise<RedshiftDataDouble> {
  const systemSchema = `rsdata_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: options.postgresUrl, max: 4 });
  admin.on('error', () => undefined);
  for (const ddl of [`CREATE SCHEMA ${systemSchema}`, ...loadErrorTablesDdl(systemSchema)]) await admin.query(ddl);
  const pool = new pg.Pool({
    connectionString: options.postgresUrl,
    max: options.concurrency ?? 8,
    application_name: 'redshift-data-double',
    options: `-c search_path=public,${systemSchema} -c TimeZone=UTC -c DateStyle=ISO,MDY -c IntervalStyle=postgres -c standard_conforming_strings=off -c escape_string_warning=off`,
  });
  pool.on('error', () => undefined);
  const s3 = options.s3
    ? new S3Client({
        endpoint: options.s3.endpoint,
        region: options.s3.region,
        forcePathStyle: true,
        credentials: options.s3.credentials ?? { accessKeyId: 'testing', secretAccessKey: 'testing' },
      })
    : undefined;
  const ctx: RunnerContext = { pool, admin, systemSchema, s3 };
  const api = new DataApi(ctx, options.pageSize ?? 100);

  const server = createServer((request, response) => void api.handle(request, response));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    systemSchema,
    statements: () => api.recorded(),
    async stop() {
      server.close();
      server.closeAllConnections();
      await api.cancelAll();
      await pool.end();
      s3?.destroy();
      await admin.query(`DROP SCHEMA IF EXISTS ${systemSchema} CASCADE`);
      await admin.end();
    },
  };
}
