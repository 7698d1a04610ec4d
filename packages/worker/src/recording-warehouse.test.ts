import { describe, expect, it } from 'vitest';
import type { CallOptions, Warehouse } from '@pipeline/core';
import { redshiftDialect, type Statement } from '@pipeline/sql';
import { dataApiExternalId, recordingWarehouse } from './recording-warehouse.js';

/** A Data API warehouse that submits nothing: it reports a statement id per call and notes the options it got. */
function fakeDataApi(kind: Warehouse['kind'] = 'redshift-data') {
  const calls: { method: string; options: CallOptions }[] = [];
  let next = 0;
  const call = (method: string) => async (_s: Statement | Statement[], options: CallOptions = {}) => {
    calls.push({ method, options });
    await options.onSubmitted?.(`stmt-${next++}`);
    return method === 'query' ? [] : method === 'transaction' ? [null] : 1;
  };
  const warehouse = {
    kind,
    dialect: redshiftDialect,
    query: call('query'),
    execute: call('execute'),
    transaction: call('transaction'),
    close: async () => undefined,
  } as unknown as Warehouse;
  return { warehouse, calls };
}

const statement: Statement = { sql: 'SELECT 1', params: [] };

describe('recordingWarehouse', () => {
  it('records every statement id, gives each call its own idempotency key, and re-attaches only the transaction', async () => {
    const { warehouse, calls } = fakeDataApi();
    const recorded: string[] = [];
    const wrapped = recordingWarehouse(warehouse, {
      record: async (id) => {
        recorded.push(id);
      },
      previousExternalId: dataApiExternalId('earlier-batch'),
      tokenBase: 'run/load/merge/g0/a2',
    });
    await wrapped.execute(statement);
    await wrapped.query(statement);
    await wrapped.transaction([statement]);
    expect(recorded).toEqual(['redshift-data:stmt-0', 'redshift-data:stmt-1', 'redshift-data:stmt-2']);
    expect(calls.map((c) => [c.method, c.options.clientToken, c.options.attachTo])).toEqual([
      ['execute', 'run/load/merge/g0/a2/c0', undefined],
      ['query', 'run/load/merge/g0/a2/c1', undefined],
      ['transaction', 'run/load/merge/g0/a2/c2', 'earlier-batch'],
    ]);
  });

  it('does not re-attach to an id of another kind (a Spark job) and leaves other warehouses alone', async () => {
    const { warehouse, calls } = fakeDataApi();
    const wrapped = recordingWarehouse(warehouse, { record: async () => undefined, previousExternalId: 'emr:j-1:s-1', tokenBase: 't' });
    await wrapped.transaction([statement]);
    expect(calls[0]?.options.attachTo).toBeUndefined();
    const postgres = fakeDataApi('postgres').warehouse;
    expect(recordingWarehouse(postgres, { record: async () => undefined, tokenBase: 't' })).toBe(postgres);
  });

  it('fails the call when the id cannot be recorded, so nothing waits on a statement no retry could find', async () => {
    const { warehouse } = fakeDataApi();
    const wrapped = recordingWarehouse(warehouse, { record: () => Promise.reject(new Error('redis down')), tokenBase: 't' });
    await expect(wrapped.execute(statement)).rejects.toThrow('redis down');
  });
});
