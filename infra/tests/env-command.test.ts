import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runEnvCommand } from '../src/env-command.js';
import { dotenvLine } from '../src/outputs/dotenv.js';

const cfn = mockClient(CloudFormationClient);

function stack(name: string, outputs: Record<string, string>) {
  return { Stacks: [{ StackName: name, CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE' as const, Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }] };
}
const missing = (name: string) => Object.assign(new Error(`Stack with id ${name} does not exist`), { name: 'ValidationError' });

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const regions: (string | undefined)[] = [];
  const code = await runEnvCommand(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    client: (region) => {
      regions.push(region);
      return new CloudFormationClient({ region: region ?? 'eu-west-1' });
    },
  });
  return { code, stdout, stderr, regions };
}

beforeEach(() => {
  cfn.reset();
  cfn.on(DescribeStacksCommand).rejects(missing('other'));
});

describe('infra:env', () => {
  it('prints the settings of the deployment’s stacks as .env lines', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'pipeline-storage' }).resolves(
      stack('pipeline-storage', { AwsRegion: 'eu-west-1', PipelineTempDir: 's3://b-1/pipeline', PipelineCopyRoleArn: 'arn:aws:iam::123456789012:role/copy', ExportsOutputRefBucket: 'b-1' }),
    );
    cfn.on(DescribeStacksCommand, { StackName: 'pipeline-compute' }).resolves(stack('pipeline-compute', { PipelineCompute: 'emr', PipelineEmrClusterId: 'j-ABC' }));
    cfn.on(DescribeStacksCommand, { StackName: 'pipeline-orchestrator' }).resolves(
      stack('pipeline-orchestrator', { RedisUrl: 'rediss://master.x.cache.amazonaws.com:6379', PipelineKeyPrefix: 'pipeline' }),
    );
    const { code, stdout, stderr, regions } = await run(['--region', 'eu-west-1']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(regions).toEqual(['eu-west-1']);
    expect(stdout).toBe(
      [
        '# pipeline settings from pipeline-storage, pipeline-compute, pipeline-orchestrator',
        'AWS_REGION=eu-west-1',
        'PIPELINE_COMPUTE=emr',
        'PIPELINE_COPY_ROLE_ARN=arn:aws:iam::123456789012:role/copy',
        'PIPELINE_EMR_CLUSTER_ID=j-ABC',
        'PIPELINE_KEY_PREFIX=pipeline',
        'PIPELINE_TEMP_DIR=s3://b-1/pipeline',
        'REDIS_URL=rediss://master.x.cache.amazonaws.com:6379',
        '',
      ].join('\n'),
    );
    const asked = cfn.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input.StackName);
    expect(asked).toEqual(['pipeline-network', 'pipeline-storage', 'pipeline-warehouse', 'pipeline-compute', 'pipeline-orchestrator']);
  });

  it('reads the stacks named with --stacks, and says which are not deployed', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'a-compute' }).resolves(stack('a-compute', { PipelineCompute: 'emr-serverless' }));
    const { code, stdout, stderr } = await run(['--stacks', 'a-compute,a-storage']);
    expect(code).toBe(0);
    expect(stdout).toContain('PIPELINE_COMPUTE=emr-serverless\n');
    expect(stderr).toBe('not deployed: a-storage\n');
  });

  it('never prints a credential, even if a stack outputs one', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'pipeline-storage' }).resolves(
      stack('pipeline-storage', { PipelineApiToken: 'tok-123456789012345', PipelineWarehousePassword: 'hunter2', PipelineSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:s-AbCdEf' }),
    );
    const { code, stdout, stderr } = await run([]);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/tok-|hunter2/);
    expect(stdout).toContain('PIPELINE_SECRET_ARN=arn:aws:secretsmanager:eu-west-1:1:secret:s-AbCdEf');
    expect(stderr).toBe('skipped PIPELINE_API_TOKEN: a credential is never printed\n');
  });

  it('writes the lines to the file --out names', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'pipeline-compute' }).resolves(stack('pipeline-compute', { PipelineCompute: 'emr' }));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'infra-env-'));
    try {
      const file = path.join(dir, '.env');
      const { code, stdout, stderr } = await run(['--out', file]);
      expect(code).toBe(0);
      expect(stdout).toBe('');
      expect(stderr).toBe(`wrote 1 settings to ${file}\n`);
      expect(readFileSync(file, 'utf8')).toBe('# pipeline settings from pipeline-compute\nPIPELINE_COMPUTE=emr\n');
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with 1 when nothing is deployed, and when CloudFormation refuses', async () => {
    const none = await run(['--name', 'nothing']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('none of the stacks nothing-network, nothing-storage');
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('User is not authorized to perform: cloudformation:DescribeStacks'), { name: 'AccessDenied' }));
    const denied = await run([]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toBe('could not read the stacks: AccessDenied: User is not authorized to perform: cloudformation:DescribeStacks\n');
  });

  it('refuses two deployments mixed, and bad usage with 2', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'x-storage' }).resolves(stack('x-storage', { AwsRegion: 'eu-west-1' }));
    cfn.on(DescribeStacksCommand, { StackName: 'y-storage' }).resolves(stack('y-storage', { AwsRegion: 'us-east-1' }));
    const mixed = await run(['--stacks', 'x-storage,y-storage']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('AWS_REGION differs between stacks x-storage and y-storage');
    expect((await run(['--bogus'])).code).toBe(2);
    expect((await run(['--name', 'a', '--stacks', 'b'])).stderr).toContain('give --name or --stacks, not both');
    expect((await run(['--name', 'Bad_Name'])).code).toBe(2);
  });
});

describe('dotenvLine', () => {
  it('quotes what a shell or a dotenv parser would not read literally', () => {
    expect(dotenvLine('A', 's3://bucket/prefix')).toBe('A=s3://bucket/prefix');
    expect(dotenvLine('A', '')).toBe("A=''");
    expect(dotenvLine('A', 'two words')).toBe("A='two words'");
    expect(dotenvLine('A', '{"k":"v"}')).toBe(`A='{"k":"v"}'`);
    expect(dotenvLine('A', "it's $HOME")).toBe(`A='it'\\''s $HOME'`);
  });
});
