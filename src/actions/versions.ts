import path from 'node:path';
import { z } from 'zod';
import { defineAction } from './registry.ts';
import { readableDataset, readableResource, resourceOf } from './common.ts';
import { DatasetMetadataInput, writableOrganization } from './datasets.ts';
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import type { Authz } from './authz.ts';
import { datasetView, resourcesOf } from '../catalog/datasets.ts';
import { getOrganization } from '../catalog/organizations.ts';
import { getVersion, HELD_STATES, listVersions, readAudit, versionSchema, versionView } from '../catalog/versions.ts';
import { diffSchemas } from '../catalog/schema-diff.ts';
import { formatOf } from '../ingest/pipeline.ts';
import { ensureServingFiles } from '../query/serving.ts';
import { jobView } from '../jobs/store.ts';
import { keepUpload, type IngestJobInput, type IngestResult, type IngestSource } from '../work/ingest.ts';
import { validateSchedule } from '../work/schedule.ts';
import { uploadTmpDir } from '../config.ts';
import { assertSourcePathAllowed } from '../work/sources.ts';

/**
 * A file on this machine to ingest. Adapters set it: the CLI from its argument, HTTP from the
 * upload it streamed to disk. It is never taken from a request body (no reading of server files).
 */
export const SourceFileInput = z.object({ path: z.string().min(1), name: z.string().min(1).max(300) });

/**
 * A file given by its path is read from the server's disk. The command line (the system actor) may
 * name any file; anyone else's file must be an upload the HTTP adapter saved in the uploads folder —
 * otherwise an editor could publish the server's own files (the catalog, the pseudonymisation keys).
 */
export function assertReadableFile(ctx: Ctx, file: z.infer<typeof SourceFileInput>): void {
  if (ctx.actor.kind === 'system') return;
  if (path.dirname(path.resolve(file.path)) !== uploadTmpDir(ctx.config)) {
    throw new AppError('forbidden', 'A file is sent as an upload (multipart field "file", or the raw body with its Content-Type), never named by a path on the server. Operators read server folders with sourcePath (DATAVILLE_SOURCE_PATHS).');
  }
}

/** How to read sources that hold several tables. */
export const ReadOptionsInput = z.object({
  sheet: z.union([z.coerce.number().int().positive(), z.string().min(1).max(200)]).optional()
    .describe('workbooks: the sheet to publish (name or position); all visible sheets when absent'),
  pointer: z.string().max(500).optional().describe('JSON: the JSON Pointer of the array to read when the document holds several'),
});

/** Where the data comes from: exactly one of an uploaded file, a URL, or a path on the server (operators). */
const SourceInput = z.object({
  file: SourceFileInput.optional(),
  url: z.string().url().max(2000).optional().describe('an http(s) address of the file; Dataville fetches it (and refreshes it on `schedule`)'),
  sourcePath: z.string().max(2000).optional().describe('a file on the server, in a folder listed in DATAVILLE_SOURCE_PATHS'),
  schedule: z.string().max(100).optional().describe('refresh a URL or path source: hourly, daily, weekly, monthly, or a cron expression'),
}).merge(ReadOptionsInput);

function actorId(ctx: Ctx): string | null {
  return ctx.actor.kind === 'user' ? ctx.actor.userId : ctx.actor.kind === 'system' ? 'system' : null;
}

/** Checks the source given to an ingest and makes it something any process can read. */
async function ingestSource(ctx: Ctx, input: z.infer<typeof SourceInput>): Promise<IngestSource> {
  const given = [input.file, input.url, input.sourcePath].filter((x) => x !== undefined).length;
  if (given !== 1) throw new AppError('validation_failed', given ? 'Give only one of: a file, a url, a sourcePath.' : 'Give the data: upload a file, or give a url (or, for operators, a sourcePath).');
  if (input.schedule) {
    validateSchedule(input.schedule);
    if (input.file) throw new AppError('validation_failed', 'A schedule needs a source Dataville can fetch again: give a url (or a sourcePath), not an uploaded file.');
  }
  if (input.file) {
    assertReadableFile(ctx, input.file);
    formatOf(input.file.name);
    return keepUpload(ctx, input.file);
  }
  if (input.url) {
    const { assertPublicUrl } = await import('../ingest/fetch/fetch.ts');
    await assertPublicUrl(input.url, { allowPrivate: ctx.config.allowPrivateUrls });
    return { kind: 'url', url: input.url };
  }
  assertSourcePathAllowed(ctx, input.sourcePath!);
  formatOf(input.sourcePath!);
  return { kind: 'path', path: path.resolve(input.sourcePath!), name: path.basename(input.sourcePath!) };
}

/** Queues an ingest and (by default) runs it at once; the answer of an action that ingests. */
async function submitIngest(ctx: Ctx, job: { input: IngestJobInput; organizationId: string; datasetId?: string; resourceId?: string }, wait: boolean) {
  const source = job.input.source;
  try {
    return await ctx.jobs.submit({
      kind: 'ingest', input: job.input, organizationId: job.organizationId, datasetId: job.datasetId, resourceId: job.resourceId, createdBy: actorId(ctx),
      // A URL may be down for a while; an upload that failed will fail the same way again.
      maxAttempts: source.kind === 'upload' ? 2 : 3,
    }, { wait, progress: ctx.progress, waitMs: Infinity });
  } catch (e) {
    if (source.kind === 'upload') await ctx.stores.blobs.remove(source.key);
    throw e;
  }
}

/** The answer of an ingest that finished: the dataset, its first table's version and audit, and every table made. */
async function ingestAnswer(ctx: Ctx, result: IngestResult, job: ReturnType<typeof jobView>) {
  const db = ctx.stores.meta;
  const d = await db.selectFrom('datasets').selectAll().where('id', '=', result.datasetId).executeTakeFirstOrThrow();
  const org = await getOrganization(db, d.organization_id);
  const resources = await resourcesOf(db, [d.id]);
  const first = resources.find((r) => r.id === result.items[0].resourceId)!;
  // The publisher sees what was found even when it waits for the DPO.
  const v = await getVersion(ctx.stores, first, result.items[0].version, { includeHeld: true });
  return {
    dataset: datasetView(d, org, resources), resourceId: first.id, version: versionView(v), audit: await readAudit(ctx.stores, v),
    tables: result.items, job: { id: job.id, state: job.state },
  };
}

const PublishInput = DatasetMetadataInput.extend({ organization: z.string().min(1) }).merge(SourceInput);
const AddVersionInput = z.object({ dataset: z.string().min(1), resource: z.string().optional(), resourceName: z.string().max(300).optional() }).merge(SourceInput);

/** Checks a publish and queues its job; `wait`: run it here and return its result. */
async function startPublish(ctx: Ctx, input: z.infer<typeof PublishInput>, authz: Authz, wait: boolean) {
  if (input.file) formatOf(input.file.name);
  const org = await writableOrganization(ctx, authz, input.organization, 'publish a dataset');
  const { organization: _o, file: _f, url: _u, sourcePath: _p, schedule, sheet, pointer, ...metadata } = input;
  const source = await ingestSource(ctx, input);
  const jobInput: IngestJobInput = { target: { kind: 'new-dataset', organizationId: org.id, metadata }, source, options: { sheet, pointer }, schedule: schedule ?? null, createdBy: actorId(ctx) };
  return submitIngest(ctx, { input: jobInput, organizationId: org.id }, wait);
}

async function startAddVersion(ctx: Ctx, input: z.infer<typeof AddVersionInput>, authz: Authz, wait: boolean) {
  if (input.file) formatOf(input.file.name);
  const d = await readableDataset(ctx, authz, input.dataset);
  authz.requireRole(d.organization_id, ['admin', 'editor'], 'upload a version to this dataset');
  const resource = input.resource ? await resourceOf(ctx, d, input.resource) : undefined;
  const source = await ingestSource(ctx, input);
  const jobInput: IngestJobInput = {
    target: { kind: 'version', datasetId: d.id, resourceId: resource?.id, resourceName: input.resourceName },
    source, options: { sheet: input.sheet, pointer: input.pointer }, schedule: input.schedule ?? null, createdBy: actorId(ctx),
  };
  return submitIngest(ctx, { input: jobInput, organizationId: d.organization_id, datasetId: d.id, resourceId: resource?.id }, wait);
}

export const publishFile = defineAction({
  name: 'dataset.publish',
  summary: 'Publish a file (upload, url, or server path) as a new dataset: ingest, audit, store the first version of each table and the metadata in one step. Runs as a job and waits for it.',
  input: PublishInput,
  async run(ctx, input, authz) {
    const { job, result } = await startPublish(ctx, input, authz, true);
    return ingestAnswer(ctx, result as IngestResult, job);
  },
});

export const startPublishFile = defineAction({
  name: 'dataset.publish.start',
  summary: 'Like dataset.publish, but answers at once with the queued job (GET /api/jobs/{id} follows it).',
  input: PublishInput,
  async run(ctx, input, authz) {
    return { job: (await startPublish(ctx, input, authz, false)).job };
  },
});

export const addVersion = defineAction({
  name: 'version.create',
  summary: 'A new version of a dataset\'s resource from a file, url or server path (the first resource unless one is named; a new resource when resourceName is new; one resource per table of a workbook). Runs as a job and waits for it.',
  input: AddVersionInput,
  async run(ctx, input, authz) {
    const { job, result } = await startAddVersion(ctx, input, authz, true);
    const answer = await ingestAnswer(ctx, result as IngestResult, job);
    return { datasetId: answer.dataset.id, resourceId: answer.resourceId, version: answer.version, audit: answer.audit, tables: answer.tables, job: answer.job };
  },
});

export const startAddVersionAction = defineAction({
  name: 'version.create.start',
  summary: 'Like version.create, but answers at once with the queued job (GET /api/jobs/{id} follows it).',
  input: AddVersionInput,
  async run(ctx, input, authz) {
    return { job: (await startAddVersion(ctx, input, authz, false)).job };
  },
});

export const rollbackVersion = defineAction({
  name: 'version.rollback',
  summary: 'Serve an earlier version again: its files become a new version (the history keeps every version).',
  input: z.object({ resource: z.string().min(1), version: z.coerce.number().int().positive() }),
  async run(ctx, input, authz) {
    const { dataset, resource } = await readableResource(ctx, authz, input.resource);
    authz.requireRole(dataset.organization_id, ['admin', 'editor'], 'roll back a version of this dataset');
    const old = await getVersion(ctx.stores, resource, input.version);
    if (old.number === resource.latest_version) throw new AppError('conflict', `Version ${old.number} is already the one served; nothing to roll back.`);
    const { restoreVersion } = await import('../work/rollback.ts');
    const v = await restoreVersion(ctx, dataset, resource, old, actorId(ctx));
    return { datasetId: dataset.id, resourceId: resource.id, version: versionView(v) };
  },
});

export const listVersionsAction = defineAction({
  name: 'version.list',
  summary: 'List the versions of a resource, newest first.',
  input: z.object({ resource: z.string().min(1) }),
  async run(ctx, input, authz) {
    const { dataset, resource } = await readableResource(ctx, authz, input.resource);
    // Versions held by the privacy gate are listed to the organization's admins, editors and DPO only.
    const all = await listVersions(ctx.stores, resource.id);
    const versions = authz.canSeeHeldData(dataset.organization_id) ? all : all.filter((v) => !HELD_STATES.includes(v.privacy_state));
    // Newest first; each compared with the one before it.
    return {
      resourceId: resource.id, latest: resource.latest_version,
      versions: versions.map((v, i) => ({
        ...versionView(v),
        diff: diffSchemas(versions[i + 1] ? versionSchema(versions[i + 1]) : null, versionSchema(v)),
        download: `/api/datasets/${dataset.id}/download.csv?resource=${resource.id}&version=${v.number}`,
      })),
    };
  },
});

export const showAudit = defineAction({
  name: 'version.audit',
  summary: 'The audit of a version (latest by default): profile, errors, quality score and its deductions.',
  input: z.object({ dataset: z.string().min(1), resource: z.string().optional(), version: z.coerce.number().int().positive().optional() }),
  async run(ctx, input, authz) {
    const d = await readableDataset(ctx, authz, input.dataset);
    const resource = await resourceOf(ctx, d, input.resource);
    const v = await getVersion(ctx.stores, resource, input.version, { includeHeld: authz.canSeeHeldData(d.organization_id) });
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
