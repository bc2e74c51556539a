import { sql } from 'kysely';
import { AppError } from '../errors.ts';
import type { MetaDb } from '../stores/meta/db.ts';
import type { DatasetTable, OrganizationTable, ResourceTable } from '../stores/meta/schema.ts';
import { foldText, slugify } from './text.ts';

export type Lang = 'fr' | 'nl' | 'de' | 'en';
export type I18n = Partial<Record<Lang, string>>;
export const DATASET_STATUSES = ['internal', 'planned', 'published'] as const;
export type DatasetStatus = (typeof DATASET_STATUSES)[number];

/** The text metadata search looks in: titles, descriptions and keywords in every language. */
export function datasetSearchText(title: I18n, description: I18n, keywords: string[]): string {
  return foldText([...Object.values(title), ...Object.values(description), ...keywords].join(' \n '));
}

/** A slug free in the organization: "budget", then "budget-2", ... */
export async function freeDatasetSlug(db: MetaDb, organizationId: string, title: string): Promise<string> {
  const base = slugify(title);
  const taken = new Set((await db.selectFrom('datasets').select('slug').where('organization_id', '=', organizationId)
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)])).execute()).map((r) => r.slug));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** A dataset by id, or by "org-slug/dataset-slug". */
export async function getDatasetRow(db: MetaDb, ref: string): Promise<DatasetTable> {
  let row: DatasetTable | undefined = await db.selectFrom('datasets').selectAll().where('id', '=', ref).executeTakeFirst();
  if (!row && ref.includes('/')) {
    const [orgSlug, slug] = ref.split('/', 2);
    row = await db.selectFrom('datasets').selectAll('datasets').innerJoin('organizations', 'organizations.id', 'datasets.organization_id')
      .where('organizations.slug', '=', orgSlug).where('datasets.slug', '=', slug).executeTakeFirst();
  }
  if (!row) throw new AppError('dataset_not_found', `No dataset "${ref}". Use its id (GET /api/datasets lists them) or "organization-slug/dataset-slug".`);
  return row;
}

export interface DatasetQuery {
  q?: string;
  organizationId?: string;
  status?: DatasetStatus;
  /** 'all' or the organizations whose non-published datasets the caller may see. */
  visibleOrganizations: 'all' | string[];
  limit: number;
  offset: number;
}

/** Datasets matching a metadata search, newest first; every word of q must appear. */
export async function searchDatasets(db: MetaDb, query: DatasetQuery): Promise<{ total: number; rows: DatasetTable[] }> {
  let base = db.selectFrom('datasets');
  if (query.organizationId) base = base.where('organization_id', '=', query.organizationId);
  if (query.status) base = base.where('status', '=', query.status);
  const visible = query.visibleOrganizations;
  if (visible !== 'all') {
    base = base.where((eb) => eb.or([
      eb('status', '=', 'published'),
      ...(visible.length ? [eb('organization_id', 'in', visible)] : []),
    ]));
  }
  for (const word of foldText(query.q ?? '').split(/[^\p{L}\p{N}]+/u).filter(Boolean)) {
    base = base.where('search_text', 'like', `%${word.replace(/[%_\\]/g, '')}%`);
  }
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  const rows = await base.selectAll().orderBy('updated_at', 'desc').orderBy('id').limit(query.limit).offset(query.offset).execute();
  return { total, rows };
}

export async function resourcesOf(db: MetaDb, datasetIds: string[]): Promise<ResourceTable[]> {
  if (!datasetIds.length) return [];
  return db.selectFrom('resources').selectAll().where('dataset_id', 'in', datasetIds).orderBy('created_at').execute();
}

/** The public view of a dataset. */
export function datasetView(d: DatasetTable, org: OrganizationTable | undefined, resources: ResourceTable[]) {
  return {
    id: d.id,
    slug: d.slug,
    organization: org ? { id: org.id, slug: org.slug, nisCode: org.nis_code, name: { fr: org.name_fr, nl: org.name_nl, de: org.name_de } } : { id: d.organization_id },
    title: JSON.parse(d.title) as I18n,
    description: JSON.parse(d.description) as I18n,
    keywords: JSON.parse(d.keywords) as string[],
    theme: d.theme,
    licence: d.licence,
    publisher: d.publisher,
    contactPoint: d.contact_point ? (JSON.parse(d.contact_point) as { name?: string; email?: string }) : null,
    updateFrequency: d.update_frequency,
    spatial: d.spatial,
    spatialBbox: d.spatial_bbox ? (JSON.parse(d.spatial_bbox) as [number, number, number, number]) : null,
    allowAdditiveChanges: d.allow_additive_changes === 1,
    temporal: { start: d.temporal_start, end: d.temporal_end },
    status: d.status,
    createdAt: d.created_at,
    updatedAt: d.updated_at,
    landingPage: d.landing_page,
    harvested: d.harvest_source_id ? { sourceId: d.harvest_source_id, identifier: d.harvest_identifier } : null,
    resources: resources.map((r) => ({
      id: r.id, name: r.name, format: r.format, latestVersion: r.latest_version, updatedAt: r.updated_at,
      ...(r.url && { url: r.url, mediaType: r.media_type, description: r.description }),
    })),
  };
}
export type DatasetView = ReturnType<typeof datasetView>;

/** Picks the text in the wanted language, else the first one available. */
export function pickLang(t: I18n, lang: Lang = 'fr'): string {
  return t[lang] ?? t.fr ?? t.nl ?? t.de ?? t.en ?? '';
}
