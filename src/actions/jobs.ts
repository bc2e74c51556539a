import { z } from 'zod';
import { defineAction } from './registry.ts';
import { readableResource } from './common.ts';
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import type { Authz } from './authz.ts';
import { getJob, jobView, listJobs } from '../jobs/store.ts';
import { commitVersions, getVersion, versionView, type StagedVersion } from '../catalog/versions.ts';
import type { JobTable, RefreshRunTable } from '../stores/meta/schema.ts';
import { queueServingFiles } from '../work/serving.ts';
import { ReadOptionsSchema, upsertSource } from '../work/ingest.ts';
import { validateSchedule } from '../work/schedule.ts';
import { assertSourcePathAllowed } from '../work/sources.ts';
import type { RefreshResult } from '../work/refresh.ts';

const ROLES_THAT_SEE_JOBS = ['admin', 'editor', 'dpo'] as const;

/** Jobs belong to an organization: its admins, editors and DPO see them; jobs without one, only instance admins. */
function requireJobReader(authz: Authz, job: Pick<JobTable, 'organization_id'>) {
  if (job.organization_id) authz.requireRole(job.organization_id, [...ROLES_THAT_SEE_JOBS], 'see the jobs of this organization');
  else authz.requireSuperadmin('see jobs that belong to no organization');
}

export const listJobsAction = defineAction({
  name: 'job.list',
  summary: 'Jobs (ingests, refreshes) of the organizations where you are admin, editor or DPO, newest first: state, progress, heartbeat and, when failed or retrying, the reason.',
  input: z.object({
    state: z.enum(['queued', 'running', 'done', 'failed']).optional(),
    kind: z.string().max(50).optional(),
    dataset: z.string().optional(),
    resource: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  }),
  async run(ctx, input, authz) {
    authz.requireSignedIn();
    const organizationIds = authz.isOperatorOrSuperadmin() ? 'all' as const
      : ctx.actor.kind === 'user' ? Object.entries(ctx.actor.roles).filter(([, r]) => (ROLES_THAT_SEE_JOBS as readonly string[]).includes(r)).map(([o]) => o) : [];
    const { total, jobs } = await listJobs(ctx.stores.meta, { ...input, datasetId: input.dataset, resourceId: input.resource, organizationIds });
    return { total, limit: input.limit, offset: input.offset, jobs: jobs.map(jobView) };
  },
});

async function visibleJob(ctx: Ctx, authz: Authz, id: string): Promise<JobTable> {
  const job = await getJob(ctx.stores.meta, id);
  if (!job) {
    authz.requireSignedIn();
    throw new AppError('job_not_found', `There is no job ${id}. GET /api/jobs lists the jobs you may see.`);
  }
  requireJobReader(authz, job);
  return job;
}

export const showJob = defineAction({
  name: 'job.show',
  summary: 'One job: state, progress, heartbeat, attempts, history and the reason for a failure.',
  input: z.object({ job: z.string().min(1) }),
  async run(ctx, input, authz) {
    return jobView(await visibleJob(ctx, authz, input.job));
  },
});

export const retryJob = defineAction({
  name: 'job.retry',
  summary: 'Run a failed job again (after its cause was fixed).',
  input: z.object({ job: z.string().min(1) }),
  async run(ctx, input, authz) {
    const job = await visibleJob(ctx, authz, input.job);
    if (job.organization_id) authz.requireRole(job.organization_id, ['admin', 'editor'], 'retry jobs of this organization');
    if (job.state !== 'failed') throw new AppError('conflict', `The job ${job.id} is ${job.state}; only a failed job can be retried.`);
    if (job.kind === 'ingest' && JSON.parse(job.input_json).source?.kind === 'upload') {
      throw new AppError('conflict', 'An uploaded file is not kept after its ingest failed: upload it again (corrected) instead.');
    }
    const now = ctx.now().toISOString();
    await ctx.stores.meta.updateTable('jobs')
      .set({ state: 'queued', run_after: now, attempts: 0, error_code: null, error_message: null, finished_at: null, locked_by: null, updated_at: now })
      .where('id', '=', job.id).where('state', '=', 'failed').execute();
    return jobView((await getJob(ctx.stores.meta, job.id))!);
  },
});

export const setSource = defineAction({
  name: 'resource.source',
  summary: 'Set where a resource is fetched from (url, or a server path for operators) and its refresh schedule; enabled=false pauses it.',
  input: z.object({
    resource: z.string().min(1),
    url: z.string().url().max(2000).optional(),
    sourcePath: z.string().max(2000).optional(),
    schedule: z.string().max(100).nullable().optional(),
    enabled: z.preprocess((v) => (typeof v === 'string' ? v !== 'false' && v !== '0' : v), z.boolean()).default(true),
  }).merge(ReadOptionsSchema),
  async run(ctx, input, authz) {
    const { dataset, resource } = await readableResource(ctx, authz, input.resource);
    authz.requireRole(dataset.organization_id, ['admin', 'editor'], 'change where this resource comes from');
    const existing = await ctx.stores.meta.selectFrom('resource_sources').selectAll().where('resource_id', '=', resource.id).executeTakeFirst();
    if (input.url && input.sourcePath) throw new AppError('validation_failed', 'Give either url or sourcePath, not both.');
    let kind: 'url' | 'path';
    let location: string;
    if (input.url) {
      const { assertPublicUrl } = await import('../ingest/fetch/fetch.ts');
      await assertPublicUrl(input.url, { allowPrivate: ctx.config.allowPrivateUrls });
      [kind, location] = ['url', input.url];
    } else if (input.sourcePath) {
      assertSourcePathAllowed(ctx, input.sourcePath);
      [kind, location] = ['path', input.sourcePath];
    } else if (existing) {
      [kind, location] = [existing.kind, existing.location];
    } else {
      throw new AppError('validation_failed', `The resource "${resource.name}" has no source yet: give a url (or a sourcePath).`);
    }
    const schedule = input.schedule === undefined ? existing?.schedule ?? null : input.schedule ? validateSchedule(input.schedule) : null;
    const { resource: _r, url: _u, sourcePath: _p, schedule: _s, enabled, ...options } = input;
    const keptOptions = existing && !Object.values(options).some((v) => v !== undefined) ? JSON.parse(existing.options_json) : options;
    await upsertSource(ctx, resource.id, { kind, location, options: keptOptions, schedule, enabled }, ctx.now());
    return sourceView((await ctx.stores.meta.selectFrom('resource_sources').selectAll().where('resource_id', '=', resource.id).executeTakeFirst())!);
  },
});

function sourceView(s: { kind: string; location: string; schedule: string | null; enabled: number; next_run_at: string | null; last_run_at: string | null; options_json: string }) {
  return { kind: s.kind, location: s.location, schedule: s.schedule, enabled: s.enabled === 1, nextRunAt: s.next_run_at, lastRunAt: s.last_run_at, options: JSON.parse(s.options_json) };
}

export const refreshResource = defineAction({
  name: 'resource.refresh',
  summary: 'Fetch a resource from its source now: a new version if the content changed, held for review if its columns changed.',
  input: z.object({ resource: z.string().min(1), wait: z.preprocess((v) => (typeof v === 'string' ? v !== 'false' && v !== '0' : v), z.boolean()).default(true) }),
  async run(ctx, input, authz) {
    const { dataset, resource } = await readableResource(ctx, authz, input.resource);
    authz.requireRole(dataset.organization_id, ['admin', 'editor'], 'refresh this resource');
    const source = await ctx.stores.meta.selectFrom('resource_sources').select('resource_id').where('resource_id', '=', resource.id).executeTakeFirst();
    if (!source) throw new AppError('conflict', `The resource "${resource.name}" was uploaded, so there is nothing to fetch it from. Give it a source (POST /api/resources/${resource.id}/source) or upload a new version.`);
    const createdBy = ctx.actor.kind === 'user' ? ctx.actor.userId : 'system';
    const { job, result } = await ctx.jobs.submit({
      kind: 'refresh', input: { resourceId: resource.id, trigger: 'manual', createdBy }, organizationId: dataset.organization_id, datasetId: dataset.id, resourceId: resource.id, createdBy,
    }, { wait: input.wait, progress: ctx.progress, waitMs: Infinity });
    return { job: { id: job.id, state: job.state }, refresh: (result ?? null) as RefreshResult | null };
  },
});

function runView(r: RefreshRunTable) {
  return {
    id: r.id, resourceId: r.resource_id, jobId: r.job_id, trigger: r.trigger, outcome: r.outcome, message: r.message, sha256: r.sha256,
    version: r.version_number, diff: r.diff_json ? JSON.parse(r.diff_json) : null, waitingForReview: r.outcome === 'held',
    decidedBy: r.decided_by, decidedAt: r.decided_at, startedAt: r.started_at, finishedAt: r.finished_at,
  };
}

export const listRefreshes = defineAction({
  name: 'refresh.list',
  summary: 'The refresh runs of a resource, newest first, with their outcome (new version, unchanged, held for review, failed) and schema diff; and its source.',
  input: z.object({ resource: z.string().min(1), limit: z.coerce.number().int().min(1).max(500).default(50) }),
  async run(ctx, input, authz) {
    const { dataset, resource } = await readableResource(ctx, authz, input.resource);
    authz.requireRole(dataset.organization_id, ['admin', 'editor', 'dpo', 'viewer'], 'see the refreshes of this resource');
    const runs = await ctx.stores.meta.selectFrom('refresh_runs').selectAll().where('resource_id', '=', resource.id).orderBy('started_at', 'desc').limit(input.limit).execute();
    const source = await ctx.stores.meta.selectFrom('resource_sources').selectAll().where('resource_id', '=', resource.id).executeTakeFirst();
    return { resourceId: resource.id, source: source ? sourceView(source) : null, runs: runs.map(runView) };
  },
});

async function heldRun(ctx: Ctx, authz: Authz, id: string) {
  const run = await ctx.stores.meta.selectFrom('refresh_runs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!run) {
    authz.requireSignedIn();
    throw new AppError('refresh_not_found', `There is no refresh run ${id}.`);
  }
  const { dataset, resource } = await readableResource(ctx, authz, run.resource_id);
  authz.requireRole(dataset.organization_id, ['admin', 'editor'], 'decide on a held refresh of this dataset');
  if (run.outcome !== 'held' || !run.held_key || !run.held_json) throw new AppError('conflict', `The refresh run ${id} is not waiting for review (it is "${run.outcome}").`);
  return { run, dataset, resource };
}

export const approveRefresh = defineAction({
  name: 'refresh.approve',
  summary: 'Publish a refresh that was held because its columns changed: it becomes the new version.',
  input: z.object({ run: z.string().min(1) }),
  async run(ctx, input, authz) {
    const { run, dataset, resource } = await heldRun(ctx, authz, input.run);
    const staged: StagedVersion = { ...(JSON.parse(run.held_json!) as Omit<StagedVersion, 'stagingDir'>), stagingDir: ctx.stores.blobs.resolve(run.held_key!) };
    const by = ctx.actor.kind === 'user' ? ctx.actor.userId : 'system';
    // Claim the decision first, so that two editors approving at once make one version.
    const claimed = await ctx.stores.meta.updateTable('refresh_runs').set({ outcome: 'approved', decided_by: by, decided_at: ctx.now().toISOString() })
      .where('id', '=', run.id).where('outcome', '=', 'held').executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new AppError('conflict', 'Someone else decided on this refresh a moment ago.');
    try {
      const [v] = await commitVersions(ctx.stores, [{ staged, resourceId: resource.id }], { datasetId: dataset.id, createdBy: by, now: ctx.now(), note: 'Refresh approved after a change of columns' });
      await ctx.stores.meta.updateTable('refresh_runs').set({ version_number: v.number, held_key: null }).where('id', '=', run.id).execute();
      await queueServingFiles(ctx, v, { organizationId: dataset.organization_id, datasetId: dataset.id });
      return { run: run.id, version: versionView(v) };
    } catch (e) {
      await ctx.stores.meta.updateTable('refresh_runs').set({ outcome: 'held', decided_by: null, decided_at: null }).where('id', '=', run.id).execute();
      throw e;
    }
  },
});

export const rejectRefresh = defineAction({
  name: 'refresh.reject',
  summary: 'Discard a refresh that was held because its columns changed; the served version stays.',
  input: z.object({ run: z.string().min(1) }),
  async run(ctx, input, authz) {
    const { run, resource } = await heldRun(ctx, authz, input.run);
    const by = ctx.actor.kind === 'user' ? ctx.actor.userId : 'system';
    const r = await ctx.stores.meta.updateTable('refresh_runs').set({ outcome: 'rejected', decided_by: by, decided_at: ctx.now().toISOString(), held_key: null })
      .where('id', '=', run.id).where('outcome', '=', 'held').executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new AppError('conflict', 'Someone else decided on this refresh a moment ago.');
    await ctx.stores.blobs.remove(run.held_key!);
    const v = resource.latest_version != null ? await getVersion(ctx.stores, resource) : null;
    return { run: run.id, served: v ? versionView(v) : null };
  },
});
