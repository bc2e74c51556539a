/**
 * Harvest sources as stored (harvest_sources, harvest_runs): their options checked per kind, their
 * address reduced to what the kind needs, their views, and the removal of what they imported.
 */
import { z } from 'zod';
import { sql } from 'kysely';
import { AppError } from '../errors.ts';
import type { MetaDb } from '../stores/meta/db.ts';
import type { HarvestRunTable, HarvestSourceTable } from '../stores/meta/schema.ts';
import { ckanBase, CKAN_MAX_ROWS } from './ckan.ts';
import { odsBase, ODS_MAX_LIMIT } from './ods.ts';
import { DEFAULT_MAX_RECORDS, HARVEST_KINDS, type HarvestKind, type SourceOptions } from './types.ts';

export const SourceOptionsSchema = z.object({
  lang: z.enum(['fr', 'nl', 'de', 'en']).optional().describe('language of texts that do not say theirs (default: the organization\'s first language)'),
  maxRecords: z.coerce.number().int().min(1).max(1_000_000).optional().describe(`most datasets read from the source (default ${DEFAULT_MAX_RECORDS})`),
  timeoutMs: z.coerce.number().int().min(1000).max(600_000).optional().describe('time limit of each request (default DATAVILLE_FETCH_TIMEOUT_MS)'),
  pageSize: z.coerce.number().int().min(1).max(CKAN_MAX_ROWS).optional().describe(`datasets per request (CKAN up to ${CKAN_MAX_ROWS}, OpenDataSoft up to ${ODS_MAX_LIMIT})`),
  organization: z.string().min(1).max(200).regex(/^[\w-]+$/, 'a CKAN organization name (letters, digits, - and _)').optional().describe('CKAN: only this organization\'s datasets'),
  fq: z.string().min(1).max(1000).optional().describe('CKAN: an extra Solr filter query'),
  where: z.string().min(1).max(2000).optional().describe('OpenDataSoft: an ODSQL filter on the catalog'),
  refine: z.union([z.string().min(1).max(500), z.array(z.string().min(1).max(500)).max(20)]).optional()
    .transform((v) => (typeof v === 'string' ? [v] : v)).describe('OpenDataSoft: facet refinements such as publisher:"Ville de Namur"'),
}).strict();

const KIND_ONLY: Partial<Record<keyof SourceOptions, HarvestKind>> = { organization: 'ckan', fq: 'ckan', where: 'ods', refine: 'ods' };

/** Options as given, checked against the kind: an option of another kind is an error, not ignored. */
export function checkOptions(kind: HarvestKind, raw: unknown): SourceOptions {
  const parsed = SourceOptionsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const text = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
    throw new AppError('validation_failed', `The options of the harvest source are invalid: ${text}. Known options: ${Object.keys(SourceOptionsSchema.shape).join(', ')}.`);
  }
  const o = parsed.data as SourceOptions;
  for (const [key, only] of Object.entries(KIND_ONLY)) {
    if (o[key as keyof SourceOptions] !== undefined && only !== kind) throw new AppError('validation_failed', `The option "${key}" is for ${only} sources; this source is ${kind}. Remove it.`);
  }
  if (kind === 'ods' && o.pageSize !== undefined && o.pageSize > ODS_MAX_LIMIT) throw new AppError('validation_failed', `pageSize is at most ${ODS_MAX_LIMIT} for an OpenDataSoft source (the Explore API's limit).`);
  if (kind === 'dcat' && o.pageSize !== undefined) throw new AppError('validation_failed', 'A DCAT catalog decides its own pages (hydra:next); remove pageSize.');
  return o;
}

export function parseKind(kind: string): HarvestKind {
  if ((HARVEST_KINDS as readonly string[]).includes(kind)) return kind as HarvestKind;
  throw new AppError('validation_failed', `Unknown harvest source kind "${kind}": use ckan (a CKAN portal), dcat (a DCAT-AP catalog file) or ods (an OpenDataSoft portal).`);
}

/** The address a kind reads from: the portal's base for CKAN and OpenDataSoft, the catalog itself for DCAT. */
export function sourceAddress(kind: HarvestKind, url: string): string {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new AppError('validation_failed', `"${url}" is not a web address; give the full address, starting with https://.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AppError('validation_failed', `The address ${url} is not http(s); a harvest source is a web address.`);
  if (kind === 'ckan') return ckanBase(u.href);
  if (kind === 'ods') return odsBase(u.href);
  u.hash = '';
  return u.href;
}

export interface HarvestIssue {
  identifier?: string;
  message: string;
  level: 'error' | 'warning';
}

export function runView(r: HarvestRunTable) {
  const issues = JSON.parse(r.errors_json) as HarvestIssue[];
  return {
    id: r.id, sourceId: r.source_id, jobId: r.job_id, trigger: r.trigger, outcome: r.outcome,
    added: r.added, updated: r.updated, removed: r.removed, unchanged: r.unchanged, failed: r.failed,
    message: r.message,
    errors: issues.filter((i) => i.level !== 'warning'),
    warnings: issues.filter((i) => i.level === 'warning'),
    startedAt: r.started_at, finishedAt: r.finished_at,
  };
}
export type HarvestRunView = ReturnType<typeof runView>;

export function sourceView(s: HarvestSourceTable, extra: { datasets?: number; lastRun?: HarvestRunTable | null } = {}) {
  return {
    id: s.id, organizationId: s.organization_id, kind: s.kind, url: s.url, name: s.name, options: JSON.parse(s.options_json) as SourceOptions,
    schedule: s.schedule, enabled: s.enabled === 1, nextRunAt: s.next_run_at, lastRunAt: s.last_run_at,
    createdBy: s.created_by, createdAt: s.created_at, updatedAt: s.updated_at,
    ...(extra.datasets !== undefined && { datasets: extra.datasets }),
    ...(extra.lastRun !== undefined && { lastRun: extra.lastRun ? runView(extra.lastRun) : null }),
  };
}

/** Datasets a source imported. */
export async function countSourceDatasets(db: MetaDb, sourceId: string): Promise<number> {
  const r = await db.selectFrom('datasets').select(sql<number>`count(*)`.as('n')).where('harvest_source_id', '=', sourceId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The harvest job of a source that is queued or running, if any (jobs carry the source in their input). */
export async function activeHarvestJob(db: MetaDb, sourceId: string) {
  return db.selectFrom('jobs').select(['id', 'state']).where('kind', '=', 'harvest').where('state', 'in', ['queued', 'running'])
    .where('input_json', 'like', `%"sourceId":"${sourceId.replace(/[%_"\\]/g, '')}"%`).executeTakeFirst();
}

/** Removes datasets of one source by id, a chunk per transaction; the filter on the source is kept on every write. */
export async function removeSourceDatasets(db: MetaDb, sourceId: string, ids: string[]): Promise<number> {
  let removed = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    removed += await db.transaction().execute(async (trx) => {
      const mine = (await trx.selectFrom('datasets').select('id').where('harvest_source_id', '=', sourceId).where('id', 'in', chunk).execute()).map((r) => r.id);
      if (!mine.length) return 0;
      await trx.deleteFrom('resources').where('dataset_id', 'in', mine).execute();
      const r = await trx.deleteFrom('datasets').where('harvest_source_id', '=', sourceId).where('id', 'in', mine).executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }
  return removed;
}
