import { describe, expect, it } from 'vitest';
import { SqlDialectError } from '../errors/sql-dialect-error.js';
import { SqlIdentifierError, type IdentifierRule } from '../errors/sql-identifier-error.js';
import type { DialectName } from '../types/dialect-name.js';
import { fnv1a64Hex } from './fnv1a64.js';
import { parseTableName } from './parse-table-name.js';
import { quoteIdent } from './quote-ident.js';
import { quoteTable } from './quote-table.js';
import { stagingTableName } from './staging-table-name.js';
import { validateIdentifier } from './validate-identifier.js';

function ruleOf(fn: () => unknown): IdentifierRule {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SqlIdentifierError);
    return (error as SqlIdentifierError).rule;
  }
  throw new Error('expected an identifier error');
}

describe('validateIdentifier', () => {
  it.each(['users', '_private', 'a', 'col_1', 'price$usd', 'select', 'user', 'order', 'a'.repeat(63)])(
    'accepts %j',
    (id) => {
      expect(validateIdentifier(id, 'column')).toBe(id);
    },
  );

  it.each<[string, IdentifierRule]>([
    ['', 'empty'],
    ['UserId', 'upper_case'],
    ['USERS', 'upper_case'],
    ['user id', 'characters'],
    ['User Id', 'characters'],
    ['a.b', 'characters'],
    ['a"b', 'characters'],
    ['"users"', 'characters'],
    ["o'brien", 'characters'],
    ['1users', 'characters'],
    ['$users', 'characters'],
    ['café', 'characters'],
    ['naïve_col', 'characters'],
    ['emoji_🎉', 'characters'],
    ['tab\tcol', 'characters'],
    ['semi;drop', 'characters'],
    ['a-b', 'characters'],
    [' users', 'characters'],
    ['a'.repeat(64), 'too_long'],
  ])('rejects %j (%s)', (id, rule) => {
    expect(ruleOf(() => validateIdentifier(id, 'target.key[0]'))).toBe(rule);
  });

  it('rejects values that are not strings', () => {
    expect(ruleOf(() => validateIdentifier(undefined as unknown as string, 'key[0]'))).toBe('empty');
    expect(ruleOf(() => validateIdentifier(42 as unknown as string, 'key[0]'))).toBe('empty');
  });

  it('names the source, the JSON-quoted value and the rule in the message', () => {
    try {
      validateIdentifier('user id', 'target.key[0]');
      expect.unreachable();
    } catch (error) {
      const e = error as SqlIdentifierError;
      expect(e.code).toBe('E_SQL_IDENTIFIER');
      expect(e.name).toBe('SqlIdentifierError');
      expect(e.what).toBe('target.key[0]');
      expect(e.value).toBe('user id');
      expect(e.message).toContain('target.key[0] "user id"');
      expect(e.message).toContain('lower-case letters, digits, underscores or $');
    }
  });

  it('tells to use lower case because Redshift folds names', () => {
    expect(() => validateIdentifier('UserId', 'column')).toThrow(/use lower case; Redshift folds names/);
  });

  it('applies the dialect length limit: 63 on postgres, 127 on redshift, 63 without a dialect', () => {
    expect(validateIdentifier('a'.repeat(127), 'c', 'redshift')).toHaveLength(127);
    expect(ruleOf(() => validateIdentifier('a'.repeat(128), 'c', 'redshift'))).toBe('too_long');
    expect(ruleOf(() => validateIdentifier('a'.repeat(64), 'c', 'postgres'))).toBe('too_long');
    expect(() => validateIdentifier('a'.repeat(64), 'c', 'postgres')).toThrow(/postgres allows at most 63/);
    expect(ruleOf(() => validateIdentifier('a'.repeat(64), 'c'))).toBe('too_long');
  });

  it('refuses an unknown dialect', () => {
    expect(() => validateIdentifier('a', 'c', 'mysql' as DialectName)).toThrow(SqlDialectError);
  });
});

describe('parseTableName', () => {
  it('reads schema.table and defaults the schema to public', () => {
    expect(parseTableName('analytics.users', 'target')).toEqual({ schema: 'analytics', name: 'users' });
    expect(parseTableName('users', 'target')).toEqual({ schema: 'public', name: 'users' });
  });

  it.each<[string, IdentifierRule]>([
    ['a.b.c', 'table_format'],
    ['', 'empty'],
    ['analytics.', 'empty'],
    ['.users', 'empty'],
    ['Analytics.users', 'upper_case'],
    ['analytics.user s', 'characters'],
  ])('rejects %j (%s)', (text, rule) => {
    expect(ruleOf(() => parseTableName(text, 'target'))).toBe(rule);
  });

  it('says which part is wrong', () => {
    expect(() => parseTableName('analytics.Users', 'pipelines.users.target')).toThrow(/pipelines\.users\.target \(table\)/);
  });
});

describe('quoteIdent and quoteTable', () => {
  it('double-quotes validated names, reserved words included', () => {
    expect(quoteIdent('select')).toBe('"select"');
    expect(quoteTable({ schema: 'public', name: 'order' })).toBe('"public"."order"');
  });

  it('never quotes a name that could break out of its quotes', () => {
    expect(() => quoteIdent('a"; DROP TABLE users; --')).toThrow(SqlIdentifierError);
    expect(() => quoteTable({ schema: 'public', name: 'x" OR "1' })).toThrow(SqlIdentifierError);
  });
});

describe('fnv1a64Hex', () => {
  it.each([
    ['', 'cbf29ce484222325'],
    ['a', 'af63dc4c8601ec8c'],
    ['foobar', '85944171f73967e8'],
  ])('matches the published FNV-1a 64 vector for %j', (text, hex) => {
    expect(fnv1a64Hex(text)).toBe(hex);
  });

  it('hashes UTF-8 bytes, so non-ASCII input is stable', () => {
    expect(fnv1a64Hex('é')).toBe(fnv1a64Hex('\u00e9'));
    expect(fnv1a64Hex('é')).not.toBe(fnv1a64Hex('e'));
    expect(fnv1a64Hex('🎉')).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('stagingTableName', () => {
  const target = { schema: 'analytics', name: 'users' };

  it('is deterministic and run-scoped', () => {
    const a = stagingTableName(target, 'run-1', 'users', 'postgres');
    expect(a).toEqual({ schema: 'analytics', name: `users__stg_${fnv1a64Hex('run-1/users')}` });
    expect(stagingTableName(target, 'run-1', 'users', 'postgres')).toEqual(a);
    expect(stagingTableName(target, 'run-2', 'users', 'postgres')).not.toEqual(a);
    expect(stagingTableName(target, 'run-1', 'orders', 'postgres')).not.toEqual(a);
  });

  it('joins run and load ids with a slash, so moving their boundary changes the name', () => {
    expect(stagingTableName(target, 'ab', 'c', 'postgres')).not.toEqual(stagingTableName(target, 'a', 'bc', 'postgres'));
  });

  it.each<[DialectName, number]>([
    ['postgres', 63],
    ['redshift', 127],
  ])('truncates long target names to fit %s (%i)', (dialect, limit) => {
    const long = { schema: 'analytics', name: 'x'.repeat(limit) };
    const staged = stagingTableName(long, 'run-1', 'load', dialect);
    expect(staged.name).toHaveLength(limit);
    expect(staged.name).toMatch(/^x+__stg_[0-9a-f]{16}$/);
    expect(validateIdentifier(staged.name, 'staging', dialect)).toBe(staged.name);
  });

  it('rejects an invalid target', () => {
    expect(() => stagingTableName({ schema: 'analytics', name: 'Users' }, 'r', 'l', 'postgres')).toThrow(
      SqlIdentifierError,
    );
  });
});
