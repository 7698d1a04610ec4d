import type { WarehouseCredentials } from './warehouse-credentials.js';

export interface SecretGetOptions {
  signal?: AbortSignal;
  /** Skip the cache and read the secret again. */
  forceRefresh?: boolean;
}

/** Where the warehouse credentials come from. */
export interface SecretProvider {
  /** Says where the secret lives, never what it holds: safe to print. */
  readonly description: string;
  get(options?: SecretGetOptions): Promise<WarehouseCredentials>;
  /** Forgets cached credentials, e.g. after the warehouse rejected them. */
  invalidate(): void;
}
