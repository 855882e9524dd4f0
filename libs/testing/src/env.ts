/**
 * Where tests find the shared NATS and Postgres: one place, from the
 * environment, with the defaults of a developer machine and CI.
 */
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The Postgres URL of one schema (Dozor reads `?schema=`). */
export function pgUrlWithSchema(schema: string, base = PG_URL): string {
  const u = new URL(base);
  u.searchParams.set('schema', schema);
  return u.toString();
}
