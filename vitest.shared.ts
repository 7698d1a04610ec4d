import { defineConfig } from 'vitest/config';

/**
 * Vitest settings every package shares. Workspace packages resolve to their TypeScript sources
 * through the `@pipeline/source` export condition, so tests never need a prior build.
 */
export function packageVitestConfig(options: { testTimeout?: number } = {}) {
  return defineConfig({
    resolve: { conditions: ['@pipeline/source', 'module', 'node', 'development|production'] },
    // Vitest hands the SSR conditions to its Node workers as --conditions, where they also steer
    // plain require() inside dependencies: 'import' or 'module' there would load pg-pool's and
    // the AWS SDK's ESM builds from CommonJS and fail.
    ssr: { resolve: { conditions: ['@pipeline/source', 'node', 'development|production'] } },
    test: {
      environment: 'node',
      include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 60_000,
      hookTimeout: 120_000,
    },
  });
}
