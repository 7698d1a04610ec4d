import { describe, expect, it } from 'vitest';
import type { SecretGetOptions, SecretProvider } from './secret-provider.js';
import type { WarehouseCredentials } from './warehouse-credentials.js';
import { withCredentialRefresh } from './with-credential-refresh.js';

/** A provider over a mutable "stored" secret, with a cache like the real ones. */
class StoredSecretProvider implements SecretProvider {
  readonly description = 'test store';
  reads = 0;
  #cached: WarehouseCredentials | undefined;
  constructor(public stored: WarehouseCredentials) {}
  async get(options: SecretGetOptions = {}): Promise<WarehouseCredentials> {
    if (!this.#cached || options.forceRefresh) {
      this.reads += 1;
      this.#cached = { ...this.stored };
    }
    return { ...this.#cached };
  }
  invalidate(): void {
    this.#cached = undefined;
  }
}

const authFailure = Object.assign(new Error('password authentication failed'), { code: '28P01' });
const isAuthFailure = (err: unknown) => err === authFailure;

describe('withCredentialRefresh', () => {
  it('returns the result when the first attempt succeeds, without reading again', async () => {
    const provider = new StoredSecretProvider({ password: 'right' });
    await expect(withCredentialRefresh(provider, async (creds) => creds.password, isAuthFailure)).resolves.toBe('right');
    expect(provider.reads).toBe(1);
  });

  it('reads the secret again once after an authentication failure and retries', async () => {
    const provider = new StoredSecretProvider({ password: 'old' });
    await provider.get();
    provider.stored = { password: 'rotated' };
    const seen: (string | undefined)[] = [];

    const result = await withCredentialRefresh(
      provider,
      async (creds) => {
        seen.push(creds.password);
        if (creds.password !== 'rotated') throw authFailure;
        return 'connected';
      },
      isAuthFailure,
    );

    expect(result).toBe('connected');
    expect(seen).toEqual(['old', 'rotated']);
    expect(provider.reads).toBe(2);
  });

  it('retries only once', async () => {
    const provider = new StoredSecretProvider({ password: 'wrong' });
    let attempts = 0;
    const attempt = withCredentialRefresh(
      provider,
      async () => {
        attempts += 1;
        throw authFailure;
      },
      isAuthFailure,
    );
    await expect(attempt).rejects.toBe(authFailure);
    expect(attempts).toBe(2);
  });

  it('does not retry other failures', async () => {
    const provider = new StoredSecretProvider({ password: 'p' });
    const other = new Error('syntax error');
    let attempts = 0;
    const attempt = withCredentialRefresh(
      provider,
      async () => {
        attempts += 1;
        throw other;
      },
      isAuthFailure,
    );
    await expect(attempt).rejects.toBe(other);
    expect(attempts).toBe(1);
    expect(provider.reads).toBe(1);
  });

  it('uses credentials another caller already refreshed instead of reading again', async () => {
    const provider = new StoredSecretProvider({ password: 'old' });
    const first = await provider.get();
    provider.stored = { password: 'rotated' };
    // Another caller refreshes between this caller's failure and its retry.
    const result = await withCredentialRefresh(
      provider,
      async (creds) => {
        if (creds.password === first.password) {
          await provider.get({ forceRefresh: true });
          throw authFailure;
        }
        return creds.password;
      },
      isAuthFailure,
    );
    expect(result).toBe('rotated');
    expect(provider.reads).toBe(2);
  });
});
