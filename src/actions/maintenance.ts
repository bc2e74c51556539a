import { z } from 'zod';
import { defineAction } from './registry.ts';
import { sweepOrphanVersions } from '../catalog/sweep.ts';
import { sweepUploads } from '../work/ingest.ts';

export const sweepVersions = defineAction({
  name: 'maintenance.sweep',
  summary: 'Remove version folders left on disk by publishes interrupted before their commit (never visible to readers), and kept uploads no job will read any more.',
  input: z.object({ minAgeMinutes: z.coerce.number().int().min(0).default(60) }),
  async run(ctx, input, authz) {
    authz.requireSuperadmin('clean the storage');
    const removed = await sweepOrphanVersions(ctx.stores, input.minAgeMinutes * 60_000);
    return { removed, uploadsRemoved: await sweepUploads(ctx, input.minAgeMinutes * 60_000) };
  },
});
