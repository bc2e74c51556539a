import { z } from 'zod';
import { defineAction } from './registry.ts';
import { sweepOrphanVersions } from '../catalog/sweep.ts';

export const sweepVersions = defineAction({
  name: 'maintenance.sweep',
  summary: 'Remove version folders left on disk by publishes interrupted before their commit (never visible to readers).',
  input: z.object({ minAgeMinutes: z.coerce.number().int().min(0).default(60) }),
  async run(ctx, input, authz) {
    authz.requireSuperadmin('clean the storage');
    return { removed: await sweepOrphanVersions(ctx.stores, input.minAgeMinutes * 60_000) };
  },
});
