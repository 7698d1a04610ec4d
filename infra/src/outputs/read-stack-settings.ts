import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { ConfigError } from '@pipeline/core';
import { settingForOutputKey, type SettingName } from './setting-outputs.js';

/** The settings found in the stacks, and which stacks were read or missing. */
export interface StackSettings {
  settings: Partial<Record<SettingName, string>>;
  found: string[];
  missing: string[];
}

function isMissingStack(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e.name === 'ValidationError' && /does not exist/.test(e.message ?? '');
}

async function describe(client: CloudFormationClient, stackName: string): Promise<Stack | undefined> {
  try {
    const out = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    return out.Stacks?.[0];
  } catch (err) {
    if (isMissingStack(err)) return undefined;
    throw err;
  }
}

/**
 * Reads the outputs of the named stacks and maps each output whose key is a setting's
 * (`PipelineTempDir` → `PIPELINE_TEMP_DIR`) to it; other outputs are ignored. The same setting
 * from two stacks with different values is refused (code `E_INFRA_ENV`): the stacks belong to two
 * deployments.
 */
export async function readStackSettings(client: CloudFormationClient, stackNames: string[]): Promise<StackSettings> {
  const result: StackSettings = { settings: {}, found: [], missing: [] };
  const source = new Map<SettingName, string>();
  for (const name of stackNames) {
    const stack = await describe(client, name);
    if (!stack) {
      result.missing.push(name);
      continue;
    }
    result.found.push(name);
    for (const output of stack.Outputs ?? []) {
      const setting = output.OutputKey ? settingForOutputKey(output.OutputKey) : undefined;
      if (!setting || output.OutputValue === undefined) continue;
      const earlier = result.settings[setting];
      if (earlier !== undefined && earlier !== output.OutputValue) {
        throw new ConfigError(`${setting} differs between stacks ${source.get(setting)} and ${name}; name the stacks of one deployment with --stacks`, { code: 'E_INFRA_ENV' });
      }
      result.settings[setting] = output.OutputValue;
      source.set(setting, name);
    }
  }
  return result;
}
