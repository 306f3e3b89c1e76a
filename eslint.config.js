// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The fences of the house (see the design): which module may import what. They hold for the
 * product, `src/`, `jobs/`, `db/` and `bin/`. Tests and benchmarks are outside them on purpose:
 * they check the product with real engines (drizzle's `sql` to read what a job stored, `pg` to make
 * a database, the real twitter-api-v2 client to see what X's shapes give it) and they test or
 * measure the sandbox's parts one by one. Import cycles are checked by dependency-cruiser
 * (`.dependency-cruiser.mjs`, also run by `npm run lint`): ESLint's cycle rules skip type imports.
 */
const FENCES = {
  database: {
    // `drizzle-orm` and `drizzle-orm/pg-core`; `pg` but not `pg-foo`.
    regex: '^(drizzle-orm|pg|pg-copy-streams|@electric-sql/pglite)(/.*)?$',
    message: 'drizzle, pg and PGlite are used only in db/: put the query in a db/ module and call that function.',
  },
  x: {
    regex: '^(twitter-api-v2|@twitter-api-v2/.+)(/.*)?$',
    message: 'twitter-api-v2 is used only in src/x/: every call to X goes through the door (src/x/door.ts).',
  },
  sandbox: {
    // A relative path into a `sandbox/` folder, to anything but its index.
    regex: '^\\.{1,2}/(.*/)?sandbox/(?!index\\.ts$).+',
    message: 'the sandbox is reached only through src/sandbox/index.ts: export what you need from there.',
  },
};

/** The import restrictions for files of one area: `no-restricted-imports`, and the same for `import()`. */
function fence(files, ignores, names) {
  const chosen = names.map((name) => FENCES[name]);
  return {
    files,
    ignores,
    rules: {
      'no-restricted-imports': ['error', { patterns: chosen.map(({ regex, message }) => ({ regex, message })) }],
      // no-restricted-imports does not look at dynamic import(): lazy loading must keep the fences too.
      'no-restricted-syntax': [
        'error',
        ...chosen.map(({ regex, message }) => ({ selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\/')}/]`, message })),
      ],
    },
  };
}

const PRODUCT = ['src/**/*.ts', 'jobs/**/*.ts', 'db/**/*.ts', 'bin/**/*.js'];
const DB = ['db/**/*.ts'];
const X = ['src/x/**/*.ts'];
const SANDBOX = ['src/sandbox/**/*.ts'];

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
  fence(PRODUCT, [...DB, ...X, ...SANDBOX], ['database', 'x', 'sandbox']),
  fence(DB, [], ['x', 'sandbox']),
  fence(X, [], ['database', 'sandbox']),
  fence(SANDBOX, [], ['database', 'x']),
);
