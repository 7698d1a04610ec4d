import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { quoteTable } from '../identifiers/quote-table.js';
import { keyEquality } from '../render/key-equality.js';
import { quoteColumns } from '../render/quote-columns.js';
import { statementOf } from '../render/statement-of.js';
import type { Statement } from '../types/statement.js';
import type { TableName } from '../types/table-name.js';

/** Distinct staged keys already present in target (the rows a merge will update), column `count`. */
export function matchedKeyCount(d: DialectHooks, staging: TableName, target: TableName, key: string[]): Statement {
  const src = quoteTable(staging, d.name, 'matchedKeyCount.staging');
  const tgt = quoteTable(target, d.name, 'matchedKeyCount.target');
  const cols = quoteColumns(key, 'matchedKeyCount.key', d.name);
  return statementOf(
    'SELECT COUNT(*) AS "count" FROM (\n' +
      `  SELECT DISTINCT ${cols.map((c) => `"src".${c}`).join(', ')}\n` +
      `  FROM ${src} AS "src"\n` +
      `  INNER JOIN ${tgt} AS "tgt" ON ${keyEquality('"tgt"', '"src"', cols)}\n` +
      ') AS "matched"',
  );
}
