import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretError } from '../errors/secret-error.js';
import { secretsManagerSdk, type SecretsManagerSdk } from '../lazy/lazy-modules.js';
import type { SecretGetOptions, SecretProvider } from './secret-provider.js';
import { secretsManagerError } from './secrets-manager-errors.js';
import { parseWarehouseSecret, type WarehouseCredentials } from './warehouse-credentials.js';

export interface SecretsManagerProviderOptions {
  /** The secret's ARN or name. */
  secretId: string;
  /**
   * The client to use. When absent one is built that follows the usual AWS settings
   * (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_SECRETS_MANAGER, …).
   */
  client?: SecretsManagerClient;
  /** Region for the client built when `client` is absent. @defaultValue from the AWS settings */
  region?: string;
  /** How long credentials are served from memory before being read again. @defaultValue 300_000 */
  ttlMs?: number;
  /** Clock in milliseconds. @defaultValue Date.now */
  now?: () => number;
}

interface Flight {
  readonly generation: number;
  readonly controller: AbortController;
  readonly promise: Promise<WarehouseCredentials>;
  waiters: number;
}

/**
 * Warehouse credentials from an AWS Secrets Manager secret in the Redshift format. Caches them
 * in memory for `ttlMs`; concurrent callers share one request; `invalidate()` guarantees that
 * the next `get()` reads the secret again, even while an older request is still under way.
 */
export class SecretsManagerProvider implements SecretProvider {
  readonly #secretId: string;
  readonly #options: SecretsManagerProviderOptions;
  #connection: Promise<{ sdk: SecretsManagerSdk; client: SecretsManagerClient }> | undefined;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #arn: string | undefined;
  #cache: { credentials: WarehouseCredentials; expiresAt: number } | undefined;
  #flight: Flight | undefined;
  // Bumped by invalidate(): a request started before it may return what was just rejected.
  #generation = 0;

  constructor(options: SecretsManagerProviderOptions) {
    this.#secretId = options.secretId;
    this.#options = options;
    this.#ttlMs = options.ttlMs ?? 300_000;
    this.#now = options.now ?? Date.now;
  }

  get description(): string {
    return `AWS Secrets Manager ${this.#arn ?? this.#secretId}`;
  }

  get(options: SecretGetOptions = {}): Promise<WarehouseCredentials> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const cached = this.#cache;
    if (!options.forceRefresh && cached && this.#now() < cached.expiresAt) {
      return Promise.resolve({ ...cached.credentials });
    }
    const flight = this.#flight?.generation === this.#generation ? this.#flight : this.#startFlight();
    return this.#wait(flight, signal).then((credentials) => ({ ...credentials }));
  }

  invalidate(): void {
    this.#cache = undefined;
    this.#generation += 1;
  }

  #startFlight(): Flight {
    const controller = new AbortController();
    const generation = this.#generation;
    const promise = this.#read(controller.signal).then(
      (credentials) => {
        if (this.#generation === generation) {
          this.#cache = { credentials, expiresAt: this.#now() + this.#ttlMs };
        }
        this.#land(flight);
        return credentials;
      },
      (err: unknown) => {
        this.#land(flight);
        throw err;
      },
    );
    const flight: Flight = { generation, controller, promise, waiters: 0 };
    this.#flight = flight;
    return flight;
  }

  #land(flight: Flight): void {
    if (this.#flight === flight) this.#flight = undefined;
  }

  // Each caller can give up on its own; the shared request is cancelled only when nobody is
  // left waiting for it.
  #wait(flight: Flight, signal: AbortSignal | undefined): Promise<WarehouseCredentials> {
    flight.waiters += 1;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        flight.waiters -= 1;
        if (flight.waiters === 0) {
          this.#land(flight);
          flight.controller.abort(signal?.reason);
        }
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (credentials) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(credentials);
        },
        (err: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  }

  /** The SDK and the client, loaded by the first read: a constructor cannot wait for the SDK to load. */
  #connect(): Promise<{ sdk: SecretsManagerSdk; client: SecretsManagerClient }> {
    const { client, region } = this.#options;
    this.#connection ??= secretsManagerSdk().then((sdk) => ({ sdk, client: client ?? new sdk.SecretsManagerClient(region ? { region } : {}) }));
    return this.#connection;
  }

  async #read(signal: AbortSignal): Promise<WarehouseCredentials> {
    const { sdk, client } = await this.#connect();
    let response;
    try {
      response = await client.send(new sdk.GetSecretValueCommand({ SecretId: this.#secretId }), { abortSignal: signal });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw secretsManagerError(err, this.#arn ?? this.#secretId);
    }
    if (response.ARN) this.#arn = response.ARN;
    const label = `the secret ${this.#arn ?? this.#secretId}`;
    if (typeof response.SecretString === 'string') return parseWarehouseSecret(response.SecretString, label);
    if (response.SecretBinary) return parseWarehouseSecret(new TextDecoder().decode(response.SecretBinary), label);
    throw new SecretError(`Secret ${this.#arn ?? this.#secretId} holds neither a SecretString nor a SecretBinary. Store the Redshift secret JSON in it.`, {
      code: 'E_SECRET_FORMAT',
      retryable: false,
    });
  }
}
