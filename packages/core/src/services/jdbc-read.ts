import type { SparkReadSpec } from '../compute/spark-job.js';

/** Name of the environment variable that carries the source password to the Spark job. */
export const JDBC_PASSWORD_ENV = 'PIPELINE_JDBC_PASSWORD';

/**
 * Turns a postgres:// connection string into the JDBC settings the Spark job reads with. The
 * password goes into the job's environment, never into its spec or command line.
 */
export function jdbcReadFromUrl(connectionString: string): { read: SparkReadSpec; secretEnv: Record<string, string> } {
  const url = new URL(connectionString);
  const host = url.hostname || '127.0.0.1';
  const port = url.port || '5432';
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username) || 'postgres';
  const query = new URLSearchParams();
  const sslmode = url.searchParams.get('sslmode');
  if (sslmode) query.set('sslmode', sslmode);
  const jdbcUrl = `jdbc:postgresql://${host.includes(':') ? `[${host}]` : host}:${port}/${encodeURIComponent(database)}${query.size ? `?${query}` : ''}`;
  const password = decodeURIComponent(url.password);
  const user = decodeURIComponent(url.username) || process.env.USER || 'postgres';
  return {
    read: { kind: 'jdbc', url: jdbcUrl, user, ...(password ? { passwordEnv: JDBC_PASSWORD_ENV } : {}), fetchSize: 10_000 },
    secretEnv: password ? { [JDBC_PASSWORD_ENV]: password } : {},
  };
}
