// One lint configuration for the whole repository: type-aware rules as errors, and Nx module
// boundaries (services depend on libraries only; libraries never on services; a library imports only
// its own domain and the platform).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

// libs/<group>/<lib>: the group is the library's scope tag. Every group but platform is a domain, so a
// new domain folder is constrained as soon as it exists (tools/checks/scopes.probes.ts keeps tags and
// folders in step).
const DOMAINS = readdirSync(join(import.meta.dirname, 'libs'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'platform')
  .map((entry) => entry.name);
const LIBRARY_TYPES = ['type:lib', 'type:contracts', 'type:testing'];
const scopeConstraints = [
  { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:platform'] },
  // Services compose domains, so only libraries are held to their own domain.
  ...DOMAINS.flatMap((domain) =>
    LIBRARY_TYPES.map((type) => ({
      allSourceTags: [type, `scope:${domain}`],
      onlyDependOnLibsWithTags: ['scope:platform', `scope:${domain}`],
    })),
  ),
];

const boundaries = (extra = []) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', ...extra] },
      { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', ...extra] },
      { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:testing'] },
      { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:testing'] },
      ...scopeConstraints,
    ],
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.cache/', '.stack/', 'dist/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@nx': nx, 'simple-import-sort': simpleImportSort },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(),
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'error',
      eqeqeq: ['error', 'always'],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through @tradewind/config only.',
        },
      ],
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
    },
  },
  {
    // Tests may use the testing library and read the environment the test harness sets.
    files: ['**/*.spec.ts', '**/*.itest.ts', '**/*.e2e.ts', '**/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(['type:testing']),
      'no-restricted-syntax': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The cores stay free of NestJS, so that tools, benchmarks and the next transports use them as they
    // are; their Nest adapters are messaging-nest and observability-nest.
    files: ['libs/platform/messaging/**/*.ts', 'libs/platform/observability/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*'],
              message: 'This library is Nest-free: put Nest code in its -nest adapter.',
            },
            { group: ['@tradewind/*-nest'], message: 'A Nest-free library cannot import a Nest adapter.' },
          ],
        },
      ],
    },
  },
  {
    // The configuration library is the one place that reads process.env.
    files: ['libs/platform/config/**/*.ts', 'libs/platform/testing/**/*.ts', 'tools/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  prettier,
);
