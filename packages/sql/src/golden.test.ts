import { describe, expect, it } from 'vitest';
import { postgresDialect } from './dialects/postgres-dialect.js';
import { redshiftDialect } from './dialects/redshift-dialect.js';
import { SqlUnsupportedError } from './errors/sql-unsupported-error.js';
import { stagingTableName } from './identifiers/staging-table-name.js';
import type { CheckContext } from './types/check-context.js';
import type { CheckSql } from './types/check-sql.js';
import type { ColumnSpec } from './types/column-spec.js';
import type { MergeInput } from './types/merge-input.js';
import type { SqlDialect } from './types/sql-dialect.js';
import type { Statement } from './types/statement.js';

// Golden files under src/__golden__/<dialect>/ hold the exact text of every generator. After an
// intended change, review the diff and accept it with `npx vitest run -u`.

type Generated = Statement | Statement[] | CheckSql;

function render(generated: Generated): string {
  if (Array.isArray(generated)) return generated.map(renderStatement).join('\n\n') + '\n';
  if ('passes' in generated) {
    const parts = [`-- check: ${generated.name}`, '-- observed', renderStatement(generated.observed)];
    if (generated.sample) parts.push('-- sample', renderStatement(generated.sample));
    return parts.join('\n') + '\n';
  }
  return renderStatement(generated) + '\n';
}

function renderStatement(s: Statement): string {
  const params = s.params.length > 0 ? `-- params: ${JSON.stringify(s.params)}\n` : '';
  return `${params}${s.sql};`;
}

const target = { schema: 'analytics', name: 'users' };
const columns = ['user_id', 'email', 'country', 'updated_at'];
const key = ['user_id'];
const now = new Date('2024-03-01T12:00:00.000Z');
const ctx: CheckContext = { key, now, sampleSize: 5 };
const allTypes: ColumnSpec[] = [
  { name: 'c_string', type: { kind: 'string' }, nullable: false },
  { name: 'c_boolean', type: { kind: 'boolean' }, nullable: true },
  { name: 'c_int16', type: { kind: 'int16' }, nullable: true },
  { name: 'c_int32', type: { kind: 'int32' }, nullable: true },
  { name: 'c_int64', type: { kind: 'int64' }, nullable: false },
  { name: 'c_float32', type: { kind: 'float32' }, nullable: true },
  { name: 'c_float64', type: { kind: 'float64' }, nullable: true },
  { name: 'c_decimal', type: { kind: 'decimal', precision: 38, scale: 10 }, nullable: true },
  { name: 'c_date', type: { kind: 'date' }, nullable: true },
  { name: 'c_timestamp', type: { kind: 'timestamp' }, nullable: true },
  { name: 'c_timestamptz', type: { kind: 'timestamptz' }, nullable: true },
  { name: 'c_binary', type: { kind: 'binary' }, nullable: true },
];

function cases(d: SqlDialect): Record<string, () => Generated> {
  const staging = stagingTableName(target, 'users-2024-03-01', 'users', d.name);
  const merge = (extra: Partial<MergeInput>): Statement[] =>
    d.mergeTransaction({ strategy: 'merge', target, staging, columns, key, ...extra });
  return {
    'create-schema': () => d.createSchemaIfNotExists('analytics'),
    'table-exists': () => d.tableExists(target),
    'describe-table': () => d.describeTable(target),
    'create-table-all-types': () => d.createTable({ schema: 'analytics', name: 'all_types' }, allTypes, ['c_string', 'c_int64']),
    'create-table-no-key': () => d.createTable(target, allTypes.slice(0, 2), []),
    'create-table-like': () => d.createTableLike(staging, target),
    'drop-table-if-exists': () => d.dropTableIfExists(staging),
    'row-count': () => d.rowCount(staging),
    'duplicate-key-count': () => d.duplicateKeyCount(staging, ['user_id', 'country']),
    dedupe: () => d.dedupe(staging, key, ['updated_at'], columns),
    'matched-key-count': () => d.matchedKeyCount(staging, target, key),
    'matched-key-count-order-by': () => d.matchedKeyCount(staging, target, key, ['updated_at', 'email']),
    'source-row-count-table': () => d.sourceRowCount({ table: { schema: 'public', name: 'users_raw' } }),
    'source-row-count-interval': () =>
      d.sourceRowCount({ table: { schema: 'public', name: 'users_raw' } }, { column: 'updated_at', start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-03-02T00:00:00Z') }),
    'source-row-count-query': () => d.sourceRowCount({ query: 'select * from public.users_raw where country is not null;' }),
    'merge-merge': () => merge({}),
    'merge-merge-all-key-columns': () => merge({ columns: ['user_id', 'country'], key: ['user_id', 'country'] }),
    'merge-delete-insert': () => merge({ strategy: 'delete-insert' }),
    'merge-merge-order-by': () => merge({ orderBy: ['updated_at'] }),
    'merge-delete-insert-order-by': () => merge({ strategy: 'delete-insert', orderBy: ['updated_at', 'email'] }),
    'merge-append': () => merge({ strategy: 'append', key: [] }),
    'merge-append-interval': () =>
      merge({
        strategy: 'append',
        key: [],
        intervalDelete: { column: 'updated_at', start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-03-02T00:00:00Z') },
      }),
    'merge-replace': () => merge({ strategy: 'replace', key: [] }),
    'merge-with-audit': () =>
      merge({
        audit: {
          runId: 'users-2024-03-01',
          pipelineId: 'users',
          loadId: 'users',
          intervalStart: new Date('2024-03-01T00:00:00Z'),
          intervalEnd: new Date('2024-03-02T00:00:00Z'),
          strategy: 'merge',
          rowsRead: 10,
          rowsStaged: 9,
          rowsInserted: 4,
          rowsUpdated: 5,
          rowsDeleted: null,
          checks: [{ name: 'unique(user_id)', passed: true, observed: 0 }],
        },
      }),
    'audit-table-ddl': () => d.auditTableDdl(),
    'audit-row-lookup': () => d.auditRowLookup('users-2024-03-01', 'users'),
    'check-not-null': () => d.checkSql({ kind: 'not_null', columns: ['user_id', 'email'] }, target, ctx),
    'check-unique': () => d.checkSql({ kind: 'unique', columns: ['user_id'] }, target, ctx),
    'check-row-count': () => d.checkSql({ kind: 'row_count', min: 1, max: 1000 }, target, ctx),
    'check-accepted-values': () =>
      d.checkSql({ kind: 'accepted_values', column: 'country', values: ['DE', 'FR', 'GB'] }, target, ctx),
    'check-freshness': () => d.checkSql({ kind: 'freshness', column: 'updated_at', maxAgeSeconds: 86400 }, target, ctx),
    'check-reconciliation': () => d.checkSql({ kind: 'reconciliation', against: staging, key }, target, ctx),
    'check-custom-sql': () =>
      d.checkSql(
        { kind: 'custom_sql', name: 'no_future_updates', sql: 'SELECT user_id FROM {{ table }} WHERE updated_at > now();' },
        target,
        ctx,
      ),
    'check-custom-sql-params': () =>
      d.checkSql(
        {
          kind: 'custom_sql',
          name: 'no_orders_over_limit',
          sql: 'SELECT order_id FROM {{ table }} WHERE country = {{ params.country }} AND total > {{ params.max_total }}',
        },
        target,
        { ...ctx, params: { country: 'DE', max_total: 1000, dry_run: false } },
      ),
  };
}

const perDialect: Record<string, Record<string, () => Generated>> = {
  postgres: {
    ...cases(postgresDialect),
    'copy-from-stdin': () => postgresDialect.copyFromStdin({ schema: 'analytics', name: 'users__stg_x' }, columns),
  },
  redshift: {
    ...cases(redshiftDialect),
    'copy-from-s3-parquet': () =>
      redshiftDialect.copyFromS3({ schema: 'analytics', name: 'users__stg_x' }, columns, {
        uri: 's3://pipeline-temp/runs/users-2024-03-01/users/',
        iamRole: 'arn:aws:iam::123456789012:role/pipeline-copy',
        format: 'parquet',
        manifest: false,
      }),
    'copy-from-s3-csv-manifest': () =>
      redshiftDialect.copyFromS3({ schema: 'analytics', name: 'users__stg_x' }, columns, {
        uri: "s3://pipeline-temp/runs/o'brien/users.manifest",
        iamRole: 'arn:aws-cn:iam::123456789012:role/team/pipeline-copy',
        format: 'csv',
        manifest: true,
        region: 'cn-north-1',
      }),
  },
};

describe.each(Object.keys(perDialect))('golden SQL: %s', (dialect) => {
  it.each(Object.keys(perDialect[dialect]!))('%s', async (name) => {
    const generated = perDialect[dialect]![name]!();
    await expect(render(generated)).toMatchFileSnapshot(`__golden__/${dialect}/${name}.sql`);
  });
});

describe('operations an engine does not have', () => {
  it('redshift cannot COPY FROM STDIN', () => {
    expect(() => redshiftDialect.copyFromStdin(target, columns)).toThrow(SqlUnsupportedError);
  });

  it('postgres cannot COPY from S3', () => {
    const o = { uri: 's3://b-1/k', iamRole: 'arn:aws:iam::123456789012:role/r', format: 'parquet', manifest: false } as const;
    expect(() => postgresDialect.copyFromS3(target, columns, o)).toThrow(SqlUnsupportedError);
  });
});
