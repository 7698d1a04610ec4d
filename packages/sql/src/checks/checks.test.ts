import { describe, expect, it } from 'vitest';
import { postgresDialect } from '../dialects/postgres-dialect.js';
import { redshiftDialect } from '../dialects/redshift-dialect.js';
import { SqlInputError } from '../errors/sql-input-error.js';
import { UnknownParamError } from '../errors/unknown-param-error.js';
import type { CheckContext } from '../types/check-context.js';
import type { CheckSpec } from '../types/check-spec.js';

const table = { schema: 'analytics', name: 'users' };
const ctx: CheckContext = { key: ['user_id'], now: new Date('2024-03-01T00:00:00Z') };

describe.each([postgresDialect, redshiftDialect])('checkSql ($name)', (d) => {
  const check = (spec: CheckSpec, c: CheckContext = ctx) => d.checkSql(spec, table, c);

  it.each<[CheckSpec, string]>([
    [{ kind: 'not_null', columns: ['user_id', 'email'] }, 'not_null(user_id, email)'],
    [{ kind: 'unique', columns: ['user_id'] }, 'unique(user_id)'],
    [{ kind: 'row_count', min: 1 }, 'row_count'],
    [{ kind: 'accepted_values', column: 'country', values: ['DE'] }, 'accepted_values(country)'],
    [{ kind: 'freshness', column: 'updated_at', maxAgeSeconds: 60 }, 'freshness(updated_at)'],
    [{ kind: 'reconciliation', against: { schema: 'analytics', name: 'stg' }, key: ['user_id'] }, 'reconciliation(user_id)'],
    [{ kind: 'custom_sql', name: 'no_negative_totals', sql: 'SELECT 1' }, 'no_negative_totals'],
  ])('names %j as %s', (spec, name) => {
    expect(check(spec).name).toBe(name);
  });

  describe('passes', () => {
    const counting = check({ kind: 'not_null', columns: ['email'] });

    it('accepts the forms drivers return a count in', () => {
      expect(counting.passes(0)).toBe(true);
      expect(counting.passes('0')).toBe(true);
      expect(counting.passes(0n)).toBe(true);
      expect(counting.passes('3')).toBe(false);
      expect(counting.passes(3n)).toBe(false);
      expect(counting.passes(null)).toBe(false);
    });

    it('refuses an observed value that is not a number', () => {
      expect(() => counting.passes('three')).toThrow(SqlInputError);
      expect(() => counting.passes({})).toThrow(SqlInputError);
    });

    it('row_count holds between min and max inclusive; a missing bound is open', () => {
      const both = check({ kind: 'row_count', min: 2, max: 4 });
      expect([1, 2, 4, 5].map((n) => both.passes(String(n)))).toEqual([false, true, true, false]);
      expect(check({ kind: 'row_count', max: 0 }).passes('0')).toBe(true);
      expect(check({ kind: 'row_count', min: 1 }).passes('100000000000')).toBe(true);
    });

    it('freshness fails on an empty table and past the maximum age', () => {
      const fresh = check({ kind: 'freshness', column: 'updated_at', maxAgeSeconds: 60 });
      expect(fresh.passes(null)).toBe(false);
      expect(fresh.passes('60')).toBe(true);
      expect(fresh.passes('61')).toBe(false);
      expect(fresh.passes(-5)).toBe(true);
    });
  });

  it('freshness binds now and takes no sample', () => {
    const fresh = check({ kind: 'freshness', column: 'updated_at', maxAgeSeconds: 60 });
    expect(fresh.observed.params).toEqual([ctx.now]);
    expect(fresh.sample).toBeUndefined();
  });

  it('row_count takes no sample', () => {
    expect(check({ kind: 'row_count', min: 1 }).sample).toBeUndefined();
  });

  it('accepted_values binds every value in both statements', () => {
    const values = ["it's", 3, true];
    const c = check({ kind: 'accepted_values', column: 'country', values });
    expect(c.observed.params).toEqual(values);
    expect(c.sample!.params).toEqual(values);
    expect(c.observed.sql).toContain('NOT IN ($1, $2, $3)');
    expect(c.observed.sql).not.toContain("it's");
  });

  it('samples key columns first, then the checked ones, and honours sampleSize', () => {
    const c = check({ kind: 'not_null', columns: ['email', 'user_id'] }, { ...ctx, sampleSize: 2 });
    expect(c.sample!.sql).toMatch(/^SELECT "user_id", "email" FROM/);
    expect(c.sample!.sql).toMatch(/LIMIT 2$/);
    expect(check({ kind: 'not_null', columns: ['email'] }).sample!.sql).toMatch(/LIMIT 5$/);
  });

  it('samples the checked columns when the table has no key', () => {
    const c = check({ kind: 'not_null', columns: ['email'] }, { ...ctx, key: [] });
    expect(c.sample!.sql).toMatch(/^SELECT "email" FROM/);
  });

  it.each<[string, CheckSpec]>([
    ['empty not_null', { kind: 'not_null', columns: [] }],
    ['row_count without bounds', { kind: 'row_count' }],
    ['row_count min > max', { kind: 'row_count', min: 5, max: 1 }],
    ['row_count negative', { kind: 'row_count', min: -1 }],
    ['accepted_values without values', { kind: 'accepted_values', column: 'c', values: [] }],
    ['accepted_values with an object', { kind: 'accepted_values', column: 'c', values: [{} as unknown as string] }],
    ['freshness with a negative age', { kind: 'freshness', column: 'c', maxAgeSeconds: -1 }],
    ['reconciliation without key', { kind: 'reconciliation', against: table, key: [] }],
    ['custom_sql without name', { kind: 'custom_sql', name: ' ', sql: 'SELECT 1' }],
    ['custom_sql without sql', { kind: 'custom_sql', name: 'x', sql: '' }],
    ['custom_sql with another placeholder', { kind: 'custom_sql', name: 'x', sql: 'SELECT * FROM {{ source }}' }],
    ['an unknown kind', { kind: 'regex' } as unknown as CheckSpec],
  ])('rejects %s', (_label, spec) => {
    expect(() => check(spec)).toThrow(SqlInputError);
  });

  it('rejects a sample size that is not a non-negative integer', () => {
    expect(() => check({ kind: 'unique', columns: ['user_id'] }, { ...ctx, sampleSize: 2.5 })).toThrow(SqlInputError);
    expect(() => check({ kind: 'unique', columns: ['user_id'] }, { ...ctx, sampleSize: -1 })).toThrow(SqlInputError);
  });

  describe('custom_sql', () => {
    it('substitutes {{ table }} however it is spaced, and nothing else', () => {
      const c = check({ kind: 'custom_sql', name: 'x', sql: 'SELECT * FROM {{table}} a JOIN {{  table }} b USING (id)' });
      expect(c.observed.sql).toContain('FROM "analytics"."users" a JOIN "analytics"."users" b USING (id)');
    });

    it('drops a trailing semicolon so the query nests', () => {
      const c = check({ kind: 'custom_sql', name: 'x', sql: 'SELECT 1;  \n' });
      expect(c.observed.sql).toBe('SELECT COUNT(*) AS "observed" FROM (\nSELECT 1\n) AS "failing"');
    });

    it('binds each distinct {{ params.<name> }} once as $n, in order of first use, in both statements', () => {
      const c = check(
        { kind: 'custom_sql', name: 'x', sql: 'SELECT * FROM {{ table }} WHERE country = {{params.country}} AND n > {{ params.min }} OR c2 = {{ params.country }}' },
        { ...ctx, params: { min: 3, country: "it's", unused: true } },
      );
      expect(c.observed.sql).toContain('WHERE country = $1 AND n > $2 OR c2 = $1');
      expect(c.observed.params).toEqual(["it's", 3]);
      expect(c.sample!.sql).toContain('WHERE country = $1 AND n > $2 OR c2 = $1');
      expect(c.sample!.params).toEqual(["it's", 3]);
      expect(c.observed.sql).not.toContain("it's");
    });

    it('binds nothing when the query uses no parameter', () => {
      const c = check({ kind: 'custom_sql', name: 'x', sql: 'SELECT 1' }, { ...ctx, params: { a: 1 } });
      expect(c.observed.params).toEqual([]);
    });

    it('names an unknown parameter and the known ones', () => {
      const spec: CheckSpec = { kind: 'custom_sql', name: 'by_country', sql: 'SELECT 1 WHERE {{ params.contry }} IS NULL' };
      const error = (() => {
        try {
          check(spec, { ...ctx, params: { region: 'eu', country: 'DE' } });
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(UnknownParamError);
      expect(error).toMatchObject({ code: 'E_SQL_PARAM', param: 'contry', check: 'by_country', known: ['country', 'region'] });
      expect((error as Error).message).toContain('known: country, region');
      expect(() => check(spec)).toThrow(/known: none/);
    });

    it('does not take inherited properties for parameters', () => {
      expect(() => check({ kind: 'custom_sql', name: 'x', sql: 'SELECT {{ params.toString }}' }, { ...ctx, params: {} })).toThrow(UnknownParamError);
    });

    it.each([
      ["c = '{{ params.country }}'"],
      ["c LIKE '%{{params.country}}%'"],
      ["c = 'it''s {{ params.country }}'"],
    ])('refuses a parameter inside a string literal, which would be the text "$1": %s', (where) => {
      const spec: CheckSpec = { kind: 'custom_sql', name: 'x', sql: `SELECT 1 WHERE ${where}` };
      expect(() => check(spec, { ...ctx, params: { country: 'DE' } })).toThrow(/inside a quoted string/);
    });

    it.each([
      ["c = 'it''s' AND d = {{ params.country }}"],
      ["c = {{ params.country }} -- don't quote it"],
      ['c = {{ params.country }} /* isn\'t quoted */ AND "o\'k" = 1'],
      ["c LIKE '%' || {{ params.country }} || '%'"],
    ])('binds a parameter outside literals, whatever apostrophes surround it: %s', (where) => {
      const c = check({ kind: 'custom_sql', name: 'x', sql: `SELECT 1 WHERE ${where}` }, { ...ctx, params: { country: 'DE' } });
      expect(c.observed.params).toEqual(['DE']);
    });

    it('refuses a parameter value that cannot be bound', () => {
      const params = { n: Number.NaN } as Record<string, number>;
      expect(() => check({ kind: 'custom_sql', name: 'x', sql: 'SELECT {{ params.n }}' }, { ...ctx, params })).toThrow(SqlInputError);
    });

    it('inserts the table name literally, even when it holds $ sequences', () => {
      const c = d.checkSql({ kind: 'custom_sql', name: 'x', sql: 'SELECT * FROM {{ table }}' }, { schema: 's', name: 'a$$b' }, ctx);
      expect(c.observed.sql).toContain('"s"."a$$b"');
    });
  });
});

describe('freshness is a dialect override', () => {
  const spec: CheckSpec = { kind: 'freshness', column: 'updated_at', maxAgeSeconds: 60 };

  it('postgres measures with EXTRACT(EPOCH …)', () => {
    expect(postgresDialect.checkSql(spec, table, ctx).observed.sql).toContain('EXTRACT(EPOCH FROM');
  });

  it('redshift measures with DATEDIFF(second, …)', () => {
    expect(redshiftDialect.checkSql(spec, table, ctx).observed.sql).toContain('DATEDIFF(second, MAX("updated_at"), CAST($1 AS timestamptz))');
  });
});
