import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const bannedInPureSql = ['@aws-sdk/*', 'bullmq', 'ioredis', 'pg', 'pg-copy-streams', 'pino', 'node:*', 'fs', 'child_process'];

function boundaries({ sqlBans, tests = false }) {
  // Tests of any library may use the shared fixtures; the libraries themselves may not.
  const fixtures = tests ? ['type:testing'] : [];
  return [
    'error',
    {
      enforceBuildableLibDependency: true,
      banTransitiveDependencies: true,
      depConstraints: [
        // Pure SQL generation: nothing of ours, no I/O libraries.
        { sourceTag: 'type:sql', onlyDependOnLibsWithTags: [...fixtures], bannedExternalImports: sqlBans },
        // Core: config, connectors, phases. Never queues, never apps.
        { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:sql', ...fixtures], bannedExternalImports: ['bullmq', 'ioredis'] },
        // The run model on BullMQ.
        { sourceTag: 'type:runs', onlyDependOnLibsWithTags: ['type:core', 'type:sql', ...fixtures] },
        // Test fixtures stand alone, so that every library's tests can use them without a cycle.
        { sourceTag: 'type:testing', onlyDependOnLibsWithTags: [] },
        // Long-running services (worker, scheduler): libraries only, never each other or the command.
        { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:runs', 'type:core', 'type:sql', ...fixtures] },
        // The command composes the services and the libraries; nothing imports it.
        { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:service', 'type:runs', 'type:core', 'type:sql', 'type:testing'] },
        // The AWS CDK app: the settings' names come from core, so its outputs cannot drift from them.
        { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:core'] },
      ],
    },
  ];
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.venv/**', 'spark/**', '**/cdk.out/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': boundaries({ sqlBans: bannedInPureSql }),
    },
  },
  {
    // Tests talk to real services; the SQL conformance tests execute statements against PostgreSQL.
    files: ['packages/*/src/**/*.test.ts', 'packages/*/src/test-support/**/*.ts', 'packages/*/src/testing/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ sqlBans: bannedInPureSql.filter((m) => !['pg', 'pg-copy-streams'].includes(m)), tests: true }),
    },
  },
  {
    // Pure SQL generation does no I/O: no Node built-ins outside its tests.
    files: ['packages/sql/src/**/*.ts'],
    ignores: ['packages/sql/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(node:)?(fs|child_process|net|http|https|os|path|crypto|stream)(/.*)?$', message: '@pipeline/sql is pure: generate SQL, do no I/O.' }] }],
    },
  },
);
