import { describe, expect, it } from 'vitest';
import { postgresDialect } from '../dialects/postgres-dialect.js';
import { redshiftDialect } from '../dialects/redshift-dialect.js';
import { SqlIdentifierError } from '../errors/sql-identifier-error.js';
import { SqlInputError } from '../errors/sql-input-error.js';
import { UnknownStrategyError } from '../errors/unknown-strategy-error.js';
import type { AuditRow } from '../types/audit-row.js';
import type { MergeInput } from '../types/merge-input.js';
import type { MergeStrategy } from '../types/merge-strategy.js';
import type { Statement } from '../types/statement.js';

const base: MergeInput = {
  strategy: 'merge',
  target: { schema: 'analytics', name: 'users' },
  staging: { schema: 'analytics', name: 'users__stg_1' },
  columns: ['user_id', 'email'],
  key: ['user_id'],
};

const interval = { column: 'updated_at', start: new Date('2024-01-01Z'), end: new Date('2024-01-02Z') };

const audit: AuditRow = {
  runId: 'r1',
  pipelineId: 'users',
  loadId: 'users',
  intervalStart: null,
  intervalEnd: null,
  strategy: 'merge',
  rowsRead: null,
  rowsStaged: 2,
  rowsInserted: 1,
  rowsUpdated: 1,
  rowsDeleted: 0,
  checks: { passed: true },
};

function inputError(fn: () => unknown): SqlInputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SqlInputError);
    return error as SqlInputError;
  }
  throw new Error('expected an input error');
}

describe('the merge target lock', () => {
  const locking: [string, MergeInput][] = [
    ['merge', { ...base, strategy: 'merge' }],
    ['delete-insert', { ...base, strategy: 'delete-insert' }],
    ['replace', { ...base, strategy: 'replace' }],
    ['append with an interval', { ...base, strategy: 'append', intervalDelete: interval }],
  ];

  it.each(locking)('%s locks the target against other writers first', (_name, input) => {
    expect(postgresDialect.mergeTransaction(input)[1]).toEqual({ sql: 'LOCK TABLE "analytics"."users" IN SHARE ROW EXCLUSIVE MODE', params: [] });
    expect(redshiftDialect.mergeTransaction(input)[1]).toEqual({ sql: 'LOCK "analytics"."users"', params: [] });
  });

  it('a plain append takes no lock', () => {
    for (const d of [postgresDialect, redshiftDialect]) {
      expect(d.mergeTransaction({ ...base, strategy: 'append' }).filter((s) => s.sql.startsWith('LOCK'))).toEqual([]);
    }
  });
});

describe.each([postgresDialect, redshiftDialect])('mergeTransaction ($name)', (d) => {
  it.each<MergeStrategy>(['merge', 'delete-insert', 'append', 'replace'])(
    '%s is wrapped in BEGIN … COMMIT and never truncates',
    (strategy) => {
      const statements = d.mergeTransaction({ ...base, strategy });
      expect(statements[0]).toEqual({ sql: 'BEGIN', params: [] });
      expect(statements.at(-1)).toEqual({ sql: 'COMMIT', params: [] });
      expect(statements.map((s) => s.sql).join('\n')).not.toMatch(/TRUNCATE/i);
    },
  );

  it('inserts the audit row just before COMMIT, with every value bound', () => {
    const statements = d.mergeTransaction({ ...base, audit });
    const insert = statements.at(-2)!;
    expect(insert.sql).toMatch(/^INSERT INTO "pipeline_audit"."load_history"/);
    expect(insert.params).toEqual(['r1', 'users', 'users', null, null, 'merge', null, 2, 1, 1, 0, '{"passed":true}']);
    expect(insert.sql).not.toContain('r1');
  });

  it('looks strategies up in the allowlist and names the allowed ones', () => {
    const input = { ...base, strategy: 'upsert' as MergeStrategy };
    expect(() => d.mergeTransaction(input)).toThrow(UnknownStrategyError);
    expect(() => d.mergeTransaction(input)).toThrow(/merge, delete-insert, append, replace/);
    expect(() => d.mergeTransaction({ ...base, strategy: 'toString' as MergeStrategy })).toThrow(UnknownStrategyError);
  });

  it.each<MergeStrategy>(['merge', 'delete-insert'])('%s without a key is an input error', (strategy) => {
    const e = inputError(() => d.mergeTransaction({ ...base, strategy, key: [] }));
    expect(e.code).toBe('E_SQL_INPUT');
    expect(e.what).toBe('merge.key');
  });

  it.each<MergeStrategy>(['append', 'replace'])('%s needs no key', (strategy) => {
    const statements = d.mergeTransaction({ ...base, strategy, key: [] });
    expect(statements.at(-2)!.sql).toMatch(/^INSERT INTO "analytics"."users"/);
  });

  it('rejects a key column that is not staged', () => {
    expect(inputError(() => d.mergeTransaction({ ...base, key: ['id'] })).message).toMatch(/"id" not in merge.columns/);
  });

  it('rejects repeated or missing columns', () => {
    inputError(() => d.mergeTransaction({ ...base, columns: ['user_id', 'email', 'user_id'] }));
    inputError(() => d.mergeTransaction({ ...base, columns: [] }));
  });

  it('rejects staging into the target itself', () => {
    inputError(() => d.mergeTransaction({ ...base, staging: base.target }));
  });

  it('validates identifiers with what they are', () => {
    expect(() => d.mergeTransaction({ ...base, columns: ['user_id', 'Email'] })).toThrow(/merge\.columns\[1\]/);
    expect(() => d.mergeTransaction({ ...base, target: { schema: 'a b', name: 'users' } })).toThrow(SqlIdentifierError);
  });

  describe('intervalDelete', () => {
    it('binds the interval as [start, end)', () => {
      const del = d.mergeTransaction({ ...base, strategy: 'append', intervalDelete: interval }).find((s) => s.sql.startsWith('DELETE'));
      expect(del!.sql).toContain('"updated_at" >= $1 AND "updated_at" < $2');
      expect(del!.params).toEqual([interval.start, interval.end]);
    });

    it('applies to append only', () => {
      inputError(() => d.mergeTransaction({ ...base, strategy: 'replace', intervalDelete: interval }));
    });

    it('needs start before end and valid dates', () => {
      const append = { ...base, strategy: 'append' as const };
      inputError(() => d.mergeTransaction({ ...append, intervalDelete: { ...interval, end: interval.start } }));
      inputError(() => d.mergeTransaction({ ...append, intervalDelete: { ...interval, start: new Date('nope') } }));
    });
  });

  describe('orderBy', () => {
    const staleDelete = /^DELETE FROM "analytics"."users__stg_1"\nUSING "analytics"."users"\n/;

    it('delete-insert deletes the staged rows older than the target right after the lock', () => {
      const statements = d.mergeTransaction({ ...base, strategy: 'delete-insert', orderBy: ['email'] });
      expect(statements[1]!.sql).toMatch(/^LOCK/);
      expect(statements[2]!.sql).toMatch(staleDelete);
      expect(statements[2]!.sql).toContain('"analytics"."users"."email" > "analytics"."users__stg_1"."email"');
    });

    it('merge leaves a newer target row as it is, in the MERGE where the engine can, else by the same DELETE first', () => {
      const statements = d.mergeTransaction({ ...base, orderBy: ['email'] });
      const merge = statements.find((s) => s.sql.startsWith('MERGE'))!;
      if (d.name === 'postgres') {
        expect(statements.filter((s) => staleDelete.test(s.sql))).toEqual([]);
        expect(merge.sql).toContain('WHEN MATCHED AND NOT ("analytics"."users"."email" IS NOT NULL');
      } else {
        expect(statements[2]!.sql).toMatch(staleDelete);
        expect(merge.sql).not.toContain('WHEN MATCHED AND');
      }
    });

    it('is left out when not given', () => {
      expect(d.mergeTransaction(base).filter((s) => s.sql.startsWith('DELETE'))).toEqual([]);
    });

    it.each<MergeStrategy>(['append', 'replace'])('does not apply to %s, which match no keys', (strategy) => {
      const e = inputError(() => d.mergeTransaction({ ...base, strategy, key: [], orderBy: ['email'] }));
      expect(e.what).toBe('merge.orderBy');
      expect(e.message).toMatch(/remove it/);
    });

    it('rejects a column that is not staged, or named twice', () => {
      expect(inputError(() => d.mergeTransaction({ ...base, orderBy: ['updated_at'] })).message).toMatch(/"updated_at" not in merge.columns/);
      inputError(() => d.mergeTransaction({ ...base, orderBy: ['email', 'email'] }));
    });
  });

  describe('audit row', () => {
    it('rejects counts that are not non-negative integers', () => {
      expect(inputError(() => d.mergeTransaction({ ...base, audit: { ...audit, rowsStaged: -1 } })).what).toBe(
        'audit.rowsStaged',
      );
      inputError(() => d.mergeTransaction({ ...base, audit: { ...audit, rowsInserted: 1.5 } }));
    });

    it('rejects checks that cannot be serialised', () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const e = inputError(() => d.mergeTransaction({ ...base, audit: { ...audit, checks: cyclic } }));
      expect(e.cause).toBeInstanceOf(TypeError);
    });
  });
});

describe('dialect differences in the merge', () => {
  const allKeys = { ...base, columns: ['user_id'], key: ['user_id'] };
  const mergeOf = (statements: Statement[]) => statements.find((s) => s.sql.startsWith('MERGE'))!.sql;

  it('postgres omits WHEN MATCHED when every column is a key column', () => {
    expect(mergeOf(postgresDialect.mergeTransaction(allKeys))).not.toContain('WHEN MATCHED');
  });

  it('redshift keeps a no-op WHEN MATCHED, which its MERGE requires', () => {
    expect(mergeOf(redshiftDialect.mergeTransaction(allKeys))).toContain(
      'WHEN MATCHED THEN UPDATE SET "user_id" = "src"."user_id"',
    );
  });

  it('the audit checks are JSON on each engine', () => {
    expect(postgresDialect.mergeTransaction({ ...base, audit }).at(-2)!.sql).toContain('CAST($12 AS jsonb)');
    expect(redshiftDialect.mergeTransaction({ ...base, audit }).at(-2)!.sql).toContain('JSON_PARSE($12)');
  });
});
