import type { Readable } from 'node:stream';
import type { SqlDialect, Statement } from '@pipeline/sql';

/** Options every warehouse call takes. */
export interface CallOptions {
  /** Aborting cancels the statement on the server, not only the wait for it. */
  signal?: AbortSignal;
  /**
   * Called with the server's statement id right after the statement is submitted, before
   * waiting for it, so the caller can persist it and re-attach after a crash. Warehouses whose
   * statements have no server-side id (PostgreSQL) never call it.
   */
  onSubmitted?: (statementId: string) => void | Promise<void>;
  /**
   * A statement id an earlier attempt reported through `onSubmitted`. A warehouse that can
   * re-attach returns that statement's result when it finished, keeps waiting when it still
   * runs, and submits anew only when it failed or is unknown. Others ignore it.
   */
  attachTo?: string;
  /**
   * Idempotency key of this call, deterministic per phase attempt (e.g. a hash of run, load,
   * phase and attempt): a repeated submission with the same key returns the statement already
   * submitted instead of running it twice. Warehouses without idempotent submission ignore it.
   */
  clientToken?: string;
}

/**
 * The warehouse as the phases see it. Shaped for both PostgreSQL-protocol connections and the
 * Redshift Data API: a transaction is a list of statements sent together (the Data API runs a
 * batch as one transaction and cannot hold one open across calls), and every call can be
 * cancelled.
 */
export interface Warehouse {
  readonly kind: 'postgres' | 'redshift-data';
  readonly dialect: SqlDialect;
  /** Runs one statement and returns its rows. */
  query<R extends Record<string, unknown> = Record<string, unknown>>(statement: Statement, options?: CallOptions): Promise<R[]>;
  /** Runs one statement and returns the number of rows it affected, when the server reports it. */
  execute(statement: Statement, options?: CallOptions): Promise<number | null>;
  /**
   * Runs `BEGIN; …; COMMIT` as one transaction and returns each statement's affected-row count.
   * Any error rolls the whole transaction back. Serialization conflicts are retried.
   */
  transaction(statements: Statement[], options?: CallOptions): Promise<(number | null)[]>;
  /**
   * Streams CSV into `COPY … FROM STDIN`. Only PostgreSQL-protocol warehouses support it;
   * others load from object storage with the dialect's COPY statement.
   */
  copyFromStdin?(statement: Statement, source: Readable, options?: CallOptions): Promise<number>;
  close(): Promise<void>;
}
