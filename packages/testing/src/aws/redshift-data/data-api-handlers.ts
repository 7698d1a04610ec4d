import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { unusedParameters, type SqlParameter } from './named-parameters.js';
import { RUNNING, type RecordedStatement, type StatementRecord, type StatementRequest, type SubStatement } from './statement-record.js';
import { runStatement, type RunnerContext } from './statement-runner.js';
import { ApiError, epochSeconds, optionalString, readBody, requiredString, sendError, sendJson } from './wire.js';

const PARAMETER_NAME = /^[0-9a-zA-Z_]+$/;
const MAX_BATCH_SQLS = 40;

/**
 * The Data API operations over the stand-in's statement records: validation as the service
 * does it, idempotency by ClientToken, descriptions, result pages and cancellation.
 */
export class DataApi {
  private readonly records = new Map<string, StatementRecord>();
  private readonly byToken = new Map<string, StatementRecord>();
  private nextQueryId = 1000;

  constructor(
    private readonly ctx: RunnerContext,
    private readonly pageSize: number,
  ) {}

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('RedshiftData.') ? target.slice('RedshiftData.'.length) : '';
      let body: Record<string, unknown>;
      try {
        const text = await readBody(request);
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        throw new ApiError('SerializationException', 'The request body is not valid JSON');
      }
      sendJson(response, 200, await this.dispatch(operation, body));
    } catch (err) {
      sendError(response, err instanceof ApiError ? err : new ApiError('InternalServerException', (err as Error).message));
    }
  }

  private async dispatch(operation: string, body: Record<string, unknown>): Promise<string> {
    switch (operation) {
      case 'ExecuteStatement':
        return JSON.stringify(this.submit('ExecuteStatement', [requiredString(body, 'Sql')], body));
      case 'BatchExecuteStatement':
        return JSON.stringify(this.submit('BatchExecuteStatement', sqlList(body.Sqls), body));
      case 'DescribeStatement':
        return JSON.stringify(this.describe(requiredString(body, 'Id')));
      case 'GetStatementResult':
        return this.result(requiredString(body, 'Id'), optionalString(body, 'NextToken'));
      case 'CancelStatement':
        return JSON.stringify(await this.cancel(requiredString(body, 'Id')));
      default:
        throw new ApiError('UnknownOperationException', `The stand-in does not implement ${operation || 'this operation'}`);
    }
  }

  private submit(operation: StatementRequest['operation'], sqls: string[], body: Record<string, unknown>): Record<string, unknown> {
    const request: StatementRequest = {
      operation,
      sqls,
      parameters: parameterList(body.Parameters),
      clientToken: optionalString(body, 'ClientToken'),
      workgroupName: optionalString(body, 'WorkgroupName'),
      clusterIdentifier: optionalString(body, 'ClusterIdentifier'),
      database: optionalString(body, 'Database'),
      secretArn: optionalString(body, 'SecretArn'),
      dbUser: optionalString(body, 'DbUser'),
    };
    if ((request.workgroupName === undefined) === (request.clusterIdentifier === undefined)) {
      throw new ApiError('ValidationException', 'Either ClusterIdentifier or WorkgroupName must be provided, and not both.');
    }
    if (request.clientToken !== undefined && (request.clientToken.length < 1 || request.clientToken.length > 64)) {
      throw new ApiError('ValidationException', `ClientToken must be 1 to 64 characters long, got ${request.clientToken.length}.`);
    }
    if (request.database === undefined) throw new ApiError('ValidationException', 'Database must be provided.');
    if (request.workgroupName !== undefined && request.dbUser !== undefined) {
      throw new ApiError('ValidationException', 'DbUser is not supported with WorkgroupName; use SecretArn or the IAM identity.');
    }
    const unused = unusedParameters(request.parameters, sqls);
    if (unused.length > 0) throw new ApiError('ValidationException', `Parameters not referenced by the SQL: ${unused.join(', ')}.`);

    const earlier = request.clientToken === undefined ? undefined : this.byToken.get(request.clientToken);
    if (earlier) {
      if (JSON.stringify(earlier.request) !== JSON.stringify(request)) {
        throw new ApiError('ValidationException', `ClientToken ${request.clientToken} was already used for a different request.`);
      }
      return submitted(earlier);
    }
    const record = this.create(request);
    if (request.clientToken !== undefined) this.byToken.set(request.clientToken, record);
    return submitted(record);
  }

  private create(request: StatementRequest): StatementRecord {
    const id = randomUUID();
    const now = new Date();
    const subs: SubStatement[] = request.sqls.map((sql, i) => ({
      id: request.operation === 'BatchExecuteStatement' ? `${id}:${i + 1}` : id,
      sql,
      queryId: this.nextQueryId++,
      status: 'SUBMITTED',
      error: undefined,
      resultRows: -1,
      hasResultSet: false,
      result: undefined,
      createdAt: now,
      updatedAt: now,
      durationNs: -1,
    }));
    const record: StatementRecord = {
      id,
      request,
      status: 'SUBMITTED',
      error: undefined,
      createdAt: now,
      updatedAt: now,
      durationNs: -1,
      pid: undefined,
      cancelRequested: false,
      subs,
      done: Promise.resolve(),
    };
    // The service answers before the statement runs; so does the stand-in.
    record.done = new Promise<void>((resolve) => setImmediate(() => void runStatement(this.ctx, record).finally(resolve)));
    this.records.set(id, record);
    return record;
  }

  private find(id: string): { record: StatementRecord; sub: SubStatement | undefined } {
    const [parentId, index] = id.split(':');
    const record = this.records.get(parentId ?? '');
    const sub = index === undefined ? undefined : record?.request.operation === 'BatchExecuteStatement' ? record.subs[Number(index) - 1] : undefined;
    if (!record || (index !== undefined && !sub)) throw new ApiError('ResourceNotFoundException', `Query does not exist: ${id}`, { ResourceId: id });
    return { record, sub };
  }

  private describe(id: string): Record<string, unknown> {
    const { record, sub } = this.find(id);
    const r = record.request;
    const common = {
      SecretArn: r.secretArn,
      DbUser: r.dbUser,
      Database: r.database,
      ClusterIdentifier: r.clusterIdentifier,
      WorkgroupName: r.workgroupName,
      RedshiftPid: record.pid,
    };
    const batch = r.operation === 'BatchExecuteStatement';
    const one = sub ?? (batch ? undefined : record.subs[0]);
    if (one) {
      return {
        Id: one.id,
        ...common,
        Status: sub ? sub.status : record.status,
        Error: sub ? sub.error : record.error,
        CreatedAt: epochSeconds(one.createdAt),
        UpdatedAt: epochSeconds(sub ? sub.updatedAt : record.updatedAt),
        Duration: one.durationNs,
        HasResultSet: one.hasResultSet,
        ResultRows: one.resultRows,
        ResultSize: one.result ? one.result.records.reduce((n, r) => n + r.length, 0) : 0,
        QueryString: one.sql,
        RedshiftQueryId: one.queryId,
        QueryParameters: r.parameters.length > 0 ? r.parameters : undefined,
      };
    }
    return {
      Id: record.id,
      ...common,
      Status: record.status,
      Error: record.error,
      CreatedAt: epochSeconds(record.createdAt),
      UpdatedAt: epochSeconds(record.updatedAt),
      Duration: record.durationNs,
      HasResultSet: record.subs.some((s) => s.hasResultSet),
      ResultRows: -1,
      QueryString: r.sqls.join(';\n'),
      QueryParameters: r.parameters.length > 0 ? r.parameters : undefined,
      SubStatements: record.subs.map((s) => ({
        Id: s.id,
        Status: s.status,
        Error: s.error,
        CreatedAt: epochSeconds(s.createdAt),
        UpdatedAt: epochSeconds(s.updatedAt),
        Duration: s.durationNs,
        HasResultSet: s.hasResultSet,
        ResultRows: s.resultRows,
        QueryString: s.sql,
        RedshiftQueryId: s.queryId,
      })),
    };
  }

  private result(id: string, nextToken: string | undefined): string {
    const { record, sub } = this.find(id);
    const one = sub ?? (record.request.operation === 'BatchExecuteStatement' ? undefined : record.subs[0]);
    if (!one) throw new ApiError('ValidationException', 'A batch has no result of its own: ask for a sub-statement id (<id>:<n>).');
    if (one.status !== 'FINISHED' || record.status !== 'FINISHED' || !one.result) {
      throw new ApiError('ValidationException', 'Query does not have result. Please check query status with DescribeStatement.');
    }
    const offset = nextToken === undefined ? 0 : decodeToken(nextToken, one.id);
    const records = one.result.records.slice(offset, offset + this.pageSize);
    const more = offset + records.length < one.result.records.length;
    const next = more ? `,"NextToken":${JSON.stringify(Buffer.from(JSON.stringify({ id: one.id, offset: offset + records.length })).toString('base64'))}` : '';
    return `{"Records":[${records.join(',')}],"ColumnMetadata":${JSON.stringify(one.result.columns)},"TotalNumRows":${one.result.records.length}${next}}`;
  }

  private async cancel(id: string): Promise<Record<string, unknown>> {
    const { record } = this.find(id);
    if (!RUNNING.has(record.status)) {
      throw new ApiError('ValidationException', `Could not cancel a query that is already in ${record.status} state with ID: ${id}`);
    }
    record.cancelRequested = true;
    if (record.pid !== undefined) await this.ctx.admin.query('SELECT pg_cancel_backend($1)', [record.pid]);
    return { Status: true };
  }

  async cancelAll(): Promise<void> {
    const running = [...this.records.values()].filter((r) => RUNNING.has(r.status));
    await Promise.all(running.map((r) => this.cancel(r.id).catch(() => undefined)));
    await Promise.all([...this.records.values()].map((r) => r.done));
  }

  recorded(): RecordedStatement[] {
    return [...this.records.values()].map((r) => ({
      id: r.id,
      ...r.request,
      parameters: [...r.request.parameters],
      sqls: [...r.request.sqls],
      status: r.status,
      error: r.error,
    }));
  }
}

function submitted(record: StatementRecord): Record<string, unknown> {
  const r = record.request;
  return {
    Id: record.id,
    CreatedAt: epochSeconds(record.createdAt),
    Database: r.database,
    DbUser: r.dbUser,
    SecretArn: r.secretArn,
    ClusterIdentifier: r.clusterIdentifier,
    WorkgroupName: r.workgroupName,
  };
}

function sqlList(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_BATCH_SQLS || !value.every((s) => typeof s === 'string' && s.length > 0)) {
    throw new ApiError('ValidationException', `Sqls must hold 1 to ${MAX_BATCH_SQLS} non-empty SQL statements.`);
  }
  return value as string[];
}

function parameterList(value: unknown): SqlParameter[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ApiError('SerializationException', 'Parameters must be a list');
  return value.map((p: { name?: unknown; value?: unknown }, i) => {
    if (typeof p?.name !== 'string' || !PARAMETER_NAME.test(p.name)) {
      throw new ApiError('ValidationException', `Parameters[${i}].name must match [0-9a-zA-Z_]+.`);
    }
    if (typeof p.value !== 'string' || p.value.length === 0) {
      throw new ApiError('ValidationException', `1 validation error detected: Value at 'parameters.${i + 1}.member.value' failed to satisfy constraint: Member must have length greater than or equal to 1`);
    }
    return { name: p.name, value: p.value };
  });
}

function decodeToken(token: string, id: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { id?: unknown; offset?: unknown };
    if (parsed.id === id && typeof parsed.offset === 'number' && Number.isSafeInteger(parsed.offset) && parsed.offset >= 0) return parsed.offset;
  } catch {
    // An unreadable token is refused below, as any token for another statement is.
  }
  throw new ApiError('ValidationException', 'NextToken is not valid for this statement.');
}
