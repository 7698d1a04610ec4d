import type { ColumnMetadata, DescribeStatementCommandOutput, Field, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { dialectFor, inlineParams, redshiftLoadErrors, type SqlDialect, type Statement } from '@pipeline/sql';
import { ConfigError } from '../errors/config-error.js';
import { pgDriver, redshiftDataSdk, type RedshiftDataSdk } from '../lazy/lazy-modules.js';
import { clientTokenFor } from './redshift-data/client-token.js';
import { createRedshiftDataClient } from './redshift-data/create-redshift-data-client.js';
import { toDataApiStatement } from './redshift-data/data-api-statement.js';
import { cancelled, DataApiSession } from './redshift-data/data-api-session.js';
import { withExactLongValues } from './redshift-data/exact-long-values.js';
import { recordToRow } from './redshift-data/field-value.js';
import type { RedshiftDataOptions } from './redshift-data/redshift-data-options.js';
import { failedPart, isSerializationConflict } from './redshift-data/statement-failure.js';
import { WarehouseLoadError, type LoadErrorRow } from './redshift-data/warehouse-load-error.js';
import { transactionBody } from './transaction-shape.js';
import { WarehouseError } from './warehouse-error.js';
import type { CallOptions, Warehouse } from './warehouse.js';

/** BatchExecuteStatement takes at most this many SQL statements. */
const MAX_BATCH = 40;
const COPY = /^\s*COPY\b/i;

/** One call's submissions: what to send, and how to read a finished statement. */
interface Call<T> {
  batch: boolean;
  sqls: string[];
  submit(clientToken: string | undefined): Promise<string>;
  collect(described: DescribeStatementCommandOutput): Promise<T>;
}

/**
 * A warehouse on the Amazon Redshift Data API: each call submits statements over HTTPS and
 * polls for them, so no connection is held. A transaction's body goes as one
 * BatchExecuteStatement, which Redshift runs as one transaction; its values are written into
 * the SQL by the strict literal renderer, the others are sent as named parameters.
 *
 * Results read as PostgresWarehouse's do for the same query: see field-value.ts. Loading is
 * `COPY … FROM 's3://…'` through `execute`; `copyFromStdin` does not exist here.
 */
export class RedshiftDataWarehouse implements Warehouse {
  readonly kind = 'redshift-data' as const;
  readonly dialect: SqlDialect = dialectFor('redshift');
  private readonly options: RedshiftDataOptions;
  private readonly givenClient: RedshiftDataClient | undefined;
  private connection: Promise<{ sdk: RedshiftDataSdk; client: RedshiftDataClient }> | undefined;
  private readonly session: DataApiSession;
  private submissions = 0;

  constructor(options: RedshiftDataOptions) {
    const target = options.target as { workgroupName?: unknown; clusterIdentifier?: unknown };
    if ((typeof target.workgroupName === 'string') === (typeof target.clusterIdentifier === 'string')) {
      throw new ConfigError('the Redshift Data API target needs exactly one of workgroupName (Serverless) and clusterIdentifier (provisioned)', { code: 'E_CONFIG_REDSHIFT_DATA' });
    }
    if (options.dbUser !== undefined && (options.secretArn !== undefined || 'workgroupName' in options.target)) {
      throw new ConfigError('dbUser applies to a provisioned cluster without secretArn; for a workgroup use secretArn or the IAM identity', { code: 'E_CONFIG_REDSHIFT_DATA' });
    }
    this.options = options;
    this.givenClient = options.client ? withExactLongValues(options.client) : undefined;
    this.session = new DataApiSession(() => this.connect(), options.pollInterval ?? { initialMs: 100, maxMs: 5_000 }, options.logger);
  }

  /** The SDK and the client, loaded by the first call: a constructor cannot wait for the SDK to load. */
  private connect(): Promise<{ sdk: RedshiftDataSdk; client: RedshiftDataClient }> {
    this.connection ??= Promise.all([redshiftDataSdk(), this.givenClient ?? createRedshiftDataClient(this.options.region)]).then(([sdk, client]) => ({ sdk, client }));
    return this.connection;
  }

  async query<R extends Record<string, unknown> = Record<string, unknown>>(statement: Statement, options: CallOptions = {}): Promise<R[]> {
    const { sql, parameters } = toDataApiStatement(statement);
    return this.run<R[]>(
      {
        batch: false,
        sqls: [sql],
        submit: (token) => this.executeStatement(sql, parameters, token),
        collect: async (described) => {
          if (!described.HasResultSet) return [];
          const { columns, records } = await this.session.results(described.Id!, options.signal);
          return rowsOf<R>(records, columns);
        },
      },
      options,
    );
  }

  async execute(statement: Statement, options: CallOptions = {}): Promise<number | null> {
    const { sql, parameters } = toDataApiStatement(statement);
    return this.run(
      { batch: false, sqls: [sql], submit: (token) => this.executeStatement(sql, parameters, token), collect: async (d) => rows(d.ResultRows) },
      options,
    );
  }

  async transaction(statements: Statement[], options: CallOptions = {}): Promise<(number | null)[]> {
    const body = transactionBody(statements);
    if (body.length === 0) return [null, null];
    if (body.length > MAX_BATCH) {
      throw new WarehouseError(`a Data API transaction holds at most ${MAX_BATCH} statements, this one has ${body.length}: split the work or merge statements`);
    }
    const sqls = body.map((s) => inlineParams(s, 'redshift'));
    const counts = await this.run(
      {
        batch: true,
        sqls,
        submit: async (token) => {
          const out = await this.session.send('BatchExecuteStatement', (c, _o, sdk) => c.send(new sdk.BatchExecuteStatementCommand({ ...this.target(), Sqls: sqls, ClientToken: token })));
          return out.Id!;
        },
        collect: async (described) => body.map((_s, i) => rows(described.SubStatements?.[i]?.ResultRows)),
      },
      options,
    );
    return [null, ...counts, null];
  }

  async close(): Promise<void> {
    // A client passed in belongs to the caller; one never built needs no closing.
    if (this.givenClient || !this.connection) return;
    await this.connection.then(
      ({ client }) => client.destroy(),
      () => undefined,
    );
  }

  /** Submits (or re-attaches), waits, and retries the whole call on serialization conflicts. */
  private async run<T>(call: Call<T>, options: CallOptions): Promise<T> {
    const nextToken = this.tokens(options.clientToken);
    const retries = this.options.conflictRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      let described = attempt === 0 && options.attachTo ? await this.session.attach(options.attachTo, call.batch, options.signal) : undefined;
      if (described) this.options.logger?.info({ statementId: options.attachTo }, 're-attached to the statement an earlier attempt submitted');
      if (!described) {
        if (options.signal?.aborted) throw cancelled(undefined, options.signal.reason);
        const id = await call.submit(nextToken());
        this.options.logger?.debug({ statementId: id, batch: call.batch }, 'statement submitted');
        try {
          await options.onSubmitted?.(id);
        } catch (err) {
          // Whoever could not record the id cannot re-attach to it either: do not leave it running.
          await this.session.cancel(id);
          throw err;
        }
        described = await this.session.wait(id, options.signal);
      }
      if (described.Status === 'FINISHED') return call.collect(described);
      if (described.Status === 'ABORTED') throw new WarehouseError(`statement ${described.Id} was cancelled on the server`, { cancelled: true });
      const failed = failedPart(described);
      if (isSerializationConflict(failed.error) && attempt < retries) {
        this.options.logger?.warn({ statementId: described.Id, attempt: attempt + 1 }, 'serialization conflict (Redshift 1023); retrying the whole call');
        await this.session.backoff(attempt, options.signal);
        continue;
      }
      throw await this.failure(described, call, failed, attempt, nextToken, options.signal);
    }
  }

  private async failure(
    described: DescribeStatementCommandOutput,
    call: Call<unknown>,
    failed: ReturnType<typeof failedPart>,
    attempt: number,
    nextToken: () => string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Error> {
    const sql = call.sqls[failed.index ?? 0] ?? '';
    const queryId = failed.sub ? failed.sub.RedshiftQueryId : described.RedshiftQueryId;
    if (COPY.test(sql)) return this.loadFailure(described.Id ?? '?', failed.error, queryId, nextToken, signal);
    const where = failed.index === undefined ? '' : ` (statement ${failed.index + 1} of ${call.sqls.length} in the transaction, all rolled back)`;
    if (isSerializationConflict(failed.error)) {
      return new WarehouseError(`${failed.error} — still conflicting after ${attempt + 1} attempts${where} while running: ${firstLine(sql)}`, { retryable: true });
    }
    return new WarehouseError(`${failed.error}${where} while running: ${firstLine(sql)}`);
  }

  /** A failed COPY, with the rows it rejected read from the load-error system relation. */
  private async loadFailure(id: string, error: string, queryId: number | undefined, nextToken: () => string | undefined, signal?: AbortSignal): Promise<Error> {
    if (!queryId) return new WarehouseLoadError(error, id, [], 'the Data API gave no query id for the COPY');
    const source = 'clusterIdentifier' in this.options.target ? 'stl' : 'sys';
    try {
      const { sql, parameters } = toDataApiStatement(redshiftLoadErrors(queryId, source));
      const lookupId = await this.executeStatement(sql, parameters, nextToken());
      const described = await this.session.wait(lookupId, signal);
      if (described.Status !== 'FINISHED') return new WarehouseLoadError(error, id, [], described.Error ?? String(described.Status));
      const { columns, records } = await this.session.results(lookupId, signal);
      return new WarehouseLoadError(error, id, (await rowsOf<Record<string, unknown>>(records, columns)).map(loadErrorRow));
    } catch (err) {
      if (signal?.aborted) return cancelled(id, err);
      return new WarehouseLoadError(error, id, [], (err as Error).message);
    }
  }

  /**
   * Submits one statement. The submission itself is not aborted: cut off midway, it could start
   * a statement whose id never arrives; an abort is handled once the id is known.
   */
  private async executeStatement(sql: string, parameters: ReturnType<typeof toDataApiStatement>['parameters'], token: string | undefined): Promise<string> {
    const out = await this.session.send('ExecuteStatement', (c, _o, sdk) => c.send(new sdk.ExecuteStatementCommand({ ...this.target(), Sql: sql, Parameters: parameters, ClientToken: token })));
    return out.Id!;
  }

  private target(): { WorkgroupName?: string; ClusterIdentifier?: string; Database: string; SecretArn?: string; DbUser?: string } {
    const o = this.options;
    return {
      ...('workgroupName' in o.target ? { WorkgroupName: o.target.workgroupName } : { ClusterIdentifier: o.target.clusterIdentifier }),
      Database: o.database,
      ...(o.secretArn !== undefined ? { SecretArn: o.secretArn } : {}),
      ...(o.dbUser !== undefined ? { DbUser: o.dbUser } : {}),
    };
  }

  /** ClientTokens for one call's submissions, in order: from the call's key, else the warehouse's. */
  private tokens(callKey: string | undefined): () => string | undefined {
    let index = 0;
    return () => {
      const ordinal = this.submissions++;
      const key = callKey ?? this.options.clientToken?.(ordinal);
      return key === undefined ? undefined : clientTokenFor(key, callKey === undefined ? ordinal : index++);
    };
  }
}

/** Result records as rows, each value parsed by node-postgres' parser for its column's type. */
async function rowsOf<R>(records: Field[][], columns: ColumnMetadata[]): Promise<R[]> {
  const pg = await pgDriver();
  return records.map((record) => recordToRow<R>(record, columns, (typeId) => pg.types.getTypeParser(typeId, 'text')));
}

/** The Data API's ResultRows: -1 means unknown. */
function rows(n: number | undefined): number | null {
  return n === undefined || n < 0 ? null : n;
}

function firstLine(sql: string): string {
  return (sql.trim().split('\n')[0] ?? '').slice(0, 120);
}

function loadErrorRow(row: Record<string, unknown>): LoadErrorRow {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    fileName: text(row.file_name),
    lineNumber: num(row.line_number),
    columnName: text(row.column_name),
    columnType: text(row.column_type),
    rawValue: text(row.raw_value),
    errorCode: num(row.error_code),
    reason: text(row.reason),
  };
}
