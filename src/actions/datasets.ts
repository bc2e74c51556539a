import crypto from 'node:crypto';
import { z } from 'zod';
import { defineAction } from './registry.ts';
import { I18nInput, I18nLongInput, readableDataset } from './common.ts';
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import type { Authz } from './authz.ts';
import {
  DATASET_STATUSES, datasetSearchText, datasetView, freeDatasetSlug, resourcesOf, searchDatasets, type I18n,
} from '../catalog/datasets.ts';
import { defaultLanguageOf } from '../catalog/communes.ts';
import { getOrganization, resolveOrganization, type Organization } from '../catalog/organizations.ts';
import type { DatasetTable } from '../stores/meta/schema.ts';

/** The metadata a publisher gives; all optional on update. */
export const DatasetMetadataInput = z.object({
  title: I18nInput,
  description: I18nLongInput.optional(),
  keywords: z.union([z.array(z.string().min(1).max(100)).max(50), z.string().max(2000)]).optional()
    .transform((k) => (typeof k === 'string' ? k.split(',').map((s) => s.trim()).filter(Boolean) : k)),
  theme: z.string().max(200).optional(),
  licence: z.string().max(200).optional(),
  publisher: z.string().max(300).optional(),
  contactPoint: z.object({ name: z.string().max(200).optional(), email: z.string().email().optional() }).optional(),
  updateFrequency: z.enum(['continuous', 'daily', 'weekly', 'monthly', 'quarterly', 'annual', 'irregular', 'never', 'unknown']).optional(),
  spatial: z.string().max(500).optional(),
  temporalStart: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'use YYYY, YYYY-MM or YYYY-MM-DD').optional(),
  temporalEnd: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'use YYYY, YYYY-MM or YYYY-MM-DD').optional(),
  status: z.enum(DATASET_STATUSES).optional(),
  /** Let a scheduled refresh that only adds columns publish without an editor's review. */
  allowAdditiveChanges: z.boolean().optional(),
});
export type DatasetMetadata = z.infer<typeof DatasetMetadataInput>;

function i18n(value: string | I18n | undefined, lang: 'fr' | 'nl'): I18n {
  if (value === undefined) return {};
  if (typeof value === 'string') return value ? { [lang]: value } : {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v && v.trim()));
}

/** A dataset row from publisher metadata (not yet inserted). */
export async function newDatasetRow(ctx: Ctx, org: Organization, m: DatasetMetadata): Promise<DatasetTable> {
  const lang = defaultLanguageOf(org.region);
  const title = i18n(m.title, lang);
  const description = i18n(m.description, lang);
  const keywords = m.keywords ?? [];
  const now = ctx.now().toISOString();
  return {
    id: crypto.randomUUID(),
    organization_id: org.id,
    slug: await freeDatasetSlug(ctx.stores.meta, org.id, Object.values(title)[0] ?? 'dataset'),
    title: JSON.stringify(title),
    description: JSON.stringify(description),
    keywords: JSON.stringify(keywords),
    theme: m.theme ?? null,
    licence: m.licence ?? 'CC-BY-4.0',
    publisher: m.publisher ?? org.name_fr,
    contact_point: m.contactPoint ? JSON.stringify(m.contactPoint) : null,
    update_frequency: m.updateFrequency ?? null,
    spatial: m.spatial ?? org.nis_code,
    temporal_start: m.temporalStart ?? null,
    temporal_end: m.temporalEnd ?? null,
    status: m.status ?? 'published',
    search_text: datasetSearchText(title, description, keywords),
    allow_additive_changes: m.allowAdditiveChanges ? 1 : 0,
    spatial_bbox: null,
    harvest_source_id: null,
    harvest_identifier: null,
    harvest_hash: null,
    landing_page: null,
    publish_on_review: 0,
    created_at: now,
    updated_at: now,
  };
}

/** Finds the organization for a write; a commune not yet here may be created only by an instance admin. */
export async function writableOrganization(ctx: Ctx, authz: Authz, ref: string, what: string): Promise<Organization> {
  const existing = await getOrganization(ctx.stores.meta, ref).catch(() => undefined);
  if (existing) {
    authz.requireRole(existing.id, ['admin', 'editor'], what);
    return existing;
  }
  authz.requireSuperadmin(`${what} in an organization that does not exist here yet`);
  return resolveOrganization(ctx.stores.meta, ref, ctx.now());
}

export const searchDatasetsAction = defineAction({
  name: 'dataset.search',
  summary: 'Search datasets by words in their titles, descriptions and keywords.',
  input: z.object({
    q: z.string().max(500).optional(),
    organization: z.string().optional(),
    status: z.enum(DATASET_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(20),
    offset: z.coerce.number().int().min(0).default(0),
  }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    const db = ctx.stores.meta;
    const org = input.organization ? await getOrganization(db, input.organization) : undefined;
    const { total, rows } = await searchDatasets(db, {
      q: input.q, organizationId: org?.id, status: input.status,
      visibleOrganizations: authz.visibleOrganizations(), limit: input.limit, offset: input.offset,
    });
    const orgIds = [...new Set(rows.map((r) => r.organization_id))];
    const orgs = orgIds.length ? await db.selectFrom('organizations').selectAll().where('id', 'in', orgIds).execute() : [];
    const resources = await resourcesOf(db, rows.map((r) => r.id));
    return {
      total, limit: input.limit, offset: input.offset,
      datasets: rows.map((d) => datasetView(d, orgs.find((o) => o.id === d.organization_id), resources.filter((r) => r.dataset_id === d.id))),
    };
  },
});

export const showDataset = defineAction({
  name: 'dataset.show',
  summary: 'Show one dataset with its metadata and resources.',
  input: z.object({ dataset: z.string().min(1) }),
  async run(ctx, input, authz) {
    const d = await readableDataset(ctx, authz, input.dataset);
    const org = await getOrganization(ctx.stores.meta, d.organization_id);
    return datasetView(d, org, await resourcesOf(ctx.stores.meta, [d.id]));
  },
});

export const createDataset = defineAction({
  name: 'dataset.create',
  summary: 'Create a dataset (metadata only, e.g. an inventory entry that is internal or planned).',
  input: DatasetMetadataInput.extend({ organization: z.string().min(1) }),
  async run(ctx, input, authz) {
    const org = await writableOrganization(ctx, authz, input.organization, 'create a dataset');
    if (input.status === 'published') {
      throw new AppError('conflict', 'A dataset without data cannot be published. Create it as "planned" or "internal", then upload a file (POST /api/datasets/{id}/versions), or publish the file directly (POST /api/publish).');
    }
    const row = await newDatasetRow(ctx, org, { ...input, status: input.status ?? 'planned' });
    await ctx.stores.meta.insertInto('datasets').values(row).execute();
    return datasetView(row, org, []);
  },
});

export const updateDataset = defineAction({
  name: 'dataset.update',
  summary: 'Change the metadata of a dataset (only the fields given).',
  input: DatasetMetadataInput.partial().extend({ dataset: z.string().min(1) }),
  async run(ctx, input, authz) {
    const db = ctx.stores.meta;
    const d = await readableDataset(ctx, authz, input.dataset);
    authz.requireRole(d.organization_id, ['admin', 'editor'], 'change this dataset');
    const org = await getOrganization(db, d.organization_id);
    const lang = defaultLanguageOf(org.region);
    const title = input.title !== undefined ? { ...JSON.parse(d.title), ...i18n(input.title, lang) } : JSON.parse(d.title);
    const description = input.description !== undefined ? { ...JSON.parse(d.description), ...i18n(input.description, lang) } : JSON.parse(d.description);
    const keywords = input.keywords ?? JSON.parse(d.keywords);
    const patch: Partial<DatasetTable> = {
      title: JSON.stringify(title), description: JSON.stringify(description), keywords: JSON.stringify(keywords),
      search_text: datasetSearchText(title, description, keywords), updated_at: ctx.now().toISOString(),
      ...(input.theme !== undefined && { theme: input.theme }),
      ...(input.licence !== undefined && { licence: input.licence }),
      ...(input.publisher !== undefined && { publisher: input.publisher }),
      ...(input.contactPoint !== undefined && { contact_point: JSON.stringify(input.contactPoint) }),
      ...(input.updateFrequency !== undefined && { update_frequency: input.updateFrequency }),
      ...(input.spatial !== undefined && { spatial: input.spatial }),
      ...(input.temporalStart !== undefined && { temporal_start: input.temporalStart }),
      ...(input.temporalEnd !== undefined && { temporal_end: input.temporalEnd }),
      ...(input.status !== undefined && { status: input.status }),
      ...(input.allowAdditiveChanges !== undefined && { allow_additive_changes: input.allowAdditiveChanges ? 1 : 0 }),
    };
    if (input.status === 'published') {
      const res = await resourcesOf(db, [d.id]);
      // Data held here (a version) or, for a harvested dataset, a link to it elsewhere.
      if (!res.some((r) => r.latest_version != null || r.url)) throw new AppError('conflict', `The dataset "${d.slug}" has no data yet, so it cannot be published. Upload a file first (POST /api/datasets/${d.id}/versions).`);
    }
    await db.updateTable('datasets').set(patch).where('id', '=', d.id).execute();
    const updated = await db.selectFrom('datasets').selectAll().where('id', '=', d.id).executeTakeFirstOrThrow();
    return datasetView(updated, org, await resourcesOf(db, [d.id]));
  },
});
