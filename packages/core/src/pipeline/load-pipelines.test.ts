import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirs } from '@pipeline/testing';
import { DefinitionError } from './definition-error.js';
import { loadPipeline, loadPipelines, parsePipeline } from './load-pipelines.js';

const temp = tempDirs();
afterAll(() => temp.removeAll());

const VALID = `
id: users
schedule: { cron: "0 2 * * *", timezone: UTC, catchup: false }
loads:
  - id: users
    source: { table: public.users_raw, incrementalColumn: updated_at }
    transform: { spark: spark/transforms/users.py }
    target: { table: analytics.users, key: [user_id], strategy: merge, orderBy: updated_at }
    checks:
      staging: [ { not_null: [user_id, email] }, { accepted_values: { country: [US, DE] } } ]
      final:   [ { row_count: { min: 1 } }, { unique: [user_id] }, { reconciliation: true } ]
`;

function issuesOf(text: string) {
  try {
    parsePipeline('p.yaml', text);
  } catch (err) {
    expect(err).toBeInstanceOf(DefinitionError);
    return (err as DefinitionError).issues;
  }
  throw new Error('expected the definition to be refused');
}

describe('parsePipeline', () => {
  it('accepts the documented example and fills defaults', () => {
    const p = parsePipeline('p.yaml', VALID);
    expect(p.schedule).toEqual({ cron: '0 2 * * *', timezone: 'UTC', catchup: false, maxActiveRuns: 1 });
    expect(p.loads[0]?.target.orderBy).toEqual(['updated_at']);
    expect(p.loads[0]?.dependsOn).toEqual([]);
    expect(p.loads[0]?.checks.final).toHaveLength(3);
  });

  it('reports YAML syntax errors with a position', () => {
    const [issue] = issuesOf('id: users\nloads: [\n');
    expect(issue?.message).toMatch(/YAML syntax error/);
    expect(issue?.position).toMatch(/^\d+:\d+$/);
  });

  it('names the path and line of an unknown field', () => {
    const issues = issuesOf(VALID.replace('strategy: merge', 'strategy: merge, colour: red'));
    expect(issues[0]).toMatchObject({ file: 'p.yaml', path: 'loads[0].target', message: 'unknown field "colour"' });
    expect(issues[0]?.position).toBe('8:13');
  });

  it.each([
    ['a wrong type', VALID.replace('catchup: false', 'catchup: sometimes'), 'schedule.catchup', /boolean/],
    ['a bad cron', VALID.replace('0 2 * * *', '0 25 * * *'), 'schedule.cron', /cron expression/],
    ['a bad time zone', VALID.replace('timezone: UTC', 'timezone: Mars/Olympus'), 'schedule.timezone', /IANA time zone/],
    ['an unsafe identifier', VALID.replace('key: [user_id]', 'key: ["user_id; drop table x"]'), 'loads[0].target.key[0]', /SQL identifier/],
    ['an unsafe table name', VALID.replace('analytics.users', 'analytics.users"--'), 'loads[0].target.table', /table name/],
    ['an unknown strategy', VALID.replace('strategy: merge', 'strategy: upsert'), 'loads[0].target.strategy', /merge, delete-insert, append, replace/],
    ['an unknown check', VALID.replace('{ unique: [user_id] }', '{ uniq: [user_id] }'), 'loads[0].checks.final[1]', /not a known check/],
    ['both table and query', VALID.replace('table: public.users_raw', 'table: public.users_raw, query: "select 1"'), 'loads[0].source', /exactly one/],
    ['a merge without key', VALID.replace('key: [user_id], ', ''), 'loads[0].target.key', /needs at least one key/],
    ['retries with too many attempts', VALID.replace('    source:', '    retries: { attempts: 21 }\n    source:'), 'loads[0].retries.attempts', /<=20/],
    ['retries with zero attempts', VALID.replace('    source:', '    retries: { attempts: 0 }\n    source:'), 'loads[0].retries.attempts', />=1/],
    ['retries with a fractional attempt count', VALID.replace('    source:', '    retries: { attempts: 2.5 }\n    source:'), 'loads[0].retries.attempts', /expected int/],
    ['retries with a malformed backoff', VALID.replace('    source:', '    retries: { backoff: soon }\n    source:'), 'loads[0].retries.backoff', /from "1s" to "24h"/],
    ['retries with a zero backoff', VALID.replace('    source:', '    retries: { backoff: 0s }\n    source:'), 'loads[0].retries.backoff', /from "1s" to "24h"/],
    ['retries with an unknown field', VALID.replace('    source:', '    retries: { attempts: 2, delay: 5s }\n    source:'), 'loads[0].retries', /delay/],
    ['empty retries', VALID.replace('    source:', '    retries: {}\n    source:'), 'loads[0].retries', /give attempts, backoff or both/],
    ['a bad freshness duration', VALID.replace('{ row_count: { min: 1 } }', '{ freshness: { column: updated_at, maxAge: soon } }'), 'loads[0].checks.final[0].freshness.maxAge', /expected a duration/],
  ])('refuses %s with the path inside the file', (_what, text, where, message) => {
    const issues = issuesOf(text);
    expect(issues.map((i) => i.path)).toContain(where);
    expect(issues.find((i) => i.path === where)?.message).toMatch(message);
  });

  it('accepts per-load retries and leaves them unset otherwise', () => {
    const p = parsePipeline('p.yaml', VALID.replace('    source:', '    retries: { attempts: 8, backoff: 30s }\n    source:'));
    expect(p.loads[0]?.retries).toEqual({ attempts: 8, backoff: '30s' });
    expect(parsePipeline('p.yaml', VALID.replace('    source:', '    retries: { backoff: 1h30m }\n    source:')).loads[0]?.retries).toEqual({ backoff: '1h30m' });
    expect(parsePipeline('p.yaml', VALID).loads[0]?.retries).toBeUndefined();
  });

  it('tells a field of the wrong type from a missing one', () => {
    const wrong = issuesOf(VALID.replace('catchup: false', 'catchup: false, maxActiveRuns: "two"'));
    expect(wrong.find((i) => i.path === 'schedule.maxActiveRuns')?.message).toBe('expected number');
    const missing = issuesOf(VALID.replace('    target: { table: analytics.users, key: [user_id], strategy: merge, orderBy: updated_at }\n', ''));
    expect(missing.find((i) => i.path === 'loads[0].target')?.message).toMatch(/^missing required field/);
  });

  it('refuses dependsOn on an unknown load', () => {
    const issues = issuesOf(VALID.replace('    source:', '    dependsOn: [orders]\n    source:'));
    expect(issues[0]).toMatchObject({ path: 'loads[0].dependsOn[0]', message: 'no load "orders" in this pipeline' });
  });
});

describe('loadPipelines', () => {
  it('refuses the whole directory when one file is bad, naming the file', async () => {
    const dir = await temp.make('pipelines-');
    await writeFile(path.join(dir, 'good.yaml'), VALID);
    await writeFile(path.join(dir, 'bad.yml'), VALID.replace('id: users', 'id: Bad Id'));
    await expect(loadPipelines(dir)).rejects.toThrow(/bad\.yml.* at id: .*lower-case/s);
  });

  it('refuses two files with the same id', async () => {
    const dir = await temp.make('pipelines-');
    await writeFile(path.join(dir, 'a.yaml'), VALID);
    await writeFile(path.join(dir, 'b.yaml'), VALID);
    await expect(loadPipelines(dir)).rejects.toThrow(/pipeline id "users" is also defined/);
  });

  it('finds one pipeline by id and lists the known ids otherwise', async () => {
    const dir = await temp.make('pipelines-');
    await writeFile(path.join(dir, 'users.yaml'), VALID);
    await expect(loadPipeline(dir, 'users')).resolves.toMatchObject({ definition: { id: 'users' } });
    await expect(loadPipeline(dir, 'orders')).rejects.toThrow(/no pipeline "orders" \(known: users\)/);
  });

  it('says so when the directory is missing', async () => {
    await expect(loadPipelines('/nonexistent/pipelines')).rejects.toThrow(/pipelines directory not found/);
  });
});
