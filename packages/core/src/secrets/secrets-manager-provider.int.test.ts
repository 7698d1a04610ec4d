import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startEmbeddedPostgres, startMoto, uniqueName, type EmbeddedPostgresServer, type MotoServer } from '@pipeline/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { REDACTED, redactText } from '../logging/index.js';
import { isPostgresAuthFailure } from './is-postgres-auth-failure.js';
import { mergeCredentials } from './merge-credentials.js';
import { SecretsManagerProvider } from './secrets-manager-provider.js';
import type { WarehouseCredentials } from './warehouse-credentials.js';
import { withCredentialRefresh } from './with-credential-refresh.js';

const REGION = 'us-east-1';
const TEST_AWS_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

let moto: MotoServer;
let admin: SecretsManagerClient;
const created: string[] = [];

beforeAll(async () => {
  moto = await startMoto();
  admin = new SecretsManagerClient({ endpoint: moto.endpoint, region: REGION, credentials: TEST_AWS_CREDENTIALS });
});

afterAll(async () => {
  await Promise.all(created.map((SecretId) => admin.send(new DeleteSecretCommand({ SecretId, ForceDeleteWithoutRecovery: true }))));
  admin.destroy();
  await moto.stop();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

async function createSecret(value: { SecretString: string } | { SecretBinary: Uint8Array }): Promise<string> {
  const { ARN } = await admin.send(new CreateSecretCommand({ Name: uniqueName('warehouse'), ...value }));
  if (!ARN) throw new Error('moto returned no ARN');
  created.push(ARN);
  return ARN;
}

function putSecret(arn: string, credentials: WarehouseCredentials): Promise<unknown> {
  return admin.send(new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify(credentials) }));
}

/** A client of moto's server that counts the GetSecretValue requests sent through it. */
function countingClient() {
  const client = new SecretsManagerClient({ endpoint: moto.endpoint, region: REGION, credentials: TEST_AWS_CREDENTIALS });
  const counter = { requests: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      counter.requests += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return { client, counter };
}

const password = () => `pw-${randomBytes(9).toString('base64url')}`;

describe('SecretsManagerProvider against moto', () => {
  it('reads and parses a Redshift secret, and registers its password for redaction', async () => {
    const secret = password();
    const arn = await createSecret({
      SecretString: JSON.stringify({ engine: 'redshift', host: 'dw.example', port: '5439', username: 'loader', password: secret, dbname: 'dev' }),
    });
    const { client } = countingClient();
    const provider = new SecretsManagerProvider({ secretId: arn, client });

    await expect(provider.get()).resolves.toEqual({ engine: 'redshift', host: 'dw.example', port: 5439, username: 'loader', password: secret, dbname: 'dev' });
    expect(provider.description).toBe(`AWS Secrets Manager ${arn}`);
    expect(redactText(`postgres://loader:${secret}@dw.example`)).not.toContain(secret);
    expect(redactText(secret)).toBe(REDACTED);
  });

  it('reads a SecretBinary', async () => {
    const arn = await createSecret({ SecretBinary: new TextEncoder().encode(JSON.stringify({ username: 'bin', password: password() })) });
    const provider = new SecretsManagerProvider({ secretId: arn, client: countingClient().client });
    await expect(provider.get()).resolves.toMatchObject({ username: 'bin' });
  });

  it('serves from memory within the TTL, shares concurrent reads, and reads again after it', async () => {
    const arn = await createSecret({ SecretString: JSON.stringify({ password: 'first-pass' }) });
    const { client, counter } = countingClient();
    let clock = 1_000;
    const provider = new SecretsManagerProvider({ secretId: arn, client, ttlMs: 60_000, now: () => clock });

    const concurrent = await Promise.all(Array.from({ length: 5 }, () => provider.get()));
    expect(concurrent.map((creds) => creds.password)).toEqual(Array(5).fill('first-pass'));
    expect(counter.requests).toBe(1);

    await putSecret(arn, { password: 'second-pass' });
    clock += 59_999;
    await expect(provider.get()).resolves.toMatchObject({ password: 'first-pass' });
    expect(counter.requests).toBe(1);

    clock += 1;
    await expect(provider.get()).resolves.toMatchObject({ password: 'second-pass' });
    expect(counter.requests).toBe(2);
  });

  it('reads again on forceRefresh and after invalidate()', async () => {
    const arn = await createSecret({ SecretString: JSON.stringify({ password: 'p-one' }) });
    const { client, counter } = countingClient();
    const provider = new SecretsManagerProvider({ secretId: arn, client });

    await provider.get();
    await putSecret(arn, { password: 'p-two' });
    await expect(provider.get({ forceRefresh: true })).resolves.toMatchObject({ password: 'p-two' });
    await putSecret(arn, { password: 'p-three' });
    provider.invalidate();
    await expect(provider.get()).resolves.toMatchObject({ password: 'p-three' });
    expect(counter.requests).toBe(3);
  });

  it('names the malformed fields of a stored secret without their values', async () => {
    const secret = password();
    const arn = await createSecret({ SecretString: JSON.stringify({ password: secret, port: 'five-four-three-nine' }) });
    const provider = new SecretsManagerProvider({ secretId: arn, client: countingClient().client });

    const err = await provider.get().then(
      () => new Error('expected the read to fail'),
      (e: unknown) => e as Error,
    );
    expect(err).toMatchObject({ name: 'SecretError', code: 'E_SECRET_FORMAT', retryable: false });
    expect(err.message).toContain(arn);
    expect(err.message).toContain('port (expected');
    expect(err.message).not.toMatch(/five-four-three-nine/);
    expect(err.message).not.toContain(secret);
  });

  it('reports a missing secret as non-retryable, with what to check', async () => {
    const provider = new SecretsManagerProvider({ secretId: uniqueName('missing'), client: countingClient().client });
    await expect(provider.get()).rejects.toMatchObject({
      code: 'E_SECRET_NOT_FOUND',
      retryable: false,
      message: expect.stringContaining('PIPELINE_SECRET_ARN'),
    });
  });

  it('builds its own client that follows AWS_ENDPOINT_URL_SECRETS_MANAGER', async () => {
    const arn = await createSecret({ SecretString: JSON.stringify({ username: 'from-env-endpoint' }) });
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', moto.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', TEST_AWS_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', TEST_AWS_CREDENTIALS.secretAccessKey);
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    const provider = new SecretsManagerProvider({ secretId: arn, region: REGION });
    await expect(provider.get()).resolves.toEqual({ username: 'from-env-endpoint' });
  });
});

describe('withCredentialRefresh against PostgreSQL and moto', () => {
  // The shared CI server trusts every login from 127.0.0.1, so it can never refuse a password.
  // This server checks passwords (scram-sha-256) and answers a wrong one with 28P01.
  let server: EmbeddedPostgresServer;

  beforeAll(async () => {
    server = await startEmbeddedPostgres();
  });

  afterAll(async () => {
    await server?.stop();
  });

  async function connectAs(creds: WarehouseCredentials): Promise<string> {
    const client = new pg.Client({ connectionString: mergeCredentials(server.url, creds), connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      const { rows } = await client.query<{ user: string }>('SELECT current_user AS user');
      return rows[0]?.user ?? '';
    } finally {
      await client.end();
    }
  }

  it('retries once with the rotated password after the warehouse refuses the cached one', async () => {
    const role = uniqueName('loader');
    const rightPassword = password();
    const setup = new pg.Client({ connectionString: server.url });
    await setup.connect();
    // CREATE ROLE takes no bind parameters: the password goes in as an escaped literal.
    await setup.query(`CREATE ROLE ${pg.escapeIdentifier(role)} LOGIN PASSWORD ${pg.escapeLiteral(rightPassword)}`);

    try {
      const arn = await createSecret({ SecretString: JSON.stringify({ username: role, password: 'not-the-password' }) });
      const { client, counter } = countingClient();
      const provider = new SecretsManagerProvider({ secretId: arn, client });
      await provider.get();
      await putSecret(arn, { username: role, password: rightPassword });

      const failures: unknown[] = [];
      const user = await withCredentialRefresh(
        provider,
        (creds) =>
          connectAs(creds).catch((err: unknown) => {
            failures.push(err);
            throw err;
          }),
        isPostgresAuthFailure,
      );

      expect(user).toBe(role);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ code: '28P01' });
      expect(counter.requests).toBe(2);
    } finally {
      await setup.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`);
      await setup.end();
    }
  });
});
