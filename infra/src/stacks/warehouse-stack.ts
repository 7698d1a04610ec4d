import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as redshiftserverless from 'aws-cdk-lib/aws-redshiftserverless';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { InfraConfig } from '../config/infra-config.js';
import { addSettingOutputs, type Settings } from '../outputs/setting-outputs.js';
import type { NetworkStack } from './network-stack.js';

export interface WarehouseStackProps extends StackProps {
  config: InfraConfig;
  network: NetworkStack;
  /** Redshift's role for COPY and UNLOAD, associated with the namespace. */
  copyRole: iam.IRole;
}

/** What the compute and orchestrator stacks need to know about the warehouse, deployed here or brought. */
export interface WarehouseRef {
  /** The full ARN of the pipeline user's Redshift secret JSON. */
  secretArn: string;
  /** The Data API's resource: the workgroup ARN (`…:workgroup/<id>`) or the cluster ARN. */
  dataApiTargetArn: string;
  /** `PIPELINE_WAREHOUSE`, `PIPELINE_REDSHIFT_*` and `PIPELINE_SECRET_ARN`. */
  settings: Settings;
}

/**
 * Redshift Serverless: a namespace whose admin password Redshift keeps in Secrets Manager, a
 * workgroup that is private and routes COPY and UNLOAD through the VPC, and the pipeline user's
 * secret (the Redshift secret JSON the product reads), rotated by the hosted single-user function.
 *
 * The pipeline user itself is created in the database by an admin (docs/deploy.md), with the
 * password this secret generated: the grants depend on each team's source and target schemas.
 */
export class WarehouseStack extends Stack implements WarehouseRef {
  readonly namespace: redshiftserverless.CfnNamespace;
  readonly workgroup: redshiftserverless.CfnWorkgroup;
  readonly secret: secretsmanager.Secret;
  readonly secretArn: string;
  readonly dataApiTargetArn: string;
  readonly settings: Settings;

  constructor(scope: Construct, id: string, props: WarehouseStackProps) {
    super(scope, id, props);
    const { config, network } = props;

    this.namespace = new redshiftserverless.CfnNamespace(this, 'Namespace', {
      namespaceName: config.name,
      dbName: config.database,
      adminUsername: 'admin',
      // Redshift creates the admin secret and rotates it; the password never passes through the template.
      manageAdminPassword: true,
      iamRoles: [props.copyRole.roleArn],
      logExports: ['userlog', 'connectionlog', 'useractivitylog'],
    });
    // Deleting a namespace deletes its data; by default the stack leaves it behind.
    this.namespace.applyRemovalPolicy(config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN);

    const subnets = network.vpc.selectSubnets(network.privateSubnets);
    this.workgroup = new redshiftserverless.CfnWorkgroup(this, 'Workgroup', {
      workgroupName: config.name,
      namespaceName: this.namespace.namespaceName,
      baseCapacity: config.baseCapacity,
      ...(config.maxCapacity !== undefined ? { maxCapacity: config.maxCapacity } : {}),
      enhancedVpcRouting: true,
      publiclyAccessible: false,
      subnetIds: subnets.subnetIds,
      securityGroupIds: [network.warehouseSg.securityGroupId],
      port: 5439,
    });
    // The workgroup names the namespace by its name, which is no reference CloudFormation would order by.
    this.workgroup.addResourceDependency(this.namespace);

    this.secret = new secretsmanager.Secret(this, 'PipelineUserSecret', {
      description: `Redshift credentials of the "${config.pipelineDbUser}" user (PIPELINE_SECRET_ARN)`,
      generateSecretString: {
        secretStringTemplate: this.toJsonString({
          engine: 'redshift',
          host: this.workgroup.attrWorkgroupEndpointAddress,
          port: 5439,
          username: config.pipelineDbUser,
          dbname: config.database,
        }),
        generateStringKey: 'password',
        // Redshift refuses these in a password.
        excludeCharacters: `"'\\/@ `,
        passwordLength: 32,
      },
    });
    this.secret.addRotationSchedule('Rotation', {
      hostedRotation: secretsmanager.HostedRotation.redshiftSingleUser({
        vpc: network.vpc,
        vpcSubnets: network.privateSubnets,
        securityGroups: [network.rotationSg],
      }),
      automaticallyAfter: Duration.days(config.rotationDays),
      // The user does not exist until an admin creates it with this password (docs/deploy.md); rotating
      // at once would fail. The first rotation comes one period after the deployment.
      rotateImmediatelyOnUpdate: false,
    });

    this.secretArn = this.secret.secretArn;
    this.dataApiTargetArn = this.workgroup.attrWorkgroupWorkgroupArn;
    this.settings = {
      PIPELINE_WAREHOUSE: 'redshift-data',
      PIPELINE_REDSHIFT_WORKGROUP: this.workgroup.workgroupName,
      PIPELINE_REDSHIFT_DATABASE: config.database,
      PIPELINE_SECRET_ARN: this.secretArn,
    };
    addSettingOutputs(this, this.settings);
  }
}
