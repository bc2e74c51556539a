import type { Config } from './config.ts';
import type { BlobStore } from './stores/blobs/fs.ts';
import type { MetaDb } from './stores/meta/db.ts';
import type { TableEngine } from './stores/tables/duckdb.ts';
import type { JobRunner } from './jobs/runner.ts';

export type Role = 'admin' | 'editor' | 'dpo' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'editor', 'dpo', 'viewer'];

/** Who is calling. The CLI on the server runs as the operator (`system`), who may do everything. */
export type Actor =
  | { kind: 'anonymous' }
  | { kind: 'system' }
  | { kind: 'user'; userId: string; email: string; name: string; superadmin: boolean; roles: Record<string, Role> };

export interface Stores {
  meta: MetaDb;
  metaDialect: 'sqlite' | 'postgres';
  tables: TableEngine;
  blobs: BlobStore;
}

export interface Logger {
  info(msg: string, extra?: object): void;
  warn(msg: string, extra?: object): void;
  error(msg: string, extra?: object): void;
}

/** Progress of a long operation (ingest), shown as a bar by the CLI. */
export type ProgressFn = (stage: string, done: number, total: number) => void;

/** Everything an action may use; nothing global. */
export interface Ctx {
  actor: Actor;
  stores: Stores;
  config: Config;
  now: () => Date;
  log: Logger;
  requestId: string;
  progress?: ProgressFn;
  /** Queues long operations and runs them (here, at once, when the caller waits). */
  jobs: JobRunner;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** A logger writing one JSON line per event to stderr. */
export const stderrLogger: Logger = {
  info: (msg, extra) => process.stderr.write(JSON.stringify({ level: 'info', msg, ...extra }) + '\n'),
  warn: (msg, extra) => process.stderr.write(JSON.stringify({ level: 'warn', msg, ...extra }) + '\n'),
  error: (msg, extra) => process.stderr.write(JSON.stringify({ level: 'error', msg, ...extra }) + '\n'),
};
