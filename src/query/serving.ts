import fs from 'node:fs';
import path from 'node:path';
import type { Stores } from '../context.ts';
import type { VersionTable } from '../stores/meta/schema.ts';
import { VERSION_FILES, versionPaths, versionSchema } from '../catalog/versions.ts';
import { buildSearchIndex } from './search-index.ts';
import { buildNativeTable } from './native.ts';

/**
 * The files that make row queries fast — the inverted index for `q` and the native DuckDB copy —
 * are derived from a version's Parquet after the version is committed, not before: a publish is
 * done when its data is safe and visible, and queries answer correctly (more slowly) from Parquet
 * until these exist. They are written with temp + rename, so two processes building the same file
 * is harmless; within a process, builds are shared (a cache, not state: a lost build is redone).
 */
const building = new Map<string, Promise<void>>();
/** When a background build last failed, per version: queries must not start a full build each. */
const failedAt = new Map<string, number>();
const RETRY_AFTER_MS = 10 * 60 * 1000;

/** Builds the missing serving files of a version; resolves when they exist. */
export function ensureServingFiles(stores: Stores, v: VersionTable): Promise<void> {
  const running = building.get(v.id);
  if (running) return running;
  const p = versionPaths(stores, v);
  if (fs.existsSync(p.native) && fs.existsSync(p.searchIndex)) return Promise.resolve();
  const job = stores.tables.withConnection(async (conn) => {
    if (!fs.existsSync(p.native)) await buildNativeTable(conn, p.parquet, p.native);
    if (!fs.existsSync(p.searchIndex)) {
      const tmp = path.join(p.dir, `${VERSION_FILES.searchIndex}.${process.pid}.building`);
      await buildSearchIndex(conn, p.parquet, versionSchema(v), tmp);
      await fs.promises.rename(tmp, p.searchIndex);
    }
  }).then(
    () => { failedAt.delete(v.id); },
    (e) => { failedAt.set(v.id, Date.now()); throw e; },
  ).finally(() => building.delete(v.id));
  building.set(v.id, job);
  return job;
}

/** Starts the build without waiting (after a publish, or when a query finds the files missing). */
export function startServingFiles(stores: Stores, v: VersionTable, onError: (e: Error) => void): void {
  const failed = failedAt.get(v.id);
  if (failed !== undefined && Date.now() - failed < RETRY_AFTER_MS) return;
  ensureServingFiles(stores, v).catch(onError);
}

/** Waits for the builds in flight (before the table engine closes). */
export async function settleServingBuilds(): Promise<void> {
  await Promise.allSettled([...building.values()]);
}
