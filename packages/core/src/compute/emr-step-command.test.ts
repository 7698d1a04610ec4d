import { describe, expect, it } from 'vitest';
import { emrSparkSubmitStep, hadoopJarStepChars } from './emr-step-command.js';
import { checkRemoteSpec } from './remote-job.js';
import type { SparkJobSpec } from './spark-job.js';

const spec: SparkJobSpec = {
  runId: 'r1',
  pipelineId: 'p',
  loadId: 'l',
  interval: null,
  source: { table: 'public.t', query: null, incrementalColumn: null },
  read: { kind: 'jdbc', url: 'jdbc:postgresql://h/db', secretArn: 'arn:aws:secretsmanager:us-east-1:1:secret:x' },
  transform: null,
  params: {},
  dedupe: null,
  output: { dir: 's3://b/runs/r1/l/data', format: 'csv' },
  manifestPath: 's3://b/runs/r1/l/manifest.json',
};

describe('emrSparkSubmitStep', () => {
  it('submits in cluster mode, in UTC, with the code zip and the spec as plain arguments', () => {
    const step = emrSparkSubmitStep({
      stepName: 'pipeline:r1:l:extract-transform:a1',
      pyFilesUri: 's3://b/code/h/pipeline_spark.zip',
      entryPointUri: 's3://b/code/h/load_job.py',
      specArgs: ['--spec-json', '{"a":"it\'s \\"quoted\\""}'],
      extraArgs: ['--conf', 'spark.executor.memory=8g'],
    });
    expect(step.Jar).toBe('command-runner.jar');
    expect(step.Args).toEqual([
      'spark-submit',
      '--deploy-mode', 'cluster',
      '--name', 'pipeline:r1:l:extract-transform:a1',
      '--conf', 'spark.sql.session.timeZone=UTC',
      '--conf', 'spark.driver.extraJavaOptions=-Duser.timezone=UTC',
      '--conf', 'spark.executor.extraJavaOptions=-Duser.timezone=UTC',
      '--conf', 'spark.executorEnv.TZ=UTC',
      '--conf', 'spark.yarn.appMasterEnv.TZ=UTC',
      '--conf', 'spark.executor.memory=8g',
      '--py-files', 's3://b/code/h/pipeline_spark.zip',
      's3://b/code/h/load_job.py',
      '--spec-json', '{"a":"it\'s \\"quoted\\""}',
    ]);
    expect(hadoopJarStepChars(step)).toBe(step.Jar.length + step.Args.join('').length);
  });
});

describe('checkRemoteSpec', () => {
  it('accepts S3 output with a secret, and refuses local output or a password from the environment', () => {
    expect(() => checkRemoteSpec('emr', spec)).not.toThrow();
    expect(() => checkRemoteSpec('emr', { ...spec, output: { dir: '/tmp/x', format: 'csv' } })).toThrow(expect.objectContaining({ code: 'E_REMOTE_SPEC', message: expect.stringContaining('output.dir') }));
    expect(() => checkRemoteSpec('emr-serverless', { ...spec, manifestPath: 'file:///tmp/m.json' })).toThrow(expect.objectContaining({ code: 'E_REMOTE_SPEC', message: expect.stringContaining('manifestPath') }));
    expect(() => checkRemoteSpec('emr', { ...spec, read: { kind: 'jdbc', url: 'jdbc:postgresql://h/db', user: 'u', passwordEnv: 'PW' } })).toThrow(
      expect.objectContaining({ code: 'E_REMOTE_SPEC', message: expect.stringContaining('read.secretArn') }),
    );
  });
});
