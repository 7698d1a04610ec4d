import { z } from 'zod';

const compute = z.enum(['local', 'emr', 'emr-serverless'], {
  message: 'one of local (spark-submit in local mode), emr (steps on an EMR cluster), emr-serverless (job runs on an EMR Serverless application)',
});
const warehouseKind = z.enum(['postgres', 'redshift-data'], {
  message: 'one of postgres (the PostgreSQL protocol: local PostgreSQL or a Redshift endpoint), redshift-data (the Redshift Data API)',
});
const sparkRead = z.enum(['jdbc', 'redshift'], { message: 'one of jdbc (Spark\'s JDBC source), redshift (the Redshift connector EMR ships: UNLOAD to S3)' });
const s3Uri = z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'an s3://bucket/prefix URI');
const httpUrl = z.string().refine(
  (v) => {
    try {
      return ['http:', 'https:'].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  },
  'an http:// or https:// URL',
);
const iamRoleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'an IAM role ARN such as arn:aws:iam::123456789012:role/pipeline-copy');
// The environment gives text; a file or a flag may give a boolean.
const flag = z.preprocess((v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v), z.boolean('true or false'));
const dialect = z.enum(['postgres', 'redshift'], { message: 'one of postgres, redshift' });
const logLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);
// The environment gives text; a file or a flag may give a number.
const port = z.preprocess(
  (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
  z.int('a port number').min(0, 'a port number from 0 to 65535').max(65535, 'a port number from 0 to 65535'),
);
// PutMetricData takes printable ASCII, 1 to 255 characters; `AWS/` is reserved for AWS's own services.
const cloudwatchNamespace = z
  .string()
  .regex(/^(?![:\s])[\x20-\x7e]{1,255}$/, 'a CloudWatch namespace: 1 to 255 printable ASCII characters, not starting with a space or ":"')
  .refine((v) => !v.startsWith('AWS/'), 'a namespace of your own, such as Pipeline: names starting with AWS/ are reserved for AWS services');
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
    /** redshift-data: the Redshift Serverless workgroup (or give `cluster`). */
    workgroup: z.string().min(1).optional(),
    /** redshift-data: the provisioned cluster identifier (or give `workgroup`). */
    cluster: z.string().min(1).optional(),
    /** redshift-data: the database. @defaultValue the secret's dbname */
    database: z.string().min(1).optional(),
    /** redshift-data on a provisioned cluster without a secret: the database user for temporary credentials. */
    dbUser: z.string().min(1).optional(),
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
    /**
     * How the Spark job reads the source. @defaultValue "redshift" on emr and emr-serverless when
     * the dialect is redshift, else "jdbc"
     */
    read: sparkRead.optional(),
    /** emr: the cluster's id (j-…), or give `emrClusterName`. */
    emrClusterId: z.string().regex(/^j-[A-Z0-9]{1,256}$/, 'an EMR cluster id such as j-2AXXXXXXGAPLF').optional(),
    /** emr: the name of the one active cluster to use. */
    emrClusterName: z.string().min(1).optional(),
    /**
     * emr: instead of a running cluster, a cluster started for each job and terminated after it
     * (RunJobFlow). As JSON in the environment.
     */
    emrTransient: z
      .preprocess(
        (v) => {
          if (typeof v !== 'string') return v;
          try {
            return JSON.parse(v) as unknown;
          } catch {
            return v;
          }
        },
        z.strictObject({
          releaseLabel: z.string().regex(/^emr-\d+\.\d+\.\d+$/, 'an EMR release such as emr-7.5.0'),
          instanceType: z.string().min(1),
          instanceCount: z.int().min(1).max(500),
          serviceRole: z.string().min(1),
          jobFlowRole: z.string().min(1),
          logUri: s3Uri,
          subnetId: z.string().min(1).optional(),
          tags: z.record(z.string(), z.string()).optional(),
        }, { message: 'a JSON object {releaseLabel, instanceType, instanceCount, serviceRole, jobFlowRole, logUri, subnetId?, tags?}' }),
      )
      .optional(),
    /** emr-serverless: the application id. */
    emrServerlessApplicationId: z.string().min(1).optional(),
    /** emr-serverless: the job runtime role the job runs as. */
    emrServerlessRoleArn: iamRoleArn.optional(),
    /** emr and emr-serverless: where job code is uploaded, under its content hash. @defaultValue "<tempDir>/code" */
    codeUri: s3Uri.optional(),
    /** emr-serverless: where job logs go (S3 monitoring configuration). */
    logUri: s3Uri.optional(),
  }),
  /** Redshift's IAM role for COPY (and the connector's UNLOAD): needed when the temp dir is in S3. */
  copyRoleArn: iamRoleArn.optional(),
  /** Path-style S3 addressing, for S3-compatible stand-ins. @defaultValue false */
  s3ForcePathStyle: flag,
  /** Local path or s3:// URI where runs write intermediate files. @defaultValue "./.pipeline/tmp" */
  tempDir: z.string().min(1),
  /** @defaultValue "info" */
  logLevel,
  /** Finished runs older than this many days are removed from Redis by the scheduler. @defaultValue 30 */
  retentionDays: wholeDays,
  /** Port of the worker's and the scheduler's `GET /metrics` (0: any free port); unset: not served. */
  metricsPort: port.optional(),
  /** Address the worker's and the scheduler's metrics listen on. @defaultValue "127.0.0.1" */
  metricsHost: z.string().min(1),
  metrics: z.strictObject({
    /**
     * CloudWatch namespace `pipeline scheduler` publishes the queue-depth metric to, which the
     * Fargate workers scale on (infra/README.md). Unset: nothing is published.
     */
    cloudwatchNamespace: cloudwatchNamespace.optional(),
  }),
  redis: z.strictObject({
    /** redis:// or rediss:// URL of the Redis that holds queues and run state. @defaultValue "redis://127.0.0.1:6379" */
    url: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL'),
    /** Namespace of one deployment's keys, hash-tagged so it fits one Redis Cluster slot. @defaultValue "pipeline" */
    keyPrefix: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'lower-case letters, digits, "-" and "_", starting with a letter'),
  }),
  api: z.strictObject({
    /**
     * Bearer token every HTTP API route except /health and /openapi.json requires. Without it the
     * server listens on loopback only. Long enough that guessing it is not an option.
     */
    token: z.string().min(16, 'at least 16 characters').optional(),
  }),
  alerts: z.strictObject({
    /**
     * Where `pipeline scheduler` POSTs alerts (a Slack incoming webhook or any receiver of the
     * same JSON). A credential: whoever has it can post to the channel. Unset: no alerts.
     */
    webhookUrl: httpUrl.optional(),
  }),
  /** Public base URL of `pipeline serve`, for links to `/runs/<runId>` in alerts. */
  dashboardUrl: httpUrl.optional(),
}).superRefine((c, ctx) => {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const s3Temp = /^s3:\/\//.test(c.tempDir);
  const remote = c.compute.kind !== 'local';
  if (c.warehouse.kind === 'redshift-data') {
    if ((c.warehouse.workgroup === undefined) === (c.warehouse.cluster === undefined)) {
      issue(['warehouse'], 'the redshift-data warehouse needs exactly one of PIPELINE_REDSHIFT_WORKGROUP (Serverless) or PIPELINE_REDSHIFT_CLUSTER (provisioned)');
    }
    if (!c.secretArn && !c.warehouse.dbUser && c.warehouse.cluster !== undefined && c.warehouse.database === undefined) {
      issue(['warehouse', 'database'], 'without PIPELINE_SECRET_ARN the redshift-data warehouse needs PIPELINE_REDSHIFT_DATABASE');
    }
    if (!remote) issue(['compute', 'kind'], 'the redshift-data warehouse loads from S3: use PIPELINE_COMPUTE=emr or emr-serverless with an s3:// PIPELINE_TEMP_DIR');
    if (c.warehouse.dialect === 'postgres') issue(['warehouse', 'dialect'], 'the redshift-data warehouse speaks the redshift dialect; leave PIPELINE_WAREHOUSE_DIALECT unset');
  }
  if (remote && !s3Temp) issue(['tempDir'], `the ${c.compute.kind} compute writes where the cluster can: set PIPELINE_TEMP_DIR to an s3://bucket/prefix`);
  if (!remote && s3Temp) issue(['tempDir'], 'local Spark writes to a local directory: set PIPELINE_TEMP_DIR to a path, or use PIPELINE_COMPUTE=emr');
  if (s3Temp && !c.copyRoleArn) issue(['copyRoleArn'], 'loading from S3 needs Redshift\'s IAM role for COPY: set PIPELINE_COPY_ROLE_ARN');
  if (remote && !c.secretArn) issue(['secretArn'], `on ${c.compute.kind} the job reads the warehouse credentials from Secrets Manager: set PIPELINE_SECRET_ARN`);
  const clusterChoices = [c.compute.emrClusterId, c.compute.emrClusterName, c.compute.emrTransient].filter((v) => v !== undefined).length;
  if (c.compute.kind === 'emr' && clusterChoices !== 1) {
    issue(['compute'], 'the emr compute needs exactly one of PIPELINE_EMR_CLUSTER_ID, PIPELINE_EMR_CLUSTER_NAME or PIPELINE_EMR_TRANSIENT');
  }
  if (c.compute.kind === 'emr-serverless') {
    if (!c.compute.emrServerlessApplicationId) issue(['compute', 'emrServerlessApplicationId'], 'the emr-serverless compute needs PIPELINE_EMR_SERVERLESS_APPLICATION_ID');
    if (!c.compute.emrServerlessRoleArn) issue(['compute', 'emrServerlessRoleArn'], 'the emr-serverless compute needs PIPELINE_EMR_SERVERLESS_ROLE_ARN (the job runtime role)');
  }
});

export type Config = z.output<typeof ConfigSchema>;

/** Deep-partial input accepted from a file, the environment or flags. */
export interface ConfigInput {
  pipelinesDir?: string;
  warehouse?: Partial<Config['warehouse']>;
  secretArn?: string;
  region?: string;
  compute?: Partial<Config['compute']>;
  copyRoleArn?: string;
  s3ForcePathStyle?: boolean | string;
  tempDir?: string;
  logLevel?: string;
  retentionDays?: number | string;
  metricsPort?: number | string;
  metricsHost?: string;
  metrics?: Partial<Config['metrics']>;
  redis?: Partial<Config['redis']>;
  api?: Partial<Config['api']>;
  alerts?: Partial<Config['alerts']>;
  dashboardUrl?: string;
}

export const DEFAULTS: Config = {
  pipelinesDir: './pipelines',
  warehouse: { kind: 'postgres' },
  compute: { kind: 'local', master: 'local[2]', jdbcJar: '/usr/share/java/postgresql.jar' },
  tempDir: './.pipeline/tmp',
  s3ForcePathStyle: false,
  logLevel: 'info',
  retentionDays: 30,
  metricsHost: '127.0.0.1',
  metrics: {},
  redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'pipeline' },
  api: {},
  alerts: {},
};
