import type { DialectHooks } from '../dialects/dialect-hooks.js';
import { quoteTable } from '../identifiers/quote-table.js';
import { keyEquality } from '../render/key-equality.js';
import { newerVersion } from '../render/newer-version.js';
import { quoteColumns } from '../render/quote-columns.js';
import { statementOf } from '../render/statement-of.js';
import type { Statement } from '../types/statement.js';
import type { TableName } from '../types/table-name.js';

/**
 * Distinct staged keys already present in target, column `count`: the rows a merge will update.
 * With `orderBy` (the columns `mergeTransaction` takes as `orderBy`), also column `stale`: those of
 * them the target holds in a newer version, which the merge leaves as they are.
 */
export function matchedKeyCount(d: DialectHooks, staging: TableName, target: TableName, key: string[], orderBy: string[] = []): Statement {
  const src = quoteTable(staging, d.name, 'matchedKeyCount.staging');
  const tgt = quoteTable(target, d.name, 'matchedKeyCount.target');
  const cols = quoteColumns(key, 'matchedKeyCount.key', d.name);
  const order = quoteColumns(orderBy, 'matchedKeyCount.orderBy', d.name, { allowEmpty: true });
  const srcKey = cols.map((c) => `"src".${c}`).join(', ');
  const join = `  FROM ${src} AS "src"\n  INNER JOIN ${tgt} AS "tgt" ON ${keyEquality('"tgt"', '"src"', cols)}\n`;
  if (order.length === 0) {
    return statementOf(`SELECT COUNT(*) AS "count" FROM (\n  SELECT DISTINCT ${srcKey}\n${join}) AS "matched"`);
  }
  // Grouped by key, not DISTINCT: a target without an enforced key may hold one key twice, in two versions.
  return statementOf(
    'SELECT COUNT(*) AS "count", COALESCE(SUM("stale"), 0) AS "stale" FROM (\n' +
      `  SELECT ${srcKey}, MAX(CASE WHEN ${newerVersion('"tgt"', '"src"', order)} THEN 1 ELSE 0 END) AS "stale"\n` +
      join +
      `  GROUP BY ${srcKey}\n` +
      ') AS "matched"',
  );
}
