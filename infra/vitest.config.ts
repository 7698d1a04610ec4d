import { packageVitestConfig } from '../vitest.shared.ts';

// Synthesizing a configuration takes seconds; each test file synthesizes its configurations once.
export default packageVitestConfig({ testTimeout: 120_000 });
