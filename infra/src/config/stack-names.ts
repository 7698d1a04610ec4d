/** The stacks of a deployment, named `<name>-<suffix>` (`-c name`, default "pipeline"). */
export const STACK_SUFFIXES = ['network', 'storage', 'warehouse', 'compute', 'orchestrator'] as const;
export type StackSuffix = (typeof STACK_SUFFIXES)[number];

/** The CloudFormation stack name of one stack of a deployment. */
export function stackName(name: string, suffix: StackSuffix): string {
  return `${name}-${suffix}`;
}
