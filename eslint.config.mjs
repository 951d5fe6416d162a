// Lint is here for what the compiler cannot see: module boundaries between projects.
// Tags (project.json) say what a project is; the constraints below say what it may import.
import nx from '@nx/eslint-plugin';

const noTransportOrDatabase = ['typeorm', '@nestjs/typeorm', 'pg', 'nats', '@nestjs/microservices', '@nestjs/*'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  // Config files load the shared preset by relative path; that is not a project import.
  { ignores: ['**/dist', '**/node_modules', '**/tmp', '**/.data', '**/jest.config.js', 'jest.preset.js', '**/runtime/register-paths.js'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.ts', '**/*.js'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Services never import each other, and no project imports an app.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:util'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:util', 'type:testing'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:util', 'type:testing'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:util'] },
            // The contracts and the permission catalogue are pure: no transport, no database.
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain'], bannedExternalImports: noTransportOrDatabase },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'], bannedExternalImports: noTransportOrDatabase },
          ],
        },
      ],
    },
  },
];
