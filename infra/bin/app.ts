#!/usr/bin/env node
// The CDK app: `cdk synth|deploy -c key=value …` (parameters in infra/README.md). A bad parameter
// prints what was wrong and exits 2 before any stack is built.
import { ConfigError } from '@pipeline/core';
import { buildApp } from '../src/build-app.js';

try {
  const account = process.env['CDK_DEFAULT_ACCOUNT'];
  const region = process.env['CDK_DEFAULT_REGION'];
  const { app } = buildApp({}, account && region ? { account, region } : {});
  app.synth();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
