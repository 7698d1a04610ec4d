import { describe, expect, it } from 'vitest';
import { SqlInputError } from '../errors/sql-input-error.js';
import type { DialectName } from '../types/dialect-name.js';
import { inlineLiteral, inlineParams } from './inline-literals.js';
import { replacePlaceholders } from './replace-placeholders.js';
import { sqlSegments } from './sql-segments.js';

const NASTY = ['\\', "'", "\\'", "''", 'O\'Brien\\', 'tab\there', 'line\nbreak\r\n', 'ünïcödé ✓ 𝄞 汉字', '$1', 'x $2 y', '--', '/*', '";DROP TABLE t;--'];

/** Reads a string form back as either engine does: a plain literal, or the hex it carries. */
function readString(literal: string): string {
  const plain = /^'((?:[^'\\]|'')*)'$/.exec(literal);
  if (plain) return plain[1]!.replaceAll("''", "'");
  const hex = /'([0-9a-f]*)'/.exec(literal)?.[1];
  if (hex === undefined) throw new Error(`no string form: ${literal}`);
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16)));
}

const HEX_FORM = { redshift: /^FROM_VARBYTE\(FROM_HEX\('[0-9a-f]+'\), 'utf8'\)$/, postgres: /^convert_from\(decode\('[0-9a-f]+', 'hex'\), 'UTF8'\)$/ };

describe('inlineLiteral', () => {
  it.each(NASTY)('writes %j in a form no lexer can misread, and it reads back exactly', (value) => {
    for (const dialect of ['redshift', 'postgres'] as const) {
      const literal = inlineLiteral(value, dialect);
      if (/[\\\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) expect(literal).toMatch(HEX_FORM[dialect]);
      else expect(literal).toMatch(/^'([^'\\]|'')*'$/);
      expect(readString(literal)).toBe(value);
    }
  });

  it('writes a backslash only ever inside hex, never as a character of the SQL', () => {
    for (const value of NASTY) expect(inlineLiteral(value, 'redshift')).not.toContain('\\');
  });

  it('leaves plain text untyped, like a bound value, so it converts in context', () => {
    expect(inlineLiteral('12.5', 'redshift')).toBe("'12.5'");
    expect(inlineLiteral("O'Brien ✓", 'postgres')).toBe("'O''Brien ✓'");
    expect(inlineLiteral('\u0001', 'postgres')).toBe("convert_from(decode('01', 'hex'), 'UTF8')");
  });

  it("keeps the empty string apart from NULL", () => {
    expect(inlineLiteral('', 'redshift')).toBe("''");
    expect(inlineLiteral(null, 'redshift')).toBe('NULL');
    expect(inlineLiteral(undefined, 'postgres')).toBe('NULL');
  });

  it('writes numbers, bigints and booleans as plain tokens, negatives in parentheses', () => {
    expect(inlineLiteral(42, 'redshift')).toBe('42');
    expect(inlineLiteral(-1.5, 'redshift')).toBe('(-1.5)');
    expect(inlineLiteral(1e21, 'postgres')).toBe('1e+21');
    expect(inlineLiteral(9007199254740993n, 'redshift')).toBe('9007199254740993');
    expect(inlineLiteral(-9223372036854775808n, 'redshift')).toBe('(-9223372036854775808)');
    expect(inlineLiteral(true, 'redshift')).toBe('TRUE');
    expect(inlineLiteral(false, 'postgres')).toBe('FALSE');
  });

  it('writes a Date as a UTC timestamptz with milliseconds', () => {
    expect(inlineLiteral(new Date('2024-03-01T12:34:56.789Z'), 'redshift')).toBe("CAST('2024-03-01 12:34:56.789+00' AS timestamptz)");
  });

  it('writes bytes as hex and objects as their JSON text', () => {
    expect(inlineLiteral(Uint8Array.from([0, 255, 39]), 'redshift')).toBe("FROM_HEX('00ff27')");
    expect(inlineLiteral(Uint8Array.from([92]), 'postgres')).toBe("decode('5c', 'hex')");
    expect(readString(inlineLiteral({ a: "it's", b: [1, '\\'] }, 'redshift'))).toBe(`{"a":"it's","b":[1,"\\\\"]}`);
    expect(inlineLiteral({ a: "it's" }, 'redshift')).toBe(`'{"a":"it''s"}'`);
  });

  it.each([
    [Number.NaN, /NaN has no SQL literal/],
    [Number.POSITIVE_INFINITY, /Infinity has no SQL literal/],
    [new Date('nope'), /invalid Date/],
    ['a\u0000b', /NUL character/],
    ['\ud800x', /unpaired UTF-16 surrogate/],
    [Symbol('s'), /symbol has no SQL literal/],
    [new Map(), /Map has no SQL literal/],
  ])('refuses %s', (value, message) => {
    expect(() => inlineLiteral(value, 'redshift')).toThrow(SqlInputError);
    expect(() => inlineLiteral(value, 'redshift')).toThrow(message);
  });
});

describe('inlineParams', () => {
  it('replaces placeholders in code and leaves quoted text alone', () => {
    const sql = `SELECT $1, '$1', "$1", $$ $1 $$, $tag$ $2 $tag$ -- $1\n, /* $2 /* $1 */ */ $2, a$1, $10`;
    const params = ['v', 2, null, null, null, null, null, null, null, 'ten'];
    expect(inlineParams({ sql, params }, 'postgres')).toBe(
      `SELECT 'v', '$1', "$1", $$ $1 $$, $tag$ $2 $tag$ -- $1\n, /* $2 /* $1 */ */ 2, a$1, 'ten'`,
    );
  });

  it('refuses a placeholder without a value', () => {
    expect(() => inlineParams({ sql: 'SELECT $1, $2', params: [1] }, 'redshift')).toThrow(/\$2 has no value: the statement has 1 parameter/);
    expect(() => inlineParams({ sql: 'SELECT $0', params: [1] }, 'redshift')).toThrow(SqlInputError);
  });

  it('keeps the statement text exactly when it has no placeholders', () => {
    const sql = "INSERT INTO t VALUES ('a''b', E'c\\'d')";
    expect(inlineParams({ sql, params: [] }, 'postgres')).toBe(sql);
  });
});

describe('sqlSegments and replacePlaceholders', () => {
  it('reads backslash escapes as Redshift does, and as PostgreSQL does only in E strings', () => {
    const sql = "SELECT 'a\\' , $1 '";
    // Redshift: \' escapes the quote, so the literal runs to the last quote and $1 is inside it.
    expect(replacePlaceholders(sql, 'redshift', () => 'X')).toBe(sql);
    // PostgreSQL (standard strings): the literal is 'a\' and $1 is a placeholder.
    expect(replacePlaceholders(sql, 'postgres', () => 'X')).toBe("SELECT 'a\\' , X '");
    expect(replacePlaceholders("SELECT E'a\\' , $1 '", 'postgres', () => 'X')).toBe("SELECT E'a\\' , $1 '");
  });

  it('joins back to the original text', () => {
    const sql = `SELECT "a""b", 'c''d', $q$x$q$ /* c */ -- d\n FROM t`;
    const segments = sqlSegments(sql, 'redshift');
    expect(segments.map((s) => s.text).join('')).toBe(sql);
    expect(segments.filter((s) => s.kind === 'quoted').map((s) => s.text)).toEqual(['"a""b"', "'c''d'", '$q$x$q$', '/* c */', '-- d\n']);
  });

  it('runs an unterminated literal to the end, as the lexer does', () => {
    expect(replacePlaceholders("SELECT 'open $1", 'redshift', () => 'X')).toBe("SELECT 'open $1");
  });
});

describe('golden inline literals', () => {
  const statement = {
    sql: 'INSERT INTO "s"."t" ("a", "b", "c", "d", "e", "f", "g", "h") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    params: ["it's \\ a $1 test\n✓", '', null, -3, 12345678901234567890n, true, new Date('2024-03-01T00:00:00Z'), { k: ['v'] }],
  };
  it.each(['redshift', 'postgres'] as DialectName[])('%s', async (dialect) => {
    await expect(`${inlineParams(statement, dialect)};\n`).toMatchFileSnapshot(`../__golden__/${dialect}/inline-literals.sql`);
  });
});
