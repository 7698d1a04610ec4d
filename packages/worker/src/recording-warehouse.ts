import type { CallOptions, Warehouse } from '@pipeline/core';
import type { Statement } from '@pipeline/sql';

const PREFIX = 'redshift-data:';

/** `redshift-data:<statement id>`, as the phase record keeps it. */
export function dataApiExternalId(statementId: string): string {
  return `${PREFIX}${statementId}`;
}

export interface RecordingWarehouseOptions {
  /** Stores the external id of a submitted statement on the phase, before anything waits on it. */
  record: (externalId: string) => Promise<void>;
  /** The external id an earlier attempt of the phase recorded. */
  previousExternalId?: string | undefined;
  /** Names this phase attempt: `<run>/<load>/<phase>/a<attempt>`. */
  tokenBase: string;
}

/**
 * Wraps a Data API warehouse for one phase attempt:
 * - every statement's id is stored on the phase before the wait, like a Spark job's;
 * - each call carries an idempotency key derived from the attempt and the call's place in it,
 *   so the SDK's own retries of a submission never start it twice;
 * - the transaction (the merge's batch) re-attaches to the batch an earlier attempt submitted:
 *   a worker that died while it ran leaves it running or finished, and the retry waits for it
 *   or takes its result instead of sending it again.
 * Other warehouses are returned as they are.
 */
export function recordingWarehouse(inner: Warehouse, options: RecordingWarehouseOptions): Warehouse {
  if (inner.kind !== 'redshift-data') return inner;
  let calls = 0;
  const previous = options.previousExternalId?.startsWith(PREFIX) ? options.previousExternalId.slice(PREFIX.length) : undefined;
  const withRecording = (callOptions: CallOptions | undefined, attach: boolean): CallOptions => ({
    ...callOptions,
    clientToken: `${options.tokenBase}/c${calls++}`,
    ...(attach && previous ? { attachTo: previous } : {}),
    onSubmitted: async (id: string) => {
      await options.record(dataApiExternalId(id));
      await callOptions?.onSubmitted?.(id);
    },
  });
  return {
    kind: inner.kind,
    dialect: inner.dialect,
    query: <R extends Record<string, unknown>>(statement: Statement, callOptions?: CallOptions) => inner.query<R>(statement, withRecording(callOptions, false)),
    execute: (statement, callOptions) => inner.execute(statement, withRecording(callOptions, false)),
    transaction: (statements, callOptions) => inner.transaction(statements, withRecording(callOptions, true)),
    close: () => inner.close(),
  };
}
