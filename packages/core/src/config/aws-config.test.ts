import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

const AWS = {
  PIPELINE_COMPUTE: 'emr',
  PIPELINE_EMR_CLUSTER_NAME: 'etl',
  PIPELINE_WAREHOUSE: 'redshift-data',
  PIPELINE_REDSHIFT_WORKGROUP: 'analytics',
  PIPELINE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:warehouse-AbCdEf',
  PIPELINE_COPY_ROLE_ARN: 'arn:aws:iam::123456789012:role/pipeline-copy',
  PIPELINE_TEMP_DIR: 's3://analytics-pipeline/tmp',
};

const load = (env: Record<string, string>) => loadConfig({ env, cwd: os.tmpdir() });

describe('the AWS settings', () => {
  it('accept EMR steps with the Data API, S3 temp dir, secret and COPY role', () => {
    const config = load({ ...AWS, PIPELINE_S3_FORCE_PATH_STYLE: 'true', PIPELINE_CODE_URI: 's3://analytics-pipeline/code' });
    expect(config).toMatchObject({
      compute: { kind: 'emr', emrClusterName: 'etl', codeUri: 's3://analytics-pipeline/code' },
      warehouse: { kind: 'redshift-data', workgroup: 'analytics' },
      tempDir: 's3://analytics-pipeline/tmp',
      s3ForcePathStyle: true,
    });
  });

  it('accept a transient cluster per job, given as JSON', () => {
    const { PIPELINE_EMR_CLUSTER_NAME: _, ...rest } = AWS;
    const transient = { releaseLabel: 'emr-7.5.0', instanceType: 'm5.xlarge', instanceCount: 3, serviceRole: 'EMR_DefaultRole', jobFlowRole: 'EMR_EC2_DefaultRole', logUri: 's3://analytics-pipeline/logs' };
    expect(load({ ...rest, PIPELINE_EMR_TRANSIENT: JSON.stringify(transient) }).compute.emrTransient).toEqual(transient);
    expect(() => load({ ...rest, PIPELINE_EMR_TRANSIENT: '{"releaseLabel":"7"}' })).toThrow(/compute.emrTransient.releaseLabel: an EMR release such as emr-7.5.0/);
  });

  it('accept EMR Serverless with its application and job role', () => {
    const { PIPELINE_EMR_CLUSTER_NAME: _, ...rest } = AWS;
    const config = load({ ...rest, PIPELINE_COMPUTE: 'emr-serverless', PIPELINE_EMR_SERVERLESS_APPLICATION_ID: '00f1abc', PIPELINE_EMR_SERVERLESS_ROLE_ARN: 'arn:aws:iam::123456789012:role/emr-job' });
    expect(config.compute).toMatchObject({ kind: 'emr-serverless', emrServerlessApplicationId: '00f1abc' });
  });

  it.each([
    [{ PIPELINE_TEMP_DIR: '/tmp/local' }, /tempDir: the emr compute writes where the cluster can: set PIPELINE_TEMP_DIR to an s3:\/\/bucket\/prefix/],
    [{ PIPELINE_COPY_ROLE_ARN: '' }, /copyRoleArn: loading from S3 needs Redshift's IAM role for COPY: set PIPELINE_COPY_ROLE_ARN/],
    [{ PIPELINE_SECRET_ARN: '' }, /secretArn: on emr the job reads the warehouse credentials from Secrets Manager/],
    [{ PIPELINE_REDSHIFT_CLUSTER: 'prod' }, /exactly one of PIPELINE_REDSHIFT_WORKGROUP \(Serverless\) or PIPELINE_REDSHIFT_CLUSTER/],
    [{ PIPELINE_EMR_CLUSTER_ID: 'j-1ABC' }, /exactly one of PIPELINE_EMR_CLUSTER_ID, PIPELINE_EMR_CLUSTER_NAME or PIPELINE_EMR_TRANSIENT/],
    [{ PIPELINE_COMPUTE: 'local', PIPELINE_TEMP_DIR: '/tmp/x' }, /the redshift-data warehouse loads from S3: use PIPELINE_COMPUTE=emr or emr-serverless/],
    [{ PIPELINE_COMPUTE: 'emr-serverless' }, /PIPELINE_EMR_SERVERLESS_APPLICATION_ID[\s\S]*PIPELINE_EMR_SERVERLESS_ROLE_ARN/],
    [{ PIPELINE_COPY_ROLE_ARN: 'pipeline-copy' }, /copyRoleArn: an IAM role ARN/],
    [{ PIPELINE_EMR_CLUSTER_NAME: '', PIPELINE_EMR_CLUSTER_ID: 'cluster-1' }, /emrClusterId: an EMR cluster id such as j-/],
    [{ PIPELINE_COMPUTE: 'glue' }, /compute.kind: one of local .*emr .*emr-serverless/],
  ])('refuse %j with a message that says what to set', (change, message) => {
    const env: Record<string, string> = { ...AWS };
    for (const [k, v] of Object.entries(change)) {
      if (v === '') delete env[k];
      else env[k] = v;
    }
    expect(() => load(env)).toThrow(message);
  });

  it('refuse an s3:// temp dir with local Spark', () => {
    expect(() => load({ PIPELINE_TEMP_DIR: 's3://bucket/tmp', PIPELINE_COPY_ROLE_ARN: AWS.PIPELINE_COPY_ROLE_ARN })).toThrow(/local Spark writes to a local directory/);
  });
});
