import { describe, expect, it } from 'vitest';
import { SqlDialectError } from '../errors/sql-dialect-error.js';
import { SqlError } from '../errors/sql-error.js';
import { SqlInputError } from '../errors/sql-input-error.js';
import { SqlUnsupportedError } from '../errors/sql-unsupported-error.js';
import type { CopyFromS3Options } from '../types/copy-from-s3-options.js';
import type { DialectName } from '../types/dialect-name.js';
import type { LogicalType } from '../types/logical-type.js';
import { dialectFor } from './dialect-for.js';
import { postgresDialect } from './postgres-dialect.js';
import { redshiftDialect } from './redshift-dialect.js';

describe('dialectFor', () => {
  it('returns each dialect by name', () => {
    expect(dialectFor('postgres')).toBe(postgresDialect);
    expect(dialectFor('redshift')).toBe(redshiftDialect);
    expect(postgresDialect.maxIdentifierLength).toBe(63);
    expect(redshiftDialect.maxIdentifierLength).toBe(127);
  });

  it.each(['mysql', 'Postgres', 'toString', ''])('rejects %j with the allowed names', (name) => {
    try {
      dialectFor(name as DialectName);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SqlDialectError);
      expect(error).toBeInstanceOf(SqlError);
      const e = error as SqlDialectError;
      expect(e.code).toBe('E_SQL_DIALECT');
      expect(e.allowed).toEqual(['postgres', 'redshift']);
      expect(e.retryable).toBe(false);
    }
  });

  it('methods work detached from their dialect', () => {
    const { rowCount } = redshiftDialect;
    expect(rowCount({ schema: 'a', name: 'b' }).sql).toBe('SELECT COUNT(*) AS "count" FROM "a"."b"');
  });
});

describe('mapType', () => {
  it.each<[LogicalType, string, string]>([
    [{ kind: 'string' }, 'text', 'varchar(65535)'],
    [{ kind: 'binary' }, 'bytea', 'varbyte(1024000)'],
    [{ kind: 'int64' }, 'bigint', 'bigint'],
    [{ kind: 'decimal', precision: 38, scale: 10 }, 'numeric(38,10)', 'numeric(38,10)'],
    [{ kind: 'decimal', precision: 5, scale: 0 }, 'numeric(5,0)', 'numeric(5,0)'],
    [{ kind: 'timestamptz' }, 'timestamptz', 'timestamptz'],
  ])('%j → postgres %s, redshift %s', (t, pg, rs) => {
    expect(postgresDialect.mapType(t)).toBe(pg);
    expect(redshiftDialect.mapType(t)).toBe(rs);
  });

  it.each<LogicalType>([
    { kind: 'decimal', precision: 39, scale: 0 },
    { kind: 'decimal', precision: 0, scale: 0 },
    { kind: 'decimal', precision: 10, scale: 11 },
    { kind: 'decimal', precision: 10.5, scale: 1 },
    { kind: 'uuid' } as unknown as LogicalType,
  ])('rejects %j', (t) => {
    expect(() => postgresDialect.mapType(t)).toThrow(SqlInputError);
    expect(() => redshiftDialect.mapType(t)).toThrow(SqlInputError);
  });
});

describe('createTable and createTableLike', () => {
  const t = { schema: 'analytics', name: 'users' };

  it('rejects a primary key column that is not a column', () => {
    expect(() => postgresDialect.createTable(t, [{ name: 'a', type: { kind: 'int64' }, nullable: false }], ['b'])).toThrow(
      SqlInputError,
    );
  });

  it('rejects a table without columns and repeated columns', () => {
    expect(() => postgresDialect.createTable(t, [], [])).toThrow(SqlInputError);
    const a = { name: 'a', type: { kind: 'int64' }, nullable: true } as const;
    expect(() => postgresDialect.createTable(t, [a, a], [])).toThrow(/appears more than once/);
  });

  it('copies defaults on postgres only', () => {
    const s = { schema: 'analytics', name: 'users__stg_1' };
    expect(postgresDialect.createTableLike(s, t).sql).toBe(
      'CREATE TABLE "analytics"."users__stg_1" (LIKE "analytics"."users" INCLUDING DEFAULTS)',
    );
    expect(redshiftDialect.createTableLike(s, t).sql).toBe('CREATE TABLE "analytics"."users__stg_1" (LIKE "analytics"."users")');
    expect(() => postgresDialect.createTableLike(t, t)).toThrow(SqlInputError);
  });
});

describe('dedupe', () => {
  const staging = { schema: 'analytics', name: 'users__stg_1' };

  it('needs a key, and order columns among the columns', () => {
    expect(() => postgresDialect.dedupe(staging, [], ['u'], ['id', 'u'])).toThrow(SqlInputError);
    expect(() => postgresDialect.dedupe(staging, ['id'], ['x'], ['id', 'u'])).toThrow(SqlInputError);
  });

  it('refuses a column named like its ranking column', () => {
    expect(() => postgresDialect.dedupe(staging, ['id'], [], ['id', '__dedupe_rank'])).toThrow(SqlInputError);
  });

  it('orders by the key itself when every column is a key', () => {
    const [, , insert] = postgresDialect.dedupe(staging, ['id'], [], ['id']);
    expect(insert!.sql).toContain('PARTITION BY "id" ORDER BY "id"');
  });

  it('keeps its working copy within the length limit for long staging names', () => {
    const long = { schema: 'analytics', name: 'x'.repeat(63) };
    const [drop] = postgresDialect.dedupe(long, ['id'], [], ['id', 'v']);
    const copy = /"analytics"\."([^"]+)"/.exec(drop!.sql)![1]!;
    expect(copy.length).toBeLessThanOrEqual(63);
    expect(copy).not.toBe(long.name);
  });
});

describe('copy', () => {
  const t = { schema: 'analytics', name: 'users__stg_1' };
  const ok: CopyFromS3Options = {
    uri: 's3://pipeline-temp/runs/r1/users/',
    iamRole: 'arn:aws:iam::123456789012:role/copy',
    format: 'parquet',
    manifest: false,
  };

  it('postgres streams CSV where an unquoted empty field is NULL', () => {
    expect(postgresDialect.copyFromStdin(t, ['a', 'b']).sql).toBe(
      'COPY "analytics"."users__stg_1" ("a", "b") FROM STDIN WITH (FORMAT csv)',
    );
  });

  it('each engine refuses the other one\'s COPY', () => {
    const e1 = (() => {
      try {
        redshiftDialect.copyFromStdin(t, ['a']);
      } catch (e) {
        return e as SqlUnsupportedError;
      }
    })();
    expect(e1).toBeInstanceOf(SqlUnsupportedError);
    expect(e1!.code).toBe('E_SQL_UNSUPPORTED');
    expect(e1!.operation).toBe('copyFromStdin');
    expect(() => postgresDialect.copyFromS3(t, ['a'], ok)).toThrow(SqlUnsupportedError);
  });

  it.each<[string, Partial<CopyFromS3Options>]>([
    ['an http URI', { uri: 'https://bucket/key' }],
    ['a quote escape attempt', { uri: "s3://bucket/key\\' IAM_ROLE 'x" }],
    ['a space in the key', { uri: 's3://bucket/a key' }],
    ['an upper-case bucket', { uri: 's3://Bucket/key' }],
    ['a role from another service', { iamRole: 'arn:aws:iam::123456789012:user/copy' }],
    ['a short account id', { iamRole: 'arn:aws:iam::1234:role/copy' }],
    ['a quote in the role', { iamRole: "arn:aws:iam::123456789012:role/copy'" }],
    ['a region with Parquet', { region: 'eu-west-1' }],
    ['a malformed region', { format: 'csv', region: "eu-west-1'" }],
    ['an unknown format', { format: 'json' as 'csv' }],
  ])('redshift rejects %s', (_label, change) => {
    expect(() => redshiftDialect.copyFromS3(t, ['a'], { ...ok, ...change })).toThrow(SqlInputError);
  });

  it('redshift renders the source and role as escaped literals', () => {
    const sql = redshiftDialect.copyFromS3(t, ['a'], { ...ok, uri: "s3://bucket/o'neil/" }).sql;
    expect(sql).toContain("FROM 's3://bucket/o''neil/'");
  });
});
