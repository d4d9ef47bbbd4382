// Prisma CLI settings for the notifications service (Prisma 7 takes the URL from here, not the schema).
import { defineConfig, env } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // env() throws when the variable is unset, and every CLI command loads this file: `prisma
  // generate` needs no database, so the datasource is declared only when there is a URL.
  ...(process.env.DATABASE_URL ? { datasource: { url: env('DATABASE_URL') } } : {}),
});
