/**
 * The ingest job: read a file (an upload kept in the blob store, a URL, or a path on the server),
 * stage one version per table, and commit them together as a new dataset or new versions of one.
 * Actions queue it (authorization is checked there) and usually wait for it; any process may run it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { getOrganization } from '../catalog/organizations.ts';
import { commitVersions, HELD_STATES, type CommitItem, type StagedVersion } from '../catalog/versions.ts';
import { stageVersions, copyWithHash, type KnownSource, type ReadOptions } from '../ingest/pipeline.ts';
import { queueServingFiles } from './serving.ts';
import type { ResourceTable, VersionTable } from '../stores/meta/schema.ts';
import { DatasetMetadataInput, newDatasetRow } from '../actions/datasets.ts';
import type { JobRun } from '../jobs/runner.ts';
import { nextRunAt, validateSchedule } from './schedule.ts';
import { fetchSource } from './sources.ts';

export const ReadOptionsSchema = z.object({
  sheet: z.union([z.coerce.number().int().positive(), z.string().min(1).max(200)]).optional(),
  pointer: z.string().max(500).optional(),
  /** Side-by-side tables of one sheet are named "Sheet (B:E)": this picks one by that name on refresh. */
  table: z.string().max(300).optional(),
});

export const IngestSourceSchema = z.discriminatedUnion('kind', [
  /** A file already copied into the blob store (uploads/<id>/source). */
  z.object({ kind: z.literal('upload'), key: z.string(), name: z.string(), bytes: z.number(), sha256: z.string() }),
  z.object({ kind: z.literal('url'), url: z.string().url() }),
  z.object({ kind: z.literal('path'), path: z.string(), name: z.string() }),
]);
export type IngestSource = z.infer<typeof IngestSourceSchema>;

export const IngestJobInput = z.object({
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('new-dataset'), organizationId: z.string(), metadata: DatasetMetadataInput }),
    z.object({ kind: z.literal('version'), datasetId: z.string(), resourceId: z.string().optional(), resourceName: z.string().optional() }),
  ]),
  source: IngestSourceSchema,
  options: ReadOptionsSchema.default({}),
  /** For URL and path sources: refresh on this schedule (see schedule.ts); absent: on demand only. */
  schedule: z.string().nullable().optional(),
  createdBy: z.string().nullable().optional(),
});
export type IngestJobInput = z.infer<typeof IngestJobInput>;

export interface IngestResult {
  datasetId: string;
  items: { resourceId: string; resourceName: string; version: number; rowCount: number; score: number; table?: string; privacyState: VersionTable['privacy_state'] }[];
}

/** Copies a file into the blob store so that any process can run the job that reads it. */
export async function keepUpload(ctx: Ctx, file: { path: string; name: string }): Promise<Extract<IngestSource, { kind: 'upload' }>> {
  const key = `uploads/${new Date().toISOString().slice(0, 10)}-${crypto.randomUUID()}`;
  const dir = ctx.stores.blobs.resolve(key);
  await fs.promises.mkdir(dir, { recursive: true });
  try {
    const { bytes, sha256 } = await copyWithHash(file.path, path.join(dir, 'source'));
    return { kind: 'upload', key, name: file.name, bytes, sha256 };
  } catch (e) {
    await ctx.stores.blobs.remove(key);
    throw e;
  }
}

function readOptions(ctx: Ctx, o: z.infer<typeof ReadOptionsSchema>): ReadOptions {
  return { maxColumns: ctx.config.maxColumns, sheet: o.sheet, pointer: o.pointer };
}

/** Stages every table of a source; a fetched or uploaded source arrives hashed. */
export async function stageSource(ctx: Ctx, source: IngestSource, options: z.infer<typeof ReadOptionsSchema>, workDir: string): Promise<{ staged: StagedVersion[]; name: string; fetched?: Awaited<ReturnType<typeof fetchSource>> }> {
  const { tables, blobs } = ctx.stores;
  const opts = { ...readOptions(ctx, options), progress: ctx.progress };
  if (source.kind === 'upload') {
    const known: KnownSource = { bytes: source.bytes, sha256: source.sha256 };
    return { staged: await stageVersions(tables, blobs, blobs.resolve(source.key, 'source'), source.name, opts, known), name: source.name };
  }
  const fetched = await fetchSource(ctx, source.kind === 'url' ? { kind: 'url', location: source.url } : { kind: 'path', location: source.path }, workDir, {});
  if (fetched.notModified) throw new AppError('internal', 'A conditional fetch answered 304 to an unconditional request.');
  const name = source.kind === 'path' ? source.name : fetched.fileName;
  return { staged: await stageVersions(tables, blobs, fetched.path, name, { ...opts, sourceNotes: fetched.warnings }, { bytes: fetched.bytes, sha256: fetched.sha256 }), name, fetched };
}

/** Picks the staged table a resource follows (by table name when the source holds several). */
export function pickTable(staged: StagedVersion[], table: string | undefined, where: string): StagedVersion {
  if (staged.length === 1 && (!table || staged[0].tableName === table || !staged[0].tableName)) return staged[0];
  const hit = table ? staged.find((s) => s.tableName === table) : undefined;
  if (hit) return hit;
  const names = staged.map((s) => `"${s.tableName}"`).join(', ');
  throw new AppError('unreadable_table', table
    ? `${where} follows the table "${table}", which the source no longer holds; it holds ${names}. Choose one of these tables for the resource.`
    : `${where} can follow only one table, and the source holds ${staged.length}: ${names}. Name the sheet (sheet) to read.`);
}

export async function runIngestJob(run: JobRun): Promise<IngestResult> {
  const { ctx } = run;
  const input = IngestJobInput.parse(JSON.parse(run.job.input_json));
  const db = ctx.stores.meta;
  const work = await ctx.stores.blobs.stage();
  try {
    const { staged, name } = await stageSource(ctx, input.source, input.options, work);
    const now = ctx.now();
    const nowIso = now.toISOString();
    const resourceRow = (datasetId: string, resourceName: string, format: string): ResourceTable =>
      ({ id: crypto.randomUUID(), dataset_id: datasetId, name: resourceName, format, latest_version: null, url: null, media_type: null, description: null, created_at: nowIso, updated_at: nowIso });
    const nameOf = (s: StagedVersion) => (staged.length > 1 && s.tableName ? `${path.parse(name).name} — ${s.tableName}` : name);

    let datasetId: string;
    let items: CommitItem[];
    let newDataset;
    if (input.target.kind === 'new-dataset') {
      const org = await getOrganization(db, input.target.organizationId);
      newDataset = await newDatasetRow(ctx, org, input.target.metadata);
      datasetId = newDataset.id;
      items = staged.map((s) => {
        const r = resourceRow(datasetId, nameOf(s), s.format);
        return { staged: s, resourceId: r.id, newResource: r };
      });
    } else {
      const target = input.target;
      datasetId = target.datasetId;
      const existing = await db.selectFrom('resources').selectAll().where('dataset_id', '=', datasetId).orderBy('created_at').execute();
      items = staged.map((s) => {
        const wanted = staged.length > 1 ? nameOf(s) : target.resourceName;
        const match = staged.length === 1 && target.resourceId ? existing.find((r) => r.id === target.resourceId)
          : wanted ? existing.find((r) => r.name === wanted) : existing[0];
        if (match) return { staged: s, resourceId: match.id };
        const r = resourceRow(datasetId, wanted ?? name, s.format);
        return { staged: s, resourceId: r.id, newResource: r };
      });
    }
    run.signal.throwIfAborted();
    const versions = await commitVersions(ctx.stores, items, {
      newDataset, datasetId, createdBy: input.createdBy ?? null, now,
      note: input.source.kind === 'url' ? `Fetched from ${input.source.url}` : undefined,
    });
    if (input.source.kind !== 'upload') await recordSources(ctx, input, items, now);
    const organizationId = newDataset?.organization_id ?? (await db.selectFrom('datasets').select('organization_id').where('id', '=', datasetId).executeTakeFirstOrThrow()).organization_id;
    // Held versions are never queried: no index for them.
    for (const v of versions) if (!HELD_STATES.includes(v.privacy_state)) await queueServingFiles(ctx, v, { organizationId, datasetId });
    if (input.source.kind === 'upload') await ctx.stores.blobs.remove(input.source.key);
    return { datasetId, items: items.map((it, i) => itemView(it, versions[i], staged.length > 1 ? it.staged.tableName : undefined)) };
  } finally {
    await fs.promises.rm(work, { recursive: true, force: true });
  }
}

function itemView(it: CommitItem, v: VersionTable, table?: string): IngestResult['items'][number] {
  return { resourceId: it.resourceId, resourceName: it.newResource?.name ?? '', version: v.number, rowCount: v.row_count, score: v.score, privacyState: v.privacy_state, ...(table && { table }) };
}

/** A resource made from a URL or path remembers where it came from, to refresh it. */
async function recordSources(ctx: Ctx, input: IngestJobInput, items: CommitItem[], now: Date) {
  const src = input.source;
  if (src.kind === 'upload') return;
  const schedule = input.schedule ? validateSchedule(input.schedule) : null;
  for (const it of items) {
    const options = { ...input.options, ...(items.length > 1 && { sheet: it.staged.origin?.sheet ?? input.options.sheet, table: it.staged.tableName }) };
    await upsertSource(ctx, it.resourceId, { kind: src.kind, location: src.kind === 'url' ? src.url : src.path, options, schedule, enabled: true }, now);
  }
}

export async function upsertSource(ctx: Ctx, resourceId: string, s: { kind: 'url' | 'path'; location: string; options: object; schedule: string | null; enabled: boolean }, now: Date) {
  const iso = now.toISOString();
  const row = {
    kind: s.kind, location: s.location, options_json: JSON.stringify(s.options), schedule: s.schedule, enabled: s.enabled ? 1 : 0,
    next_run_at: s.schedule && s.enabled ? nextRunAt(s.schedule, now).toISOString() : null, updated_at: iso,
  };
  const existing = await ctx.stores.meta.selectFrom('resource_sources').select('resource_id').where('resource_id', '=', resourceId).executeTakeFirst();
  if (existing) await ctx.stores.meta.updateTable('resource_sources').set(row).where('resource_id', '=', resourceId).execute();
  else await ctx.stores.meta.insertInto('resource_sources').values({ ...row, resource_id: resourceId, last_run_at: null, etag: null, last_modified: null, created_at: iso }).execute();
}

/**
 * Removes kept uploads that no job will read any more: their ingest finished (a success removes its
 * upload itself), failed for good, or never got queued because the process stopped in between.
 */
export async function sweepUploads(ctx: Ctx, minAgeMs: number): Promise<number> {
  const root = ctx.stores.blobs.resolve('uploads');
  const names = await fs.promises.readdir(root).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const key = `uploads/${name}`;
    const stat = await fs.promises.stat(ctx.stores.blobs.resolve(key)).catch(() => null);
    if (!stat || Date.now() - stat.mtimeMs < minAgeMs) continue;
    const waiting = await ctx.stores.meta.selectFrom('jobs').select('id')
      .where('state', 'in', ['queued', 'running']).where('input_json', 'like', `%${key}%`).executeTakeFirst();
    if (waiting) continue;
    await ctx.stores.blobs.remove(key);
    removed++;
  }
  return removed;
}
