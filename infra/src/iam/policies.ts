import * as iam from 'aws-cdk-lib/aws-iam';
import type { BucketLayout } from './bucket-layout.js';

/**
 * The least-privilege policies of docs/aws.md, section 2, with the deployed resources' ARNs.
 * Each `*` resource is where the service offers no narrower one, and says so beside it; the
 * tests keep a list of exactly these exceptions.
 */

const allow = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
  new iam.PolicyStatement({ sid, effect: iam.Effect.ALLOW, actions, resources, ...(conditions ? { conditions } : {}) });

/** Redshift's role (`PIPELINE_COPY_ROLE_ARN`): COPY reads a load's files, UNLOAD writes the connector's. */
export function copyRolePolicy(layout: BucketLayout): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      allow('CopyReads', ['s3:GetObject'], [layout.objects('runs/*')]),
      allow('UnloadWrites', ['s3:PutObject'], [layout.objects('runs/*/unload/*')]),
      allow('ListRuns', ['s3:ListBucket'], [layout.bucket.bucketArn], { StringLike: { 's3:prefix': [layout.listPrefix('runs/*')] } }),
    ],
  });
}

export interface JobRolePolicyProps {
  layout: BucketLayout;
  secretArn: string;
  /** Further objects the job's nodes read at start (EMR: the bootstrap script, the TLS certificates). */
  extraReads?: string[];
}

/** The Spark job's role (EMR instance profile or EMR Serverless job runtime role). */
export function jobRolePolicy({ layout, secretArn, extraReads = [] }: JobRolePolicyProps): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      allow('ReadCode', ['s3:GetObject'], [layout.objects('code/*'), ...extraReads]),
      allow('RunFiles', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], [layout.objects('runs/*')]),
      allow('WriteLogs', ['s3:PutObject'], [layout.objects('logs/*')]),
      // Hadoop's S3 file systems list the parent "directories" of what they write; a listing returns names only.
      allow('ListTemp', ['s3:ListBucket'], [layout.bucket.bucketArn], { StringLike: { 's3:prefix': [layout.listPrefix('*')] } }),
      allow('ConnectorBucketChecks', ['s3:GetBucketLocation', 's3:GetLifecycleConfiguration'], [layout.bucket.bucketArn]),
      allow('WarehouseSecret', ['secretsmanager:GetSecretValue'], [secretArn]),
    ],
  });
}

/** Where the worker submits Spark work. */
export type ComputeTarget =
  | { kind: 'emr'; clusterArn: string }
  | { kind: 'emr-serverless'; applicationArn: string; jobRoleArn: string };

export interface WorkerPolicyProps {
  layout: BucketLayout;
  secretArn: string;
  compute: ComputeTarget;
  /** The workgroup's ARN (`…:workgroup/<id>`) or the provisioned cluster's (`…:cluster:<id>`). */
  dataApiTargetArn: string;
  /** The worker role's unique id (`AROA…`), for the Data API's statement-owner condition. */
  roleId: string;
}

/** The worker task role: submits and watches Spark work, runs SQL through the Data API, moves run files. */
export function workerPolicy({ layout, secretArn, compute, dataApiTargetArn, roleId }: WorkerPolicyProps): iam.PolicyDocument {
  const computeStatements =
    compute.kind === 'emr'
      ? [
          // The cluster is given by id (PIPELINE_EMR_CLUSTER_ID), so ListClusters, which only takes "*", is not needed.
          allow(
            'EmrSteps',
            ['elasticmapreduce:AddJobFlowSteps', 'elasticmapreduce:DescribeStep', 'elasticmapreduce:ListSteps', 'elasticmapreduce:CancelSteps', 'elasticmapreduce:DescribeCluster'],
            [compute.clusterArn],
          ),
        ]
      : [
          allow(
            'JobRuns',
            ['emr-serverless:StartJobRun', 'emr-serverless:GetJobRun', 'emr-serverless:CancelJobRun', 'emr-serverless:GetApplication'],
            [compute.applicationArn, `${compute.applicationArn}/jobruns/*`],
          ),
          allow('PassJobRole', ['iam:PassRole'], [compute.jobRoleArn], { StringEquals: { 'iam:PassedToService': 'emr-serverless.amazonaws.com' } }),
        ];
  return new iam.PolicyDocument({
    statements: [
      ...computeStatements,
      allow('DataApiSubmit', ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'], [dataApiTargetArn]),
      // These three actions support no resource type. The condition narrows them to statements this role
      // submitted, from any of its sessions: a phase retried on another task re-attaches to the first one's statement.
      allow('DataApiOwnStatements', ['redshift-data:DescribeStatement', 'redshift-data:GetStatementResult', 'redshift-data:CancelStatement'], ['*'], {
        StringLike: { 'redshift-data:statement-owner-iam-userid': [roleId, `${roleId}:*`] },
      }),
      allow('WarehouseSecret', ['secretsmanager:GetSecretValue'], [secretArn]),
      allow('JobCode', ['s3:GetObject', 's3:PutObject'], [layout.objects('code/*')]),
      allow('RunFiles', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [layout.objects('runs/*')]),
      allow('DoctorProbe', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [layout.objects('.doctor/*')]),
      allow('ListTempPrefixes', ['s3:ListBucket'], [layout.bucket.bucketArn], {
        StringLike: { 's3:prefix': [layout.listPrefix('code/*'), layout.listPrefix('runs/*'), layout.listPrefix('.doctor/*')] },
      }),
    ],
  });
}

/** The CloudWatch namespace of the queue-depth metric the scheduler publishes (infra/README.md). */
export const METRICS_NAMESPACE = 'Pipeline';

/** The scheduler task role: it makes no AWS call but publishing the queue-depth metric. */
export function schedulerPolicy(): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      // PutMetricData supports no resource type; the condition limits it to the pipeline's namespace.
      allow('QueueDepthMetric', ['cloudwatch:PutMetricData'], ['*'], { StringEquals: { 'cloudwatch:namespace': METRICS_NAMESPACE } }),
    ],
  });
}
