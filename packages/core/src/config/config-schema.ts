import { z } from 'zod';

const compute = z.enum(['local'], { message: 'local (spark-submit in local mode)' });
const warehouseKind = z.enum(['postgres'], { message: 'postgres (the PostgreSQL protocol: local PostgreSQL or a Redshift endpoint)' });
const dialect = z.enum(['postgres', 'redshift'], { message: 'one of postgres, redshift' });
const logLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);
// The environment gives text; a file or a flag may give a number.
const wholeDays = z.preprocess(
  (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
  z.int('a whole number of days').min(1, 'at least 1 day').max(3650, 'at most 3650 days'),
);

export const ConfigSchema = z.strictObject({
  /** Directory of pipeline definition files. @defaultValue "./pipelines" */
  pipelinesDir: z.string().min(1),
  warehouse: z.strictObject({
    /** @defaultValue "postgres" */
    kind: warehouseKind,
    /** postgres:// URL; credentials from the secret take precedence over the URL's. */
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL')
      .optional(),
    /** SQL dialect; derived from the host when unset (a *.redshift*.amazonaws.com host is Redshift). */
    dialect: dialect.optional(),
  }),
  /** AWS Secrets Manager secret holding the warehouse credentials (Redshift secret JSON). */
  secretArn: z.string().min(1).optional(),
  /** AWS region for SDK clients; the SDK's own resolution applies when unset. */
  region: z.string().optional(),
  compute: z.strictObject({
    /** @defaultValue "local" */
    kind: compute,
    /** spark-submit executable. @defaultValue "<repo>/.venv/bin/spark-submit" when present, else "spark-submit" */
    sparkSubmit: z.string().optional(),
    /** Spark master for local mode. @defaultValue "local[2]" */
    master: z.string().min(1),
    /** Python interpreter for PySpark. @defaultValue the venv's python when present */
    python: z.string().optional(),
    /** JDBC driver jar for local reads. @defaultValue "/usr/share/java/postgresql.jar" */
    jdbcJar: z.string().min(1),
  }),
  /** Local path or s3:// URI where runs write intermediate files. @defaultValue "./.pipeline/tmp" */
  tempDir: z.string().min(1),
  /** @defaultValue "info" */
  logLevel,
  /** Finished runs older than this many days are removed from Redis by the scheduler. @defaultValue 30 */
  retentionDays: wholeDays,
  redis: z.strictObject({
    /** redis:// or rediss:// URL of the Redis that holds queues and run state. @defaultValue "redis://127.0.0.1:6379" */
    url: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL'),
    /** Namespace of one deployment's keys, hash-tagged so it fits one Redis Cluster slot. @defaultValue "pipeline" */
    keyPrefix: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'lower-case letters, digits, "-" and "_", starting with a letter'),
  }),
});

export type Config = z.output<typeof ConfigSchema>;

/** Deep-partial input accepted from a file, the environment or flags. */
export interface ConfigInput {
  pipelinesDir?: string;
  warehouse?: Partial<Config['warehouse']>;
  secretArn?: string;
  region?: string;
  compute?: Partial<Config['compute']>;
  tempDir?: string;
  logLevel?: string;
  retentionDays?: number | string;
  redis?: Partial<Config['redis']>;
}

export const DEFAULTS: Config = {
  pipelinesDir: './pipelines',
  warehouse: { kind: 'postgres' },
  compute: { kind: 'local', master: 'local[2]', jdbcJar: '/usr/share/java/postgresql.jar' },
  tempDir: './.pipeline/tmp',
  logLevel: 'info',
  retentionDays: 30,
  redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'pipeline' },
};
