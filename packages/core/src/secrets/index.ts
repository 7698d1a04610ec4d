export type { WarehouseCredentials } from './warehouse-credentials.js';
export { parseWarehouseSecret, validateWarehouseCredentials } from './warehouse-credentials.js';
export type { SecretGetOptions, SecretProvider } from './secret-provider.js';
export { EnvSecretProvider, WAREHOUSE_CREDENTIAL_ENV } from './env-secret-provider.js';
export { SecretsManagerProvider, type SecretsManagerProviderOptions } from './secrets-manager-provider.js';
export { mergeCredentials } from './merge-credentials.js';
export { withCredentialRefresh } from './with-credential-refresh.js';
export { isPostgresAuthFailure } from './is-postgres-auth-failure.js';
