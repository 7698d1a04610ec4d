import { describe, expect, it } from 'vitest';
import { SecretError } from '../errors/secret-error.js';
import { EnvSecretProvider } from './env-secret-provider.js';

describe('EnvSecretProvider', () => {
  it('reads the warehouse variables and leaves out empty ones', async () => {
    const provider = new EnvSecretProvider({
      PIPELINE_WAREHOUSE_USER: 'loader',
      PIPELINE_WAREHOUSE_PASSWORD: 'local-pass',
      PIPELINE_WAREHOUSE_HOST: '',
      PIPELINE_WAREHOUSE_PORT: '5433',
      PIPELINE_WAREHOUSE_DATABASE: 'dw',
    });
    await expect(provider.get()).resolves.toEqual({ username: 'loader', password: 'local-pass', port: 5433, dbname: 'dw' });
    expect(provider.description).toBe('environment');
  });

  it('gives no fields when nothing is set', async () => {
    await expect(new EnvSecretProvider({}).get()).resolves.toEqual({});
  });

  it('names the variable that is wrong', async () => {
    const attempt = new EnvSecretProvider({ PIPELINE_WAREHOUSE_PORT: 'five' }).get();
    await expect(attempt).rejects.toBeInstanceOf(SecretError);
    await expect(attempt).rejects.toMatchObject({ code: 'E_SECRET_FORMAT', message: expect.stringContaining('PIPELINE_WAREHOUSE_PORT (expected an integer') });
  });

  it('sees changes to the environment on the next get', async () => {
    const env: NodeJS.ProcessEnv = { PIPELINE_WAREHOUSE_USER: 'a' };
    const provider = new EnvSecretProvider(env);
    await provider.get();
    env.PIPELINE_WAREHOUSE_USER = 'b';
    await expect(provider.get()).resolves.toEqual({ username: 'b' });
  });
});
