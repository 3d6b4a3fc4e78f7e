import nx from '@nx/eslint-plugin';

// Tags: `type:app|lib|e2e|tool|infra|testing|test` says what a project is, `scope:*` which part of
// the platform owns it. Apps are composition roots: nothing may import them, and libs never reach up
// into apps. Test code (type:testing: libs/test-support; type:test: a project's tests/ folder) is
// never a dependency of an app or lib, so changing a test helper affects no deployable (decision 0021).
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
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:gateway'] },
    { sourceTag: 'scope:inventory', onlyDependOnLibsWithTags: ['scope:shared', 'scope:inventory'] },
    { sourceTag: 'scope:earnings', onlyDependOnLibsWithTags: ['scope:shared', 'scope:earnings'] },
    { sourceTag: 'scope:consignor', onlyDependOnLibsWithTags: ['scope:shared', 'scope:consignor'] },
    { sourceTag: 'scope:notification', onlyDependOnLibsWithTags: ['scope:shared', 'scope:notification'] },
    { sourceTag: 'scope:reconciler', onlyDependOnLibsWithTags: ['scope:shared'] },
    { sourceTag: 'scope:operations', onlyDependOnLibsWithTags: ['scope:shared', 'scope:operations'] },
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
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@consign/*/src/*', '**/apps/**'], message: 'Import a lib through its public entry (src/index.ts); never import an app.' }] },
      ],
    },
  },
  {
    // A tests/ project may reach into the code it tests (its parent's src/) by a relative path, for
    // internals the public entry does not export; nothing else may import across projects that way.
    files: ['libs/*/tests/**/*.ts', 'apps/*/tests/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { ...moduleBoundaries, allow: ['../src/**', '../../src/**', '../../../src/**'] }],
    },
  },
];
