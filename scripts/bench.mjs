// npm run bench -- <suite>: prints one JSON object per line (see scripts/bench/README.md).
// Exits 0 whether or not targets held; non-zero only when it could not measure.
import { build, ensureNodeModules, ensureVenv, log } from './lib.mjs';

const suites = { data: () => import('./bench/data.mjs'), queue: () => import('./bench/queue.mjs') };
const name = process.argv[2];
if (!name || !(name in suites)) {
  process.stderr.write(`usage: npm run bench -- <suite>   (suites: ${Object.keys(suites).join(', ')})\n`);
  process.exit(2);
}
try {
  ensureNodeModules();
  ensureVenv();
  build();
  log(`benchmark suite ${name}`);
  const suite = await suites[name]();
  await suite.run(process.argv.slice(3));
} catch (err) {
  process.stderr.write(`benchmark ${name} could not measure: ${err.stack ?? err.message}\n`);
  process.exit(1);
}
