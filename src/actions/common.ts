import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import type { Authz } from './authz.ts';
import { getDatasetRow } from '../catalog/datasets.ts';
import type { DatasetTable, ResourceTable } from '../stores/meta/schema.ts';

export const I18nInput = z.union([
  z.string().min(1).max(500),
  z.object({ fr: z.string().max(500), nl: z.string().max(500), de: z.string().max(500), en: z.string().max(500) }).partial()
    .refine((o) => Object.values(o).some((v) => v && v.trim()), 'give the text in at least one language (fr, nl, de or en)'),
]);
export const I18nLongInput = z.union([
  z.string().max(20000),
  z.object({ fr: z.string().max(20000), nl: z.string().max(20000), de: z.string().max(20000), en: z.string().max(20000) }).partial(),
]);

/**
 * Loads a dataset the caller may read: published ones for anyone, the others for members of
 * their organization. A dataset the caller may not see is reported as not found (no leak).
 */
export async function readableDataset(ctx: Ctx, authz: Authz, ref: string): Promise<DatasetTable> {
  authz.allowAnyone();
  const d = await getDatasetRow(ctx.stores.meta, ref).catch(() => undefined);
  if (!d || (d.status !== 'published' && !authz.canSeeUnpublished(d.organization_id))) {
    throw new AppError('dataset_not_found', `No dataset "${ref}" that you may see. Check the id (GET /api/datasets lists them); a dataset that is not published is visible only to members of its organization.`);
  }
  return d;
}

/** The resource of a dataset: the one named by id, or the first one. */
export async function resourceOf(ctx: Ctx, dataset: DatasetTable, resourceId?: string): Promise<ResourceTable> {
  let q = ctx.stores.meta.selectFrom('resources').selectAll().where('dataset_id', '=', dataset.id);
  if (resourceId) q = q.where('id', '=', resourceId);
  const r = await q.orderBy('created_at').executeTakeFirst();
  if (!r) throw new AppError('resource_not_found', resourceId ? `The dataset "${dataset.slug}" has no resource "${resourceId}".` : `The dataset "${dataset.slug}" has no resource yet: publish a file to it first.`);
  return r;
}

/** A resource the caller may read, with its dataset. */
export async function readableResource(ctx: Ctx, authz: Authz, resourceId: string): Promise<{ dataset: DatasetTable; resource: ResourceTable }> {
  const r = await ctx.stores.meta.selectFrom('resources').selectAll().where('id', '=', resourceId).executeTakeFirst();
  if (!r) {
    authz.allowAnyone();
    throw new AppError('resource_not_found', `No resource "${resourceId}". A dataset (GET /api/datasets/{id}) lists its resources.`);
  }
  const dataset = await readableDataset(ctx, authz, r.dataset_id);
  return { dataset, resource: r };
}

export const orgRef = z.string().min(1).max(200).describe('organization id, slug or NIS code');
