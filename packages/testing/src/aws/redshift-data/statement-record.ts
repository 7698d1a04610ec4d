import type { SqlParameter } from './named-parameters.js';
import type { ColumnMetadata } from './result-encoding.js';

export type StatementStatus = 'SUBMITTED' | 'PICKED' | 'STARTED' | 'FINISHED' | 'FAILED' | 'ABORTED';

/** A result set kept for GetStatementResult: each record is the JSON text of its Field list. */
export interface StatementResult {
  columns: ColumnMetadata[];
  records: string[];
}

/** One SQL of a request; a single ExecuteStatement has exactly one. */
export interface SubStatement {
  id: string;
  sql: string;
  queryId: number;
  status: StatementStatus;
  error: string | undefined;
  resultRows: number;
  hasResultSet: boolean;
  result: StatementResult | undefined;
  createdAt: Date;
  updatedAt: Date;
  durationNs: number;
}

/** What the client asked for, as it arrived. */
export interface StatementRequest {
  operation: 'ExecuteStatement' | 'BatchExecuteStatement';
  sqls: string[];
  parameters: SqlParameter[];
  clientToken: string | undefined;
  workgroupName: string | undefined;
  clusterIdentifier: string | undefined;
  database: string | undefined;
  secretArn: string | undefined;
  dbUser: string | undefined;
}

/** A submitted request and its progress. */
export interface StatementRecord {
  id: string;
  request: StatementRequest;
  status: StatementStatus;
  error: string | undefined;
  createdAt: Date;
  updatedAt: Date;
  durationNs: number;
  /** The PostgreSQL backend running it, once started: what CancelStatement cancels. */
  pid: number | undefined;
  cancelRequested: boolean;
  subs: SubStatement[];
  /** Settles when the statement reached a final state. */
  done: Promise<void>;
}

export const RUNNING: ReadonlySet<StatementStatus> = new Set(['SUBMITTED', 'PICKED', 'STARTED']);

/** A request the stand-in received, for assertions. */
export interface RecordedStatement {
  id: string;
  operation: StatementRequest['operation'];
  sqls: string[];
  parameters: SqlParameter[];
  clientToken: string | undefined;
  workgroupName: string | undefined;
  clusterIdentifier: string | undefined;
  database: string | undefined;
  secretArn: string | undefined;
  dbUser: string | undefined;
  status: StatementStatus;
  error: string | undefined;
}
