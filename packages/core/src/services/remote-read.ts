import type { SparkReadSpec } from '../compute/spark-job.js';
import { ConfigError } from '../errors/config-error.js';
import type { WarehouseCredentials } from '../secrets/index.js';

/**
 * How a job on EMR reads the source. The job fetches the credentials from the secret itself, so
 * only the secret's ARN travels in the spec: `redshift` reads through the connector EMR ships
 * (UNLOAD into `unloadDir` with Redshift's role), `jdbc` through Spark's JDBC source.
 */
export function remoteRead(
  kind: 'jdbc' | 'redshift',
  credentials: WarehouseCredentials,
  settings: { secretArn: string; copyRoleArn: string; unloadDir: string; database?: string | undefined },
): SparkReadSpec {
  const { host, port, dbname, engine } = credentials;
  const database = settings.database ?? dbname;
  if (!host || !database) {
    throw new ConfigError(`the secret ${settings.secretArn} must hold host and dbname: the Spark job reads the source with them`, { code: 'E_CONFIG_SECRET' });
  }
  const redshiftEngine = kind === 'redshift' || engine === 'redshift';
  const url = `jdbc:${redshiftEngine ? 'redshift' : 'postgresql'}://${host.includes(':') ? `[${host}]` : host}:${port ?? (redshiftEngine ? 5439 : 5432)}/${encodeURIComponent(database)}`;
  return kind === 'redshift'
    ? { kind: 'redshift', url, tempdir: settings.unloadDir, iamRole: settings.copyRoleArn, secretArn: settings.secretArn }
    : { kind: 'jdbc', url, secretArn: settings.secretArn, fetchSize: 10_000 };
}
