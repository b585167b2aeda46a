// ESLint flat config: type-aware typescript-eslint, sorted imports, and import rules that hold the
// module boundaries (docs/adr and ARCHITECTURE: only storage talks to the S3 SDK, only database
// to node-postgres, config depends on nothing of ours). Formatting is Prettier's job alone.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** `no-restricted-imports` patterns shared by several scopes. */
const SDK_ONLY_IN_STORAGE = {
  group: ['@aws-sdk/*', '@smithy/*'],
  message: 'Only src/storage talks to the object store SDK: depend on the ObjectStore port instead.',
};
const PG_ONLY_IN_DATABASE = {
  group: ['pg', 'pg/*'],
  message: 'Only src/database talks to node-postgres: use ScopedTransactions and the sql tag.',
};
/**
 * Outside src/storage, the store is reached through its port module files only: the `ObjectStore`
 * port and its types, `BucketAdmin`, and the module that provides them — never the S3 adapter itself.
 */
const STORAGE_THROUGH_PORT = {
  group: [
    '**/storage/*',
    '!**/storage/object-store.js',
    '!**/storage/storage.types.js',
    '!**/storage/storage.module.js',
    '!**/storage/bucket-admin.js',
  ],
  message: 'Depend on the ObjectStore port (storage/object-store.js) or BucketAdmin, provided by StorageModule, not on the adapter.',
};
const FEATURES = ['**/auth/**', '**/files/**', '**/health/**', '**/storage/**', '**/database/**', '**/logging/**'];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      // Builds compared by npm run bench:ab (README "Benchmarks").
      'bench/variants/**',
      'coverage/**',
      'node_modules/**',
      '.data/**',
      'src/metadata.ts',
      'clients/typescript/openapi.d.ts',
      'examples/**/dist/**',
      'test/browser-pages/**/dist/**',
      'bench/profiles/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      'no-restricted-imports': ['error', { patterns: [SDK_ONLY_IN_STORAGE, PG_ONLY_IN_DATABASE, STORAGE_THROUGH_PORT] }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // The adapters themselves.
    files: ['src/storage/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [PG_ONLY_IN_DATABASE] }] },
  },
  {
    files: ['src/database/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            SDK_ONLY_IN_STORAGE,
            { group: ['**/auth/**', '**/files/**', '**/health/**', '**/storage/**'], message: 'The data layer knows no feature.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/config/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            SDK_ONLY_IN_STORAGE,
            PG_ONLY_IN_DATABASE,
            { group: FEATURES, message: 'Configuration depends on no feature or adapter.' },
          ],
        },
      ],
    },
  },
  {
    // Tests, the harness, scripts and benchmarks drive real services directly: they may use any client.
    files: ['test/**', 'scripts/**', 'bench/**', 'migrations/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Tests read answers through the typed client (test/support/api-client.ts), so unsafe `any` is
    // refused there as everywhere. These specs read the OpenAPI document and raw answers as untyped
    // JSON on purpose: that shape, checked against the document, is what they test.
    files: ['test/openapi.e2e-spec.ts', 'test/openapi-answers.e2e-spec.ts', 'test/openapi-lint.spec.ts', 'test/typed-client/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Pages that run in the browser (the example, the test pages): browser globals, not Node's.
    files: ['examples/browser/src/**/*.ts', 'test/browser-pages/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
