import { setTimeout as delay } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import type { SqlDialect, Statement } from '@pipeline/sql';
import { ConnectionError } from '../errors/connection-error.js';
import { pgCopyStreams, pgDriver } from '../lazy/lazy-modules.js';
import { WarehouseError } from './warehouse-error.js';
import { transactionBody } from './transaction-shape.js';
import type { CallOptions, Warehouse } from './warehouse.js';

/** PostgreSQL error classes that mean the connection's credentials were refused. */
const AUTH_FAILURES = new Set(['28P01', '28000']);
/** Serialization failure and deadlock: the whole transaction can be retried unchanged. */
const RETRYABLE_TX = new Set(['40001', '40P01']);

export interface PostgresWarehouseOptions {
  dialect: SqlDialect;
  /** Resolves the connection string; called again after an authentication failure. */
  connectionString: (options: { refresh: boolean }) => Promise<string>;
  /** @defaultValue 4 */
  poolSize?: number;
  /** Attempts for a transaction that hits a serialization conflict. @defaultValue 5 */
  transactionAttempts?: number;
  /** Base of the exponential backoff between those attempts. @defaultValue 200 */
  retryBaseMs?: number;
  /** Statement timeout applied to every session, in milliseconds; 0 disables it. @defaultValue 0 */
  statementTimeoutMs?: number;
}

function pgCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/**
 * A warehouse over the PostgreSQL protocol (node-postgres): local PostgreSQL, and Redshift's own
 * endpoint. Credentials are re-resolved once when the server refuses them, so a rotated secret
 * is picked up without a restart.
 */
export class PostgresWarehouse implements Warehouse {
  readonly kind = 'postgres' as const;
  readonly dialect: SqlDialect;
  private pool: pg.Pool | undefined;
  private connecting: Promise<pg.Pool> | undefined;
  private readonly options: PostgresWarehouseOptions;

  constructor(options: PostgresWarehouseOptions) {
    this.options = options;
    this.dialect = options.dialect;
  }

  private async createPool(refresh: boolean): Promise<pg.Pool> {
    const connectionString = await this.options.connectionString({ refresh });
    const { Pool } = await pgDriver();
    const pool = new Pool({
      connectionString,
      max: this.options.poolSize ?? 4,
      application_name: 'pipeline',
      ...(this.options.statementTimeoutMs ? { statement_timeout: this.options.statementTimeoutMs } : {}),
    });
    // An idle client losing its connection must not crash the process; the next checkout reconnects.
    pool.on('error', () => undefined);
    return pool;
  }

  private async getPool(refresh = false): Promise<pg.Pool> {
    if (refresh) {
      const old = this.pool;
      this.pool = undefined;
      this.connecting = undefined;
      await old?.end().catch(() => undefined);
    }
    if (this.pool) return this.pool;
    this.connecting ??= this.createPool(refresh).then((p) => (this.pool = p));
    return this.connecting;
  }

  private async checkout(): Promise<pg.PoolClient> {
    try {
      return await (await this.getPool()).connect();
    } catch (err) {
      if (!AUTH_FAILURES.has(pgCode(err) ?? '')) throw this.wrapConnect(err);
      try {
        return await (await this.getPool(true)).connect();
      } catch (retryErr) {
        throw this.wrapConnect(retryErr);
      }
    }
  }

  private wrapConnect(err: unknown): Error {
    const code = pgCode(err);
    if (code && AUTH_FAILURES.has(code)) {
      return new WarehouseError('the warehouse refused the credentials (checked twice, the second time with freshly read secrets): check the user and password in the secret or PIPELINE_WAREHOUSE_URL', { cause: err, sqlState: code });
    }
    return new ConnectionError('warehouse', `cannot connect to the warehouse: ${(err as Error).message}. Check PIPELINE_WAREHOUSE_URL and that the server is running.`, { cause: err });
  }

  /** Runs `work` on one client; aborting cancels the running statement on the server. */
  private async withClient<T>(options: CallOptions | undefined, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    options?.signal?.throwIfAborted();
    const client = await this.checkout();
    const pid = (client as unknown as { processID?: number }).processID;
    const onAbort = () => {
      if (pid !== undefined) void this.cancelBackend(pid);
    };
    options?.signal?.addEventListener('abort', onAbort, { once: true });
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (err) {
      if (options?.signal?.aborted) broken = err as Error;
      throw err;
    } finally {
      options?.signal?.removeEventListener('abort', onAbort);
      client.release(broken);
    }
  }

  private async cancelBackend(pid: number): Promise<void> {
    try {
      const pool = await this.getPool();
      await pool.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch {
      // Best effort: the client is discarded afterwards either way.
    }
  }

  private wrapStatement(err: unknown, statement: Statement, signal?: AbortSignal): Error {
    if (signal?.aborted) return new WarehouseError('statement cancelled', { cause: err, cancelled: true, sqlState: pgCode(err) });
    if (err instanceof WarehouseError || err instanceof ConnectionError) return err;
    const code = pgCode(err);
    if (!code) return err as Error;
    const detail = (err as { detail?: string }).detail;
    const where = (err as { where?: string }).where;
    const text = [(err as Error).message, detail, where].filter(Boolean).join(' — ');
    return new WarehouseError(`${text} [SQLSTATE ${code}] while running: ${statement.sql.split('\n')[0]?.slice(0, 120)}`, {
      cause: err,
      sqlState: code,
      retryable: RETRYABLE_TX.has(code) || code.startsWith('08') || code === '57P01',
    });
  }

  async query<R extends Record<string, unknown>>(statement: Statement, options?: CallOptions): Promise<R[]> {
    return this.withClient(options, async (client) => {
      try {
        const result = await client.query<R>(statement.sql, statement.params);
        return result.rows;
      } catch (err) {
        throw this.wrapStatement(err, statement, options?.signal);
      }
    });
  }

  async execute(statement: Statement, options?: CallOptions): Promise<number | null> {
    return this.withClient(options, async (client) => {
      try {
        return (await client.query(statement.sql, statement.params)).rowCount;
      } catch (err) {
        throw this.wrapStatement(err, statement, options?.signal);
      }
    });
  }

  async transaction(statements: Statement[], options?: CallOptions): Promise<(number | null)[]> {
    const body = transactionBody(statements);
    const attempts = this.options.transactionAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.withClient(options, async (client) => {
          await client.query('BEGIN');
          const counts: (number | null)[] = [null];
          let current: Statement | undefined;
          try {
            for (current of body) counts.push((await client.query(current.sql, current.params)).rowCount);
            current = statements[statements.length - 1];
            await client.query('COMMIT');
            counts.push(null);
            return counts;
          } catch (err) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw this.wrapStatement(err, current ?? body[0]!, options?.signal);
          }
        });
      } catch (err) {
        const retry = err instanceof WarehouseError && RETRYABLE_TX.has(err.sqlState ?? '') && attempt < attempts;
        if (!retry) throw err;
        const base = (this.options.retryBaseMs ?? 200) * 2 ** (attempt - 1);
        await delay(base / 2 + Math.random() * base, undefined, { signal: options?.signal });
      }
    }
  }

  async copyFromStdin(statement: Statement, source: Readable, options?: CallOptions): Promise<number> {
    // Loaded before a connection is checked out, so that none is held while it loads.
    const { from: copyFrom } = await pgCopyStreams();
    return this.withClient(options, async (client) => {
      const stream = client.query(copyFrom(statement.sql));
      try {
        await pipeline(source, stream, ...(options?.signal ? [{ signal: options.signal }] : []));
        return stream.rowCount ?? 0;
      } catch (err) {
        throw this.wrapStatement(err, statement, options?.signal);
      }
    });
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    this.connecting = undefined;
    await pool?.end();
  }
}
