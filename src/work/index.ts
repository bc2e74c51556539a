/** The kinds of jobs Dataville runs, and what each process does on every tick of its job loop. */
import type { Ctx } from '../context.ts';
import type { JobHandler, Ticker } from '../jobs/runner.ts';
import { runIngestJob } from './ingest.ts';
import { refreshTicker, runRefreshJob } from './refresh.ts';
import { runServingJob } from './serving.ts';
import { harvestTicker, runHarvestJob } from './harvest.ts';

export const JOB_HANDLERS: Record<string, JobHandler> = {
  ingest: runIngestJob,
  refresh: runRefreshJob,
  serving: runServingJob,
  harvest: runHarvestJob,
};

export function jobTickers(ctx: () => Ctx): Ticker[] {
  return [refreshTicker(ctx), harvestTicker(ctx)];
}
