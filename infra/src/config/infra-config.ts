import { z } from 'zod';

/**
 * Context values arrive as strings from `-c key=value` and as JSON values from cdk.json, so every
 * number and boolean accepts both forms. A plain `z.coerce.boolean()` would read "false" as true.
 */
const int = (min: number, max: number) =>
  z.union([z.number(), z.string().regex(/^\d+$/, 'a whole number').transform(Number)]).pipe(z.number().int().min(min).max(max));

const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], { error: 'true or false' });

const list = <T extends z.ZodType<string, string>>(item: T) =>
  z.union([z.array(z.string()), z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))]).pipe(z.array(item));

const name = z.string().regex(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, 'lower-case letters, digits and "-", 3–32 characters, starting with a letter');
const s3Prefix = z.string().regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'an S3 key prefix without leading or trailing "/"');
const ecrImage = z.string().regex(/^[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9_.-]{1,128}$/, 'an ECR repository name and tag, e.g. pipeline:1.4.0-worker');

/** The interface endpoints the network stack can add, by the name the parameter takes. */
export const INTERFACE_ENDPOINTS = ['secretsmanager', 'redshift-data', 'elasticmapreduce', 'emr-serverless', 'ecr', 'logs', 'monitoring', 'sts'] as const;

/**
 * Every parameter of the CDK app (`-c key=value`), with its default. Defaults are listed in
 * infra/README.md; keep the two together.
 */
export const InfraConfigSchema = z
  .strictObject({
    /** Names the stacks (`<name>-storage`, …) and the resources that need a name. @defaultValue "pipeline" */
    name: name.default('pipeline'),
    /** Key prefix under which runs, job code and logs live in the bucket. @defaultValue "pipeline" */
    s3Prefix: s3Prefix.default('pipeline'),
    /** Days after which files under `runs/` are deleted (what failed runs leave behind). @defaultValue 14 */
    runFilesExpireDays: int(1, 3650).default(14),
    /** Days after which EMR and EMR Serverless logs under `logs/` are deleted. @defaultValue 30 */
    logsExpireDays: int(1, 3650).default(30),
    /** `retain` keeps the bucket, the namespace and Redis snapshots when a stack is deleted. @defaultValue "retain" */
    removalPolicy: z.enum(['retain', 'destroy']).default('retain'),

    /** Availability zones of the VPC. Redshift Serverless wants subnets in three. @defaultValue the region's first three (two when the stack has no account and region) */
    availabilityZones: list(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, 'an availability zone such as eu-west-1a')).optional(),
    /** NAT gateways (0 only when every service the tasks call has an interface endpoint). @defaultValue 1 */
    natGateways: int(0, 3).default(1),
    /** Interface endpoints in addition to the S3 gateway endpoint. @defaultValue ["secretsmanager"] */
    interfaceEndpoints: list(z.enum(INTERFACE_ENDPOINTS)).default(['secretsmanager']),

    /** `serverless`: this app creates the namespace, workgroup and secrets. `external`: bring your own. @defaultValue "serverless" */
    warehouse: z.enum(['serverless', 'external']).default('serverless'),
    /** Redshift Serverless base capacity in RPUs (8–1024, a multiple of 8). @defaultValue 8 */
    baseCapacity: int(8, 1024).refine((v) => v % 8 === 0, 'a multiple of 8').default(8),
    /** Redshift Serverless maximum capacity in RPUs, the bill's ceiling. @defaultValue none (the service's own limit) */
    maxCapacity: int(8, 1024).refine((v) => v % 8 === 0, 'a multiple of 8').optional(),
    /** The database the pipeline reads and writes. @defaultValue "dev" */
    database: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case database name').default('dev'),
    /** The database user whose credentials the pipeline secret holds. @defaultValue "pipeline" */
    pipelineDbUser: z.string().regex(/^[a-z_][a-z0-9_]{0,126}$/, 'a lower-case user name').default('pipeline'),
    /** Days between rotations of the pipeline user's password. @defaultValue 30 */
    rotationDays: int(1, 365).default(30),
    /** `external` warehouse: the full ARN of the Redshift secret JSON. */
    warehouseSecretArn: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/, 'a complete secret ARN, with its six-character suffix').optional(),
    /** `external` warehouse: the Serverless workgroup's name (with `redshiftWorkgroupId`)… */
    redshiftWorkgroupName: z.string().regex(/^[a-z0-9-]{3,64}$/, 'a workgroup name: 3–64 lower-case letters, digits and "-"').optional(),
    /** …and its id (a UUID), which its ARN is made of. */
    redshiftWorkgroupId: z.uuid('the workgroup id, a UUID (aws redshift-serverless get-workgroup --query workgroup.workgroupId)').optional(),
    /** `external` warehouse: or the provisioned cluster's identifier. */
    redshiftClusterId: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'a cluster identifier').optional(),

    /** Where Spark runs: steps on an EMR cluster, or job runs on an EMR Serverless application. @defaultValue "emr" */
    computeKind: z.enum(['emr', 'emr-serverless']).default('emr'),
    /** EMR release of the cluster or application. @defaultValue "emr-7.9.0" */
    emrReleaseLabel: z.string().regex(/^emr-7\.\d+\.\d+$/, 'an emr-7.x release label such as emr-7.9.0 (the job needs Spark 3.5)').default('emr-7.9.0'),
    /** EMR on EC2: instance type of the primary and core nodes. @defaultValue "m5.xlarge" */
    emrInstanceType: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'an EC2 instance type such as m5.xlarge').default('m5.xlarge'),
    /** EMR on EC2: core nodes. @defaultValue 2 */
    emrCoreInstances: int(1, 100).default(2),
    /** EMR on EC2: steps that run at once; at least the workers' total Spark concurrency. @defaultValue 8 */
    stepConcurrency: int(1, 256).default(8),
    /** EMR on EC2: minutes without a running step after which the cluster terminates itself (EMR allows up to 7 days). @defaultValue 10080 */
    emrIdleTimeoutMinutes: int(1, 10080).default(10080),
    /** EMR on EC2: raise by one to replace a cluster that terminated (idle timeout, failure). @defaultValue 1 */
    emrClusterRevision: int(1, 9999).default(1),
    /** EMR on EC2: the PEM zip for in-transit encryption. @defaultValue `s3://<bucket>/<s3Prefix>/emr/tls-certificates.zip` */
    emrTlsCertificates: z.string().regex(/^s3:\/\/[a-z0-9.-]{3,63}\/.+\.zip$/, 'an s3:// URI of a zip file').optional(),
    /** EMR Serverless: `ARM64` or `X86_64`. @defaultValue "ARM64" */
    serverlessArchitecture: z.enum(['ARM64', 'X86_64']).default('ARM64'),
    /** EMR Serverless: the most vCPUs the application may use at once, the bill's ceiling. @defaultValue 64 */
    serverlessMaxVcpu: int(1, 4000).default(64),
    /** EMR Serverless: the most memory in GB. @defaultValue 256 */
    serverlessMaxMemoryGb: int(1, 16000).default(256),
    /** EMR Serverless: minutes idle before the application stops (it starts again on the next job). @defaultValue 15 */
    serverlessIdleMinutes: int(1, 10080).default(15),

    /** Whether to create Redis and the scheduler and worker services. @defaultValue true */
    orchestrator: bool.default(true),
    /** Scheduler tasks; any number is safe. @defaultValue 1 */
    schedulerReplicas: int(1, 10).default(1),
    /** Fewest worker tasks. @defaultValue 1 */
    workerMin: int(0, 100).default(1),
    /** Most worker tasks. @defaultValue 4 */
    workerMax: int(1, 100).default(4),
    /** Phases each worker task runs at once (`pipeline worker --concurrency`). @defaultValue 2 */
    workerConcurrency: int(1, 64).default(2),
    /** Queue depth (waiting jobs, both queues) per extra worker task when scaling out. @defaultValue 4 */
    workerScaleStep: int(1, 1000).default(4),
    /** Redis key prefix of this deployment (`PIPELINE_KEY_PREFIX`). @defaultValue "pipeline" */
    keyPrefix: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, ".", "_" and "-"').default('pipeline'),
    /** ElastiCache node type. @defaultValue "cache.t4g.small" */
    redisNodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, 'an ElastiCache node type such as cache.t4g.small').default('cache.t4g.small'),
    /** Read replicas beside the primary; 1 or more gives Multi-AZ with automatic failover. @defaultValue 1 */
    redisReplicas: int(0, 5).default(1),
    /** Prebuilt scheduler image in this account's ECR (`repository:tag`), instead of building the Dockerfile at deploy. */
    schedulerImage: ecrImage.optional(),
    /** Prebuilt worker image in this account's ECR (`repository:tag`). */
    workerImage: ecrImage.optional(),
  })
  .superRefine((c, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.workerMin > c.workerMax) issue('workerMin', `must not exceed workerMax (${c.workerMax})`);
    if (c.maxCapacity !== undefined && c.maxCapacity < c.baseCapacity) issue('maxCapacity', `must be at least baseCapacity (${c.baseCapacity})`);
    if ((c.schedulerImage === undefined) !== (c.workerImage === undefined)) issue(c.schedulerImage ? 'workerImage' : 'schedulerImage', 'give both schedulerImage and workerImage, or neither');
    if ((c.redshiftWorkgroupName === undefined) !== (c.redshiftWorkgroupId === undefined)) {
      issue(c.redshiftWorkgroupName ? 'redshiftWorkgroupId' : 'redshiftWorkgroupName', 'give redshiftWorkgroupName and redshiftWorkgroupId together');
    }
    const external = [c.warehouseSecretArn, c.redshiftWorkgroupName, c.redshiftWorkgroupId, c.redshiftClusterId].some((v) => v !== undefined);
    if (c.warehouse === 'serverless' && external) {
      issue('warehouse', 'warehouseSecretArn, redshiftWorkgroup* and redshiftClusterId describe an external warehouse: add -c warehouse=external, or drop them');
    }
    if (c.warehouse === 'external') {
      if (!c.warehouseSecretArn) issue('warehouseSecretArn', 'required with warehouse=external: the Redshift secret JSON the pipeline logs in with');
      if ((c.redshiftWorkgroupName === undefined) === (c.redshiftClusterId === undefined)) {
        issue('redshiftClusterId', 'warehouse=external needs either redshiftWorkgroupName with redshiftWorkgroupId, or redshiftClusterId (one of them)');
      }
    }
    if (c.natGateways === 0) {
      const needed = ['secretsmanager', 'redshift-data', 'ecr', 'logs', 'sts', c.computeKind === 'emr' ? 'elasticmapreduce' : 'emr-serverless'] as const;
      const missing = needed.filter((e) => !c.interfaceEndpoints.includes(e));
      if (missing.length > 0) issue('natGateways', `0 needs interface endpoints for ${missing.join(', ')} (add them to interfaceEndpoints), or keep a NAT gateway`);
    }
  });

/** The validated parameters of one synthesis. */
export type InfraConfig = z.output<typeof InfraConfigSchema>;

/** The parameter names, for the unknown-parameter check and the docs. */
export const INFRA_PARAMETERS = Object.keys(InfraConfigSchema.shape) as (keyof InfraConfig)[];
