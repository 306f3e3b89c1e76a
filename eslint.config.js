// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.prospector/', 'bench/results/', 'db/migrations/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Jobs reach the database, X and the clock through their context only (see the design).
    files: ['jobs/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['pg', '@electric-sql/pglite', 'twitter-api-v2'] }],
    },
  },
);
