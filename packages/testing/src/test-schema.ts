import pg from 'pg';
import { uniqueName } from './unique-name.js';

export interface TestSchema {
  /** The schema's name, safe to use unquoted. */
  schema: string;
  /** Drops the schema and everything in it. Safe to call more than once. */
  drop(): Promise<void>;
}

const SAFE_PREFIX = /^[a-z_][a-z0-9_]{0,40}$/;

/** Creates a schema with a unique name (`<prefix>_<random hex>`) for one test. */
export async function createTestSchema(url: string, prefix: string): Promise<TestSchema> {
  if (!SAFE_PREFIX.test(prefix)) {
    throw new Error(`Schema prefix "${prefix}" must be lower-case letters, digits and underscores, starting with a letter or underscore, at most 41 characters.`);
  }
  const schema = uniqueName(prefix);
  await execute(url, `CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
  return {
    schema,
    drop: () => execute(url, `DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`),
  };
}

async function execute(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
