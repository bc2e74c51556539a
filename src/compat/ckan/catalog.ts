/**
 * The catalog reads behind the CKAN API: datasets by CKAN reference, packages with their
 * organizations, resources and served versions (a page of them in three queries), counts per
 * organization and theme, tags. Kysely over the metadata store, the same on SQLite and PostgreSQL.
 */
import { sql, type RawBuilder } from 'kysely';
import type { MetaDb } from '../../stores/meta/db.ts';
import type { DatasetTable, ResourceTable, VersionTable } from '../../stores/meta/schema.ts';
import { packageDict, type PackageDict, type PackageParts } from './dicts.ts';

export type Dialect = 'sqlite' | 'postgres';

/** The keywords of the dataset in scope as a table with one `value` column, for a join or EXISTS. */
export function keywordsSource(dialect: Dialect): RawBuilder<{ value: string }> {
  return dialect === 'postgres'
    ? sql<{ value: string }>`json_array_elements_text(datasets.keywords::json)`
    : sql<{ value: string }>`json_each(datasets.keywords)`;
}

/** The CKAN name of the dataset in scope (see packageName). */
export const packageNameSql = sql<string>`(organizations.slug || '--' || datasets.slug)`;

/**
 * A dataset by CKAN reference: its id, its CKAN name ("org-slug--dataset-slug"), or Dataville's
 * "org-slug/dataset-slug". Visibility is the caller's business.
 */
export async function findDataset(db: MetaDb, ref: string): Promise<DatasetTable | undefined> {
  const byId = await db.selectFrom('datasets').selectAll().where('id', '=', ref).executeTakeFirst();
  if (byId) return byId;
  const byName = await db.selectFrom('datasets').innerJoin('organizations', 'organizations.id', 'datasets.organization_id')
    .selectAll('datasets').where(sql<boolean>`${packageNameSql} = ${ref}`).executeTakeFirst();
  if (byName || !ref.includes('/')) return byName;
  const [orgSlug, slug] = ref.split('/', 2);
  return db.selectFrom('datasets').innerJoin('organizations', 'organizations.id', 'datasets.organization_id')
    .selectAll('datasets').where('organizations.slug', '=', orgSlug).where('datasets.slug', '=', slug).executeTakeFirst();
}

/** The parts of each dataset's package dict, in the order given. */
export async function packageParts(db: MetaDb, datasets: DatasetTable[]): Promise<PackageParts[]> {
  if (!datasets.length) return [];
  const orgIds = [...new Set(datasets.map((d) => d.organization_id))];
  const orgs = await db.selectFrom('organizations').selectAll().where('id', 'in', orgIds).execute();
  const resources = await db.selectFrom('resources').selectAll().where('dataset_id', 'in', datasets.map((d) => d.id))
    .orderBy('created_at').orderBy('id').execute();
  const versions = await servedVersions(db, resources);
  return datasets.map((d) => ({
    dataset: d,
    organization: orgs.find((o) => o.id === d.organization_id)!,
    resources: resources.filter((r) => r.dataset_id === d.id).map((r) => ({ resource: r, version: versions.get(r.id) })),
  }));
}

/** The version each resource serves (its latest), by resource id. */
export async function servedVersions(db: MetaDb, resources: ResourceTable[]): Promise<Map<string, VersionTable>> {
  const tables = resources.filter((r) => r.latest_version != null);
  if (!tables.length) return new Map();
  const rows = await db.selectFrom('versions').innerJoin('resources', (j) => j.onRef('resources.id', '=', 'versions.resource_id').onRef('resources.latest_version', '=', 'versions.number'))
    .selectAll('versions').where('versions.resource_id', 'in', tables.map((r) => r.id)).execute();
  return new Map(rows.map((v) => [v.resource_id, v]));
}

export async function packages(db: MetaDb, datasets: DatasetTable[], site: string): Promise<PackageDict[]> {
  return (await packageParts(db, datasets)).map((p) => packageDict(p, site));
}

/** Published datasets per organization id. */
export async function publishedCounts(db: MetaDb, organizationIds?: string[]): Promise<Map<string, number>> {
  let q = db.selectFrom('datasets').select(['organization_id', sql<number>`count(*)`.as('n')]).where('status', '=', 'published');
  if (organizationIds) {
    if (!organizationIds.length) return new Map();
    q = q.where('organization_id', 'in', organizationIds);
  }
  const rows = await q.groupBy('organization_id').execute();
  return new Map(rows.map((r) => [r.organization_id, Number(r.n)]));
}

/** Published datasets per theme text (null themes left out). */
export async function publishedThemes(db: MetaDb): Promise<{ theme: string; n: number }[]> {
  const rows = await db.selectFrom('datasets').select(['theme', sql<number>`count(*)`.as('n')])
    .where('status', '=', 'published').where('theme', 'is not', null).groupBy('theme').execute();
  return rows.map((r) => ({ theme: r.theme!, n: Number(r.n) }));
}

/** The distinct keywords of published datasets, sorted; `contains` keeps those holding a text (any case). */
export async function publishedTags(db: MetaDb, dialect: Dialect, contains?: string): Promise<string[]> {
  const rows = await db.selectFrom('datasets')
    .innerJoin(keywordsSource(dialect).as('k'), (j) => j.onTrue())
    .select(sql<string>`k.value`.as('name')).distinct()
    .where('datasets.status', '=', 'published').execute();
  const needle = contains?.toLowerCase();
  return rows.map((r) => r.name).filter((n) => typeof n === 'string' && (!needle || n.toLowerCase().includes(needle)))
    .sort((a, b) => a.localeCompare(b, 'fr'));
}
