import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { defineAction } from './registry.ts';
import { readableDataset, readableResource, resourceOf } from './common.ts';
import { getVersion, versionPaths, versionSchema } from '../catalog/versions.ts';
import { DatastoreSearchInput, datastoreSearch } from '../query/datastore.ts';
import { exportTable } from '../publish/exports.ts';
import { attachNativeTable } from '../query/native.ts';
import { startServingFiles } from '../query/serving.ts';

export const queryRows = defineAction({
  name: 'rows.search',
  summary: 'Query the rows of a resource with the parameters and semantics of CKAN\'s datastore_search.',
  input: DatastoreSearchInput.extend({ resource_id: z.string().min(1, 'give resource_id'), version: z.coerce.number().int().positive().optional() }),
  async run(ctx, input, authz) {
    const { resource } = await readableResource(ctx, authz, input.resource_id);
    const v = await getVersion(ctx.stores, resource, input.version);
    const p = versionPaths(ctx.stores, v);
    const { version: _version, ...params } = input;
    const result = await ctx.stores.tables.withConnection(async (conn) => {
      // Versions published before native copies existed are read from Parquet (same answers, slower).
      const tableSql = fs.existsSync(p.native) ? await attachNativeTable(conn, p.native) : undefined;
      if (!tableSql || !fs.existsSync(p.searchIndex)) startServingFiles(ctx.stores, v, (e) => ctx.log.error('building the row-query files failed', { version: v.id, error: e.message }));
      return datastoreSearch(conn, { parquetPath: p.parquet, tableSql, searchIndexPath: fs.existsSync(p.searchIndex) ? p.searchIndex : undefined, schema: versionSchema(v) }, params);
    });
    return { resource_id: resource.id, version: v.number, ...result };
  },
});

export const EXPORT_FORMATS = ['csv', 'json', 'parquet', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const exportVersion = defineAction({
  name: 'version.export',
  summary: 'A download of a version (latest by default) as CSV, JSON, Parquet or XLSX. Made once, then kept beside the version.',
  input: z.object({
    dataset: z.string().min(1),
    resource: z.string().optional(),
    version: z.coerce.number().int().positive().optional(),
    format: z.enum(EXPORT_FORMATS).default('csv'),
  }),
  async run(ctx, input, authz) {
    const d = await readableDataset(ctx, authz, input.dataset);
    const resource = await resourceOf(ctx, d, input.resource);
    const v = await getVersion(ctx.stores, resource, input.version);
    const p = versionPaths(ctx.stores, v);
    const out = path.join(p.exportsDir, `data.${input.format}`);
    // Versions are immutable, so an export made once is valid for ever; it is written to a temp
    // name and renamed, so concurrent requests at worst both write it.
    let bytes: number;
    let mediaType = MEDIA_TYPES[input.format];
    if (fs.existsSync(out)) {
      bytes = fs.statSync(out).size;
    } else {
      await fs.promises.mkdir(p.exportsDir, { recursive: true });
      const made = await ctx.stores.tables.withConnection((conn) => exportTable(conn, { parquetPath: p.parquet, schema: versionSchema(v) }, input.format, out));
      bytes = made.bytes;
      mediaType = made.mediaType;
    }
    const base = `${d.slug}-v${v.number}.${input.format}`;
    return { path: out, bytes, mediaType, filename: base, version: v.number };
  },
});

const MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  parquet: 'application/vnd.apache.parquet',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
