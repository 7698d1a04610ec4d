// npm test: installs what is missing, then builds, lints and runs every TypeScript and Python
// test suite (Nx runs independent projects in parallel and caches what did not change).
import { build, checkJava, ensureNodeModules, ensureVenv, log, sh } from './lib.mjs';

try {
  ensureNodeModules();
  ensureVenv();
  checkJava();
  build();
  log('linting and testing every project');
  sh('npx', ['nx', 'run-many', '-t', 'lint', 'test', '--output-style=static', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false', TZ: 'UTC' },
  });
} catch (err) {
  process.stderr.write(`npm test failed: ${err.message}\n`);
  process.exit(1);
}
