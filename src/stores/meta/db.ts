import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { AppError } from '../../errors.ts';
import { migrationProvider } from './migrations.ts';
import type { Database } from './schema.ts';

export type MetaDb = Kysely<Database>;

export interface MetaDbOptions {
  /** PostgreSQL connection string; unset: SQLite file in dataDir. */
  databaseUrl?: string;
  dataDir: string;
  /** PostgreSQL schema to use (tests isolate themselves in a schema of their own). */
  pgSchema?: string;
}

// BIGINT columns come back from pg as strings; our counts fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

/** Opens the metadata store (SQLite by default, PostgreSQL when a URL is given) and migrates it. */
export async function openMetaDb(opts: MetaDbOptions): Promise<{ db: MetaDb; dialect: 'sqlite' | 'postgres' }> {
  let db: MetaDb;
  let dialect: 'sqlite' | 'postgres';
  if (opts.databaseUrl) {
    dialect = 'postgres';
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: 10,
      ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
    });
    if (opts.pgSchema) {
      const c = await pool.connect().catch((e) => {
        throw new AppError('internal', `Cannot connect to PostgreSQL at DATABASE_URL (${(e as Error).message}). Check that the server runs and the URL is right.`);
      });
      try {
        await c.query(`CREATE SCHEMA IF NOT EXISTS "${opts.pgSchema.replace(/"/g, '')}"`);
      } finally {
        c.release();
      }
    }
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    dialect = 'sqlite';
    fs.mkdirSync(opts.dataDir, { recursive: true });
    const file = path.join(opts.dataDir, 'dataville.sqlite');
    const sqlite = new SqliteDatabase(file);
    // WAL lets readers go on while one writer commits; busy_timeout makes several processes wait their turn.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  const migrator = new Migrator({ db, provider: migrationProvider, ...(dialect === 'postgres' && opts.pgSchema ? { migrationTableSchema: opts.pgSchema } : {}) });
  const { error } = await migrator.migrateToLatest();
  if (error) throw new AppError('internal', `The metadata store could not be migrated: ${(error as Error).message}`);
  return { db, dialect };
}

