import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../repo-root.js';
import { bindNamedParameters, ParameterError, unusedParameters } from './named-parameters.js';
import { REDSHIFT_TO_POSTGRES, redshiftToPostgres, TranslationError } from './redshift-to-postgres.js';
import { literalValue, redshiftTokens } from './redshift-tokens.js';

describe('REDSHIFT_TO_POSTGRES', () => {
  it.each(REDSHIFT_TO_POSTGRES.map((t) => [t.name, ...t.example]))('%s: %s → %s', (_name, redshift, postgres) => {
    expect(redshiftToPostgres(redshift!)).toBe(postgres);
  });

  it('matches names case-insensitively and nests calls', () => {
    expect(redshiftToPostgres("SELECT json_parse(from_varbyte(from_hex('7b7d'), 'UTF8'))")).toBe(
      "SELECT CAST(convert_from(decode('7b7d', 'hex'), 'UTF8') AS jsonb)",
    );
  });

  it('leaves quoted text, comments and other identifiers alone', () => {
    const sql = `SELECT 'SUPER SYSDATE', "super", super_x, x.sysdate_at -- SYSDATE\n/* JSON_PARSE(x) */ FROM t`;
    expect(redshiftToPostgres(sql)).toBe(sql);
  });

  it('fails clearly on a form it does not translate', () => {
    expect(() => redshiftToPostgres('SELECT DATEDIFF(day, a, b)')).toThrow(TranslationError);
    expect(() => redshiftToPostgres("SELECT FROM_VARBYTE(x, 'binary')")).toThrow(/not supported/);
  });

  // Every Redshift statement the generator has golden text for: after translation, nothing
  // Redshift-only is left outside quoted text.
  const goldenDir = path.join(repoRoot(), 'packages/sql/src/__golden__/redshift');
  it.each(readdirSync(goldenDir).filter((f) => f.endsWith('.sql')))('golden %s translates completely', (file) => {
    const translated = redshiftToPostgres(readFileSync(path.join(goldenDir, file), 'utf8'));
    const words = redshiftTokens(translated).filter((t) => t.type === 'word').map((t) => t.text.toUpperCase());
    for (const t of REDSHIFT_TO_POSTGRES) expect(words).not.toContain(t.name);
  });
});

describe('redshiftTokens', () => {
  it('reads literals as Redshift does: backslash escapes, doubled quotes', () => {
    const tokens = redshiftTokens("SELECT 'a\\'b''c', :p1::int, \"q\"\"x\"");
    expect(tokens.map((t) => t.text).join('')).toBe("SELECT 'a\\'b''c', :p1::int, \"q\"\"x\"");
    expect(literalValue(tokens.find((t) => t.type === 'quoted')!)).toBe("a'b'c");
    expect(tokens.filter((t) => t.type === 'param').map((t) => t.text)).toEqual([':p1']);
  });
});

describe('bindNamedParameters', () => {
  it('numbers names in order of first use and reuses a repeated name', () => {
    const bound = bindNamedParameters("SELECT :b, :a, :b, ':a', x::text", [
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
    ]);
    expect(bound.text).toBe("SELECT $1, $2, $1, ':a', x::text");
    expect(bound.values).toEqual(['2', '1']);
  });

  it('refuses a reference to a parameter the request lacks', () => {
    expect(() => bindNamedParameters('SELECT :missing', [])).toThrow(ParameterError);
  });

  it('names the parameters no statement references', () => {
    expect(unusedParameters([{ name: 'a', value: '1' }, { name: 'b', value: '2' }], ['SELECT :a', "SELECT ':b'"])).toEqual(['b']);
  });
});
