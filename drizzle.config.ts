import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` turns changes to src/db/schema.ts into a new SQL file in drizzle/.
// The files are committed and applied in order when the bot opens its database.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
