/**
 * Refreshing a resource from its source: a new version only when the bytes changed, the audit run
 * again, every run recorded. A changed schema is held for an editor (with the diff) unless the
 * dataset accepts additive changes and the change only adds columns.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { commitVersions, getVersion, HELD_STATES, VERSION_FILES, versionSchema, type StagedVersion } from '../catalog/versions.ts';
import { describeDiff, diffSchemas, type SchemaDiff } from '../catalog/schema-diff.ts';
import { queueServingFiles } from './serving.ts';
import type { RefreshOutcome, RefreshRunTable, ResourceSourceTable } from '../stores/meta/schema.ts';
import { enqueueJob } from '../jobs/store.ts';
import type { JobRun } from '../jobs/runner.ts';
import { pickTable, ReadOptionsSchema } from './ingest.ts';
import { stageVersions } from '../ingest/pipeline.ts';
import { anonymise, unsafeReason } from './anonymise.ts';
import { fetchSource } from './sources.ts';
import { nextRunAt } from './schedule.ts';

export const RefreshJobInput = z.object({ resourceId: z.string(), trigger: z.enum(['schedule', 'manual']), createdBy: z.string().nullable().optional() });

export interface RefreshResult {
  runId: string;
  outcome: RefreshOutcome;
  message: string;
  version: number | null;
  diff: SchemaDiff | null;
}

export async function runRefreshJob(run: JobRun): Promise<RefreshResult> {
  const { ctx } = run;
  const input = RefreshJobInput.parse(JSON.parse(run.job.input_json));
  const db = ctx.stores.meta;
  const source = await db.selectFrom('resource_sources').selectAll().where('resource_id', '=', input.resourceId).executeTakeFirst();
  if (!source) throw new AppError('not_found', `The resource ${input.resourceId} has no source to refresh from (no URL or path). Set one first.`);
  const resource = await db.selectFrom('resources').selectAll().where('id', '=', input.resourceId).executeTakeFirstOrThrow();
  const dataset = await db.selectFrom('datasets').selectAll().where('id', '=', resource.dataset_id).executeTakeFirstOrThrow();
  const startedAt = ctx.now().toISOString();
  const runId = crypto.randomUUID();
  const record = async (outcome: RefreshOutcome, message: string, extra: Partial<RefreshRunTable> = {}): Promise<RefreshResult> => {
    const row: RefreshRunTable = {
      id: runId, resource_id: resource.id, job_id: run.job.id, trigger: input.trigger, outcome, message, sha256: null, version_number: null,
      diff_json: null, held_key: null, held_json: null, decided_by: null, decided_at: null, started_at: startedAt, finished_at: ctx.now().toISOString(), ...extra,
    };
    await db.insertInto('refresh_runs').values(row).execute();
    return { runId, outcome, message, version: row.version_number, diff: row.diff_json ? JSON.parse(row.diff_json) : null };
  };
  const latest = resource.latest_version != null ? await getVersion(ctx.stores, resource) : null;
  const work = await ctx.stores.blobs.stage();
  try {
    let fetched;
    try {
      fetched = await fetchSource(ctx, { kind: source.kind, location: source.location }, work, latest ? { etag: source.etag, lastModified: source.last_modified } : {});
    } catch (e) {
      // The run is recorded whatever happens; the job's own failure (and retries) carry the error on.
      await record('failed', e instanceof Error ? e.message : String(e));
      throw e;
    }
    await touchSource(ctx, source, fetched.notModified ? {} : { etag: fetched.etag, last_modified: fetched.lastModified });
    if (fetched.notModified) return await record('not_modified', `The server says ${source.location} has not changed since the last fetch.`);
    // An anonymised version is compared by the file it was made from.
    const servedSha = latest?.derived_from != null
      ? (await db.selectFrom('versions').select('sha256').where('resource_id', '=', resource.id).where('number', '=', latest.derived_from).executeTakeFirst())?.sha256
      : latest?.sha256;
    if (latest && servedSha === fetched.sha256) return await record('unchanged', `Same content as version ${latest.number} (SHA-256 ${fetched.sha256.slice(0, 12)}…); no new version.`, { sha256: fetched.sha256 });
    const waiting = await db.selectFrom('refresh_runs').select(['started_at']).where('resource_id', '=', resource.id).where('outcome', '=', 'held').where('sha256', '=', fetched.sha256).executeTakeFirst();
    if (waiting) return await record('unchanged', `Same content as the refresh of ${waiting.started_at}, which still waits for an editor's review.`, { sha256: fetched.sha256 });

    const options = ReadOptionsSchema.parse(JSON.parse(source.options_json));
    let staged: StagedVersion[];
    try {
      staged = await stageVersions(ctx.stores.tables, ctx.stores.blobs, fetched.path, fetched.fileName, { maxColumns: ctx.config.maxColumns, sheet: options.sheet, pointer: options.pointer, progress: ctx.progress, sourceNotes: fetched.warnings }, { bytes: fetched.bytes, sha256: fetched.sha256 });
    } catch (e) {
      await record('failed', `The new file could not be read, so version ${latest?.number ?? '-'} stays served: ${e instanceof Error ? e.message : String(e)}`, { sha256: fetched.sha256 });
      throw e;
    }
    const raw = pickTable(staged, options.table, `The resource "${resource.name}"`);
    await Promise.all(staged.filter((s) => s !== raw).map((s) => fs.promises.rm(s.stagingDir, { recursive: true, force: true })));
    // A resource the DPO anonymised keeps being anonymised the same way, without a person: the raw
    // file is recorded as withheld and the anonymised table is what may be served.
    const saved = raw.audit.privacy?.personal ? await db.selectFrom('resource_recipes').selectAll().where('resource_id', '=', resource.id).executeTakeFirst() : undefined;
    let chosen = raw;
    let anonymisedNote = '';
    if (saved) {
      const a = await anonymise(ctx, { parquetPath: path.join(raw.stagingDir, VERSION_FILES.parquet), schema: raw.audit.schema, sourceName: raw.sourceName, format: raw.format, number: (latest?.number ?? 0) + 1 }, JSON.parse(saved.recipe_json));
      const unsafe = unsafeReason(a);
      if (unsafe) {
        // Not safe with the saved recipe: the raw version is held for the DPO, as without a recipe.
        await fs.promises.rm(a.staged.stagingDir, { recursive: true, force: true });
        anonymisedNote = ` The saved anonymisation recipe was not enough (${unsafe}), so the DPO must review it.`;
      } else {
        chosen = a.staged;
        anonymisedNote = ' Anonymised with the saved recipe.';
      }
    }
    const diff = diffSchemas(latest ? versionSchema(latest) : null, chosen.audit.schema);
    run.signal.throwIfAborted();
    if (diff.changed && !(diff.additiveOnly && dataset.allow_additive_changes === 1)) {
      const heldKey = `held/${runId}`;
      if (chosen !== raw) await fs.promises.rm(raw.stagingDir, { recursive: true, force: true });
      await ctx.stores.blobs.commit(chosen.stagingDir, heldKey);
      const { stagingDir: _dir, ...held } = chosen;
      return await record('held', `The columns changed (${describeDiff(diff)}), so the new file waits for an editor to approve it; version ${latest?.number} stays served.`, {
        sha256: fetched.sha256, diff_json: JSON.stringify(diff), held_key: heldKey, held_json: JSON.stringify(held),
      });
    }
    // With a recipe: the raw file as a withheld version (never public), then its anonymised table.
    const items = chosen === raw ? [{ staged: raw, resourceId: resource.id }] : [{ staged: { ...raw, privacyState: 'withheld' as const }, resourceId: resource.id }, { staged: chosen, resourceId: resource.id }];
    const committed = await commitVersions(ctx.stores, items, {
      datasetId: dataset.id, createdBy: input.createdBy ?? null, now: ctx.now(), note: `Refresh from ${source.location}${chosen === raw ? '' : ', anonymised with the saved recipe'}`,
    });
    const v = committed[committed.length - 1];
    if (committed.length === 2) await db.updateTable('versions').set({ derived_from: committed[0].number }).where('id', '=', v.id).execute();
    if (!HELD_STATES.includes(v.privacy_state)) await queueServingFiles(ctx, v, { organizationId: dataset.organization_id, datasetId: dataset.id });
    const what = HELD_STATES.includes(v.privacy_state) ? `New version ${v.number} holds personal data and waits for the DPO.` : `New version ${v.number}`;
    return await record('new_version', (diff.changed ? `${what}; ${describeDiff(diff)} (additive changes are accepted for this dataset).` : `${what}: the content changed, the columns did not.`) + anonymisedNote, {
      sha256: fetched.sha256, version_number: v.number, diff_json: JSON.stringify(diff),
    });
  } finally {
    await fs.promises.rm(work, { recursive: true, force: true });
  }
}

async function touchSource(ctx: Ctx, source: ResourceSourceTable, patch: Partial<ResourceSourceTable>) {
  await ctx.stores.meta.updateTable('resource_sources').set({ last_run_at: ctx.now().toISOString(), ...patch }).where('resource_id', '=', source.resource_id).execute();
}

/**
 * The scheduler, run on every tick of every process: each due source gets one refresh job. Moving
 * next_run_at is a compare-and-set on its old value, so of several processes only one queues it.
 */
export function refreshTicker(ctx: () => Ctx) {
  return async (now: Date) => {
    const c = ctx();
    const db = c.stores.meta;
    const due = await db.selectFrom('resource_sources').selectAll()
      .where('enabled', '=', 1).where('schedule', 'is not', null).where('next_run_at', '<=', now.toISOString()).limit(50).execute();
    for (const s of due) {
      const next = nextRunAt(s.schedule!, now).toISOString();
      const moved = await db.updateTable('resource_sources').set({ next_run_at: next }).where('resource_id', '=', s.resource_id).where('next_run_at', '=', s.next_run_at).executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) continue;
      const busy = await db.selectFrom('jobs').select('id').where('kind', '=', 'refresh').where('resource_id', '=', s.resource_id).where('state', 'in', ['queued', 'running']).executeTakeFirst();
      if (busy) continue; // the previous refresh still runs: this slot is skipped, not stacked
      const r = await db.selectFrom('resources').innerJoin('datasets', 'datasets.id', 'resources.dataset_id')
        .select(['resources.dataset_id', 'datasets.organization_id']).where('resources.id', '=', s.resource_id).executeTakeFirst();
      if (!r) continue;
      await enqueueJob(db, { kind: 'refresh', input: { resourceId: s.resource_id, trigger: 'schedule' }, organizationId: r.organization_id, datasetId: r.dataset_id, resourceId: s.resource_id }, now);
    }
  };
}
