import { z } from 'zod';
import { defineAction } from './registry.ts';
import { sweepOrphanVersions } from '../catalog/sweep.ts';
import { sweepUploads } from '../work/ingest.ts';
import { jobRetentionCutoff } from '../work/index.ts';
import { pruneFinishedJobs } from '../jobs/store.ts';

export const sweepVersions = defineAction({
  name: 'maintenance.sweep',
  summary:
    'Remove version folders left on disk by publishes interrupted before their commit (never visible to readers), kept uploads no job will read any more, and finished jobs older than the retention (DATAVILLE_JOB_RETENTION_DAYS).',
  input: z.object({ minAgeMinutes: z.coerce.number().int().min(0).default(60) }),
  async run(ctx, input, authz) {
    authz.requireSuperadmin('clean the storage');
    const removed = await sweepOrphanVersions(ctx.stores, input.minAgeMinutes * 60_000);
    const uploadsRemoved = await sweepUploads(ctx, input.minAgeMinutes * 60_000);
    const cutoff = jobRetentionCutoff(ctx.config.jobRetentionDays, new Date());
    return { removed, uploadsRemoved, jobsRemoved: cutoff ? await pruneFinishedJobs(ctx.stores.meta, cutoff) : 0 };
  },
});
