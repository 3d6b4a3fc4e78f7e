import nx from '@nx/eslint-plugin';

// Tags: `type:app|lib|e2e` says what a project is, `scope:*` which part of the platform owns it.
// Apps are composition roots: nothing may import them, and libs never reach up into apps.
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', 'infra/local/.cache', 'infra/local/.run', '**/generated/**'] },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:infra'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:infra'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
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
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@consign/*/src/*', '**/apps/**'], message: 'Import a lib through its public entry (src/index.ts); never import an app.' }] },
      ],
    },
  },
];
