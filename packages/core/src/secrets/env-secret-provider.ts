import type { SecretGetOptions, SecretProvider } from './secret-provider.js';
import { validateWarehouseCredentials, type WarehouseCredentials } from './warehouse-credentials.js';

/** The environment variables {@link EnvSecretProvider} reads, by credential field. */
export const WAREHOUSE_CREDENTIAL_ENV = {
  username: 'PIPELINE_WAREHOUSE_USER',
  password: 'PIPELINE_WAREHOUSE_PASSWORD',
  host: 'PIPELINE_WAREHOUSE_HOST',
  port: 'PIPELINE_WAREHOUSE_PORT',
  dbname: 'PIPELINE_WAREHOUSE_DATABASE',
} as const;

/**
 * Credentials from environment variables, for local use. All are optional: what is missing is
 * taken from the warehouse URL. Read on every `get()`, so there is nothing to invalidate.
 */
export class EnvSecretProvider implements SecretProvider {
  readonly description = 'environment';
  readonly #env: NodeJS.ProcessEnv;

  /** @param env @defaultValue process.env */
  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.#env = env;
  }

  async get(options: SecretGetOptions = {}): Promise<WarehouseCredentials> {
    options.signal?.throwIfAborted();
    const raw: Record<string, string> = {};
    for (const [field, name] of Object.entries(WAREHOUSE_CREDENTIAL_ENV)) {
      const value = this.#env[name];
      if (value !== undefined && value !== '') raw[field] = value;
    }
    return validateWarehouseCredentials(raw, 'the environment', (field) => {
      return field in WAREHOUSE_CREDENTIAL_ENV ? WAREHOUSE_CREDENTIAL_ENV[field as keyof typeof WAREHOUSE_CREDENTIAL_ENV] : field;
    });
  }

  invalidate(): void {}
}
