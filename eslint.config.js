import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// Node's own list, so every built-in (node:readline, node:timers/promises, ...) is caught, not a hand-made few.
const bare = builtinModules.filter((m) => !m.startsWith('_'));
const nodeBuiltins = [...new Set(bare.flatMap((m) => [m, `node:${m}`]))];

// Workflow code is replayed: it must stay deterministic and sandbox-safe. shared/ is held to the same rules, so
// workflows may import its values.
const deterministicImports = {
  paths: nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not allowed in workflow code.' })),
  patterns: [
    // node:-only modules (node:test, node:sqlite) are missing from builtinModules on some Node versions.
    {
      group: [...nodeBuiltins.map((name) => `${name}/*`), 'node:*'],
      message: 'Node built-ins are not allowed in workflow code.',
    },
    {
      group: ['@clickhouse/*', 'chdb', 'chdb/*', 'onnxruntime-node', '@temporalio/worker', '@temporalio/activity'],
      message: 'I/O belongs in activities, not workflows.',
    },
  ],
};
const deterministicGlobals = {
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
    { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow.' },
    { name: 'process', message: 'Workflow code must not read the environment.' },
  ],
  'no-restricted-properties': [
    'error',
    {
      object: 'Math',
      property: 'random',
      message: 'Math.random is replaced by a seeded PRNG in workflows; prefer explicit inputs.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', '.tools/**', 'dist/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          ...deterministicImports,
          patterns: [
            ...deterministicImports.patterns,
            {
              group: ['../*', '!../shared'],
              allowTypeImports: true,
              message: 'Workflows import only types from outside workflows/ and shared/ (modules there may do I/O).',
            },
          ],
        },
      ],
      ...deterministicGlobals,
    },
  },
  {
    // What several layers share, workflows included: deterministic, and it depends on nothing else in the project.
    files: ['shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          ...deterministicImports,
          patterns: [
            ...deterministicImports.patterns,
            {
              group: ['../*'],
              message: 'shared/ imports nothing from the rest of the project (every folder may import it).',
            },
          ],
        },
      ],
      ...deterministicGlobals,
    },
  },
  {
    // The registrar is its own deployable: Temporal settings and the client only, no worker, activity or ClickHouse code.
    files: ['schedules/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@clickhouse/*',
                'chdb',
                'chdb/*',
                'onnxruntime-node',
                '@temporalio/worker',
                '@temporalio/activity',
                '**/clickhouse/*',
                '**/activities/*',
                '**/workers/*',
                '**/features/*',
                '**/ingest/*',
                '**/ml/*',
                '**/config/env.js',
                '**/infra/temporal-connection.js',
              ],
              message:
                'The registrar needs only Temporal settings and the client: no worker, activity, ClickHouse or feature code.',
            },
            {
              group: ['**/workflows/*'],
              allowTypeImports: true,
              message: 'The registrar names workflows by type; it imports only their input types.',
            },
          ],
        },
      ],
    },
  },
);
