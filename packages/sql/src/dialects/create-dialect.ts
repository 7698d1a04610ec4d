import { auditRowLookup } from '../audit/audit-guard.js';
import { auditTableDdl } from '../audit/audit-table-ddl.js';
import { checkSql } from '../checks/check-sql.js';
import { createSchemaIfNotExists } from '../ddl/create-schema-if-not-exists.js';
import { createTable } from '../ddl/create-table.js';
import { createTableLike } from '../ddl/create-table-like.js';
import { describeTable } from '../ddl/describe-table.js';
import { dropTableIfExists } from '../ddl/drop-table-if-exists.js';
import { tableExists } from '../ddl/table-exists.js';
import { identifierLimit } from '../identifiers/identifier-limit.js';
import { mergeTransaction } from '../merge/merge-transaction.js';
import { dedupe } from '../stats/dedupe.js';
import { duplicateKeyCount } from '../stats/duplicate-key-count.js';
import { matchedKeyCount } from '../stats/matched-key-count.js';
import { rowCount } from '../stats/row-count.js';
import { sourceRowCount } from '../stats/source-row-count.js';
import type { SqlDialect } from '../types/sql-dialect.js';
import type { DialectHooks } from './dialect-hooks.js';

/**
 * Binds every generator to one dialect's hooks. The result holds no `this`, so its methods can
 * be passed around or destructured.
 */
export function createDialect(d: DialectHooks): SqlDialect {
  return Object.freeze({
    name: d.name,
    maxIdentifierLength: identifierLimit(d.name),
    mapType: (t) => d.mapType(t),
    createSchemaIfNotExists: (schema) => createSchemaIfNotExists(d, schema),
    tableExists: (t) => tableExists(d, t),
    describeTable: (t) => describeTable(d, t),
    createTable: (t, columns, primaryKey) => createTable(d, t, columns, primaryKey),
    createTableLike: (staging, like) => createTableLike(d, staging, like),
    dropTableIfExists: (t) => dropTableIfExists(d, t),
    copyFromStdin: (t, columns) => d.copyFromStdin(d, t, columns),
    copyFromS3: (t, columns, o) => d.copyFromS3(d, t, columns, o),
    rowCount: (t) => rowCount(d, t),
    duplicateKeyCount: (t, key) => duplicateKeyCount(d, t, key),
    dedupe: (staging, key, orderBy, columns) => dedupe(d, staging, key, orderBy, columns),
    sourceRowCount: (source, interval) => sourceRowCount(d, source, interval),
    matchedKeyCount: (staging, target, key, orderBy) => matchedKeyCount(d, staging, target, key, orderBy),
    mergeTransaction: (input) => mergeTransaction(d, input),
    auditTableDdl: () => auditTableDdl(d),
    auditRowLookup: (runId, loadId) => auditRowLookup(d, runId, loadId),
    checkSql: (check, table, ctx) => checkSql(d, check, table, ctx),
  } satisfies SqlDialect);
}
