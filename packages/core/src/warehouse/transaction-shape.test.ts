import { describe, expect, it } from 'vitest';
import { transactionBody } from './transaction-shape.js';

const s = (sql: string) => ({ sql, params: [] });

describe('transactionBody', () => {
  it('returns the statements between BEGIN and COMMIT', () => {
    expect(transactionBody([s('BEGIN'), s('DELETE FROM t'), s('INSERT INTO t SELECT 1'), s('COMMIT')])).toEqual([s('DELETE FROM t'), s('INSERT INTO t SELECT 1')]);
  });

  it.each([
    [[s('DELETE FROM t'), s('COMMIT')]],
    [[s('BEGIN'), s('DELETE FROM t')]],
    [[s('BEGIN'), s('COMMIT'), s('DELETE FROM t'), s('COMMIT')]],
    [[s('BEGIN'), s('TRUNCATE t'), s('COMMIT')]],
  ])('refuses a list that is not one clean transaction', (list) => {
    expect(() => transactionBody(list)).toThrow(TypeError);
  });
});
