import crypto from 'node:crypto';
import path from 'node:path';
import type { Config } from './config.ts';
import { silentLogger, type Actor, type Ctx, type Logger, type Stores } from './context.ts';
import { openFsBlobStore } from './stores/blobs/fs.ts';
import { openMetaDb } from './stores/meta/db.ts';
import { openTableEngine } from './stores/tables/duckdb.ts';
import { settleServingBuilds } from './query/serving.ts';
import { JobRunner } from './jobs/runner.ts';
import { JOB_HANDLERS, jobTickers } from './work/index.ts';

/** The running application: its stores, and a way to make a context per call. */
export interface App {
  config: Config;
  stores: Stores;
  ctx(actor: Actor, extra?: Partial<Pick<Ctx, 'progress' | 'requestId'>>): Ctx;
  /** The job runner of this process: `serve` and `worker` start its loop; other commands only run what they queue. */
  jobs: JobRunner;
  close(): Promise<void>;
}

/** Opens the stores named by the configuration (and migrates the metadata store). */
export async function openApp(config: Config, opts: { log?: Logger; pgSchema?: string } = {}): Promise<App> {
  const { db, dialect } = await openMetaDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgSchema: opts.pgSchema });
  const tables = await openTableEngine({ tempDir: path.join(config.dataDir, 'tmp', 'duckdb'), memoryLimit: config.duckdbMemoryLimit, threads: config.duckdbThreads });
  const blobs = openFsBlobStore(path.join(config.dataDir, 'files'));
  // Staging folders older than a day belong to ingests that died; they were never visible.
  await blobs.sweepStaging(24 * 3600 * 1000);
  const stores: Stores = { meta: db, metaDialect: dialect, tables, blobs };
  const log = opts.log ?? silentLogger;
  const ctx = (actor: Actor, extra: Partial<Pick<Ctx, 'progress' | 'requestId'>> = {}): Ctx =>
    ({ actor, stores, config, now: () => new Date(), log, requestId: extra.requestId ?? crypto.randomUUID(), progress: extra.progress, jobs });
  const jobs: JobRunner = new JobRunner({ stores, config, makeCtx: ctx, log, handlers: JOB_HANDLERS, tickers: jobTickers(() => ctx({ kind: 'system' })) });
  return {
    config,
    stores,
    ctx,
    jobs,
    async close() {
      await jobs.stop();
      await settleServingBuilds();
      await db.destroy();
      await tables.close();
    },
  };
}
