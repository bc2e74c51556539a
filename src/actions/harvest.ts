/**
 * Harvest sources: an organization's admin registers a CKAN portal, a DCAT-AP catalog or an
 * OpenDataSoft portal; Dataville imports its datasets into the organization as a job, now or on a
 * schedule, and records every run (decision 0012).
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { defineAction } from './registry.ts';
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import type { Authz } from './authz.ts';
import { getOrganization, resolveOrganization, type Organization } from '../catalog/organizations.ts';
import type { HarvestSourceTable } from '../stores/meta/schema.ts';
import { assertPublicUrl } from '../ingest/fetch/fetch.ts';
import { validateSchedule, nextRunAt } from '../work/schedule.ts';
import {
  activeHarvestJob, checkOptions, countSourceDatasets, parseKind, removeSourceDatasets, runView, sourceAddress, sourceView,
} from '../harvest/sources.ts';
import type { HarvestResult } from '../harvest/sync.ts';
import { HARVEST_KINDS } from '../harvest/types.ts';

const bool = (v: unknown) => (typeof v === 'string' ? v !== 'false' && v !== '0' : v);
const ALL_ROLES = ['admin', 'editor', 'dpo', 'viewer'] as const;

/** The organization a source is created in: an existing one needs its admin; a commune not yet here, an instance admin. */
async function adminOrganization(ctx: Ctx, authz: Authz, ref: string): Promise<Organization> {
  const existing = await getOrganization(ctx.stores.meta, ref).catch(() => undefined);
  if (existing) {
    authz.requireRole(existing.id, ['admin'], 'register a harvest source for this organization');
    return existing;
  }
  authz.requireSuperadmin('register a harvest source for an organization that does not exist here yet');
  return resolveOrganization(ctx.stores.meta, ref, ctx.now());
}

/** A source the caller may see (any role in its organization); `roles` narrows it for changes. */
async function visibleSource(ctx: Ctx, authz: Authz, id: string, roles: readonly ('admin' | 'editor' | 'dpo' | 'viewer')[], what: string): Promise<HarvestSourceTable> {
  const s = await ctx.stores.meta.selectFrom('harvest_sources').selectAll().where('id', '=', id).executeTakeFirst();
  if (!s) {
    authz.requireSignedIn();
    throw new AppError('not_found', `There is no harvest source ${id}. GET /api/harvest/sources lists the sources you may see.`);
  }
  authz.requireRole(s.organization_id, [...roles], what);
  return s;
}

async function checkUrl(ctx: Ctx, url: string): Promise<void> {
  await assertPublicUrl(url, { allowPrivate: ctx.config.allowPrivateUrls });
}

const OptionsInput = z.record(z.string(), z.unknown()).optional().describe('kind-specific options: lang, maxRecords, timeoutMs, pageSize; CKAN organization, fq; OpenDataSoft where, refine');

export const createHarvestSource = defineAction({
  name: 'harvest.source.create',
  summary: 'Register a harvest source for an organization (its admin, or an instance admin): a CKAN portal, a DCAT-AP catalog or an OpenDataSoft portal, harvested on demand or on a schedule.',
  input: z.object({
    organization: z.string().min(1).max(200),
    kind: z.enum(HARVEST_KINDS),
    url: z.string().min(1).max(2000),
    name: z.string().min(1).max(200).optional(),
    options: OptionsInput,
    schedule: z.string().max(100).nullable().optional(),
    enabled: z.preprocess(bool, z.boolean()).default(true),
  }),
  async run(ctx, input, authz) {
    const org = await adminOrganization(ctx, authz, input.organization);
    const kind = parseKind(input.kind);
    const url = sourceAddress(kind, input.url);
    await checkUrl(ctx, url);
    const options = checkOptions(kind, input.options ?? {});
    const schedule = input.schedule ? validateSchedule(input.schedule) : null;
    const db = ctx.stores.meta;
    const twin = await db.selectFrom('harvest_sources').select(['id', 'name']).where('organization_id', '=', org.id).where('kind', '=', kind).where('url', '=', url).executeTakeFirst();
    if (twin) throw new AppError('conflict', `This organization already harvests ${url} (source "${twin.name}", ${twin.id}). Change that source (PATCH /api/harvest/sources/${twin.id}) instead of adding it twice.`);
    const now = ctx.now();
    const row: HarvestSourceTable = {
      id: crypto.randomUUID(), organization_id: org.id, kind, url, name: input.name?.trim() || new URL(url).host,
      options_json: JSON.stringify(options), schedule, enabled: input.enabled ? 1 : 0,
      next_run_at: schedule ? nextRunAt(schedule, now).toISOString() : null, last_run_at: null,
      created_by: ctx.actor.kind === 'user' ? ctx.actor.userId : 'system', created_at: now.toISOString(), updated_at: now.toISOString(),
    };
    await db.insertInto('harvest_sources').values(row).execute();
    return sourceView(row, { datasets: 0, lastRun: null });
  },
});

export const listHarvestSources = defineAction({
  name: 'harvest.source.list',
  summary: 'The harvest sources of the organizations where you have a role (all of them for instance admins), with their last run.',
  input: z.object({ organization: z.string().max(200).optional() }),
  async run(ctx, input, authz) {
    authz.requireSignedIn();
    const db = ctx.stores.meta;
    let q = db.selectFrom('harvest_sources').selectAll();
    if (input.organization) {
      const org = await getOrganization(db, input.organization);
      q = q.where('organization_id', '=', org.id);
    }
    const visible = authz.visibleOrganizations();
    if (visible !== 'all') {
      if (!visible.length) return { sources: [] };
      q = q.where('organization_id', 'in', visible);
    }
    const sources = await q.orderBy('created_at').execute();
    const out = [];
    for (const s of sources) {
      const lastRun = await db.selectFrom('harvest_runs').selectAll().where('source_id', '=', s.id).orderBy('started_at', 'desc').limit(1).executeTakeFirst();
      out.push(sourceView(s, { datasets: await countSourceDatasets(db, s.id), lastRun: lastRun ?? null }));
    }
    return { sources: out };
  },
});

export const showHarvestSource = defineAction({
  name: 'harvest.source.show',
  summary: 'One harvest source: its address, options, schedule, number of datasets, and its recent runs with their counts and errors.',
  input: z.object({ source: z.string().min(1), runs: z.coerce.number().int().min(0).max(100).default(10) }),
  async run(ctx, input, authz) {
    const s = await visibleSource(ctx, authz, input.source, ALL_ROLES, 'see the harvest sources of this organization');
    const db = ctx.stores.meta;
    const runs = await db.selectFrom('harvest_runs').selectAll().where('source_id', '=', s.id).orderBy('started_at', 'desc').limit(input.runs).execute();
    const job = await activeHarvestJob(db, s.id);
    return { ...sourceView(s, { datasets: await countSourceDatasets(db, s.id), lastRun: runs[0] ?? null }), activeJob: job ?? null, runs: runs.map(runView) };
  },
});

export const updateHarvestSource = defineAction({
  name: 'harvest.source.update',
  summary: 'Change a harvest source (its organization\'s admin): name, schedule (null: on demand only), enabled, options.',
  input: z.object({
    source: z.string().min(1),
    name: z.string().min(1).max(200).optional(),
    schedule: z.string().max(100).nullable().optional(),
    enabled: z.preprocess(bool, z.boolean()).optional(),
    options: OptionsInput,
  }),
  async run(ctx, input, authz) {
    const s = await visibleSource(ctx, authz, input.source, ['admin'], 'change the harvest sources of this organization');
    const now = ctx.now();
    const schedule = input.schedule === undefined ? s.schedule : input.schedule ? validateSchedule(input.schedule) : null;
    const patch: Partial<HarvestSourceTable> = {
      updated_at: now.toISOString(),
      ...(input.name !== undefined && { name: input.name.trim() }),
      ...(input.enabled !== undefined && { enabled: input.enabled ? 1 : 0 }),
      ...(input.options !== undefined && { options_json: JSON.stringify(checkOptions(s.kind, input.options)) }),
      ...(input.schedule !== undefined && { schedule, next_run_at: schedule ? nextRunAt(schedule, now).toISOString() : null }),
    };
    await ctx.stores.meta.updateTable('harvest_sources').set(patch).where('id', '=', s.id).execute();
    const updated = (await ctx.stores.meta.selectFrom('harvest_sources').selectAll().where('id', '=', s.id).executeTakeFirst())!;
    return sourceView(updated, { datasets: await countSourceDatasets(ctx.stores.meta, s.id) });
  },
});

export const deleteHarvestSource = defineAction({
  name: 'harvest.source.delete',
  summary: 'Delete a harvest source and every dataset it imported (its organization\'s admin); needs confirm=true. Local datasets and other sources\' are not touched.',
  input: z.object({ source: z.string().min(1), confirm: z.preprocess(bool, z.boolean()).default(false) }),
  async run(ctx, input, authz) {
    const s = await visibleSource(ctx, authz, input.source, ['admin'], 'delete the harvest sources of this organization');
    const db = ctx.stores.meta;
    const count = await countSourceDatasets(db, s.id);
    if (!input.confirm) {
      throw new AppError('conflict', `Deleting the harvest source "${s.name}" also removes the ${count} datasets imported from it (the source itself keeps them). Send confirm=true to go ahead.`, { datasets: count });
    }
    const job = await activeHarvestJob(db, s.id);
    if (job?.state === 'running') throw new AppError('conflict', `The source "${s.name}" is being harvested right now (job ${job.id}); delete it once that run has finished.`);
    // Disabled first, so that no schedule queues it while its datasets go.
    await db.updateTable('harvest_sources').set({ enabled: 0, schedule: null, next_run_at: null }).where('id', '=', s.id).execute();
    const ids = (await db.selectFrom('datasets').select('id').where('harvest_source_id', '=', s.id).execute()).map((d) => d.id);
    const removed = await removeSourceDatasets(db, s.id, ids);
    await db.deleteFrom('harvest_runs').where('source_id', '=', s.id).execute();
    await db.deleteFrom('harvest_sources').where('id', '=', s.id).execute();
    return { deleted: s.id, datasetsRemoved: removed };
  },
});

export const runHarvest = defineAction({
  name: 'harvest.run',
  summary: 'Harvest a source now (an admin or editor of its organization): new datasets added, changed ones updated, those gone from the source removed. Waits for the run unless wait=false.',
  input: z.object({ source: z.string().min(1), wait: z.preprocess(bool, z.boolean()).default(true) }),
  async run(ctx, input, authz) {
    const s = await visibleSource(ctx, authz, input.source, ['admin', 'editor'], 'harvest the sources of this organization');
    const active = await activeHarvestJob(ctx.stores.meta, s.id);
    if (active) throw new AppError('conflict', `The source "${s.name}" already has a harvest ${active.state} (job ${active.id}); GET /api/jobs/${active.id} follows it.`, { job: active.id });
    const createdBy = ctx.actor.kind === 'user' ? ctx.actor.userId : 'system';
    const { job, result } = await ctx.jobs.submit({
      kind: 'harvest', input: { sourceId: s.id, trigger: 'manual', createdBy }, organizationId: s.organization_id, createdBy,
    }, { wait: input.wait, progress: ctx.progress, waitMs: Infinity });
    return { job: { id: job.id, state: job.state }, run: (result ?? null) as HarvestResult | null };
  },
});

export const listHarvestRuns = defineAction({
  name: 'harvest.runs.list',
  summary: 'The runs of a harvest source, newest first: outcome (done, partial, failed), counts (added, updated, removed, unchanged, failed), errors and warnings.',
  input: z.object({ source: z.string().min(1), limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) }),
  async run(ctx, input, authz) {
    const s = await visibleSource(ctx, authz, input.source, ALL_ROLES, 'see the harvest runs of this organization');
    const runs = await ctx.stores.meta.selectFrom('harvest_runs').selectAll().where('source_id', '=', s.id)
      .orderBy('started_at', 'desc').orderBy('id').limit(input.limit).offset(input.offset).execute();
    return { sourceId: s.id, limit: input.limit, offset: input.offset, runs: runs.map(runView) };
  },
});
