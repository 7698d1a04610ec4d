import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { dialectFor } from '@pipeline/sql';
import { LocalSparkCompute } from '../compute/local-spark-compute.js';
import { localSparkPaths } from '../compute/spark-home.js';
import type { Config } from '../config/config-schema.js';
import { ConfigError } from '../errors/config-error.js';
import type { LoadServices } from '../load/load-run.js';
import type { Logger } from '../logging/index.js';
import { EnvSecretProvider, SecretsManagerProvider, mergeCredentials, type SecretProvider } from '../secrets/index.js';
import { PostgresWarehouse } from '../warehouse/postgres-warehouse.js';
import { dialectForUrl } from './warehouse-dialect.js';
import { jdbcReadFromUrl } from './jdbc-read.js';

export interface Services extends LoadServices {
  secrets: SecretProvider;
  close(): Promise<void>;
}

/** The secret provider the configuration asks for: Secrets Manager when an ARN is set, else the environment. */
export function secretProviderFor(config: Config, env: NodeJS.ProcessEnv = process.env): SecretProvider {
  return config.secretArn
    ? new SecretsManagerProvider({ secretId: config.secretArn, ...(config.region ? { region: config.region } : {}) })
    : new EnvSecretProvider(env);
}

/** Resolves the warehouse connection string from the URL and the secret (the secret's fields win). */
export async function resolveConnectionString(config: Config, secrets: SecretProvider, refresh = false): Promise<string> {
  return mergeCredentials(config.warehouse.url, await secrets.get({ forceRefresh: refresh }));
}

/** Builds the connections a run needs from a validated configuration. Call `close()` when done. */
export async function createServices(config: Config, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<Services> {
  if (config.tempDir.startsWith('s3://')) {
    throw new ConfigError('PIPELINE_TEMP_DIR=s3://… needs the emr compute; with local Spark use a local directory', { code: 'E_CONFIG_TEMP_DIR' });
  }
  const secrets = secretProviderFor(config, env);
  const connectionString = await resolveConnectionString(config, secrets);
  const dialect = dialectFor(config.warehouse.dialect ?? dialectForUrl(connectionString));
  const warehouse = new PostgresWarehouse({
    dialect,
    connectionString: async ({ refresh }) => (refresh ? resolveConnectionString(config, secrets, true) : connectionString),
  });
  const spark = localSparkPaths({ sparkSubmit: config.compute.sparkSubmit, python: config.compute.python });
  if (!spark.sparkDir) throw new ConfigError('cannot find the spark/ folder with the load job; run from the project checkout', { code: 'E_CONFIG_SPARK' });
  const compute = new LocalSparkCompute({
    sparkSubmit: spark.sparkSubmit,
    python: spark.python,
    sparkDir: spark.sparkDir,
    master: config.compute.master,
    jdbcJar: config.compute.jdbcJar,
  });
  const tempDir = path.resolve(config.tempDir);
  await mkdir(tempDir, { recursive: true });
  const { read, secretEnv } = jdbcReadFromUrl(connectionString);
  return {
    warehouse,
    compute,
    tempDir,
    read,
    secretEnv,
    logger,
    secrets,
    now: () => new Date(),
    close: () => warehouse.close(),
  };
}
