/**
 * Harvest as a job (decision 0008): the handler runs one source and records the run; a run that
 * stopped on an error fails the job with that error, so that the runner's rules apply (a remote
 * server's trouble is tried again with backoff, an input error is not). The ticker queues the
 * harvests of sources whose schedule is due, as refreshTicker does for resources.
 */
import { z } from 'zod';
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { enqueueJob } from '../jobs/store.ts';
import type { JobRun } from '../jobs/runner.ts';
import { harvestSource, type HarvestResult } from '../harvest/sync.ts';
import { activeHarvestJob } from '../harvest/sources.ts';
import { nextRunAt } from './schedule.ts';

export const HarvestJobInput = z.object({ sourceId: z.string(), trigger: z.enum(['schedule', 'manual']), createdBy: z.string().nullable().optional() });

export async function runHarvestJob(run: JobRun): Promise<HarvestResult> {
  const input = HarvestJobInput.parse(JSON.parse(run.job.input_json));
  const { result, error } = await harvestSource(run.ctx, input.sourceId, { trigger: input.trigger, jobId: run.job.id, signal: run.signal, progress: run.progress });
  if (error) {
    throw new AppError(error.code, `${error.message} (Harvest run ${result.runId}: ${result.added} added, ${result.updated} updated before it stopped; nothing was removed.)`, { ...(typeof error.details === 'object' && error.details ? error.details : {}), run: result.runId });
  }
  return result;
}

/**
 * The scheduler, run on every tick of every process: each due source gets one harvest job. Moving
 * next_run_at is a compare-and-set on its old value, so of several processes only one queues it;
 * a harvest still queued or running makes the slot skipped, not stacked.
 */
export function harvestTicker(ctx: () => Ctx) {
  return async (now: Date) => {
    const db = ctx().stores.meta;
    const due = await db.selectFrom('harvest_sources').selectAll()
      .where('enabled', '=', 1).where('schedule', 'is not', null).where('next_run_at', '<=', now.toISOString()).limit(50).execute();
    for (const s of due) {
      const next = nextRunAt(s.schedule!, now).toISOString();
      const moved = await db.updateTable('harvest_sources').set({ next_run_at: next }).where('id', '=', s.id).where('next_run_at', '=', s.next_run_at).executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) continue;
      if (await activeHarvestJob(db, s.id)) continue;
      await enqueueJob(db, { kind: 'harvest', input: { sourceId: s.id, trigger: 'schedule' }, organizationId: s.organization_id }, now);
    }
  };
}
