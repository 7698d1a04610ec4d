import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ConfigError } from '@pipeline/core';
import { STACK_SUFFIXES, stackName } from './config/stack-names.js';
import { formatDotenv } from './outputs/dotenv.js';
import { readStackSettings } from './outputs/read-stack-settings.js';

const USAGE = `usage: npm run infra:env -- [--name NAME | --stacks STACK,…] [--region REGION] [--out FILE]

Prints the PIPELINE_* settings (and AWS_REGION, REDIS_URL) of a deployed pipeline as .env lines,
from the outputs of its CloudFormation stacks. Secret values are never printed: the secret is
named by its ARN.

  --name NAME       the deployment's -c name; reads NAME-network … NAME-orchestrator (default: pipeline)
  --stacks LIST     the stacks to read instead, comma-separated
  --region REGION   the stacks' region (default: AWS_REGION or the SDK's default)
  --out FILE        write the lines to FILE instead of standard output (which npm also writes to)
`;

/** Settings whose value would be a credential. No stack outputs one; this is the guard that keeps it so. */
const SECRET_VALUED = /PASSWORD|TOKEN|WEBHOOK|SECRET(?!_ARN)/;

export interface EnvCommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Writes the file of `--out`. */
  writeFile?: (file: string, text: string) => void;
  /** Builds the client; tests hand in one whose calls are mocked. */
  client?: (region: string | undefined) => CloudFormationClient;
}

/** `infra:env`: returns the exit code (0 printed, 1 nothing deployed or AWS refused, 2 bad usage). */
export async function runEnvCommand(argv: string[], io: EnvCommandIo): Promise<number> {
  let values: { name?: string; stacks?: string; region?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { name: { type: 'string' }, stacks: { type: 'string' }, region: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (values.name !== undefined && values.stacks !== undefined) {
    io.stderr(`give --name or --stacks, not both\n${USAGE}`);
    return 2;
  }
  const name = values.name ?? 'pipeline';
  if (!/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/.test(name)) {
    io.stderr(`--name "${name}" is not a deployment name (lower-case letters, digits and "-", 3–32 characters)\n`);
    return 2;
  }
  const stacks = values.stacks !== undefined ? values.stacks.split(',').map((s) => s.trim()).filter(Boolean) : STACK_SUFFIXES.map((s) => stackName(name, s));
  if (stacks.length === 0) {
    io.stderr(`--stacks names no stack\n${USAGE}`);
    return 2;
  }

  const region = values.region ?? process.env['AWS_REGION'];
  const client = io.client ? io.client(region) : new CloudFormationClient(region ? { region } : {});
  try {
    const { settings, found, missing } = await readStackSettings(client, stacks);
    if (found.length === 0) {
      io.stderr(`none of the stacks ${stacks.join(', ')} exists${region ? ` in ${region}` : ''}; deploy them first (docs/deploy.md), or pass --stacks / --region\n`);
      return 1;
    }
    const printable: Record<string, string> = {};
    for (const [setting, value] of Object.entries(settings)) {
      if (SECRET_VALUED.test(setting)) io.stderr(`skipped ${setting}: a credential is never printed\n`);
      else printable[setting] = value;
    }
    if (missing.length > 0 && values.stacks !== undefined) io.stderr(`not deployed: ${missing.join(', ')}\n`);
    const text = `# pipeline settings from ${found.join(', ')}\n${formatDotenv(printable)}`;
    if (values.out === undefined) io.stdout(text);
    else {
      (io.writeFile ?? ((file, t) => writeFileSync(file, t, { mode: 0o600 })))(values.out, text);
      io.stderr(`wrote ${Object.keys(printable).length} settings to ${values.out}\n`);
    }
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(`${err.message}\n`);
      return 2;
    }
    const e = err as { name?: string; message?: string };
    io.stderr(`could not read the stacks: ${e.name ?? 'Error'}: ${e.message ?? String(err)}\n`);
    return 1;
  }
}
