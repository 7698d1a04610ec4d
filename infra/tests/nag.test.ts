import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { acknowledgeWildcardResources, PipelineNagChecks } from '../src/nag/pipeline-nag-checks.js';

/** Where the probe apps synthesize, removed after the tests (an App given no outdir leaves one in the temp dir each time). */
const outdir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-nag-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function appWithFindings() {
  const app = new App({ outdir: mkdtempSync(path.join(outdir, 'app-')) });
  const stack = new Stack(app, 'Probe');
  const bucket = new s3.Bucket(stack, 'Bucket', { enforceSSL: true });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('runs/*')] }));
  role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects('other/*')] }));
  return { app, stack, bucket, role, nag: new PipelineNagChecks(app) };
}

const rules = (nag: PipelineNagChecks) => nag.check().map((v) => v.ruleName).sort();

describe('PipelineNagChecks', () => {
  it('reports what the AWS Solutions rules find', () => {
    const { app, nag } = appWithFindings();
    app.synth();
    expect(rules(nag)).toEqual(['AwsSolutions-IAM5[Resource::<Bucket83908E77.Arn>/other/*]', 'AwsSolutions-IAM5[Resource::<Bucket83908E77.Arn>/runs/*]', 'AwsSolutions-S1']);
  });

  it('drops only the wildcard resources a pattern acknowledges, and rules acknowledged by id', () => {
    const { app, bucket, role, nag } = appWithFindings();
    acknowledgeWildcardResources(role, [{ pattern: /\/runs\/\*$/, reason: 'run folders' }]);
    Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'probe' });
    app.synth();
    expect(rules(nag)).toEqual(['AwsSolutions-IAM5[Resource::<Bucket83908E77.Arn>/other/*]']);
  });

  it('does not let a pattern on one construct cover another', () => {
    const { app, stack, role, nag } = appWithFindings();
    acknowledgeWildcardResources(new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }), [{ pattern: /.*/, reason: 'elsewhere' }]);
    app.synth();
    expect(rules(nag)).toContain('AwsSolutions-IAM5[Resource::<Bucket83908E77.Arn>/runs/*]');
    expect(role).toBeDefined();
  });

  it('fails the synthesis when registered as a plugin', () => {
    const { app, nag } = appWithFindings();
    Validations.of(app).addPlugins(nag);
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });
});
