#!/usr/bin/env node
// `npm run infra:synth`: `cdk synth` of every configuration in src/config/synth-configurations.ts,
// each into cdk.out/<configuration>. The cdk-nag checks run inside each synthesis and fail it on a
// finding. Extra arguments go to every `cdk synth` (e.g. `-- -c region=…`).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CONFIGURATIONS } from '../src/config/synth-configurations.js';

const infraDir = path.resolve(import.meta.dirname, '..');
const cdk = createRequire(import.meta.url).resolve('aws-cdk/bin/cdk');
let failed = 0;
for (const [name, context] of Object.entries(CONFIGURATIONS)) {
  const started = Date.now();
  const args = ['synth', '--quiet', '--output', path.join('cdk.out', name), ...Object.entries(context).flatMap(([k, v]) => ['-c', `${k}=${String(v)}`]), ...process.argv.slice(2)];
  const result = spawnSync(process.execPath, [cdk, ...args], { cwd: infraDir, stdio: 'inherit', env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true' } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status === 0) process.stdout.write(`synthesized ${name} in ${seconds} s\n`);
  else {
    failed += 1;
    process.stderr.write(`synthesis of ${name} failed (exit ${result.status ?? result.signal})\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
