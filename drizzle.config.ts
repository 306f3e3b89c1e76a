import { defineConfig } from 'drizzle-kit';

/** drizzle-kit: `npm run db:generate` writes a migration for each change to db/schema.ts. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations',
  strict: true,
  verbose: true,
});
