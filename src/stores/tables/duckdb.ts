import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** The table engine: one DuckDB instance per process, in memory, spilling to a temp folder. */
export interface TableEngine {
  /** Runs fn with a fresh connection, closed afterwards. */
  withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface TableEngineOptions {
  tempDir: string;
  memoryLimit?: string;
  threads?: number;
}

export async function openTableEngine(opts: TableEngineOptions): Promise<TableEngine> {
  fs.mkdirSync(opts.tempDir, { recursive: true });
  const settings: Record<string, string> = {
    memory_limit: opts.memoryLimit ?? '1GB',
    temp_directory: path.resolve(opts.tempDir),
    // Metadata of Parquet files is cached between queries: row queries hit the same files again and again.
    enable_object_cache: 'true',
    // No network access: extensions cannot be fetched here and must never be tried at run time.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  };
  if (opts.threads) settings.threads = String(opts.threads);
  const instance = await DuckDBInstance.create(':memory:', settings);
  return {
    async withConnection(fn) {
      const conn = await instance.connect();
      try {
        return await fn(conn);
      } finally {
        conn.closeSync();
      }
    },
    async close() {
      instance.closeSync();
    },
  };
}

/** Quotes an identifier for DuckDB SQL. */
export function sqlIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** Quotes a string literal for DuckDB SQL (for paths and constants that cannot be bound). */
export function sqlString(value: string): string {
  return "'" + value.replace(/'/g, "''") + "'";
}

/**
 * Whether a scan returns rows in file order without ORDER BY (DuckDB guarantees it while
 * preserve_insertion_order is on, the default); callers sort only when someone turned it off.
 */
export async function keepsInsertionOrder(conn: DuckDBConnection): Promise<boolean> {
  const reader = await conn.runAndReadAll(`SELECT current_setting('preserve_insertion_order')`);
  return reader.getRows()[0][0] === true;
}
