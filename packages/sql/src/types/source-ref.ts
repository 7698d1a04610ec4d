import type { TableName } from './table-name.js';

/** Where a load reads from: a table, or the author's own SELECT. */
export type SourceRef = { table: TableName } | { query: string };
