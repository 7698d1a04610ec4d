import { ConfigError } from '@pipeline/core';
import type { z } from 'zod';
import { INFRA_PARAMETERS, InfraConfigSchema, type InfraConfig } from './infra-config.js';

/**
 * CDK's own context keys (feature flags such as `@aws-cdk/core:…`, `aws:cdk:…`, lookups such as
 * `availability-zones:account=…`) all carry a ":" or start with "@"; any other key is one of ours,
 * so an unknown one is a typo worth refusing rather than a value silently ignored.
 */
function isCdkKey(key: string): boolean {
  return key.startsWith('@') || key.includes(':');
}

function describe(issue: z.core.$ZodIssue, context: Record<string, unknown>): string {
  const key = String(issue.path[0] ?? '');
  const given = key in context ? ` (given ${JSON.stringify(context[key])})` : '';
  return `  -c ${key}${given}: ${issue.message}`;
}

/**
 * Validates the app's context into typed parameters. Every problem is reported at once, each
 * naming the parameter, the value given and what was expected; the error has code
 * `E_INFRA_PARAMETER`.
 */
export function readInfraConfig(context: Record<string, unknown>): InfraConfig {
  const ours: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(context)) {
    if (isCdkKey(key)) continue;
    if ((INFRA_PARAMETERS as string[]).includes(key)) ours[key] = value;
    else unknown.push(key);
  }
  const problems = unknown.map((key) => `  -c ${key}: not a parameter of this app; known: ${INFRA_PARAMETERS.join(', ')}`);
  const parsed = InfraConfigSchema.safeParse(ours);
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => describe(issue, ours)));
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(`bad infra parameters (see infra/README.md for each one and its default):\n${problems.join('\n')}`, { code: 'E_INFRA_PARAMETER' });
  }
  return parsed.data;
}
