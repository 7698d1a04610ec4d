import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { dialectFor, type DialectName } from '@pipeline/sql';
import { EmrServerlessCompute } from '../compute/emr-serverless-compute.js';
import { EmrStepsCompute } from '../compute/emr-steps-compute.js';
import { LocalSparkCompute } from '../compute/local-spark-compute.js';
import type { Compute, SparkReadSpec } from '../compute/spark-job.js';
import { localSparkPaths } from '../compute/spark-home.js';
import type { Config } from '../config/config-schema.js';
import { ConfigError } from '../errors/config-error.js';
import type { LoadServices } from '../load/load-run.js';
import type { Logger } from '../logging/index.js';
import { EnvSecretProvider, SecretsManagerProvider, mergeCredentials, type SecretProvider } from '../secrets/index.js';
import { objectStoreFor, type ObjectStore } from '../storage/index.js';
import { PostgresWarehouse } from '../warehouse/postgres-warehouse.js';
import { RedshiftDataWarehouse } from '../warehouse/redshift-data-warehouse.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { remoteRead } from './remote-read.js';
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
  const secrets = secretProviderFor(config, env);
  const remote = config.compute.kind !== 'local';
  const { tempDir, store } = tempStore(config);
  if (!remote) await mkdir(tempDir, { recursive: true });

  const { warehouse, dialect, connectionString } = await createWarehouse(config, secrets);
  const spark = localSparkPaths({ sparkSubmit: config.compute.sparkSubmit, python: config.compute.python });
  if (!spark.sparkDir) throw new ConfigError('cannot find the spark/ folder with the load job; run from the project checkout', { code: 'E_CONFIG_SPARK' });

  let compute: Compute;
  let read: SparkReadSpec;
  let secretEnv: Record<string, string> = {};
  if (!remote) {
    compute = new LocalSparkCompute({ sparkSubmit: spark.sparkSubmit, python: spark.python, sparkDir: spark.sparkDir, master: config.compute.master, jdbcJar: config.compute.jdbcJar });
    ({ read, secretEnv } = jdbcReadFromUrl(connectionString!));
  } else {
    compute = createRemoteCompute(config, { tempDir, store }, spark.sparkDir);
    const readKind = config.compute.read ?? (dialect === 'redshift' ? 'redshift' : 'jdbc');
    // sparkJobSpec points the connector's UNLOAD at each load's own temp folder.
    read = remoteRead(readKind, await secrets.get(), {
      secretArn: config.secretArn!,
      copyRoleArn: config.copyRoleArn!,
      unloadDir: `${tempDir}/unload`,
      database: config.warehouse.database,
    });
  }
  return {
    warehouse,
    compute,
    tempDir,
    store,
    ...(config.copyRoleArn ? { copy: { iamRoleArn: config.copyRoleArn, ...(config.region ? { region: config.region } : {}) } } : {}),
    read,
    secretEnv,
    logger,
    secrets,
    now: () => new Date(),
    close: () => warehouse.close(),
  };
}

/** The warehouse the configuration names, with its dialect (and, over the PostgreSQL protocol, the connection string). */
export async function createWarehouse(config: Config, secrets: SecretProvider): Promise<{ warehouse: Warehouse; dialect: DialectName; connectionString?: string }> {
  if (config.warehouse.kind === 'redshift-data') {
    const { workgroup, cluster, database, dbUser } = config.warehouse;
    const db = database ?? (config.secretArn ? (await secrets.get()).dbname : undefined);
    if (!db) throw new ConfigError('the redshift-data warehouse needs a database: set PIPELINE_REDSHIFT_DATABASE or put dbname in the secret', { code: 'E_CONFIG' });
    const warehouse = new RedshiftDataWarehouse({
      target: workgroup ? { workgroupName: workgroup } : { clusterIdentifier: cluster! },
      database: db,
      ...(config.secretArn ? { secretArn: config.secretArn } : {}),
      ...(dbUser ? { dbUser } : {}),
      ...(config.region ? { region: config.region } : {}),
    });
    return { warehouse, dialect: 'redshift' };
  }
  const connectionString = await resolveConnectionString(config, secrets);
  const name = config.warehouse.dialect ?? dialectForUrl(connectionString);
  const warehouse = new PostgresWarehouse({
    dialect: dialectFor(name),
    connectionString: async ({ refresh }) => (refresh ? resolveConnectionString(config, secrets, true) : connectionString),
  });
  return { warehouse, dialect: name, connectionString };
}

/** The run files' place (a resolved local path or an s3:// prefix) and the store that serves it. */
export function tempStore(config: Config): { tempDir: string; store: ObjectStore } {
  const s3 = { ...(config.region ? { region: config.region } : {}), ...(config.s3ForcePathStyle ? { forcePathStyle: true } : {}) };
  const tempDir = /^s3:\/\//.test(config.tempDir) ? config.tempDir.replace(/\/+$/, '') : path.resolve(config.tempDir);
  return { tempDir, store: objectStoreFor(tempDir, { s3 }) };
}

/** The emr or emr-serverless compute the configuration names. */
export function createRemoteCompute(config: Config, temp: { tempDir: string; store: ObjectStore }, sparkDir: string): Compute {
  const shared = { store: temp.store, sparkDir, codePrefix: config.compute.codeUri ?? `${temp.tempDir}/code` };
  const region = config.region ? { region: config.region } : {};
  const c = config.compute;
  if (c.kind === 'emr') {
    if (c.emrTransient) return new EmrStepsCompute({ ...shared, ...region, transient: c.emrTransient });
    return new EmrStepsCompute({ ...shared, ...region, cluster: c.emrClusterId ? { id: c.emrClusterId } : { name: c.emrClusterName! } });
  }
  return new EmrServerlessCompute({
    ...shared,
    ...region,
    applicationId: c.emrServerlessApplicationId!,
    executionRoleArn: c.emrServerlessRoleArn!,
    ...(c.logUri ? { logUri: c.logUri } : {}),
  });
}
