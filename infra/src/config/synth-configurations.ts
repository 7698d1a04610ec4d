/** A secret ARN of an external warehouse, for the external configuration. */
export const EXTERNAL_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:team/redshift-AbCdEf';

/**
 * The configurations `npm run infra:synth` synthesizes and the tests assert on: the defaults, and
 * two that change every choice (EMR Serverless, an external warehouse, no orchestrator, prebuilt
 * images, no NAT gateway, another name and prefix).
 */
export const CONFIGURATIONS: Record<string, Record<string, unknown>> = {
  default: {},
  serverless: {
    name: 'analytics',
    s3Prefix: 'etl/pipeline',
    computeKind: 'emr-serverless',
    baseCapacity: '32',
    maxCapacity: '128',
    workerMin: '2',
    workerMax: '10',
    schedulerReplicas: '2',
    redisReplicas: '0',
    natGateways: '0',
    interfaceEndpoints: 'secretsmanager,redshift-data,emr-serverless,ecr,logs,sts,monitoring',
    schedulerImage: 'pipeline:1.4.0-scheduler',
    workerImage: 'pipeline:1.4.0-worker',
    removalPolicy: 'destroy',
  },
  external: {
    warehouse: 'external',
    warehouseSecretArn: EXTERNAL_SECRET,
    redshiftClusterId: 'analytics-prod',
    database: 'warehouse',
    orchestrator: 'false',
    emrReleaseLabel: 'emr-7.5.0',
    stepConcurrency: '16',
    emrTlsCertificates: 's3://security-artifacts/emr/certs.zip',
  },
};
