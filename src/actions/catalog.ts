import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { z } from 'zod';
import { defineAction } from './registry.ts';
import { EXPORT_FORMATS, type ExportFormat } from './rows.ts';
import { AppError } from '../errors.ts';
import { datasetView, getDatasetRow, resourcesOf } from '../catalog/datasets.ts';
import { getOrganization, organizationView } from '../catalog/organizations.ts';
import { versionPaths } from '../catalog/versions.ts';
import type { VersionTable } from '../stores/meta/schema.ts';

/** What a catalog says of a resource's data: its first and latest versions and the downloads already made. */
export interface CatalogResource {
  id: string;
  name: string;
  format: string;
  /** Position among the dataset's resources: the download URL names the resource unless it is the first. */
  position: number;
  firstPublishedAt: string;
  latest: { number: number; createdAt: string; rowCount: number; columnCount: number };
  /** Bytes of each download of the latest version, or null while it has not been made (it is made on first request). */
  downloadBytes: Record<ExportFormat, number | null>;
}

/** A resource that is a link to a file held elsewhere (a harvested distribution). */
export interface CatalogLink {
  id: string;
  name: string;
  format: string;
  url: string;
  mediaType: string | null;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export const publishedCatalog = defineAction({
  name: 'catalog.published',
  summary: 'The published datasets as a catalog describes them (organizations, resources, latest versions, download sizes), in a stable order for paging. Never internal or planned datasets, whoever asks.',
  input: z.object({
    organization: z.string().min(1).optional().describe('only the datasets of this organization (id, slug or NIS code)'),
    dataset: z.string().min(1).optional().describe('only this dataset (id or organization-slug/dataset-slug)'),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  }),
  async run(ctx, input, authz) {
    // A catalog is public by nature: the same for everyone, published datasets only.
    authz.allowAnyone();
    const db = ctx.stores.meta;
    const org = input.organization ? await getOrganization(db, input.organization) : undefined;
    let datasetId: string | undefined;
    if (input.dataset) {
      const d = await getDatasetRow(db, input.dataset).catch(() => undefined);
      if (!d || d.status !== 'published' || (org && d.organization_id !== org.id)) {
        throw new AppError('dataset_not_found', `No published dataset "${input.dataset}"${org ? ` in ${org.slug}` : ''}. The catalog lists published datasets only (GET /catalog.ttl lists them all).`);
      }
      datasetId = d.id;
    }

    let published = db.selectFrom('datasets').where('status', '=', 'published');
    if (org) published = published.where('organization_id', '=', org.id);
    if (datasetId) published = published.where('id', '=', datasetId);
    const stats = await published.select([sql<number>`count(*)`.as('n'), sql<string | null>`min(created_at)`.as('first'), sql<string | null>`max(updated_at)`.as('last')]).executeTakeFirstOrThrow();
    // Oldest first, id to break ties: a dataset updated during a harvest does not move between pages.
    const rows = await published.selectAll().orderBy('created_at').orderBy('id').limit(input.limit).offset(input.offset).execute();

    // The publishers of the whole selection (not only this page): a catalog names them all.
    const publisherIds = db.selectFrom('datasets').select('organization_id').where('status', '=', 'published');
    let orgQuery = db.selectFrom('organizations').selectAll().where('id', 'in', publisherIds);
    if (org) orgQuery = orgQuery.where('id', '=', org.id);
    if (datasetId) orgQuery = orgQuery.where('id', '=', rows[0]?.organization_id ?? '');
    const organizations = (await orgQuery.orderBy('nis_code').orderBy('id').execute()).map(organizationView);

    const resources = await resourcesOf(db, rows.map((r) => r.id));
    const resourceIds = resources.map((r) => r.id);
    const latest = resourceIds.length
      ? await db.selectFrom('versions').innerJoin('resources', (j) => j.onRef('resources.id', '=', 'versions.resource_id').onRef('resources.latest_version', '=', 'versions.number'))
        .selectAll('versions').where('versions.resource_id', 'in', resourceIds).execute()
      : [];
    const firsts = resourceIds.length
      ? await db.selectFrom('versions').select(['resource_id', sql<string>`min(created_at)`.as('first')]).where('resource_id', 'in', resourceIds).groupBy('resource_id').execute()
      : [];
    const latestBy = new Map(latest.map((v) => [v.resource_id, v]));
    const firstBy = new Map(firsts.map((f) => [f.resource_id, f.first]));

    const datasets = await Promise.all(rows.map(async (d) => {
      const own = resources.filter((r) => r.dataset_id === d.id);
      const { resources: _views, ...view } = datasetView(d, undefined, own);
      const described: CatalogResource[] = [];
      const links: CatalogLink[] = own.filter((r) => r.url).map((r) => ({
        id: r.id, name: r.name, format: r.format, url: r.url!, mediaType: r.media_type, description: r.description, createdAt: r.created_at, updatedAt: r.updated_at,
      }));
      for (const [position, r] of own.entries()) {
        const v = latestBy.get(r.id);
        // A resource without a committed version has nothing to download yet.
        if (!v) continue;
        described.push({
          id: r.id, name: r.name, format: r.format, position,
          firstPublishedAt: firstBy.get(r.id) ?? v.created_at,
          latest: { number: v.number, createdAt: v.created_at, rowCount: v.row_count, columnCount: v.column_count },
          downloadBytes: await downloadBytes(ctx.stores, v),
        });
      }
      return { ...view, organizationId: d.organization_id, resources: described, links };
    }));

    return {
      total: Number(stats.n),
      limit: input.limit,
      offset: input.offset,
      firstCreatedAt: stats.first,
      lastUpdatedAt: stats.last,
      organizations,
      datasets,
    };
  },
});
export type PublishedCatalog = Awaited<ReturnType<typeof publishedCatalog.run>>;
export type CatalogDataset = PublishedCatalog['datasets'][number];

/** Sizes of the downloads already made for a version (they are made on first request, then kept). */
async function downloadBytes(stores: Parameters<typeof versionPaths>[0], v: VersionTable): Promise<Record<ExportFormat, number | null>> {
  const dir = versionPaths(stores, v).exportsDir;
  const entries = await Promise.all(EXPORT_FORMATS.map(async (f) => {
    const size = await fs.promises.stat(path.join(dir, `data.${f}`)).then((s) => s.size, () => null);
    return [f, size] as const;
  }));
  return Object.fromEntries(entries) as Record<ExportFormat, number | null>;
}
