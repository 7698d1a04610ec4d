import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors/config-error.js';
import { registerSecret } from '../logging/index.js';
import { ConfigSchema, DEFAULTS, type Config, type ConfigInput } from './config-schema.js';
import { ENV } from './env-vars.js';

const DEFAULT_FILE = 'pipeline.config.yaml';

function compact<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

/** Reads the environment layer. Only variables that are set contribute. */
export function configFromEnv(env: NodeJS.ProcessEnv): ConfigInput {
  return compact({
    pipelinesDir: env[ENV.pipelinesDir],
    secretArn: env[ENV.secretArn],
    region: env[ENV.region],
    tempDir: env[ENV.tempDir],
    copyRoleArn: env[ENV.copyRoleArn],
    s3ForcePathStyle: env[ENV.s3ForcePathStyle],
    logLevel: env[ENV.logLevel],
    retentionDays: env[ENV.retentionDays],
    metricsPort: env[ENV.metricsPort],
    metricsHost: env[ENV.metricsHost],
    metrics: compact({ cloudwatchNamespace: env[ENV.cloudwatchNamespace] }),
    warehouse: compact({
      kind: env[ENV.warehouse] as Config['warehouse']['kind'] | undefined,
      url: env[ENV.warehouseUrl],
      dialect: env[ENV.warehouseDialect] as Config['warehouse']['dialect'],
      workgroup: env[ENV.redshiftWorkgroup],
      cluster: env[ENV.redshiftCluster],
      database: env[ENV.redshiftDatabase],
      dbUser: env[ENV.redshiftDbUser],
    }),
    redis: compact({ url: env[ENV.redisUrl], keyPrefix: env[ENV.keyPrefix] }),
    api: compact({ token: env[ENV.apiToken] }),
    alerts: compact({ webhookUrl: env[ENV.alertWebhookUrl] }),
    dashboardUrl: env[ENV.dashboardUrl],
    compute: compact({
      kind: env[ENV.compute] as Config['compute']['kind'] | undefined,
      sparkSubmit: env[ENV.sparkSubmit],
      master: env[ENV.sparkMaster],
      python: env[ENV.sparkPython],
      jdbcJar: env[ENV.jdbcJar],
      read: env[ENV.sparkRead] as Config['compute']['read'],
      emrClusterId: env[ENV.emrClusterId],
      emrClusterName: env[ENV.emrClusterName],
      emrTransient: env[ENV.emrTransient] as unknown as Config['compute']['emrTransient'],
      emrServerlessApplicationId: env[ENV.emrServerlessApplicationId],
      emrServerlessRoleArn: env[ENV.emrServerlessRoleArn],
      codeUri: env[ENV.codeUri],
      logUri: env[ENV.logUri],
    }),
  });
}

function readFileLayer(file: string, explicit: boolean): ConfigInput {
  if (!existsSync(file)) {
    if (explicit) throw new ConfigError(`config file not found: ${file}`, { code: 'E_CONFIG_FILE', location: file });
    return {};
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid YAML: ${(err as Error).message}`, { code: 'E_CONFIG_FILE', location: file, cause: err });
  }
  if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
    throw new ConfigError(`config file ${file} must hold a mapping of settings`, { code: 'E_CONFIG_FILE', location: file });
  }
  return (parsed ?? {}) as ConfigInput;
}

function layer(...inputs: ConfigInput[]): ConfigInput {
  const out: ConfigInput = {};
  for (const input of inputs) {
    Object.assign(out, compact({ ...input, warehouse: undefined, compute: undefined, redis: undefined, api: undefined, alerts: undefined, metrics: undefined }));
    out.warehouse = { ...out.warehouse, ...compact(input.warehouse ?? {}) };
    out.compute = { ...out.compute, ...compact(input.compute ?? {}) };
    out.redis = { ...out.redis, ...compact(input.redis ?? {}) };
    out.api = { ...out.api, ...compact(input.api ?? {}) };
    out.alerts = { ...out.alerts, ...compact(input.alerts ?? {}) };
    out.metrics = { ...out.metrics, ...compact(input.metrics ?? {}) };
  }
  return out;
}

/**
 * Resolves the configuration: defaults < config file < environment < flags. The file is
 * `--config`, else `$PIPELINE_CONFIG`, else `./pipeline.config.yaml` when present.
 */
export function loadConfig(options: { env?: NodeJS.ProcessEnv; flags?: ConfigInput; configFile?: string; cwd?: string } = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicitFile = options.configFile ?? env[ENV.configFile];
  const file = path.resolve(cwd, explicitFile ?? DEFAULT_FILE);
  const merged = layer(DEFAULTS as ConfigInput, readFileLayer(file, explicitFile !== undefined), configFromEnv(env), options.flags ?? {});
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    const details = result.error.issues
      .map((i) => `  ${i.path.join('.') || '(root)'}: ${i.code === 'unrecognized_keys' ? `unknown setting ${i.keys.join(', ')}` : i.message}`)
      .join('\n');
    throw new ConfigError(`invalid configuration (defaults < ${path.basename(file)} < environment < flags):\n${details}`, { code: 'E_CONFIG' });
  }
  // The API token is a credential: no log line may carry it, whoever logs it.
  if (result.data.api.token) registerSecret(result.data.api.token);
  // A webhook URL is its own credential (Slack's carries the token in the path).
  if (result.data.alerts.webhookUrl) registerSecret(result.data.alerts.webhookUrl);
  return result.data;
}
