import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  RedshiftDataServiceException,
} from '@aws-sdk/client-redshift-data';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { createRedshiftDataClient } from './redshift-data/create-redshift-data-client.js';
import { DataApiError } from './redshift-data/data-api-error.js';
import { RedshiftDataWarehouse } from './redshift-data-warehouse.js';
import { WarehouseError } from './warehouse-error.js';

// Sequences the Data API stand-in does not produce on demand: throttling that outlasts the
// SDK's retries, a statement queued for a long time, a conflict that never clears, a statement
// aborted by someone else.

const s = (sql: string, params: unknown[] = []) => ({ sql, params });

function awsError(name: string, fault: 'client' | 'server', status: number) {
  return new RedshiftDataServiceException({ name, $fault: fault, $metadata: { httpStatusCode: status }, message: `${name} from AWS` });
}

function setup(options: { conflictRetries?: number } = {}) {
  const client = new RedshiftDataClient({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const mock = mockClient(client);
  const warehouse = new RedshiftDataWarehouse({
    target: { workgroupName: 'wg' },
    database: 'dev',
    client,
    pollInterval: { initialMs: 4, maxMs: 16 },
    ...options,
  });
  return { mock, warehouse };
}

describe('RedshiftDataWarehouse (mocked Data API)', () => {
  it('keeps polling a statement that stays SUBMITTED, with growing waits, until it finishes', async () => {
    const { mock, warehouse } = setup();
    mock.on(ExecuteStatementCommand).resolves({ Id: 'q1' });
    const queued = { Id: 'q1', Status: 'SUBMITTED' as const };
    mock
      .on(DescribeStatementCommand)
      .resolvesOnce(queued)
      .resolvesOnce(queued)
      .resolvesOnce(queued)
      .resolvesOnce({ ...queued, Status: 'PICKED' })
      .resolvesOnce({ ...queued, Status: 'STARTED' })
      .resolvesOnce({ ...queued, Status: 'STARTED' })
      .resolves({ Id: 'q1', Status: 'FINISHED', ResultRows: 7, HasResultSet: false });
    const started = performance.now();
    expect(await warehouse.execute(s('DELETE FROM t'))).toBe(7);
    // Waits of at least 2, 4, 8, 8, 8, 8 ms (the upper halves of 4, 8, 16, 16, …).
    expect(performance.now() - started).toBeGreaterThanOrEqual(38);
    expect(mock.commandCalls(DescribeStatementCommand)).toHaveLength(7);
  });

  it('fails retryable when throttling outlasts the SDK retries', async () => {
    const { mock, warehouse } = setup();
    mock.on(ExecuteStatementCommand).rejects(awsError('ThrottlingException', 'client', 400));
    const err = await warehouse.execute(s('SELECT 1')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataApiError);
    expect(err).toMatchObject({ code: 'E_DATA_API_UNAVAILABLE', retryable: true, operation: 'ExecuteStatement' });
  });

  it('fails for good when the request is refused', async () => {
    const { mock, warehouse } = setup();
    mock.on(ExecuteStatementCommand).rejects(awsError('ValidationException', 'client', 400));
    await expect(warehouse.execute(s('SELECT 1'))).rejects.toMatchObject({ code: 'E_DATA_API_REQUEST', retryable: false });
    mock.on(ExecuteStatementCommand).rejects(awsError('AccessDeniedException', 'client', 403));
    await expect(warehouse.execute(s('SELECT 1'))).rejects.toMatchObject({ code: 'E_DATA_API_ACCESS', retryable: false });
  });

  it('gives up on a conflict that keeps happening, after conflictRetries, with a fresh token each time', async () => {
    const { mock, warehouse } = setup({ conflictRetries: 2 });
    let n = 0;
    mock.on(BatchExecuteStatementCommand).callsFake(async () => ({ Id: `b${++n}` }));
    mock.on(DescribeStatementCommand).callsFake(async ({ Id }: { Id: string }) => ({
      Id,
      Status: 'FAILED',
      Error: 'ERROR: 1023 DETAIL: Serializable isolation violation on table - 101, transactions forming the cycle are: 1, 2 (pid:3)',
      SubStatements: [{ Id: `${Id}:1`, Status: 'FAILED', Error: 'ERROR: 1023 DETAIL: Serializable isolation violation on table - 101' }],
    }));
    const err = await warehouse.transaction([s('BEGIN'), s('UPDATE t SET v = 1'), s('COMMIT')], { clientToken: 'run/load/merge/1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WarehouseError);
    expect(err).toMatchObject({ retryable: true, cancelled: false });
    expect((err as Error).message).toMatch(/still conflicting after 3 attempts/);
    const tokens = mock.commandCalls(BatchExecuteStatementCommand).map((c) => c.args[0].input.ClientToken);
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens).size).toBe(3);
    expect(mock.commandCalls(BatchExecuteStatementCommand)[0]!.args[0].input.Sqls).toEqual(['UPDATE t SET v = 1']);
  });

  it('reports a statement aborted on the server as cancelled', async () => {
    const { mock, warehouse } = setup();
    mock.on(ExecuteStatementCommand).resolves({ Id: 'q2' });
    mock.on(DescribeStatementCommand).resolves({ Id: 'q2', Status: 'ABORTED' });
    await expect(warehouse.query(s('SELECT 1'))).rejects.toMatchObject({ cancelled: true });
  });

  it('cancels the statement on the server when aborted while it is queued', async () => {
    const { mock, warehouse } = setup();
    mock.on(ExecuteStatementCommand).resolves({ Id: 'q3' });
    mock.on(DescribeStatementCommand).resolves({ Id: 'q3', Status: 'SUBMITTED' });
    mock.on(CancelStatementCommand).resolves({ Status: true });
    const controller = new AbortController();
    const running = warehouse.query(s('SELECT 1'), { signal: controller.signal, onSubmitted: () => void setTimeout(() => controller.abort(), 20) });
    await expect(running).rejects.toMatchObject({ cancelled: true, code: 'E_WAREHOUSE' });
    expect(mock.commandCalls(CancelStatementCommand).map((c) => c.args[0].input)).toEqual([{ Id: 'q3' }]);
  });

  it('maps Field values by column type, as node-postgres would', async () => {
    const { mock, warehouse } = setup();
    mock.on(ExecuteStatementCommand).resolves({ Id: 'q4' });
    mock.on(DescribeStatementCommand).resolves({ Id: 'q4', Status: 'FINISHED', HasResultSet: true });
    mock.on(GetStatementResultCommand).resolves({
      ColumnMetadata: [{ name: 'i', typeName: 'int4' }, { name: 'big', typeName: 'int8' }, { name: 'n', typeName: 'numeric' }, { name: 't', typeName: 'timestamptz' }, { name: 'j', typeName: 'super' }, { name: 'v', typeName: 'varbyte' }],
      Records: [[{ longValue: 5 }, { longValue: 42 }, { stringValue: '1.50' }, { stringValue: '2024-03-01 12:00:00.25+00' }, { stringValue: '{"a":[1]}' }, { stringValue: '00ff' }]],
    });
    expect(await warehouse.query(s('SELECT …'))).toEqual([{ i: 5, big: '42', n: '1.50', t: new Date('2024-03-01T12:00:00.250Z'), j: { a: [1] }, v: Buffer.from([0, 255]) }]);
  });
});

describe('RedshiftDataWarehouse configuration', () => {
  it('refuses a target with both or neither of workgroup and cluster', () => {
    expect(() => new RedshiftDataWarehouse({ target: { workgroupName: 'a', clusterIdentifier: 'b' } as never, database: 'dev' })).toThrow(ConfigError);
    expect(() => new RedshiftDataWarehouse({ target: {} as never, database: 'dev' })).toThrow(/exactly one of workgroupName/);
  });

  it('refuses dbUser where the Data API does not take it', () => {
    expect(() => new RedshiftDataWarehouse({ target: { workgroupName: 'a' }, database: 'dev', dbUser: 'u' })).toThrow(/dbUser applies to a provisioned cluster/);
    expect(() => new RedshiftDataWarehouse({ target: { clusterIdentifier: 'c' }, database: 'dev', dbUser: 'u', secretArn: 'arn:x' })).toThrow(ConfigError);
  });

  it('builds its own client with adaptive retries', async () => {
    const client = await createRedshiftDataClient('eu-west-1');
    const strategy = await client.config.retryStrategy();
    expect(strategy.mode).toBe('adaptive');
    expect(await client.config.maxAttempts()).toBe(6);
    client.destroy();
  });
});
