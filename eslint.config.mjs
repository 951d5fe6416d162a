// Lint is here for what the compiler cannot see: module boundaries between projects.
// Tags (project.json) say what a project is; the constraints below say what it may import.
import nx from '@nx/eslint-plugin';

const noTransportOrDatabase = ['typeorm', '@nestjs/typeorm', 'pg', 'nats', '@nestjs/microservices', '@nestjs/*'];

const libs = ['type:contracts', 'type:domain', 'type:util'];
const harness = ['type:supervisor', 'type:testing'];

function boundaries({ testCode }) {
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      // Services never import each other, and no project imports an app. The supervisor (it starts
      // processes) and the testing helpers are for tools and tests: a service imports neither.
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: testCode ? [...libs, ...harness] : libs },
      { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: [...libs, ...harness] },
      { sourceTag: 'type:tool', onlyDependOnLibsWithTags: [...libs, ...harness] },
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: [...libs, 'type:supervisor'] },
      { sourceTag: 'type:supervisor', onlyDependOnLibsWithTags: libs },
      { sourceTag: 'type:util', onlyDependOnLibsWithTags: libs },
      // The contracts and the permission catalogue are pure: no transport, no database.
      { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain'], bannedExternalImports: noTransportOrDatabase },
      { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'], bannedExternalImports: noTransportOrDatabase },
    ],
  };
}

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
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ testCode: false })] },
  },
  // A service's own tests (its *.spec.ts, never built into dist/) may use the test helpers and the test databases.
  {
    files: ['**/*.spec.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ testCode: true })] },
  },
];
