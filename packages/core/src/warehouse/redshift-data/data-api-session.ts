import { setTimeout as delay } from 'node:timers/promises';
import type { ColumnMetadata, DescribeStatementCommandOutput, Field, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { RedshiftDataSdk } from '../../lazy/lazy-modules.js';
import type { Logger } from '../../logging/index.js';
import { WarehouseError } from '../warehouse-error.js';
import { dataApiError } from './data-api-error.js';
import { pollDelay } from './poll-delay.js';
import { RUNNING_STATES } from './statement-failure.js';

/** One SDK call, given the client, the per-request options that carry the abort signal, and the SDK's commands. */
export type DataApiCall<T> = (client: RedshiftDataClient, options: { abortSignal?: AbortSignal }, sdk: RedshiftDataSdk) => Promise<T>;

/** The SDK and the client, resolved when the first call is sent. */
export type DataApiConnect = () => Promise<{ sdk: RedshiftDataSdk; client: RedshiftDataClient }>;

/**
 * The statement life cycle on the Data API, below the Warehouse interface: send a call, wait
 * for a statement with backoff, cancel it when the caller aborts, re-attach to one, read its
 * result pages.
 */
export class DataApiSession {
  constructor(
    private readonly connect: DataApiConnect,
    private readonly poll: { initialMs: number; maxMs: number },
    private readonly logger: Logger | undefined,
  ) {}

  /** Sends one call; SDK errors become DataApiError, an abort stays an abort. */
  async send<T>(operation: string, call: DataApiCall<T>, signal?: AbortSignal): Promise<T> {
    const { sdk, client } = await this.connect();
    try {
      return await call(client, signal ? { abortSignal: signal } : {}, sdk);
    } catch (err) {
      if (signal?.aborted) throw err;
      throw dataApiError(err, operation);
    }
  }

  /**
   * Polls until the statement is FINISHED, FAILED or ABORTED. Aborting the signal cancels the
   * statement on the server, then rejects with a cancelled WarehouseError.
   */
  async wait(id: string, signal?: AbortSignal): Promise<DescribeStatementCommandOutput> {
    try {
      for (let attempt = 0; ; attempt++) {
        const described = await this.send('DescribeStatement', (c, o, sdk) => c.send(new sdk.DescribeStatementCommand({ Id: id }), o), signal);
        if (!RUNNING_STATES.has(described.Status ?? '')) return described;
        await delay(pollDelay(attempt, this.poll), undefined, signal ? { signal } : {});
      }
    } catch (err) {
      if (!signal?.aborted) throw err;
      await this.cancel(id);
      throw cancelled(id, err);
    }
  }

  /**
   * The statement an earlier attempt submitted, when it can stand for this call: FINISHED, or
   * still running (then waited for). Undefined when it failed, was aborted, is unknown, or is
   * not the same kind of call (a batch for a single statement or the reverse).
   */
  async attach(id: string, batch: boolean, signal?: AbortSignal): Promise<DescribeStatementCommandOutput | undefined> {
    let described: DescribeStatementCommandOutput;
    try {
      described = await this.send('DescribeStatement', (c, o, sdk) => c.send(new sdk.DescribeStatementCommand({ Id: id }), o), signal);
    } catch (err) {
      if (signal?.aborted) throw cancelled(id, err);
      // An unknown id (expired after 24 hours, or from another account) is not an error: submit anew.
      if ((err as { cause?: { name?: string } }).cause?.name === 'ResourceNotFoundException') return undefined;
      throw err;
    }
    if ((described.SubStatements !== undefined && described.SubStatements.length > 0) !== batch) return undefined;
    if (described.Status === 'FINISHED') return described;
    if (RUNNING_STATES.has(described.Status ?? '')) return this.wait(id, signal);
    return undefined;
  }

  /** Best effort: the statement may have ended meanwhile, which the service refuses to cancel. */
  async cancel(id: string): Promise<void> {
    try {
      await this.send('CancelStatement', (c, _o, sdk) => c.send(new sdk.CancelStatementCommand({ Id: id })));
      this.logger?.info({ statementId: id }, 'cancelled the statement on the server');
    } catch (err) {
      this.logger?.warn({ statementId: id, err }, 'could not cancel the statement on the server');
    }
  }

  /** Every record of a finished statement's result, page by page. */
  async results(id: string, signal?: AbortSignal): Promise<{ columns: ColumnMetadata[]; records: Field[][] }> {
    let columns: ColumnMetadata[] = [];
    const records: Field[][] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.send('GetStatementResult', (c, o, sdk) => c.send(new sdk.GetStatementResultCommand({ Id: id, NextToken: nextToken }), o), signal);
        if (columns.length === 0 && page.ColumnMetadata) columns = page.ColumnMetadata;
        records.push(...(page.Records ?? []));
        nextToken = page.NextToken;
      } while (nextToken);
    } catch (err) {
      if (signal?.aborted) throw cancelled(id, err);
      throw err;
    }
    return { columns, records };
  }

  /** The backoff between attempts after a conflict; an abort rejects with a cancelled error. */
  async backoff(attempt: number, signal?: AbortSignal): Promise<void> {
    try {
      await delay(pollDelay(attempt, this.poll), undefined, signal ? { signal } : {});
    } catch (err) {
      throw cancelled(undefined, err);
    }
  }
}

export function cancelled(id: string | undefined, cause?: unknown): WarehouseError {
  return new WarehouseError(id === undefined ? 'statement cancelled' : `statement ${id} cancelled`, { cause, cancelled: true });
}
