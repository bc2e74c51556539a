/**
 * The privacy gate's decisions. A version whose audit found personal data is committed as
 * 'flagged' and not served (catalog/versions.ts); only a user with the `dpo` role of its
 * organization (or an instance administrator) releases it — column by column, with a reason — or
 * withholds it for good, or replaces it with an anonymised version. Every decision is recorded.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import type { Kysely } from 'kysely';
import { callAction, defineAction } from './registry.ts';
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import type { Authz } from './authz.ts';
import { readAudit, versionView } from '../catalog/versions.ts';
import type { PrivacyReport } from '../privacy/types.ts';
import type { Database, PrivacyDecisionTable, VersionTable } from '../stores/meta/schema.ts';
import { queueServingFiles } from '../work/serving.ts';

/** The names a DPO decides on: each personal column, and each risky combination as "a + b + c". */
export function itemsToDecide(report: PrivacyReport | undefined): string[] {
  if (!report) return [];
  return [
    ...report.columns.filter((c) => c.personal).map((c) => c.name),
    ...report.quasiIdentifiers.filter((q) => q.k < report.threshold).map((q) => q.columns.join(' + ')),
  ];
}

function by(ctx: Ctx): string {
  return ctx.actor.kind === 'user' ? ctx.actor.userId : 'system';
}

/** A held version with its resource and dataset, for a DPO of its organization. */
async function versionForDpo(ctx: Ctx, authz: Authz, versionId: string) {
  const db = ctx.stores.meta;
  const v = await db.selectFrom('versions').selectAll().where('id', '=', versionId).executeTakeFirst();
  const resource = v ? await db.selectFrom('resources').selectAll().where('id', '=', v.resource_id).executeTakeFirst() : undefined;
  const dataset = resource ? await db.selectFrom('datasets').selectAll().where('id', '=', resource.dataset_id).executeTakeFirst() : undefined;
  if (!v || !resource || !dataset) {
    authz.requireSignedIn();
    throw new AppError('version_not_found', `There is no version ${versionId}. GET /api/privacy/pending lists the versions waiting for a review.`);
  }
  authz.requireRole(dataset.organization_id, ['dpo'], 'decide on personal data of this organization (it needs the data-protection officer)');
  return { v, resource, dataset };
}

function decisionsView(rows: PrivacyDecisionTable[]) {
  return rows.map((d) => ({ id: d.id, column: d.column_name, decision: d.decision, reason: d.reason, decidedBy: d.decided_by, decidedAt: d.decided_at, recipe: d.recipe_json ? JSON.parse(d.recipe_json) : null }));
}

export const listPendingPrivacy = defineAction({
  name: 'privacy.pending',
  summary: 'Versions holding personal data that wait for the data-protection officer, with what was found (masked) and the decisions so far.',
  input: z.object({ organization: z.string().optional() }),
  async run(ctx, input, authz) {
    authz.requireSignedIn();
    const db = ctx.stores.meta;
    let q = db.selectFrom('versions').innerJoin('resources', 'resources.id', 'versions.resource_id').innerJoin('datasets', 'datasets.id', 'resources.dataset_id')
      .selectAll('versions').select(['datasets.id as dataset_id', 'datasets.organization_id', 'datasets.title as dataset_title', 'resources.name as resource_name'])
      .where('versions.privacy_state', '=', 'flagged');
    if (!authz.isOperatorOrSuperadmin()) {
      const mine = ctx.actor.kind === 'user' ? Object.entries(ctx.actor.roles).filter(([, r]) => r === 'dpo').map(([o]) => o) : [];
      if (!mine.length) return { versions: [] };
      q = q.where('datasets.organization_id', 'in', mine);
    }
    if (input.organization) q = q.where('datasets.organization_id', '=', input.organization);
    const rows = await q.orderBy('versions.created_at').execute();
    const out = [];
    for (const r of rows) {
      const audit = await readAudit(ctx.stores, r as unknown as VersionTable);
      const decisions = await db.selectFrom('privacy_decisions').selectAll().where('version_id', '=', r.id).orderBy('decided_at').execute();
      out.push({
        version: versionView(r as unknown as VersionTable), datasetId: r.dataset_id, organizationId: r.organization_id,
        datasetTitle: JSON.parse(r.dataset_title), resourceId: r.resource_id, resourceName: r.resource_name,
        privacy: audit.privacy ?? null, toDecide: itemsToDecide(audit.privacy), decisions: decisionsView(decisions),
      });
    }
    return { versions: out };
  },
});

/** A dataset held at its first publish is published once its data is released, as its publisher asked. */
async function publishIfWaiting(db: Kysely<Database>, dataset: { id: string; publish_on_review: number }, now: string) {
  await db.updateTable('datasets').set({ updated_at: now, ...(dataset.publish_on_review === 1 && { status: 'published' as const, publish_on_review: 0 }) }).where('id', '=', dataset.id).execute();
}

/** Serves a version the DPO released: it becomes the served one unless a newer one is served already. */
async function release(ctx: Ctx, v: VersionTable, dataset: { id: string; organization_id: string; publish_on_review: number }, state: VersionTable['privacy_state']) {
  const db = ctx.stores.meta;
  const now = ctx.now().toISOString();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('versions').set({ privacy_state: state }).where('id', '=', v.id).execute();
    const r = await trx.selectFrom('resources').select('latest_version').where('id', '=', v.resource_id).executeTakeFirstOrThrow();
    if (r.latest_version == null || r.latest_version < v.number) {
      await trx.updateTable('resources').set({ latest_version: v.number, updated_at: now }).where('id', '=', v.resource_id).execute();
    }
    await publishIfWaiting(trx, dataset, now);
  });
  await queueServingFiles(ctx, v, { organizationId: dataset.organization_id, datasetId: dataset.id });
}

export const reviewPrivacy = defineAction({
  name: 'privacy.review',
  summary: 'The DPO accepts flagged columns (or risky combinations) as not personal, each with a reason; when every finding is decided, the version is published.',
  input: z.object({
    version: z.string().min(1),
    accept: z.array(z.object({ column: z.string().min(1), reason: z.string().min(10, 'say why in a sentence (at least 10 characters)').max(2000) })).min(1),
  }),
  async run(ctx, input, authz) {
    const { v, dataset } = await versionForDpo(ctx, authz, input.version);
    if (v.privacy_state !== 'flagged') throw new AppError('conflict', `Version ${v.number} is "${v.privacy_state}", not waiting for a review.`);
    const audit = await readAudit(ctx.stores, v);
    const open = itemsToDecide(audit.privacy);
    const unknown = input.accept.filter((a) => !open.includes(a.column));
    if (unknown.length) throw new AppError('validation_failed', `Nothing to decide on ${unknown.map((u) => `"${u.column}"`).join(', ')}: the findings of this version are ${open.map((o) => `"${o}"`).join(', ')}.`);
    const now = ctx.now().toISOString();
    const db = ctx.stores.meta;
    for (const a of input.accept) {
      await db.insertInto('privacy_decisions').values({ id: crypto.randomUUID(), version_id: v.id, column_name: a.column, decision: 'not-personal', recipe_json: null, reason: a.reason, decided_by: by(ctx), decided_at: now }).execute();
    }
    const decided = new Set((await db.selectFrom('privacy_decisions').select('column_name').where('version_id', '=', v.id).where('decision', '=', 'not-personal').execute()).map((d) => d.column_name));
    const left = open.filter((o) => !decided.has(o));
    if (!left.length) await release(ctx, v, dataset, 'reviewed');
    const fresh = await db.selectFrom('versions').selectAll().where('id', '=', v.id).executeTakeFirstOrThrow();
    return { version: versionView(fresh), published: !left.length, stillToDecide: left };
  },
});

export const withholdVersion = defineAction({
  name: 'privacy.withhold',
  summary: 'The DPO refuses a flagged version: it is never published; the version served before stays.',
  input: z.object({ version: z.string().min(1), reason: z.string().min(10, 'say why in a sentence (at least 10 characters)').max(2000) }),
  async run(ctx, input, authz) {
    const { v } = await versionForDpo(ctx, authz, input.version);
    if (v.privacy_state !== 'flagged') throw new AppError('conflict', `Version ${v.number} is "${v.privacy_state}", not waiting for a review.`);
    const db = ctx.stores.meta;
    await db.insertInto('privacy_decisions').values({ id: crypto.randomUUID(), version_id: v.id, column_name: null, decision: 'withhold', recipe_json: null, reason: input.reason, decided_by: by(ctx), decided_at: ctx.now().toISOString() }).execute();
    await db.updateTable('versions').set({ privacy_state: 'withheld' }).where('id', '=', v.id).execute();
    return { version: versionView({ ...v, privacy_state: 'withheld' }) };
  },
});

export const privacyDecisions = defineAction({
  name: 'privacy.decisions',
  summary: 'Every decision recorded on a version: who, when, what, why.',
  input: z.object({ version: z.string().min(1) }),
  async run(ctx, input, authz) {
    const { v } = await versionForDpo(ctx, authz, input.version);
    return { version: versionView(v), decisions: decisionsView(await ctx.stores.meta.selectFrom('privacy_decisions').selectAll().where('version_id', '=', v.id).orderBy('decided_at').execute()) };
  },
});

/** A held version with its resource and dataset, as versionForDpo returns it. */
type HeldTarget = Awaited<ReturnType<typeof versionForDpo>>;

/**
 * Runs a recipe on a held version: without apply, the confidential preview and the residual risk;
 * with apply, the anonymised version is committed (only when safe), the held one withheld for good,
 * the decision recorded and (with save) the recipe kept for the resource's next versions.
 */
async function runRecipe(ctx: Ctx, { v, resource, dataset }: HeldTarget, recipeInput: unknown, opts: { apply: boolean; save: boolean; reason?: string }) {
  if (v.privacy_state !== 'flagged') throw new AppError('conflict', `Version ${v.number} is "${v.privacy_state}", not waiting for a review; a recipe applies to a held version.`);
  const { anonymise, ensureRecipeKeys, unsafeReason, unsafeError } = await import('../work/anonymise.ts');
  const { parseRecipe } = await import('../privacy/recipes.ts');
  const { versionPaths, versionSchema, commitVersions } = await import('../catalog/versions.ts');
  const recipe = parseRecipe(recipeInput);
  ensureRecipeKeys(ctx, recipe);
  const a = await anonymise(ctx, { parquetPath: versionPaths(ctx.stores, v).parquet, schema: versionSchema(v), sourceName: v.source_name, format: v.format, number: v.number }, recipe);
  const reason = unsafeReason(a);
  const answer = { risk: a.result.risk, notes: a.result.notes, schema: a.result.schema, rowCount: a.result.rowCount, stillPersonal: a.stillPersonal, safe: !reason };
  if (!opts.apply) {
    await fs.promises.rm(a.staged.stagingDir, { recursive: true, force: true });
    // CONFIDENTIAL: the preview is for the DPO who asked, never stored or logged.
    return { ...answer, preview: a.result.preview, applied: false, version: null };
  }
  if (reason) {
    await fs.promises.rm(a.staged.stagingDir, { recursive: true, force: true });
    throw unsafeError(reason);
  }
  const db = ctx.stores.meta;
  const now = ctx.now().toISOString();
  const [nv] = await commitVersions(ctx.stores, [{ staged: a.staged, resourceId: resource.id }], { datasetId: dataset.id, createdBy: by(ctx), now: ctx.now(), note: `Anonymised from version ${v.number}` });
  await db.updateTable('versions').set({ privacy_state: 'withheld' }).where('id', '=', v.id).execute();
  await db.insertInto('privacy_decisions').values({ id: crypto.randomUUID(), version_id: v.id, column_name: null, decision: 'recipe', recipe_json: JSON.stringify(recipe), reason: opts.reason ?? `Anonymised as version ${nv.number}.`, decided_by: by(ctx), decided_at: now }).execute();
  if (opts.save) {
    const row = { recipe_json: JSON.stringify(recipe), updated_by: by(ctx), updated_at: now };
    const had = await db.selectFrom('resource_recipes').select('resource_id').where('resource_id', '=', resource.id).executeTakeFirst();
    if (had) await db.updateTable('resource_recipes').set(row).where('resource_id', '=', resource.id).execute();
    else await db.insertInto('resource_recipes').values({ resource_id: resource.id, ...row }).execute();
  }
  await publishIfWaiting(db, dataset, now);
  await queueServingFiles(ctx, nv, { organizationId: dataset.organization_id, datasetId: dataset.id });
  return { ...answer, preview: null, applied: true, version: versionView(nv) };
}

const Flag = (fallback: boolean) => z.preprocess((v) => (typeof v === 'string' ? !['false', '0', 'no'].includes(v.toLowerCase()) : v), z.boolean()).default(fallback);

export const anonymiseVersion = defineAction({
  name: 'privacy.anonymise',
  summary: 'The DPO applies an anonymisation recipe to a held version: without apply, a confidential before/after preview and the residual risk; with apply, a new anonymised version is published (only when safe), the original is withheld for good, and the recipe is saved for the next versions of the resource.',
  input: z.object({ version: z.string().min(1), recipe: z.unknown(), apply: Flag(false), save: Flag(true), reason: z.string().max(2000).optional() }),
  async run(ctx, input, authz) {
    return runRecipe(ctx, await versionForDpo(ctx, authz, input.version), input.recipe, input);
  },
});

export const publishWithoutPersonal = defineAction({
  name: 'privacy.dropPersonal',
  summary: 'The commonest recipe in one step: publish a held version without its personal columns, the risky combinations measured as quasi-identifiers; refused with the reason when that is not safe.',
  input: z.object({ version: z.string().min(1) }),
  async run(ctx, input, authz) {
    const target = await versionForDpo(ctx, authz, input.version);
    const report = (await readAudit(ctx.stores, target.v)).privacy;
    const drop = report?.columns.filter((c) => c.personal).map((c) => c.name) ?? [];
    if (!drop.length) throw new AppError('conflict', `Version ${target.v.number} has no personal column to drop; decide on its findings instead.`);
    const quasi = [...new Set(report!.quasiIdentifiers.flatMap((q) => q.columns))].filter((c) => !drop.includes(c));
    return runRecipe(ctx, target, { steps: [{ op: 'drop', columns: drop }], quasiIdentifiers: quasi }, { apply: true, save: true, reason: `Published without the personal columns ${drop.join(', ')}.` });
  },
});

/**
 * Accepts every finding of a dataset's held versions as not personal, with one reason: for an
 * operator's own scripts (demo content, benchmark data), never offered to the public.
 */
export async function releaseHeldVersions(ctx: Ctx, datasetId: string, reason: string): Promise<number> {
  const pending = (await callAction(listPendingPrivacy, ctx, {})).versions.filter((v) => v.datasetId === datasetId);
  for (const p of pending) await callAction(reviewPrivacy, ctx, { version: p.version.id, accept: p.toDecide.map((column) => ({ column, reason })) });
  return pending.length;
}
