import type { TableName } from '../types/table-name.js';

/** Where every load's audit row goes, on every engine. */
export const AUDIT_TABLE: Readonly<TableName> = Object.freeze({ schema: 'pipeline_audit', name: 'load_history' });
