import crypto from 'node:crypto';
import { z } from 'zod';
import { defineAction } from './registry.ts';
import { readableDataset, readableResource, resourceOf } from './common.ts';
import { DatasetMetadataInput, newDatasetRow, writableOrganization } from './datasets.ts';
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import { datasetView, resourcesOf } from '../catalog/datasets.ts';
import { getOrganization } from '../catalog/organizations.ts';
import { commitVersion, getVersion, listVersions, readAudit, versionView } from '../catalog/versions.ts';
import { formatOf, stageVersion } from '../ingest/pipeline.ts';
import { ensureServingFiles, startServingFiles } from '../query/serving.ts';
import type { ResourceTable } from '../stores/meta/schema.ts';

/**
 * A file on this machine to ingest. Adapters set it: the CLI from its argument, HTTP from the
 * upload it streamed to disk. It is never taken from a request body (no reading of server files).
 */
export const SourceFileInput = z.object({ path: z.string().min(1), name: z.string().min(1).max(300) });

function actorId(ctx: Ctx): string | null {
  return ctx.actor.kind === 'user' ? ctx.actor.userId : ctx.actor.kind === 'system' ? 'system' : null;
}

function newResourceRow(ctx: Ctx, datasetId: string, name: string, format: string): ResourceTable {
  const now = ctx.now().toISOString();
  return { id: crypto.randomUUID(), dataset_id: datasetId, name, format, latest_version: null, created_at: now, updated_at: now };
}

export const publishFile = defineAction({
  name: 'dataset.publish',
  summary: 'Publish a file as a new dataset: ingest, audit, store the first version and its metadata in one step.',
  input: DatasetMetadataInput.extend({ organization: z.string().min(1), file: SourceFileInput }),
  async run(ctx, input, authz) {
    const format = formatOf(input.file.name);
    const org = await writableOrganization(ctx, authz, input.organization, 'publish a dataset');
    const staged = await stageVersion(ctx.stores.tables, ctx.stores.blobs, input.file.path, input.file.name, { maxColumns: ctx.config.maxColumns, progress: ctx.progress });
    const dataset = await newDatasetRow(ctx, org, input);
    const resource = newResourceRow(ctx, dataset.id, input.file.name, format);
    const version = await commitVersion(ctx.stores, staged, { newDataset: dataset, newResource: resource, datasetId: dataset.id, resourceId: resource.id, createdBy: actorId(ctx), now: ctx.now() });
    ctx.log.info('dataset published', { dataset: dataset.id, rows: version.row_count, score: version.score });
    startServingFiles(ctx.stores, version, (e) => ctx.log.error('building the row-query files failed', { version: version.id, error: e.message }));
    const fresh = await ctx.stores.meta.selectFrom('datasets').selectAll().where('id', '=', dataset.id).executeTakeFirstOrThrow();
    return { dataset: datasetView(fresh, org, await resourcesOf(ctx.stores.meta, [dataset.id])), version: versionView(version), audit: staged.audit };
  },
});

export const addVersion = defineAction({
  name: 'version.create',
  summary: 'Upload a new version of a dataset\'s resource (the first resource unless one is named; a new resource when resourceName is new).',
  input: z.object({ dataset: z.string().min(1), resource: z.string().optional(), resourceName: z.string().max(300).optional(), file: SourceFileInput }),
  async run(ctx, input, authz) {
    const format = formatOf(input.file.name);
    const d = await readableDataset(ctx, authz, input.dataset);
    authz.requireRole(d.organization_id, ['admin', 'editor'], 'upload a version to this dataset');
    const existing = await ctx.stores.meta.selectFrom('resources').selectAll().where('dataset_id', '=', d.id).orderBy('created_at').execute();
    let resource = input.resource ? await resourceOf(ctx, d, input.resource) : input.resourceName ? existing.find((r) => r.name === input.resourceName) : existing[0];
    const newResource = resource ? undefined : newResourceRow(ctx, d.id, input.resourceName ?? input.file.name, format);
    resource = resource ?? newResource!;
    const staged = await stageVersion(ctx.stores.tables, ctx.stores.blobs, input.file.path, input.file.name, { maxColumns: ctx.config.maxColumns, progress: ctx.progress });
    const version = await commitVersion(ctx.stores, staged, { newResource, datasetId: d.id, resourceId: resource.id, createdBy: actorId(ctx), now: ctx.now() });
    startServingFiles(ctx.stores, version, (e) => ctx.log.error('building the row-query files failed', { version: version.id, error: e.message }));
    return { datasetId: d.id, resourceId: resource.id, version: versionView(version), audit: staged.audit };
  },
});

export const listVersionsAction = defineAction({
  name: 'version.list',
  summary: 'List the versions of a resource, newest first.',
  input: z.object({ resource: z.string().min(1) }),
  async run(ctx, input, authz) {
    const { resource } = await readableResource(ctx, authz, input.resource);
    return { resourceId: resource.id, latest: resource.latest_version, versions: (await listVersions(ctx.stores, resource.id)).map(versionView) };
  },
});

export const showAudit = defineAction({
  name: 'version.audit',
  summary: 'The audit of a version (latest by default): profile, errors, quality score and its deductions.',
  input: z.object({ dataset: z.string().min(1), resource: z.string().optional(), version: z.coerce.number().int().positive().optional() }),
  async run(ctx, input, authz) {
    const d = await readableDataset(ctx, authz, input.dataset);
    const resource = await resourceOf(ctx, d, input.resource);
    const v = await getVersion(ctx.stores, resource, input.version);
    return { datasetId: d.id, resourceId: resource.id, version: versionView(v), audit: await readAudit(ctx.stores, v) };
  },
});


export const prepareVersion = defineAction({
  name: 'version.prepare',
  summary: 'Build (or wait for) the files that make row queries fast: the full-text index and the native table copy.',
  input: z.object({ dataset: z.string().min(1), resource: z.string().optional(), version: z.coerce.number().int().positive().optional() }),
  async run(ctx, input, authz) {
    const d = await readableDataset(ctx, authz, input.dataset);
    const resource = await resourceOf(ctx, d, input.resource);
    const v = await getVersion(ctx.stores, resource, input.version);
    const started = Date.now();
    await ensureServingFiles(ctx.stores, v);
    return { datasetId: d.id, resourceId: resource.id, version: v.number, ms: Date.now() - started };
  },
});
