// Import cycles fail `npm run lint` (run after ESLint, which keeps the fences: see eslint.config.js).
//
// Why dependency-cruiser and not an ESLint rule: eslint-plugin-import-x's `no-cycle` (like
// eslint-plugin-import's) skips `import type` edges with no option to count them, and the house
// writes every type-only import as `import type` (`consistent-type-imports`). A type import still
// ties two modules' designs together, and both `db/matches.ts ↔ db/prospects.ts` and
// `src/sandbox/admin.ts ↔ src/sandbox/server.ts` were circles through one: `no-cycle` saw neither.
// `tsPreCompilationDeps` makes dependency-cruiser read the TypeScript source before type imports
// are erased, so every edge counts.

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'An import cycle: break it by moving the shared type or helper into a module both sides import, ' +
        'or by passing it in (type-only imports count).',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|db/migrations|bench/results)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
