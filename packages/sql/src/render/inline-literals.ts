import { SqlInputError } from '../errors/sql-input-error.js';
import type { DialectName } from '../types/dialect-name.js';
import type { Statement } from '../types/statement.js';
import { replacePlaceholders } from './replace-placeholders.js';

// Backslash and the control characters other than tab, newline and carriage return.
const NEEDS_HEX = /[\\\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A value written as SQL text, for the one place an engine takes no bound parameters (the
 * Redshift Data API's BatchExecuteStatement). Every form reads the same in Redshift and in
 * PostgreSQL under any setting:
 *
 * - a string without backslashes or control characters is a plain literal with `'` doubled:
 *   inside a plain single-quoted literal the only characters either lexer treats specially are
 *   the quote and the backslash (Redshift always, PostgreSQL when standard_conforming_strings is
 *   off), so with no backslash the doubled quote is the only escape, and both read it alike.
 *   Like a bound parameter, such a literal has no type until its context gives one, so
 *   `'12.5'` fills a numeric column and `'2024-03-01'` compares with a date;
 * - any other string travels as hex of its UTF-8 bytes, decoded by the engine
 *   (`FROM_VARBYTE(FROM_HEX('…'), 'utf8')` on Redshift, `convert_from(decode('…', 'hex'), 'UTF8')`
 *   on PostgreSQL), so no backslash of the value ever reaches a lexer; its type is text;
 * - numbers (finite only) and bigints as plain numerals, negative ones in parentheses so that a
 *   preceding `-` cannot turn them into a comment;
 * - booleans as TRUE/FALSE, null and undefined as NULL;
 * - dates as `CAST('YYYY-MM-DD HH:MM:SS.mmm+00' AS timestamptz)`;
 * - bytes as a hex-decoded binary value;
 * - plain objects and arrays as their JSON text, like any other string.
 *
 * Strings the engines cannot store (a NUL character, unpaired UTF-16 surrogates) are refused
 * rather than silently altered.
 */
export function inlineLiteral(value: unknown, dialect: DialectName, what = 'value'): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new SqlInputError(what, `${value} has no SQL literal; send finite numbers only.`);
    return signed(String(value));
  }
  if (typeof value === 'bigint') return signed(value.toString());
  if (typeof value === 'string') return stringLiteral(value, dialect, what);
  if (value instanceof Date) return timestampLiteral(value, what);
  if (value instanceof Uint8Array) return bytesLiteral(toHex(value), dialect);
  if (typeof value === 'object' && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    return stringLiteral(JSON.stringify(value), dialect, what);
  }
  throw new SqlInputError(what, `a ${describe(value)} has no SQL literal; pass a string, number, bigint, boolean, Date, bytes, null or a plain object.`);
}

/**
 * The statement's SQL with every `$n` replaced by the literal of its value (see
 * {@link inlineLiteral}). A placeholder without a value is an error, not a NULL.
 */
export function inlineParams(statement: Statement, dialect: DialectName): string {
  return replacePlaceholders(statement.sql, dialect, (n) => {
    if (n < 1 || n > statement.params.length) {
      throw new SqlInputError('statement.params', `$${n} has no value: the statement has ${statement.params.length} parameter(s).`);
    }
    return inlineLiteral(statement.params[n - 1], dialect, `$${n}`);
  });
}

function signed(numeral: string): string {
  return numeral.startsWith('-') ? `(${numeral})` : numeral;
}

function stringLiteral(text: string, dialect: DialectName, what: string): string {
  if (text.includes('\u0000')) throw new SqlInputError(what, 'contains a NUL character, which no warehouse text column can hold; remove it.');
  if (LONE_SURROGATE.test(text)) throw new SqlInputError(what, 'contains an unpaired UTF-16 surrogate, which is not valid UTF-8; fix the text.');
  if (!NEEDS_HEX.test(text)) return `'${text.replaceAll("'", "''")}'`;
  const hex = toHex(new TextEncoder().encode(text));
  return dialect === 'redshift' ? `FROM_VARBYTE(FROM_HEX('${hex}'), 'utf8')` : `convert_from(decode('${hex}', 'hex'), 'UTF8')`;
}

function bytesLiteral(hex: string, dialect: DialectName): string {
  return dialect === 'redshift' ? `FROM_HEX('${hex}')` : `decode('${hex}', 'hex')`;
}

function timestampLiteral(date: Date, what: string): string {
  if (Number.isNaN(date.getTime())) throw new SqlInputError(what, 'is an invalid Date.');
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) throw new SqlInputError(what, `year ${year} is outside 0001–9999.`);
  const iso = date.toISOString();
  return `CAST('${iso.slice(0, 10)} ${iso.slice(11, 23)}+00' AS timestamptz)`;
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';
  return typeof value;
}
