import type { DialectName } from '../types/dialect-name.js';
import type { TableName } from '../types/table-name.js';
import { suffixedTableName } from './suffixed-table-name.js';

/**
 * The run-scoped staging table of one load: `<target.name truncated>__stg_<16 hex>` in the
 * target's schema, the hex being FNV-1a 64 of `runId + '/' + loadId`. Retries of the same run
 * find the same table; concurrent runs of the same target never share one.
 */
export function stagingTableName(target: TableName, runId: string, loadId: string, dialect: DialectName): TableName {
  return suffixedTableName(target, 'stg', `${runId}/${loadId}`, dialect, 'staging table');
}
