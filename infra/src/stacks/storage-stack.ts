import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { InfraConfig } from '../config/infra-config.js';
import { BucketLayout } from '../iam/bucket-layout.js';
import { acknowledgeWildcardResources } from '../nag/pipeline-nag-checks.js';
import { copyRolePolicy } from '../iam/policies.js';
import { addSettingOutputs, type Settings } from '../outputs/setting-outputs.js';

export interface StorageStackProps extends StackProps {
  config: InfraConfig;
}

/**
 * The one bucket for job code, run files and logs, and Redshift's role for COPY and UNLOAD,
 * which only needs the bucket (a team that brings its own warehouse associates it there).
 */
export class StorageStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly layout: BucketLayout;
  readonly copyRole: iam.Role;
  readonly settings: Settings;

  constructor(scope: Construct, id: string, props: StorageStackProps) {
    super(scope, id, props);
    const { config } = props;
    const prefix = config.s3Prefix;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      // SSE-S3: the files live for hours, and no role then needs a KMS grant (docs/aws.md, KMS).
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          // The Redshift connector never deletes its UNLOAD files, and a failed run keeps its folder for debugging.
          id: 'run-files',
          prefix: `${prefix}/runs/`,
          expiration: Duration.days(config.runFilesExpireDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        { id: 'logs', prefix: `${prefix}/logs/`, expiration: Duration.days(config.logsExpireDays) },
        // `pipeline doctor` deletes its probe; this catches one left by an interrupted doctor.
        { id: 'doctor-probes', prefix: `${prefix}/.doctor/`, expiration: Duration.days(1) },
        { id: 'incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    // Server access logs would need a second bucket for files that live hours; CloudTrail data events are
    // the object-level audit trail to turn on where an account's policy asks for one.
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Transient run files and logs; object-level auditing is CloudTrail data events, configured per account.',
    });
    this.layout = new BucketLayout(this.bucket, prefix);

    this.copyRole = new iam.Role(this, 'CopyRole', {
      assumedBy: new iam.ServicePrincipal('redshift.amazonaws.com'),
      description: 'Redshift COPY from and UNLOAD to the run files (PIPELINE_COPY_ROLE_ARN)',
      inlinePolicies: { runFiles: copyRolePolicy(this.layout) },
    });
    // Run ids are made at run time, so a run's objects are only known by their folder.
    acknowledgeWildcardResources(this.copyRole, [
      { pattern: /\/runs\/\*(\/unload\/\*)?$/, reason: 'Objects under runs/ (and their unload/ folders), each run named at run time.' },
    ]);

    this.settings = {
      AWS_REGION: this.region,
      PIPELINE_TEMP_DIR: this.layout.tempDirUri,
      PIPELINE_CODE_URI: this.layout.uri('code'),
      PIPELINE_COPY_ROLE_ARN: this.copyRole.roleArn,
    };
    addSettingOutputs(this, this.settings);
  }
}
