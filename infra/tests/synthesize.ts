import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { PolicyViolation } from 'aws-cdk-lib';
import { buildApp, type PipelineStacks } from '../src/build-app.js';
import type { InfraConfig } from '../src/config/infra-config.js';

/** One synthesized configuration: its templates by stack id, and what cdk-nag still reports. */
export interface Synthesized {
  config: InfraConfig;
  stacks: PipelineStacks;
  templates: Partial<Record<keyof PipelineStacks, Template>>;
  /** Every template by stack name, for checks that walk all of them. */
  byStackName: Map<string, Template>;
  /** The Docker images each stack needs built and published at deploy, by stack name: their build source. */
  images: Map<string, { directory: string; dockerFile?: string; dockerBuildTarget?: string; platform?: string }[]>;
  nagViolations: PolicyViolation[];
  cleanup: () => void;
}

export { CONFIGURATIONS, EXTERNAL_SECRET } from '../src/config/synth-configurations.js';

/**
 * Builds and synthesizes one configuration without copying assets (the Docker context stays where
 * it is), then runs cdk-nag on the synthesized app, where cross-stack references are resolved.
 */
export function synthesize(context: Record<string, unknown>): Synthesized {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-infra-'));
  const { app, config, stacks, nag } = buildApp({ outdir, context: { 'aws:cdk:disable-asset-staging': true, ...context } }, {}, { validate: false });
  const assembly = app.synth();
  const templates: Synthesized['templates'] = {};
  const byStackName = new Map<string, Template>();
  const images: Synthesized['images'] = new Map();
  for (const [key, stack] of Object.entries(stacks) as [keyof PipelineStacks, PipelineStacks[keyof PipelineStacks]][]) {
    if (!stack) continue;
    const artifact = assembly.getStackArtifact(stack.artifactId);
    const template = Template.fromJSON(artifact.template as Record<string, unknown>);
    const manifest = JSON.parse(readFileSync(path.join(outdir, `${stack.artifactId}.assets.json`), 'utf8')) as { dockerImages?: Record<string, { source: never }> };
    images.set(stack.stackName, Object.values(manifest.dockerImages ?? {}).map((i) => i.source));
    templates[key] = template;
    byStackName.set(stack.stackName, template);
  }
  return { config, stacks, templates, byStackName, images, nagViolations: nag.check(), cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}
