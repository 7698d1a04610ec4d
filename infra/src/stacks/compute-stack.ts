import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as emr from 'aws-cdk-lib/aws-emr';
import * as emrserverless from 'aws-cdk-lib/aws-emrserverless';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type { Construct } from 'constructs';
import type { InfraConfig } from '../config/infra-config.js';
import type { BucketLayout } from '../iam/bucket-layout.js';
import { jobRolePolicy, type ComputeTarget } from '../iam/policies.js';
import { acknowledgeWildcardResources } from '../nag/pipeline-nag-checks.js';
import { addSettingOutputs, type Settings } from '../outputs/setting-outputs.js';
import type { NetworkStack } from './network-stack.js';
import type { WarehouseRef } from './warehouse-stack.js';

const ASSETS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../assets');

export interface ComputeStackProps extends StackProps {
  config: InfraConfig;
  network: NetworkStack;
  layout: BucketLayout;
  warehouse: WarehouseRef;
  /** Settings of a warehouse this app does not deploy, published from here since no warehouse stack exists. */
  externalWarehouseSettings?: Settings;
}

/**
 * Where Spark runs: an EMR cluster that takes steps, or an EMR Serverless application
 * (`-c computeKind`), with the job's role. The worker's permissions on it live with the worker.
 */
export class ComputeStack extends Stack {
  readonly jobRole: iam.Role;
  readonly target: ComputeTarget;
  readonly settings: Settings;

  constructor(scope: Construct, id: string, props: ComputeStackProps) {
    super(scope, id, props);
    const { config } = props;
    const emrKind = config.computeKind === 'emr';

    this.jobRole = new iam.Role(this, 'JobRole', {
      assumedBy: new iam.ServicePrincipal(emrKind ? 'ec2.amazonaws.com' : 'emr-serverless.amazonaws.com'),
      description: emrKind ? 'EMR instance profile role of the pipeline cluster' : 'EMR Serverless job runtime role (PIPELINE_EMR_SERVERLESS_ROLE_ARN)',
    });

    if (emrKind) {
      const clusterId = this.emrCluster(props);
      this.target = { kind: 'emr', clusterArn: this.formatArn({ service: 'elasticmapreduce', resource: 'cluster', resourceName: clusterId }) };
      this.settings = { PIPELINE_COMPUTE: 'emr', PIPELINE_EMR_CLUSTER_ID: clusterId };
    } else {
      const applicationId = this.serverlessApplication(props);
      this.jobRole.attachInlinePolicy(new iam.Policy(this, 'JobPolicy', { document: jobRolePolicy({ layout: props.layout, secretArn: props.warehouse.secretArn }) }));
      this.target = {
        kind: 'emr-serverless',
        applicationArn: this.formatArn({ service: 'emr-serverless', resource: '/applications', resourceName: applicationId }),
        jobRoleArn: this.jobRole.roleArn,
      };
      this.settings = {
        PIPELINE_COMPUTE: 'emr-serverless',
        PIPELINE_EMR_SERVERLESS_APPLICATION_ID: applicationId,
        PIPELINE_EMR_SERVERLESS_ROLE_ARN: this.jobRole.roleArn,
        PIPELINE_LOG_URI: props.layout.uri('logs'),
      };
    }
    // Job code goes under its content hash, run files under the run's id and logs under EMR's ids, all
    // named at run time, so the objects are known by their folder only.
    acknowledgeWildcardResources(this, [
      { pattern: /\/(code|runs|logs)\/\*$/, reason: 'Objects under code/, runs/ and logs/, named at run time.' },
    ]);
    this.settings = { ...props.externalWarehouseSettings, ...this.settings };
    addSettingOutputs(this, this.settings);
  }

  /** EMR on EC2: the cluster, its security configuration, service role and instance profile. Returns the cluster id. */
  private emrCluster({ config, network, layout, warehouse }: ComputeStackProps): string {
    // Local disks and EBS volumes of the nodes are encrypted with this key (the security configuration).
    const diskKey = new kms.Key(this, 'LocalDiskKey', { enableKeyRotation: true, description: 'EMR local disk and EBS encryption' });
    const keyUse = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'];

    const bootstrap = new s3assets.Asset(this, 'Bootstrap', { path: path.join(ASSETS, 'emr-bootstrap.sh') });
    const bootstrapArn = this.formatArn({ service: 's3', region: '', account: '', resource: bootstrap.s3BucketName, resourceName: bootstrap.s3ObjectKey });
    const certificates = config.emrTlsCertificates ?? layout.uri('emr/tls-certificates.zip');
    const certificatesArn = `arn:${this.partition}:s3:::${certificates.slice('s3://'.length)}`;

    this.jobRole.attachInlinePolicy(
      new iam.Policy(this, 'JobPolicy', {
        document: jobRolePolicy({ layout, secretArn: warehouse.secretArn, extraReads: [bootstrapArn, certificatesArn] }),
      }),
    );
    diskKey.grant(this.jobRole, ...keyUse);
    const instanceProfile = new iam.CfnInstanceProfile(this, 'InstanceProfile', { roles: [this.jobRole.roleName] });

    const serviceRole = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('elasticmapreduce.amazonaws.com'),
      description: 'EMR service role of the pipeline cluster',
      // AWS maintains it for EMR; it acts only on VPC resources tagged for EMR (network stack).
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEMRServicePolicy_v2')],
    });
    // The managed policy passes only EMR_EC2_DefaultRole; the cluster's nodes use this app's job role.
    serviceRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PassJobRole',
        actions: ['iam:PassRole'],
        resources: [this.jobRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      }),
    );
    diskKey.grant(serviceRole, ...keyUse);
    diskKey.grant(serviceRole, 'kms:CreateGrant').principalStatement?.addCondition('Bool', { 'kms:GrantIsForAWSResource': 'true' });

    const securityConfiguration = new emr.CfnSecurityConfiguration(this, 'SecurityConfiguration', {
      name: `${config.name}-encryption`,
      securityConfiguration: {
        EncryptionConfiguration: {
          EnableInTransitEncryption: true,
          EnableAtRestEncryption: true,
          // EMR on EC2 takes its TLS certificates from a PEM zip in S3 (docs/deploy.md shows how to make one).
          InTransitEncryptionConfiguration: { TLSCertificateConfiguration: { CertificateProviderType: 'PEM', S3Object: certificates } },
          AtRestEncryptionConfiguration: {
            S3EncryptionConfiguration: { EncryptionMode: 'SSE-S3' },
            LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: 'AwsKms', AwsKmsKey: diskKey.keyArn, EnableEbsEncryption: true },
          },
        },
        InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: 2, HttpPutResponseHopLimit: 2 },
      },
    });

    const subnet = network.vpc.selectSubnets(network.privateSubnets).subnetIds[0]!;
    const cluster = new emr.CfnCluster(this, 'Cluster', {
      // A new name replaces the cluster: raising emrClusterRevision brings back one that terminated.
      name: config.emrClusterRevision === 1 ? config.name : `${config.name}-r${config.emrClusterRevision}`,
      releaseLabel: config.emrReleaseLabel,
      applications: [{ name: 'Spark' }],
      serviceRole: serviceRole.roleArn,
      jobFlowRole: instanceProfile.ref,
      logUri: `${layout.uri('logs')}/`,
      securityConfiguration: securityConfiguration.ref,
      stepConcurrencyLevel: config.stepConcurrency,
      autoTerminationPolicy: { idleTimeout: config.emrIdleTimeoutMinutes * 60 },
      bootstrapActions: [{ name: 'boto3', scriptBootstrapAction: { path: bootstrap.s3ObjectUrl } }],
      instances: {
        ec2SubnetId: subnet,
        keepJobFlowAliveWhenNoSteps: true,
        terminationProtected: false,
        additionalMasterSecurityGroups: [network.sparkSg.securityGroupId],
        additionalSlaveSecurityGroups: [network.sparkSg.securityGroupId],
        masterInstanceGroup: { instanceCount: 1, instanceType: config.emrInstanceType, market: 'ON_DEMAND' },
        coreInstanceGroup: { instanceCount: config.emrCoreInstances, instanceType: config.emrInstanceType, market: 'ON_DEMAND' },
      },
    });
    // The roles' policies must exist before EMR starts nodes that use them.
    cluster.node.addDependency(this.jobRole, serviceRole);

    // cdk-nag 3.0.2 looks for EnableAtRestEncryption and EnableInTransitEncryption at the top of the security
    // configuration, where EMR does not read them; EMR reads them under EncryptionConfiguration, where
    // they are set above (and asserted by the infra tests).
    Validations.of(cluster).acknowledge({
      id: 'AwsSolutions-EMR4',
      reason: 'Local disk encryption (KMS, with EBS) is on in the security configuration, under EncryptionConfiguration where EMR reads it.',
    });
    Validations.of(cluster).acknowledge({
      id: 'AwsSolutions-EMR5',
      reason: 'In-transit encryption (PEM certificates) is on in the security configuration, under EncryptionConfiguration where EMR reads it.',
    });
    // Work reaches the cluster only as steps through the EMR API, authorized by IAM; no one logs in to a node.
    Validations.of(cluster).acknowledge({
      id: 'AwsSolutions-EMR6',
      reason: 'No SSH key pair and no Kerberos: the cluster takes steps through the EMR API only, authorized by IAM.',
    });
    // The AWS-maintained EMR service policy; it only acts on VPC resources tagged for EMR (network stack).
    Validations.of(serviceRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2]',
      reason: 'AmazonEMRServicePolicy_v2 is the AWS-maintained EMR service policy, scoped to resources tagged for EMR.',
    });
    return cluster.ref;
  }

  /** EMR Serverless: the application. Returns its id. */
  private serverlessApplication({ config, network }: ComputeStackProps): string {
    // EMR Serverless encrypts its workers' storage and the traffic between them itself; nothing to configure.
    const application = new emrserverless.CfnApplication(this, 'Application', {
      name: config.name,
      type: 'SPARK',
      releaseLabel: config.emrReleaseLabel,
      architecture: config.serverlessArchitecture,
      maximumCapacity: { cpu: `${config.serverlessMaxVcpu} vCPU`, memory: `${config.serverlessMaxMemoryGb} GB` },
      autoStartConfiguration: { enabled: true },
      autoStopConfiguration: { enabled: true, idleTimeoutMinutes: config.serverlessIdleMinutes },
      networkConfiguration: {
        subnetIds: network.vpc.selectSubnets(network.privateSubnets).subnetIds,
        securityGroupIds: [network.sparkSg.securityGroupId],
      },
    });
    return application.attrApplicationId;
  }
}
