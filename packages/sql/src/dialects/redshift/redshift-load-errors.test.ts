import { describe, expect, it } from 'vitest';
import { SqlInputError } from '../../errors/sql-input-error.js';
import { redshiftLoadErrors, type LoadErrorSource } from './redshift-load-errors.js';

describe('redshiftLoadErrors', () => {
  it.each(['sys', 'stl'] as LoadErrorSource[])('golden: %s', async (source) => {
    const s = redshiftLoadErrors(1234567, source, 5);
    expect(s.params).toEqual(['1234567']);
    await expect(`-- params: ${JSON.stringify(s.params)}\n${s.sql};\n`).toMatchFileSnapshot(`../../__golden__/redshift/load-errors-${source}.sql`);
  });

  it('takes the query id as a number, bigint or digits', () => {
    expect(redshiftLoadErrors(9007199254740993n, 'sys').params).toEqual(['9007199254740993']);
    expect(redshiftLoadErrors('42', 'stl').params).toEqual(['42']);
  });

  it.each([["1; DROP TABLE x", 'sys'], [-1, 'sys'], [1.5, 'stl'], [1, 'svl']])('refuses query id %j / source %j', (id, source) => {
    expect(() => redshiftLoadErrors(id as number, source as LoadErrorSource)).toThrow(SqlInputError);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => redshiftLoadErrors(1, 'sys', 0)).toThrow(/positive integer/);
  });
});
