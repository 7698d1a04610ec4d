export type { DialectName } from './types/dialect-name.js';
export { DIALECT_NAMES } from './types/dialect-names.js';
export type { Statement } from './types/statement.js';
export type { TableName } from './types/table-name.js';
export type { SourceRef } from './types/source-ref.js';
export type { LogicalType } from './types/logical-type.js';
export type { ColumnSpec } from './types/column-spec.js';
export type { MergeStrategy } from './types/merge-strategy.js';
export type { MergeInput } from './types/merge-input.js';
export type { AuditRow } from './types/audit-row.js';
export type { CheckSpec } from './types/check-spec.js';
export type { CheckContext } from './types/check-context.js';
export type { CheckSql } from './types/check-sql.js';
export type { CopyFromS3Options } from './types/copy-from-s3-options.js';
export type { SqlDialect } from './types/sql-dialect.js';

export { validateIdentifier } from './identifiers/validate-identifier.js';
export { parseTableName, DEFAULT_SCHEMA } from './identifiers/parse-table-name.js';
export { quoteIdent } from './identifiers/quote-ident.js';
export { quoteTable } from './identifiers/quote-table.js';
export { stagingTableName } from './identifiers/staging-table-name.js';
export { identifierLimit } from './identifiers/identifier-limit.js';

export { dialectFor } from './dialects/dialect-for.js';
export { postgresDialect } from './dialects/postgres-dialect.js';
export { redshiftDialect } from './dialects/redshift-dialect.js';
export { AUDIT_TABLE } from './audit/audit-table.js';
export { DEFAULT_SAMPLE_SIZE } from './render/sample-limit.js';

export { SqlError } from './errors/sql-error.js';
export { SqlIdentifierError, type IdentifierRule } from './errors/sql-identifier-error.js';
export { SqlDialectError } from './errors/sql-dialect-error.js';
export { UnknownStrategyError } from './errors/unknown-strategy-error.js';
export { SqlUnsupportedError } from './errors/sql-unsupported-error.js';
export { SqlInputError } from './errors/sql-input-error.js';
export { UnknownParamError } from './errors/unknown-param-error.js';

export { inlineLiteral, inlineParams } from './render/inline-literals.js';
export { replacePlaceholders } from './render/replace-placeholders.js';
export { sqlSegments, type SqlSegment } from './render/sql-segments.js';
export { redshiftLoadErrors, type LoadErrorSource } from './dialects/redshift/redshift-load-errors.js';
