import crypto from 'node:crypto';
import { loadConfig } from '../../src/config.ts';
import { openApp, type App } from '../../src/app.ts';
import { tempDir } from './paths.ts';

export interface Backend {
  name: 'sqlite' | 'postgres';
  databaseUrl?: string;
}

/** The metadata stores to run store and action tests on: SQLite always, PostgreSQL when DATABASE_URL is set. */
export function backends(): Backend[] {
  const list: Backend[] = [{ name: 'sqlite' }];
  if (process.env.DATABASE_URL) list.push({ name: 'postgres', databaseUrl: process.env.DATABASE_URL });
  return list;
}

/** Opens an app on a fresh data folder (and, on PostgreSQL, a fresh schema dropped at close). */
export async function openTestApp(backend: Backend = { name: 'sqlite' }, overrides: Record<string, unknown> = {}): Promise<App & { dataDir: string }> {
  const dataDir = tempDir('dataville-app-');
  const config = loadConfig({}, { dataDir, databaseUrl: backend.databaseUrl, logLevel: 'silent', duckdbMemoryLimit: '512MB', ...overrides });
  const pgSchema = backend.databaseUrl ? `t_${crypto.randomBytes(6).toString('hex')}` : undefined;
  const app = await openApp(config, { pgSchema });
  const close = app.close;
  return Object.assign(app, {
    dataDir,
    async close() {
      if (pgSchema) {
        const pg = (await import('pg')).default;
        const client = new pg.Client({ connectionString: backend.databaseUrl });
        await close();
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
        await client.end();
      } else {
        await close();
      }
    },
  });
}

