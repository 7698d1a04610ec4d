import type { SecretProvider } from './secret-provider.js';
import type { WarehouseCredentials } from './warehouse-credentials.js';

/**
 * Runs `fn` with the provider's credentials. When it fails with an authentication failure
 * (the secret was rotated since it was cached), reads the secret again and runs `fn` once more;
 * any other error, or a second failure, is thrown as is.
 *
 * If another caller has already refreshed the credentials in the meantime, those are used
 * instead of reading the secret once more, so a burst of failures costs one read.
 */
export async function withCredentialRefresh<T>(
  provider: SecretProvider,
  fn: (creds: WarehouseCredentials) => Promise<T>,
  isAuthFailure: (err: unknown) => boolean,
): Promise<T> {
  const used = await provider.get();
  try {
    return await fn(used);
  } catch (err) {
    if (!isAuthFailure(err)) throw err;
  }
  let fresh = await provider.get();
  if (sameCredentials(fresh, used)) {
    provider.invalidate();
    fresh = await provider.get({ forceRefresh: true });
  }
  return fn(fresh);
}

function sameCredentials(a: WarehouseCredentials, b: WarehouseCredentials): boolean {
  const fields: (keyof WarehouseCredentials)[] = ['engine', 'host', 'port', 'username', 'password', 'dbname'];
  return fields.every((field) => a[field] === b[field]);
}
