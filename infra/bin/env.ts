#!/usr/bin/env node
// `npm run infra:env -- [--name NAME | --stacks …] [--region …] > .env`: the deployed stacks' settings.
import { runEnvCommand } from '../src/env-command.js';

process.exitCode = await runEnvCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
