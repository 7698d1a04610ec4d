import { ConfigError } from '@pipeline/core';
import { describe, expect, it } from 'vitest';
import { readInfraConfig } from '../src/config/read-infra-config.js';

const problems = (context: Record<string, unknown>): string => {
  try {
    readInfraConfig(context);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('E_INFRA_PARAMETER');
    return (err as Error).message;
  }
  throw new Error('expected the parameters to be refused');
};

describe('readInfraConfig', () => {
  it('gives the documented defaults', () => {
    const c = readInfraConfig({});
    expect(c).toMatchObject({ name: 'pipeline', computeKind: 'emr', emrReleaseLabel: 'emr-7.9.0', baseCapacity: 8, warehouse: 'serverless', orchestrator: true });
    expect(c).toMatchObject({ workerMin: 1, workerMax: 4, schedulerReplicas: 1, stepConcurrency: 8, natGateways: 1, interfaceEndpoints: ['secretsmanager'] });
  });

  it('reads -c strings and cdk.json values alike, "false" as false', () => {
    expect(readInfraConfig({ baseCapacity: '16', orchestrator: 'false', interfaceEndpoints: 'secretsmanager, sts' })).toMatchObject({
      baseCapacity: 16,
      orchestrator: false,
      interfaceEndpoints: ['secretsmanager', 'sts'],
    });
    expect(readInfraConfig({ baseCapacity: 24, orchestrator: false })).toMatchObject({ baseCapacity: 24, orchestrator: false });
  });

  it('ignores CDK’s own context keys', () => {
    expect(() => readInfraConfig({ '@aws-cdk/core:newStyleStackSynthesis': true, 'aws:cdk:disable-asset-staging': true, 'availability-zones:account=1:region=x': ['a'] })).not.toThrow();
  });

  it('lists every bad parameter at once, with the value given and what was expected', () => {
    const message = problems({ baseCapacity: '12', computeKind: 'spark', emrReleaseLabel: 'emr-6.15.0', orchestrator: 'no', workrMax: '3' });
    expect(message).toContain('-c workrMax: not a parameter of this app');
    expect(message).toContain('-c baseCapacity (given "12"): a multiple of 8');
    expect(message).toMatch(/-c computeKind \(given "spark"\): .*emr.*emr-serverless/);
    expect(message).toContain('-c emrReleaseLabel (given "emr-6.15.0"): an emr-7.x release label');
    expect(message).toContain('-c orchestrator (given "no"): true or false');
  });

  it('checks parameters against each other once each is valid on its own', () => {
    expect(problems({ workerMin: '5', workerMax: '2', baseCapacity: '64', maxCapacity: '32' })).toMatch(
      /-c workerMin \(given "5"\): must not exceed workerMax \(2\)\n {2}-c maxCapacity \(given "32"\): must be at least baseCapacity \(64\)/,
    );
  });

  it('asks for what an external warehouse needs', () => {
    expect(problems({ warehouse: 'external' })).toMatch(/warehouseSecretArn: required with warehouse=external[\s\S]*either redshiftWorkgroupName with redshiftWorkgroupId, or redshiftClusterId/);
    expect(problems({ warehouseSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf' })).toContain('add -c warehouse=external');
    expect(problems({ warehouse: 'external', warehouseSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x' })).toContain('six-character suffix');
    expect(problems({ warehouse: 'external', warehouseSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf', redshiftWorkgroupName: 'wg1' })).toContain(
      'give redshiftWorkgroupName and redshiftWorkgroupId together',
    );
  });

  it('refuses half a pair of images and a VPC without a way out', () => {
    expect(problems({ schedulerImage: 'pipeline:1-scheduler' })).toContain('-c workerImage: give both schedulerImage and workerImage, or neither');
    expect(problems({ natGateways: '0' })).toMatch(/natGateways \(given "0"\): 0 needs interface endpoints for redshift-data, ecr, logs, sts, elasticmapreduce/);
  });
});
