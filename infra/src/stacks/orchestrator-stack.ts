import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ENV } from '@pipeline/core';
import type { Construct } from 'constructs';
import type { InfraConfig } from '../config/infra-config.js';
import type { BucketLayout } from '../iam/bucket-layout.js';
import { METRICS_NAMESPACE, schedulerPolicy, workerPolicy, type ComputeTarget } from '../iam/policies.js';
import { acknowledgeWildcardResources } from '../nag/pipeline-nag-checks.js';
import { addSettingOutputs, type Settings } from '../outputs/setting-outputs.js';
import type { NetworkStack } from './network-stack.js';
import type { WarehouseRef } from './warehouse-stack.js';

/** The repository root: the Docker build context of the images. */
/** Port of the services' /metrics and /healthz inside the container. */
const HEALTH_PORT = 9464;
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The queue-depth metric the scheduler publishes and the workers scale on (infra/README.md). */
export const QUEUE_DEPTH_METRIC = 'QueueDepth';
const QUEUES = ['spark', 'sql'] as const;

export interface OrchestratorStackProps extends StackProps {
  config: InfraConfig;
  network: NetworkStack;
  layout: BucketLayout;
  warehouse: WarehouseRef;
  compute: ComputeTarget;
  /** Every setting the other stacks determine; the containers get them as their environment. */
  settings: Settings;
}

/**
 * Redis for the queues and run state, and the scheduler and worker services on Fargate, from the
 * repository's Dockerfile (or prebuilt images), with the workers scaling on queue depth.
 */
export class OrchestratorStack extends Stack {
  readonly redis: elasticache.CfnReplicationGroup;
  readonly cluster: ecs.Cluster;
  readonly schedulerService: ecs.FargateService;
  readonly workerService: ecs.FargateService;
  readonly workerRole: iam.Role;
  readonly settings: Settings;

  constructor(scope: Construct, id: string, props: OrchestratorStackProps) {
    super(scope, id, props);
    const { config, network } = props;
    const subnets = network.vpc.selectSubnets(network.privateSubnets);

    this.redis = this.redisGroup(config, network, subnets.subnetIds);
    this.settings = {
      REDIS_URL: `rediss://${this.redis.attrPrimaryEndPointAddress}:${this.redis.attrPrimaryEndPointPort}`,
      PIPELINE_KEY_PREFIX: config.keyPrefix,
      // The one namespace the scheduler role may put metrics into (schedulerPolicy), so the alarms below see the data.
      PIPELINE_CLOUDWATCH_NAMESPACE: METRICS_NAMESPACE,
    };
    addSettingOutputs(this, this.settings);

    // Named so that an operator can run a one-off task (`pipeline doctor`) with `aws ecs run-task` (docs/deploy.md).
    this.cluster = new ecs.Cluster(this, 'Cluster', { vpc: network.vpc, clusterName: config.name, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    // Only the scheduler publishes the queue-depth metric; the worker role may not put metrics.
    const { PIPELINE_CLOUDWATCH_NAMESPACE: namespace, ...shared } = this.settings;
    const environment: Record<string, string> = {
      ...(props.settings as Record<string, string>),
      ...(shared as Record<string, string>),
      PIPELINE_PIPELINES_DIR: '/app/pipelines',
      PIPELINE_LOG_LEVEL: 'info',
      // On loopback (the default host): only the container's own health check asks it.
      [ENV.metricsPort]: String(HEALTH_PORT),
    };
    const environments = { scheduler: { ...environment, PIPELINE_CLOUDWATCH_NAMESPACE: namespace! }, worker: environment };

    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'pipeline scheduler tasks',
      inlinePolicies: { scheduler: schedulerPolicy() },
    });
    this.workerRole = new iam.Role(this, 'WorkerRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'), description: 'pipeline worker tasks' });
    const workerRolePolicy = new iam.Policy(this, 'WorkerPolicy', {
      document: workerPolicy({
        layout: props.layout,
        secretArn: props.warehouse.secretArn,
        compute: props.compute,
        dataApiTargetArn: props.warehouse.dataApiTargetArn,
        roleId: this.workerRole.roleId,
      }),
    });
    this.workerRole.attachInlinePolicy(workerRolePolicy);

    const service = (kind: 'scheduler' | 'worker', role: iam.Role, cpu: number, memoryLimitMiB: number, command: string[], desiredCount: number) => {
      const task = new ecs.FargateTaskDefinition(this, `${kind}Task`, { family: `${config.name}-${kind}`, cpu, memoryLimitMiB, taskRole: role });
      task.addContainer(kind, {
        image: this.image(config, kind),
        command,
        environment: environments[kind],
        logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: kind }),
        // The worker hands Spark waits back and lets SQL phases finish on SIGTERM; Fargate allows at most 120 s.
        stopTimeout: Duration.seconds(120),
        // GET /healthz of the service itself: a process that stops answering, or a scheduler whose
        // ticks stopped ending, is replaced. A Redis outage alone does not fail it.
        healthCheck: {
          command: ['CMD', 'node', '/app/packages/cli/bin/healthcheck.js'],
          interval: Duration.seconds(30),
          timeout: Duration.seconds(5),
          retries: 3,
          startPeriod: Duration.seconds(60),
        },
      });
      return new ecs.FargateService(this, `${kind}Service`, {
        cluster: this.cluster,
        serviceName: `${config.name}-${kind}`,
        taskDefinition: task,
        desiredCount,
        securityGroups: [network.appSg],
        vpcSubnets: network.privateSubnets,
        minHealthyPercent: 100,
        circuitBreaker: { rollback: true },
      });
    };
    this.schedulerService = service('scheduler', schedulerRole, 256, 512, ['scheduler'], config.schedulerReplicas);
    this.workerService = service(
      'worker',
      this.workerRole,
      1024,
      2048,
      ['worker', '--queues', QUEUES.join(','), '--concurrency', String(config.workerConcurrency)],
      config.workerMin,
    );
    this.scaleWorkers(config);

    // Every variable is a setting of docs/aws.md: names, ARNs and URIs. Credentials are read from Secrets Manager by ARN at run time.
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'The environment holds only resource names, ARNs and URIs; credentials are read from Secrets Manager by ARN at run time.',
    });
    acknowledgeWildcardResources(this, [
      // Job code, run files and doctor probes are named at run time, so they are known by their folder only.
      { pattern: /\/(code|runs|\.doctor)\/\*$/, reason: 'Objects under code/, runs/ and .doctor/, named at run time.' },
      // EMR Serverless creates a job run per phase attempt.
      { pattern: /\/jobruns\/\*$/, reason: 'The job runs of the one application.' },
    ]);
    // DescribeStatement, GetStatementResult and CancelStatement support no resource type; the statement-owner
    // condition narrows them to this role's statements (policies.ts).
    acknowledgeWildcardResources(workerRolePolicy, [{ pattern: /^\*$/, reason: 'Data API statement actions, narrowed by the statement-owner condition.' }]);
    // PutMetricData supports no resource type; the cloudwatch:namespace condition limits it to the Pipeline namespace.
    acknowledgeWildcardResources(schedulerRole, [{ pattern: /^\*$/, reason: 'cloudwatch:PutMetricData, limited to the Pipeline namespace by condition.' }]);
    // The execution roles CDK generates: ecr:GetAuthorizationToken supports no resource type; image pulls
    // and log writes are on the one repository and log group.
    for (const svc of [this.schedulerService, this.workerService]) {
      if (svc.taskDefinition.executionRole) {
        acknowledgeWildcardResources(svc.taskDefinition.executionRole, [{ pattern: /^\*$/, reason: 'ecr:GetAuthorizationToken supports no resource type.' }]);
      }
    }
  }

  /** The Dockerfile's target built at deploy (nothing needs Docker at synth), or a prebuilt ECR image. */
  private image(config: InfraConfig, kind: 'scheduler' | 'worker'): ecs.ContainerImage {
    const prebuilt = kind === 'scheduler' ? config.schedulerImage : config.workerImage;
    if (prebuilt) {
      const [repository, tag] = prebuilt.split(':') as [string, string];
      return ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(this, `${kind}Repository`, repository), tag);
    }
    return ecs.ContainerImage.fromAsset(REPO_ROOT, { file: 'Dockerfile', target: kind, platform: Platform.LINUX_AMD64 });
  }

  /** ElastiCache (Redis OSS): TLS, encryption at rest, `noeviction`, Multi-AZ with a replica. */
  private redisGroup(config: InfraConfig, network: NetworkStack, subnetIds: string[]): elasticache.CfnReplicationGroup {
    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'RedisSubnets', { description: 'pipeline Redis', subnetIds });
    const parameters = new elasticache.CfnParameterGroup(this, 'RedisParameters', {
      cacheParameterGroupFamily: 'redis7',
      description: 'pipeline: queues and run state must never be evicted',
      // ElastiCache offers no AOF on Redis 7 (appendonly is not settable); durability comes from the
      // Multi-AZ replica with automatic failover and the daily snapshots.
      properties: { 'maxmemory-policy': 'noeviction' },
    });
    const multiAz = config.redisReplicas > 0;
    const group = new elasticache.CfnReplicationGroup(this, 'Redis', {
      replicationGroupDescription: `${config.name} queues and run state`,
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: config.redisNodeType,
      numCacheClusters: 1 + config.redisReplicas,
      automaticFailoverEnabled: multiAz,
      multiAzEnabled: multiAz,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      cacheParameterGroupName: parameters.ref,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [network.redisSg.securityGroupId],
      port: 6379,
      snapshotRetentionLimit: 7,
      autoMinorVersionUpgrade: true,
    });
    group.applyRemovalPolicy(config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.SNAPSHOT);
    // The product's only Redis setting is REDIS_URL; a token would have to sit in it as plain text in the task definition.
    Validations.of(group).acknowledge({
      id: 'AwsSolutions-AEC6',
      reason: 'No AUTH token: only the scheduler and worker security group reaches port 6379, and every connection is TLS.',
    });
    // A non-default port hides nothing from a client inside the security group; the default keeps REDIS_URL conventional.
    Validations.of(group).acknowledge({
      id: 'AwsSolutions-AEC5',
      reason: 'Access is restricted by security group; a non-default port adds no protection.',
    });
    if (!multiAz) {
      // A single node is what -c redisReplicas=0 asks for: test or cost-bound deployments that accept losing
      // the queues and run state since the last snapshot when the node fails.
      Validations.of(group).acknowledge({ id: 'AwsSolutions-AEC4', reason: 'redisReplicas=0 chooses a single node; the daily snapshot is the recovery point.' });
    }
    return group;
  }

  /**
   * Worker tasks between workerMin and workerMax, by the sum of the queue-depth metric over both
   * queues: one more task as soon as jobs wait, more when many wait, one fewer when none do.
   */
  private scaleWorkers(config: InfraConfig): void {
    const scaling = this.workerService.autoScaleTaskCount({ minCapacity: config.workerMin, maxCapacity: config.workerMax });
    const depth = (queue: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: QUEUE_DEPTH_METRIC,
        dimensionsMap: { keyPrefix: config.keyPrefix, queue },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(1),
      });
    const waiting = new cloudwatch.MathExpression({
      expression: QUEUES.join(' + '),
      usingMetrics: Object.fromEntries(QUEUES.map((q) => [q, depth(q)])),
      period: Duration.minutes(1),
      label: 'jobs waiting',
    });
    const step = config.workerScaleStep;
    scaling.scaleOnMetric('QueueDepth', {
      metric: waiting,
      scalingSteps: [
        { upper: 0, change: -1 },
        { lower: 1, change: +1 },
        { lower: 1 + step, change: +2 },
        { lower: 1 + 3 * step, change: +4 },
      ],
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      evaluationPeriods: 3,
      cooldown: Duration.minutes(3),
    });
  }
}
