import { RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { InfraConfig } from '../config/infra-config.js';

/** EMR's v2 service policy only acts on VPC resources that carry this tag. */
export const EMR_MANAGED_TAG = 'for-use-with-amazon-emr-managed-policies';

/** The VPC's address range, a literal so that security group rules can name it. */
const VPC_CIDR = '10.40.0.0/16';

const ENDPOINT_SERVICES: Record<InfraConfig['interfaceEndpoints'][number], ec2.InterfaceVpcEndpointAwsService[]> = {
  secretsmanager: [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
  'redshift-data': [ec2.InterfaceVpcEndpointAwsService.REDSHIFT_DATA],
  elasticmapreduce: [ec2.InterfaceVpcEndpointAwsService.EMR],
  'emr-serverless': [ec2.InterfaceVpcEndpointAwsService.EMR_SERVERLESS],
  ecr: [ec2.InterfaceVpcEndpointAwsService.ECR, ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
  logs: [ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
  monitoring: [ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING],
  sts: [ec2.InterfaceVpcEndpointAwsService.STS],
};

export interface NetworkStackProps extends StackProps {
  config: InfraConfig;
}

/**
 * The VPC every other stack lives in, and every security group, so that the rules between them
 * (Spark, the orchestrator's tasks and the rotation function reach the warehouse; the tasks reach
 * Redis) stay in one stack and never make two stacks depend on each other.
 */
export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  /** Private subnets with a route out (NAT), for every workload. */
  readonly privateSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  /** Spark: the EMR nodes (as an additional group) or the EMR Serverless application. */
  readonly sparkSg: ec2.SecurityGroup;
  /** The scheduler and worker tasks. */
  readonly appSg: ec2.SecurityGroup;
  /** The Redshift Serverless workgroup. */
  readonly warehouseSg: ec2.SecurityGroup;
  /** The hosted rotation function of the pipeline user's secret. */
  readonly rotationSg: ec2.SecurityGroup;
  /** ElastiCache. */
  readonly redisSg: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR),
      ...(config.availabilityZones ? { availabilityZones: config.availabilityZones } : { maxAzs: 3 }),
      natGateways: config.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: config.natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 },
      ],
      // Enhanced VPC routing sends Redshift's COPY and UNLOAD through the VPC, so S3 must be reachable from it.
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    if (config.natGateways === 0) this.privateSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    Tags.of(this.vpc).add(EMR_MANAGED_TAG, 'true');

    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    this.vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.REJECT });

    const sg = (sgId: string, description: string) => new ec2.SecurityGroup(this, sgId, { vpc: this.vpc, description, allowAllOutbound: true });
    this.sparkSg = sg('SparkSg', 'Spark (EMR nodes or EMR Serverless)');
    Tags.of(this.sparkSg).add(EMR_MANAGED_TAG, 'true');
    this.appSg = sg('AppSg', 'pipeline scheduler and worker tasks');
    this.warehouseSg = sg('WarehouseSg', 'Redshift Serverless workgroup');
    this.rotationSg = sg('RotationSg', 'rotation of the pipeline user secret');
    this.redisSg = sg('RedisSg', 'ElastiCache for the queues and run state');

    for (const [client, what] of [[this.sparkSg, 'Spark reads the source'], [this.appSg, 'workers run SQL'], [this.rotationSg, 'password rotation']] as const) {
      this.warehouseSg.addIngressRule(client, ec2.Port.tcp(5439), `Redshift from ${what}`);
    }
    this.redisSg.addIngressRule(this.appSg, ec2.Port.tcp(6379), 'Redis from the scheduler and workers');

    if (config.interfaceEndpoints.length > 0) {
      const endpointSg = sg('EndpointSg', 'interface endpoints');
      endpointSg.addIngressRule(ec2.Peer.ipv4(VPC_CIDR), ec2.Port.tcp(443), 'HTTPS from the VPC');
      for (const key of config.interfaceEndpoints) {
        for (const service of ENDPOINT_SERVICES[key]) {
          this.vpc.addInterfaceEndpoint(`${service.shortName}Endpoint`, { service, subnets: this.privateSubnets, securityGroups: [endpointSg], privateDnsEnabled: true, open: false });
        }
      }
    }
  }
}
