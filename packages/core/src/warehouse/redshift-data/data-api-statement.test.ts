import { SqlInputError } from '@pipeline/sql';
import { describe, expect, it } from 'vitest';
import { toDataApiStatement } from './data-api-statement.js';

describe('toDataApiStatement', () => {
  it('names the placeholders and sends values as text', () => {
    const at = new Date('2024-03-01T12:34:56.789Z');
    expect(toDataApiStatement({ sql: 'SELECT $1, $2, $3, $4, $5, $6, $1', params: ["it's \\", 7, 9007199254740993n, true, at, { a: 1 }] })).toEqual({
      sql: 'SELECT :p1, :p2, :p3, :p4, :p5, :p6, :p1',
      parameters: [
        { name: 'p1', value: "it's \\" },
        { name: 'p2', value: '7' },
        { name: 'p3', value: '9007199254740993' },
        { name: 'p4', value: 'true' },
        { name: 'p5', value: '2024-03-01 12:34:56.789+00' },
        { name: 'p6', value: '{"a":1}' },
      ],
    });
  });

  it('writes NULL, the empty string and bytes into the SQL, which the Data API cannot carry as parameters', () => {
    expect(toDataApiStatement({ sql: 'SELECT $1, $2, $3, $4', params: [null, '', Uint8Array.from([1, 2]), 'x'] })).toEqual({
      sql: "SELECT NULL, '', FROM_HEX('0102'), :p4",
      parameters: [{ name: 'p4', value: 'x' }],
    });
    expect(toDataApiStatement({ sql: 'SELECT 1', params: [] })).toEqual({ sql: 'SELECT 1', parameters: undefined });
  });

  it('leaves $n inside literals, quoted names and comments alone', () => {
    expect(toDataApiStatement({ sql: `SELECT '$1', "$1" -- $1\n, $1`, params: ['v'] }).sql).toBe(`SELECT '$1', "$1" -- $1\n, :p1`);
  });

  it('refuses values no form can carry, and placeholders without a value', () => {
    expect(() => toDataApiStatement({ sql: 'SELECT $1', params: [Number.NaN] })).toThrow(SqlInputError);
    expect(() => toDataApiStatement({ sql: 'SELECT $1', params: ['a\u0000b'] })).toThrow(/NUL/);
    expect(() => toDataApiStatement({ sql: 'SELECT $2', params: [1] })).toThrow(/\$2 has no value/);
  });
});
