import nx from '@nx/eslint-plugin';
import prettierRecommended from 'eslint-plugin-prettier/recommended';

// Tags: `type:app|lib|e2e|tool|infra|testing|test` says what a project is, `band:*` which shelf a lib
// sits on, `scope:*` which part of the platform owns it (decision 0028).
// - Apps are composition roots: nothing may import them, and libs never reach up into apps.
// - libs/platform (band:platform) is plumbing and never imports the business in libs/services.
// - Test code (type:testing: libs/testing; type:test: a project's tests/ folder) is never a
//   dependency of production code, so changing a test helper affects no deployable (decision 0021).
const publicEntriesOnly = {
  group: ['@consign/*/src/*', '**/apps/**'],
  message: 'Import a lib through its public entry (src/index.ts); never import an app.',
};

// Domain rules are plain functions: no database, broker, HTTP or mail code, and nothing from the
// lib's own adapters (handlers/, store/, http/, mail/).
const domainMustStayPure = {
  paths: ['typeorm', 'pg', 'kafkajs', 'express', 'nodemailer', 'http', 'https', 'net', 'node:http', 'node:https', 'node:net', 'undici'].map(
    (name) => ({ name, message: 'domain/ holds pure rules: do I/O in handlers/ or store/.' }),
  ),
  patterns: [
    publicEntriesOnly,
    {
      group: [
        '@consign/database',
        '@consign/kafka',
        '@consign/outbox',
        '@consign/event-service',
        '@consign/service-runtime',
        '@consign/telemetry',
      ],
      message: 'domain/ holds pure rules: do I/O in handlers/ or store/.',
    },
    {
      group: ['../*', '!../domain', '!../domain/*'],
      message: 'domain/ may import only domain/ (and pure libs): adapters depend on it, not the other way round.',
    },
  ],
};

const moduleBoundaries = {
  enforceBuildableLibDependency: true,
  banTransitiveDependencies: true,
  allow: [],
  depConstraints: [
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
    { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
    { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['type:lib', 'type:testing', 'type:infra'] },
    { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:testing', 'type:test', 'type:infra'] },
    { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:testing', 'type:test', 'type:infra'] },
    { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra'] },
    { sourceTag: 'band:platform', onlyDependOnLibsWithTags: ['band:platform', 'band:testing'] },
    { sourceTag: 'band:services', onlyDependOnLibsWithTags: ['band:platform', 'band:services', 'band:testing'] },
    { sourceTag: 'band:testing', onlyDependOnLibsWithTags: ['band:platform', 'band:testing'] },
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:gateway'] },
    { sourceTag: 'scope:inventory', onlyDependOnLibsWithTags: ['scope:shared', 'scope:inventory'] },
    { sourceTag: 'scope:earnings', onlyDependOnLibsWithTags: ['scope:shared', 'scope:earnings'] },
    { sourceTag: 'scope:consignor', onlyDependOnLibsWithTags: ['scope:shared', 'scope:consignor'] },
    { sourceTag: 'scope:notification', onlyDependOnLibsWithTags: ['scope:shared', 'scope:notification'] },
    // The reconciler records its repairs in the operators' audit log; the ops CLI runs reconciliations.
    { sourceTag: 'scope:reconciler', onlyDependOnLibsWithTags: ['scope:shared', 'scope:reconciler', 'scope:operations'] },
    { sourceTag: 'scope:operations', onlyDependOnLibsWithTags: ['scope:shared', 'scope:operations', 'scope:reconciler'] },
    // Benchmarks and checks drive any part of the platform.
    { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['*'] },
    { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] },
    // The documentation's drift checks run the gateway's own mapping on the documented webhooks.
    { sourceTag: 'scope:docs', onlyDependOnLibsWithTags: ['scope:shared', 'scope:gateway'] },
  ],
};

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', 'infra/local/.cache', 'infra/local/.run', '**/generated/**'] },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [publicEntriesOnly] }],
    },
  },
  {
    files: ['libs/services/*/src/domain/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', domainMustStayPure] },
  },
  {
    // A tests/ project may reach into the code it tests (its parent's src/) by a relative path, for
    // internals the public entry does not export; nothing else may import across projects that way.
    files: ['libs/*/*/tests/**/*.ts', 'apps/*/tests/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { ...moduleBoundaries, allow: ['../src/**', '../../src/**', '../../../src/**'] }],
    },
  },
  // One format, Prettier's (.prettierrc.json), checked as a lint rule: `npx prettier --write <files>` fixes it.
  { ...prettierRecommended, files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'] },
];
