// npm run setup: installs what the project needs on this machine (node modules, the Python venv)
// and builds the packages. Safe to run again; it only does what is missing.
import { build, checkJava, ensureNodeModules, ensureVenv, log } from './lib.mjs';

try {
  ensureNodeModules();
  ensureVenv();
  checkJava();
  build();
  log('setup complete');
} catch (err) {
  process.stderr.write(`setup failed: ${err.message}\n`);
  process.exit(1);
}
