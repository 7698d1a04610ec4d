import { ENV } from '@pipeline/core';
import { CfnOutput, type Stack } from 'aws-cdk-lib';

/** The name of one setting the product reads, e.g. `PIPELINE_TEMP_DIR`. */
export type SettingName = (typeof ENV)[keyof typeof ENV];

/** The settings a stack determines, by setting name; the values may be tokens. */
export type Settings = Partial<Record<SettingName, string>>;

/**
 * The stack output key of a setting: its name in PascalCase (`PIPELINE_TEMP_DIR` →
 * `PipelineTempDir`), since output keys are alphanumeric. `settingForOutputKey` reverses it.
 */
export function outputKey(setting: SettingName): string {
  return setting
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

const BY_OUTPUT_KEY = new Map<string, SettingName>(Object.values(ENV).map((name) => [outputKey(name), name]));

/** The setting an output key stands for, or undefined for an output that is no setting. */
export function settingForOutputKey(key: string): SettingName | undefined {
  return BY_OUTPUT_KEY.get(key);
}

/** One output per setting, keyed by `outputKey` and described by the setting's name. */
export function addSettingOutputs(stack: Stack, settings: Settings): void {
  for (const [name, value] of Object.entries(settings) as [SettingName, string][]) {
    new CfnOutput(stack, outputKey(name), { value, description: name });
  }
}
