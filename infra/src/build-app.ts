import { App, ArnFormat, Tags, Validations, type AppProps, type Environment } from 'aws-cdk-lib';
import type { InfraConfig } from './config/infra-config.js';
import { readInfraConfig } from './config/read-infra-config.js';
import { stackName, type StackSuffix } from './config/stack-names.js';
import { PipelineNagChecks } from './nag/pipeline-nag-checks.js';
import type { Settings } from './outputs/setting-outputs.js';
import { ComputeStack } from './stacks/compute-stack.js';
import { NetworkStack } from './stacks/network-stack.js';
import { OrchestratorStack } from './stacks/orchestrator-stack.js';
import { StorageStack } from './stacks/storage-stack.js';
import { WarehouseStack, type WarehouseRef } from './stacks/warehouse-stack.js';

/** The stacks of one synthesis; `warehouse` and `orchestrator` exist only when the parameters ask for them. */
export interface PipelineStacks {
  network: NetworkStack;
  storage: StorageStack;
  warehouse?: WarehouseStack;
  compute: ComputeStack;
  orchestrator?: OrchestratorStack;
}

/** The settings of a warehouse the team brings (`-c warehouse=external`). */
function externalWarehouseSettings(config: InfraConfig): Settings {
  return {
    PIPELINE_WAREHOUSE: 'redshift-data',
    ...(config.redshiftWorkgroupName ? { PIPELINE_REDSHIFT_WORKGROUP: config.redshiftWorkgroupName } : { PIPELINE_REDSHIFT_CLUSTER: config.redshiftClusterId! }),
    PIPELINE_REDSHIFT_DATABASE: config.database,
    PIPELINE_SECRET_ARN: config.warehouseSecretArn!,
  };
}

/**
 * Builds the app from its context: validates the parameters (throwing `E_INFRA_PARAMETER`), creates
 * the stacks with references passed as props, and registers cdk-nag's AWS Solutions checks, which
 * fail the synthesis on any unacknowledged finding. Tests pass `validate: false`, synthesize, and
 * call `nag.check()` to see the findings themselves.
 */
export function buildApp(
  props: AppProps = {},
  env: Environment = {},
  options: { validate?: boolean } = {},
): { app: App; config: InfraConfig; stacks: PipelineStacks; nag: PipelineNagChecks } {
  // Strong references (exports) keep a consumer's stack from losing what it imports; said explicitly, as CDK asks.
  const app = new App({ ...props, context: { '@aws-cdk/core:defaultCrossStackReferences': 'strong', ...props.context } });
  const config = readInfraConfig(app.node.getAllContext() as Record<string, unknown>);
  // The construct id is the stack name too, so `cdk deploy <name>-compute` selects by the name CloudFormation shows.
  const stackProps = (suffix: StackSuffix, description: string) => ({
    env,
    stackName: stackName(config.name, suffix),
    description: `pipeline (${config.name}): ${description}`,
    config,
  });

  const network = new NetworkStack(app, stackName(config.name, 'network'), stackProps('network', 'VPC, endpoints and security groups'));
  const storage = new StorageStack(app, stackName(config.name, 'storage'), stackProps('storage', 'bucket for job code, run files and logs; Redshift COPY role'));

  let warehouse: WarehouseStack | undefined;
  let warehouseRef: WarehouseRef;
  let external: Settings | undefined;
  if (config.warehouse === 'serverless') {
    warehouse = new WarehouseStack(app, stackName(config.name, 'warehouse'), { ...stackProps('warehouse', 'Redshift Serverless and the pipeline user secret'), network, copyRole: storage.copyRole });
    warehouseRef = warehouse;
  } else {
    external = externalWarehouseSettings(config);
    warehouseRef = {
      secretArn: config.warehouseSecretArn!,
      dataApiTargetArn: config.redshiftWorkgroupId
        ? storage.formatArn({ service: 'redshift-serverless', resource: 'workgroup', resourceName: config.redshiftWorkgroupId })
        : storage.formatArn({ service: 'redshift', resource: 'cluster', resourceName: config.redshiftClusterId!, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      settings: external,
    };
  }

  const compute = new ComputeStack(app, stackName(config.name, 'compute'), {
    ...stackProps('compute', config.computeKind === 'emr' ? 'EMR cluster' : 'EMR Serverless application'),
    network,
    layout: storage.layout,
    warehouse: warehouseRef,
    ...(external ? { externalWarehouseSettings: external } : {}),
  });

  let orchestrator: OrchestratorStack | undefined;
  if (config.orchestrator) {
    orchestrator = new OrchestratorStack(app, stackName(config.name, 'orchestrator'), {
      ...stackProps('orchestrator', 'Redis, scheduler and workers on Fargate'),
      network,
      layout: storage.layout,
      warehouse: warehouseRef,
      compute: compute.target,
      settings: { ...storage.settings, ...warehouse?.settings, ...compute.settings },
    });
  }

  Tags.of(app).add('pipeline:deployment', config.name);
  const nag = new PipelineNagChecks(app);
  if (options.validate ?? true) Validations.of(app).addPlugins(nag);
  return { app, config, nag, stacks: { network, storage, compute, ...(warehouse ? { warehouse } : {}), ...(orchestrator ? { orchestrator } : {}) } };
}
