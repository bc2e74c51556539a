/** The kinds of jobs Dataville runs, and what each process does on every tick of its job loop. */
import type { Ctx } from '../context.ts';
import type { JobHandler, Ticker } from '../jobs/runner.ts';
import { runIngestJob } from './ingest.ts';
import { refreshTicker, runRefreshJob } from './refresh.ts';
import { runServingJob } from './serving.ts';
import { harvestTicker, runHarvestJob } from './harvest.ts';
import { pruneFinishedJobs } from '../jobs/store.ts';

export const JOB_HANDLERS: Record<string, JobHandler> = {
  ingest: runIngestJob,
  refresh: runRefreshJob,
  serving: runServingJob,
  harvest: runHarvestJob,
};

export function jobTickers(ctx: () => Ctx): Ticker[] {
  return [refreshTicker(ctx), harvestTicker(ctx), jobRetentionTicker(ctx)];
}

const DAY_MS = 86_400_000;

/** The moment before which finished jobs are deleted, or null when they are kept for ever. */
export function jobRetentionCutoff(retentionDays: number, now: Date): Date | null {
  return retentionDays === 0 ? null : new Date(now.getTime() - retentionDays * DAY_MS);
}

/** Deletes finished jobs older than the retention (DATAVILLE_JOB_RETENTION_DAYS), at most once an hour per process. */
export function jobRetentionTicker(ctx: () => Ctx, everyMs = 3600_000): Ticker {
  let last = -Infinity;
  return async (now: Date) => {
    if (now.getTime() - last < everyMs) return;
    last = now.getTime();
    const c = ctx();
    const cutoff = jobRetentionCutoff(c.config.jobRetentionDays, now);
    if (!cutoff) return;
    const count = await pruneFinishedJobs(c.stores.meta, cutoff);
    if (count) c.log.info('finished jobs past their retention deleted', { count, retentionDays: c.config.jobRetentionDays });
  };
}
