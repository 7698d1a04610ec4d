import path from 'node:path';
import { ENV } from '@pipeline/core';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { settingForOutputKey } from '../src/outputs/setting-outputs.js';
import { CONFIGURATIONS, EXTERNAL_SECRET, synthesize, type Synthesized } from './synthesize.js';

const synthesized: Record<string, Synthesized> = Object.fromEntries(Object.entries(CONFIGURATIONS).map(([name, context]) => [name, synthesize(context)]));
afterAll(() => Object.values(synthesized).forEach((s) => s.cleanup()));
const defaults = synthesized['default']!;
const serverless = synthesized['serverless']!;
const external = synthesized['external']!;

describe('stacks per configuration', () => {
  it('creates the warehouse and orchestrator stacks only when asked for', () => {
    const names = (s: Synthesized) => [...s.byStackName.keys()].sort();
    expect(names(defaults)).toEqual(['pipeline-compute', 'pipeline-network', 'pipeline-orchestrator', 'pipeline-storage', 'pipeline-warehouse']);
    expect(names(serverless)).toEqual(['analytics-compute', 'analytics-network', 'analytics-orchestrator', 'analytics-storage', 'analytics-warehouse']);
    expect(names(external)).toEqual(['pipeline-compute', 'pipeline-network', 'pipeline-storage']);
  });

  it('leaves cdk-nag’s AWS Solutions rules without an unacknowledged finding', () => {
    for (const s of Object.values(synthesized)) {
      expect(s.nagViolations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    }
  });
});

describe('warehouse', () => {
  const t = defaults.templates.warehouse!;

  it('is a private Redshift Serverless workgroup with enhanced VPC routing and the base capacity asked for', () => {
    t.hasResourceProperties('AWS::RedshiftServerless::Workgroup', { BaseCapacity: 8, PubliclyAccessible: false, EnhancedVpcRouting: true, Port: 5439 });
    serverless.templates.warehouse!.hasResourceProperties('AWS::RedshiftServerless::Workgroup', { BaseCapacity: 32, MaxCapacity: 128, PubliclyAccessible: false });
  });

  it('lets Redshift manage the admin password and associates the COPY role', () => {
    t.hasResourceProperties('AWS::RedshiftServerless::Namespace', {
      ManageAdminPassword: true,
      AdminUserPassword: Match.absent(),
      DbName: 'dev',
      IamRoles: [{ 'Fn::ImportValue': Match.stringLikeRegexp('CopyRole') }],
    });
    t.hasResource('AWS::RedshiftServerless::Namespace', { DeletionPolicy: 'Retain' });
    serverless.templates.warehouse!.hasResource('AWS::RedshiftServerless::Namespace', { DeletionPolicy: 'Delete' });
  });

  it('keeps the pipeline user in a Redshift secret JSON that rotates', () => {
    const secret = t.findResources('AWS::SecretsManager::Secret');
    const [id, resource] = Object.entries(secret)[0]!;
    const template = JSON.stringify(resource['Properties'].GenerateSecretString.SecretStringTemplate);
    for (const field of ['engine', 'host', 'port', 'username', 'dbname']) expect(template).toContain(`\\"${field}\\"`);
    expect(template).toContain('Workgroup.Endpoint.Address');
    expect(resource['Properties'].GenerateSecretString.GenerateStringKey).toBe('password');
    t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: id },
      HostedRotationLambda: Match.objectLike({ RotationType: 'RedshiftSingleUser' }),
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
  });

  it('is left out for an external warehouse, whose settings come from the compute stack', () => {
    external.templates.compute!.hasOutput('PipelineSecretArn', { Value: EXTERNAL_SECRET });
    external.templates.compute!.hasOutput('PipelineRedshiftCluster', { Value: 'analytics-prod' });
    expect(external.templates.compute!.findResources('AWS::RedshiftServerless::Workgroup')).toEqual({});
  });
});

describe('storage', () => {
  const t = defaults.templates.storage!;

  it('encrypts, blocks public access and denies requests without TLS', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('expires run files and logs by their prefix', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'pipeline/runs/', ExpirationInDays: 14, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'pipeline/logs/', ExpirationInDays: 30, Status: 'Enabled' }),
        ]),
      },
    });
    serverless.templates.storage!.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'etl/pipeline/runs/' })]) },
    });
  });
});

describe('compute', () => {
  const t = defaults.templates.compute!;

  it('runs an EMR cluster with Spark, step concurrency, logs in the bucket and auto-termination', () => {
    t.hasResourceProperties('AWS::EMR::Cluster', {
      ReleaseLabel: 'emr-7.9.0',
      Applications: [{ Name: 'Spark' }],
      StepConcurrencyLevel: 8,
      AutoTerminationPolicy: { IdleTimeout: 7 * 24 * 3600 },
      LogUri: { 'Fn::Join': ['', ['s3://', Match.anyValue(), '/pipeline/logs/']] },
      SecurityConfiguration: { Ref: Match.stringLikeRegexp('SecurityConfiguration') },
    });
    external.templates.compute!.hasResourceProperties('AWS::EMR::Cluster', { ReleaseLabel: 'emr-7.5.0', StepConcurrencyLevel: 16 });
  });

  it('encrypts at rest and in transit through the security configuration', () => {
    t.hasResourceProperties('AWS::EMR::SecurityConfiguration', {
      SecurityConfiguration: {
        EncryptionConfiguration: {
          EnableInTransitEncryption: true,
          EnableAtRestEncryption: true,
          InTransitEncryptionConfiguration: { TLSCertificateConfiguration: { CertificateProviderType: 'PEM', S3Object: Match.anyValue() } },
          AtRestEncryptionConfiguration: {
            S3EncryptionConfiguration: { EncryptionMode: 'SSE-S3' },
            LocalDiskEncryptionConfiguration: Match.objectLike({ EncryptionKeyProviderType: 'AwsKms', EnableEbsEncryption: true }),
          },
        },
      },
    });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('runs an EMR Serverless application instead when asked, with auto-stop and a capacity ceiling', () => {
    const s = serverless.templates.compute!;
    expect(s.findResources('AWS::EMR::Cluster')).toEqual({});
    s.hasResourceProperties('AWS::EMRServerless::Application', {
      Type: 'SPARK',
      ReleaseLabel: 'emr-7.9.0',
      Architecture: 'ARM64',
      AutoStopConfiguration: { Enabled: true, IdleTimeoutMinutes: 15 },
      MaximumCapacity: { Cpu: '64 vCPU', Memory: '256 GB' },
    });
    s.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'emr-serverless.amazonaws.com' } })] } });
  });
});

describe('orchestrator', () => {
  const t = defaults.templates.orchestrator!;

  it('runs Redis with TLS, encryption at rest, noeviction and a Multi-AZ replica', () => {
    t.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      NumCacheClusters: 2,
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
    });
    t.hasResourceProperties('AWS::ElastiCache::ParameterGroup', { Properties: { 'maxmemory-policy': 'noeviction' } });
    serverless.templates.orchestrator!.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { NumCacheClusters: 1, MultiAZEnabled: false });
  });

  it('runs the scheduler and the workers from the Dockerfile targets', () => {
    t.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 1, LaunchType: 'FARGATE' });
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Name: 'worker', Command: ['worker', '--queues', 'spark,sql', '--concurrency', '2'], StopTimeout: 120 })],
    });
    t.hasResourceProperties('AWS::ECS::TaskDefinition', { ContainerDefinitions: [Match.objectLike({ Name: 'scheduler', Command: ['scheduler'] })] });
    // Built from the repository's Dockerfile when the stack is published (cdk deploy), never at synth.
    const images = defaults.images.get('pipeline-orchestrator')!;
    expect(images.map((i) => [i.dockerFile, i.dockerBuildTarget, i.platform]).sort()).toEqual([
      ['Dockerfile', 'scheduler', 'linux/amd64'],
      ['Dockerfile', 'worker', 'linux/amd64'],
    ]);
    expect(images.every((i) => i.directory === path.resolve(import.meta.dirname, '../..'))).toBe(true);
    expect(serverless.images.get('analytics-orchestrator')).toEqual([]);
    serverless.templates.orchestrator!.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Name: 'worker', Image: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('pipeline:1.4.0-worker')])] }) })],
    });
  });

  const environmentOf = (container: string) => {
    const task = Object.values(t.findResources('AWS::ECS::TaskDefinition')).find((r) => r['Properties'].ContainerDefinitions[0].Name === container)!;
    return task['Properties'].ContainerDefinitions[0].Environment as { Name: string; Value: unknown }[];
  };

  it('gives the containers every setting the stacks determine, and the scheduler the namespace it may publish to', () => {
    const names = (container: string) => environmentOf(container).map((e) => e.Name).sort();
    const shared = [
      'AWS_REGION',
      'PIPELINE_CODE_URI',
      'PIPELINE_COMPUTE',
      'PIPELINE_COPY_ROLE_ARN',
      'PIPELINE_EMR_CLUSTER_ID',
      'PIPELINE_KEY_PREFIX',
      'PIPELINE_LOG_LEVEL',
      'PIPELINE_METRICS_PORT',
      'PIPELINE_PIPELINES_DIR',
      'PIPELINE_REDSHIFT_DATABASE',
      'PIPELINE_REDSHIFT_WORKGROUP',
      'PIPELINE_SECRET_ARN',
      'PIPELINE_TEMP_DIR',
      'PIPELINE_WAREHOUSE',
      'REDIS_URL',
    ];
    expect(names('worker')).toEqual([...shared].sort());
    expect(names('scheduler')).toEqual([...shared, 'PIPELINE_CLOUDWATCH_NAMESPACE'].sort());
  });

  it('checks both services through their own /healthz, on the port their environment sets', () => {
    for (const container of ['scheduler', 'worker']) {
      expect(environmentOf(container).find((e) => e.Name === 'PIPELINE_METRICS_PORT')?.Value).toBe('9464');
      t.hasResourceProperties('AWS::ECS::TaskDefinition', {
        ContainerDefinitions: [
          Match.objectLike({
            Name: container,
            HealthCheck: { Command: ['CMD', 'node', '/app/packages/cli/bin/healthcheck.js'], Interval: 30, Timeout: 5, Retries: 3, StartPeriod: 60 },
          }),
        ],
      });
    }
  });

  it('sets the scheduler’s namespace to the one its role may put metrics into and the alarms read', () => {
    expect(environmentOf('scheduler').find((e) => e.Name === ENV.cloudwatchNamespace)?.Value).toBe('Pipeline');
    t.hasResourceProperties('AWS::IAM::Role', {
      Policies: [{ PolicyName: 'scheduler', PolicyDocument: { Statement: [Match.objectLike({ Action: 'cloudwatch:PutMetricData', Condition: { StringEquals: { 'cloudwatch:namespace': 'Pipeline' } } })] } }],
    });
    defaults.templates.orchestrator!.hasOutput('PipelineCloudwatchNamespace', { Value: 'Pipeline', Description: 'PIPELINE_CLOUDWATCH_NAMESPACE' });
  });

  it('scales the workers between the minimum and maximum on the queue-depth metric', () => {
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 4, ScalableDimension: 'ecs:service:DesiredCount' });
    serverless.templates.orchestrator!.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: { Namespace: 'Pipeline', MetricName: 'QueueDepth', Dimensions: Match.arrayWith([{ Name: 'queue', Value: 'spark' }]) } }) }),
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: { Namespace: 'Pipeline', MetricName: 'QueueDepth', Dimensions: Match.arrayWith([{ Name: 'queue', Value: 'sql' }]) } }) }),
      ]),
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });
});

describe('outputs', () => {
  const settingsOf = (s: Synthesized) => {
    const all: Record<string, string> = {};
    for (const [stackName, template] of s.byStackName) {
      for (const [key, output] of Object.entries((template.toJSON()['Outputs'] ?? {}) as Record<string, { Description?: string; Export?: unknown }>)) {
        if (output.Export) continue;
        const setting = settingForOutputKey(key);
        expect(setting, `${stackName}: output ${key} is no setting`).toBeDefined();
        expect(output.Description).toBe(setting);
        expect(all, `${setting} is output twice`).not.toHaveProperty(setting!);
        all[setting!] = stackName;
      }
    }
    return Object.keys(all).sort();
  };

  it('has one output per setting the deployment determines, keyed by the setting’s name', () => {
    expect(settingsOf(defaults)).toEqual(
      [
        ENV.region,
        ENV.tempDir,
        ENV.codeUri,
        ENV.copyRoleArn,
        ENV.warehouse,
        ENV.redshiftWorkgroup,
        ENV.redshiftDatabase,
        ENV.secretArn,
        ENV.compute,
        ENV.emrClusterId,
        ENV.redisUrl,
        ENV.keyPrefix,
        ENV.cloudwatchNamespace,
      ].sort(),
    );
    expect(settingsOf(serverless)).toEqual(expect.arrayContaining([ENV.emrServerlessApplicationId, ENV.emrServerlessRoleArn, ENV.logUri]));
    expect(settingsOf(serverless)).not.toContain(ENV.emrClusterId);
    expect(settingsOf(external)).toEqual(expect.arrayContaining([ENV.redshiftCluster, ENV.secretArn]));
  });

  it('gives REDIS_URL as rediss:// and the temp dir under the prefix', () => {
    defaults.templates.orchestrator!.hasOutput('RedisUrl', { Value: { 'Fn::Join': ['', ['rediss://', Match.anyValue(), ':', Match.anyValue()]] } });
    serverless.templates.storage!.hasOutput('PipelineTempDir', { Value: { 'Fn::Join': ['', ['s3://', Match.anyValue(), '/etl/pipeline']] } });
  });
});
