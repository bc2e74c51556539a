/**
 * One harvest run: the source's pages are read one at a time; each page's records are compared by
 * hash with what this source imported before and written in one transaction (a record that cannot
 * be written falls back to its own transaction, so one bad record costs only itself); datasets the
 * source no longer lists are removed only after a complete listing. Every write is filtered by the
 * source's id: a source never touches another source's datasets or local ones. The run, with its
 * counts, errors and warnings, is recorded whatever happens.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Ctx, ProgressFn } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import type { MetaDb } from '../stores/meta/db.ts';
import type { DatasetTable, HarvestRunTable, HarvestSourceTable, ResourceTable } from '../stores/meta/schema.ts';
import { datasetSearchText } from '../catalog/datasets.ts';
import { defaultLanguageOf } from '../catalog/communes.ts';
import { getOrganization, type Organization } from '../catalog/organizations.ts';
import { slugify } from '../catalog/text.ts';
import { showUrl } from '../ingest/fetch/address.ts';
import { listCkan } from './ckan.ts';
import { listDcat } from './dcat.ts';
import { listOds } from './ods.ts';
import { recordHash } from './normalise.ts';
import { MAX_PAGE_BYTES, openRemote, type Remote } from './remote.ts';
import { checkOptions, removeSourceDatasets, type HarvestIssue } from './sources.ts';
import { DEFAULT_MAX_RECORDS, type HarvestKind, type HarvestRecord, type Page, type SourceSpec } from './types.ts';

export interface HarvestResult {
  runId: string;
  sourceId: string;
  outcome: HarvestRunTable['outcome'];
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  failed: number;
  warnings: number;
  message: string;
}

export interface HarvestRunOptions {
  trigger: HarvestRunTable['trigger'];
  jobId: string | null;
  /** Aborted when the job was given to another process: stop, and write nothing more. */
  signal?: AbortSignal;
  progress?: ProgressFn;
}

/** Issues kept per run: enough to act on, bounded for a source of 100,000 records with the same problem. */
const MAX_ISSUES = 500;
/** Rows per INSERT: under SQLite's (32,766) and PostgreSQL's (65,535) limits on bound parameters. */
const DATASET_CHUNK = 1000;
const RESOURCE_CHUNK = 2000;

function lister(kind: HarvestKind): (spec: SourceSpec, remote: Remote) => AsyncGenerator<Page> {
  return kind === 'ckan' ? listCkan : kind === 'dcat' ? listDcat : listOds;
}

interface Candidate {
  record: HarvestRecord;
  hash: string;
  warnings: string[];
}

class Tally {
  added = 0;
  updated = 0;
  removed = 0;
  unchanged = 0;
  failed = 0;
  warnings = 0;
  issues: HarvestIssue[] = [];
  private omitted = 0;

  issue(level: HarvestIssue['level'], message: string, identifier?: string | null): void {
    if (level === 'warning') this.warnings++;
    if (this.issues.length >= MAX_ISSUES) {
      this.omitted++;
      return;
    }
    this.issues.push({ ...(identifier ? { identifier } : {}), message, level });
  }

  error(message: string, identifier?: string | null): void {
    this.failed++;
    this.issue('error', message, identifier);
  }

  list(): HarvestIssue[] {
    return this.omitted ? [...this.issues, { message: `… and ${this.omitted} more errors and warnings, not kept (only the first ${MAX_ISSUES} are).`, level: 'warning' }] : this.issues;
  }
}

/**
 * Runs a source now. Returns the recorded run; `error` is set when the listing stopped on an error
 * (the run is then "failed", what was processed stays, nothing was removed).
 */
export async function harvestSource(ctx: Ctx, sourceId: string, opts: HarvestRunOptions): Promise<{ result: HarvestResult; error: AppError | null }> {
  const db = ctx.stores.meta;
  const source = await db.selectFrom('harvest_sources').selectAll().where('id', '=', sourceId).executeTakeFirst();
  if (!source) throw new AppError('not_found', `There is no harvest source ${sourceId} (it may have been deleted). GET /api/harvest/sources lists them.`);
  const org = await getOrganization(db, source.organization_id);
  const options = checkOptions(source.kind, JSON.parse(source.options_json));
  const spec: SourceSpec = { id: source.id, url: source.url, name: source.name, lang: options.lang ?? defaultLanguageOf(org.region), options };
  const maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
  const startedAt = ctx.now().toISOString();
  const tally = new Tally();
  const seen = new Set<string>();
  let listed = 0;
  let total: number | undefined;
  let incomplete: string | null = null;
  let failure: AppError | null = null;
  let lastUrl = source.url;

  const dir = await ctx.stores.blobs.stage();
  const remote = openRemote(dir, {
    allowPrivate: ctx.config.allowPrivateUrls, timeoutMs: options.timeoutMs ?? ctx.config.fetchTimeoutMs,
    maxBytes: Math.min(ctx.config.maxUploadBytes, MAX_PAGE_BYTES), signal: opts.signal,
  });
  try {
    const pages = lister(source.kind)(spec, remote);
    try {
      for await (const page of pages) {
        opts.signal?.throwIfAborted();
        lastUrl = page.url;
        if (page.total !== undefined) total = page.total;
        const candidates: Candidate[] = [];
        let capped = false;
        for (const item of page.items) {
          if (listed >= maxRecords) {
            capped = true;
            break;
          }
          listed++;
          if (!item.ok) {
            // A record that cannot be read still exists at the source: its dataset here is kept.
            if (item.identifier) seen.add(item.identifier);
            tally.error(item.message, item.identifier);
            continue;
          }
          const id = item.record.identifier;
          if (seen.has(id)) {
            tally.error(`The identifier "${id}" appears more than once in the source; the first record with it was kept, this one was skipped. Tell the publisher: identifiers must be unique.`, id);
            continue;
          }
          seen.add(id);
          candidates.push({ record: item.record, hash: recordHash(item.record), warnings: item.warnings });
        }
        if (!capped) listed += page.listed - page.items.length;
        await ensureSourceExists(db, source.id);
        opts.signal?.throwIfAborted();
        await applyPage(ctx, source, org, candidates, tally);
        opts.progress?.('harvest', listed, Math.max(total ?? listed, listed));
        if (capped) {
          incomplete = `The source lists more than ${maxRecords} datasets (the limit set for this source${total !== undefined ? `; it announces ${total}` : ''}); the first ${maxRecords} were imported and nothing was removed. Raise options.maxRecords (up to 1,000,000) or narrow the source (CKAN: options.organization or fq; OpenDataSoft: where or refine).`;
          break;
        }
        if (page.incomplete) incomplete = page.incomplete;
      }
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      failure = asAppError(e, lastUrl);
    }

    let removalNote = '';
    if (!failure) {
      if (!incomplete && total !== undefined && listed < total) {
        incomplete = `The source announced ${total} datasets but listed ${listed} (it probably changed while it was read); nothing was removed this time.`;
      }
      if (!incomplete) {
        const mine = await db.selectFrom('datasets').select(['id', 'harvest_identifier']).where('harvest_source_id', '=', source.id).execute();
        const gone = mine.filter((d) => !seen.has(d.harvest_identifier ?? '')).map((d) => d.id);
        if (listed === 0 && mine.length > 0) {
          // An empty listing is far more often a broken filter or portal than a publisher who removed everything.
          incomplete = `The source listed no datasets at all, while ${mine.length} were imported from it before; as a precaution nothing was removed. If the source really is empty now, delete the harvest source (which removes its datasets).`;
        } else if (gone.length) {
          opts.signal?.throwIfAborted();
          tally.removed = await removeSourceDatasets(db, source.id, gone);
        }
      }
      if (incomplete) {
        tally.issue('error', incomplete);
        removalNote = ' Removals were skipped.';
      }
    }

    const outcome: HarvestRunTable['outcome'] = failure ? 'failed' : tally.failed > 0 || incomplete ? 'partial' : 'done';
    const counts = `${tally.added} added, ${tally.updated} updated, ${tally.removed} removed, ${tally.unchanged} unchanged, ${tally.failed} failed${tally.warnings ? `, ${tally.warnings} warnings` : ''}`;
    const message = failure
      ? `The harvest stopped: ${failure.message} Before that, ${listed} records were read (${counts}); they stay as written, and nothing was removed.`
      : `${listed} records read from ${showUrl(source.url)}: ${counts}.${removalNote}`;
    if (failure) tally.issue('error', failure.message);
    const run: HarvestRunTable = {
      id: crypto.randomUUID(), source_id: source.id, job_id: opts.jobId, trigger: opts.trigger, outcome,
      added: tally.added, updated: tally.updated, removed: tally.removed, unchanged: tally.unchanged, failed: tally.failed,
      errors_json: JSON.stringify(tally.list()), message, started_at: startedAt, finished_at: ctx.now().toISOString(),
    };
    // A source deleted while it ran takes its runs with it: nothing left to record against.
    const stillThere = await db.selectFrom('harvest_sources').select('id').where('id', '=', source.id).executeTakeFirst();
    if (stillThere) {
      await db.insertInto('harvest_runs').values(run).execute();
      await db.updateTable('harvest_sources').set({ last_run_at: run.finished_at }).where('id', '=', source.id).execute();
    }
    return {
      result: {
        runId: run.id, sourceId: source.id, outcome, added: run.added, updated: run.updated, removed: run.removed, unchanged: run.unchanged,
        failed: run.failed, warnings: tally.warnings, message,
      },
      error: failure,
    };
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

async function ensureSourceExists(db: MetaDb, sourceId: string): Promise<void> {
  const s = await db.selectFrom('harvest_sources').select('id').where('id', '=', sourceId).executeTakeFirst();
  if (!s) throw new AppError('conflict', `The harvest source ${sourceId} was deleted while it was being harvested; the run stopped.`);
}

function asAppError(e: unknown, url: string): AppError {
  if (isAppError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new AppError('internal', `Harvesting failed at ${showUrl(url)} on an unexpected error (${message}); this is a bug in Dataville or a problem of its database: tell the administrator.`);
}

/** Writes a page: new records inserted, changed ones replaced, unchanged ones left alone. */
async function applyPage(ctx: Ctx, source: HarvestSourceTable, org: Organization, candidates: Candidate[], tally: Tally): Promise<void> {
  if (!candidates.length) return;
  const db = ctx.stores.meta;
  const existing = new Map<string, { id: string; hash: string | null }>();
  const ids = candidates.map((c) => c.record.identifier);
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db.selectFrom('datasets').select(['id', 'harvest_identifier', 'harvest_hash'])
      .where('harvest_source_id', '=', source.id).where('harvest_identifier', 'in', ids.slice(i, i + 1000)).execute();
    for (const r of rows) existing.set(r.harvest_identifier!, { id: r.id, hash: r.harvest_hash });
  }
  const inserts: Candidate[] = [];
  const updates: (Candidate & { datasetId: string })[] = [];
  for (const c of candidates) {
    const e = existing.get(c.record.identifier);
    if (!e) inserts.push(c);
    else if (e.hash === c.hash) tally.unchanged++;
    else updates.push({ ...c, datasetId: e.id });
  }
  if (!inserts.length && !updates.length) return;
  const now = ctx.now().toISOString();
  try {
    const slugs = await freeSlugs(db, source.organization_id, inserts.map((c) => firstTitle(c.record)));
    await db.transaction().execute(async (trx) => {
      await writeInserts(trx, source, org, inserts.map((c, i) => ({ ...c, slug: slugs[i] })), now);
      await writeUpdates(trx, source, updates, now);
    });
    tally.added += inserts.length;
    tally.updated += updates.length;
  } catch {
    // Record by record: a slug or identifier taken meanwhile by a concurrent writer costs that record only.
    const written: Candidate[] = [];
    for (const c of inserts) {
      try {
        const [slug] = await freeSlugs(db, source.organization_id, [firstTitle(c.record)]);
        await db.transaction().execute((trx) => writeInserts(trx, source, org, [{ ...c, slug }], now));
        tally.added++;
        written.push(c);
      } catch (e) {
        tally.error(`The dataset could not be written: ${e instanceof Error ? e.message : String(e)}`, c.record.identifier);
      }
    }
    for (const c of updates) {
      try {
        await db.transaction().execute((trx) => writeUpdates(trx, source, [c], now));
        tally.updated++;
        written.push(c);
      } catch (e) {
        tally.error(`The dataset could not be updated (it keeps its previous content): ${e instanceof Error ? e.message : String(e)}`, c.record.identifier);
      }
    }
    warn(tally, written);
    return;
  }
  warn(tally, [...inserts, ...updates]);
}

/** Warnings are recorded for the records written in this run; unchanged ones had theirs when they were. */
function warn(tally: Tally, written: Candidate[]): void {
  for (const c of written) for (const w of c.warnings) tally.issue('warning', w, c.record.identifier);
}

function firstTitle(r: HarvestRecord): string {
  return r.title.fr ?? r.title.nl ?? r.title.de ?? r.title.en ?? r.identifier;
}

/**
 * Free slugs for new datasets of an organization: the title's, else "-2" … "-5", else a random
 * suffix. Only exact slugs are looked up (the unique index answers), so a source of 100,000
 * datasets does not scan the organization once per record.
 */
async function freeSlugs(db: MetaDb, organizationId: string, titles: string[]): Promise<string[]> {
  const bases = titles.map((t) => slugify(t));
  const variants = (b: string) => [b, `${b}-2`, `${b}-3`, `${b}-4`, `${b}-5`];
  const taken = await takenSlugs(db, organizationId, [...new Set(bases)]);
  // Most titles are new: their variants are looked up only when the plain slug is taken.
  const clashing = [...new Set(bases.filter((b) => taken.has(b)))];
  for (const s of await takenSlugs(db, organizationId, clashing.flatMap((b) => variants(b).slice(1)))) taken.add(s);
  return bases.map((b) => {
    const slug = variants(b).find((s) => !taken.has(s)) ?? `${b.slice(0, 70)}-${crypto.randomBytes(3).toString('hex')}`;
    taken.add(slug);
    return slug;
  });
}

async function takenSlugs(db: MetaDb, organizationId: string, slugs: string[]): Promise<Set<string>> {
  const taken = new Set<string>();
  for (let i = 0; i < slugs.length; i += 1000) {
    const rows = await db.selectFrom('datasets').select('slug').where('organization_id', '=', organizationId).where('slug', 'in', slugs.slice(i, i + 1000)).execute();
    for (const r of rows) taken.add(r.slug);
  }
  return taken;
}

/** A transaction is a MetaDb too (Kysely's Transaction extends Kysely). */
type Trx = MetaDb;

/** The columns a record sets, on insert and on update alike. */
function metadataColumns(r: HarvestRecord, hash: string, now: string) {
  return {
    title: JSON.stringify(r.title),
    description: JSON.stringify(r.description),
    keywords: JSON.stringify(r.keywords),
    theme: r.theme,
    licence: r.licence,
    contact_point: r.contactPoint ? JSON.stringify(r.contactPoint) : null,
    update_frequency: r.updateFrequency,
    temporal_start: r.temporalStart,
    temporal_end: r.temporalEnd,
    search_text: datasetSearchText(r.title, r.description, r.keywords),
    harvest_hash: hash,
    landing_page: r.landingPage,
    // The source's modification date, so that "recently updated" means at the source.
    updated_at: r.modified ?? now,
  };
}

function resourceRows(datasetId: string, r: HarvestRecord, now: string): ResourceTable[] {
  // Distinct creation times keep the source's order when resources are listed by created_at.
  const t0 = Date.parse(now);
  return r.resources.map((x, i) => ({
    id: crypto.randomUUID(), dataset_id: datasetId, name: x.name, format: x.format, latest_version: null,
    url: x.url, media_type: x.mediaType, description: x.description, created_at: new Date(t0 + i).toISOString(), updated_at: now,
  }));
}

async function insertResources(trx: Trx, rows: ResourceTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += RESOURCE_CHUNK) await trx.insertInto('resources').values(rows.slice(i, i + RESOURCE_CHUNK)).execute();
}

async function writeInserts(trx: Trx, source: HarvestSourceTable, org: Organization, items: (Candidate & { slug: string })[], now: string): Promise<void> {
  if (!items.length) return;
  const datasets: DatasetTable[] = [];
  const resources: ResourceTable[] = [];
  for (const c of items) {
    const id = crypto.randomUUID();
    datasets.push({
      id, organization_id: source.organization_id, slug: c.slug,
      ...metadataColumns(c.record, c.hash, now),
      publisher: c.record.publisher ?? org.name_fr,
      spatial: org.nis_code,
      status: 'published',
      allow_additive_changes: 0,
      spatial_bbox: null,
      publish_on_review: 0,
      harvest_source_id: source.id,
      harvest_identifier: c.record.identifier,
      created_at: c.record.issued ?? now,
    });
    resources.push(...resourceRows(id, c.record, now));
  }
  for (let i = 0; i < datasets.length; i += DATASET_CHUNK) await trx.insertInto('datasets').values(datasets.slice(i, i + DATASET_CHUNK)).execute();
  await insertResources(trx, resources);
}

async function writeUpdates(trx: Trx, source: HarvestSourceTable, items: (Candidate & { datasetId: string })[], now: string): Promise<void> {
  if (!items.length) return;
  for (const c of items) {
    // Status stays as the organization set it (an admin may have hidden a harvested dataset).
    await trx.updateTable('datasets').set({ ...metadataColumns(c.record, c.hash, now), ...(c.record.publisher && { publisher: c.record.publisher }) })
      .where('id', '=', c.datasetId).where('harvest_source_id', '=', source.id).execute();
  }
  const ids = items.map((c) => c.datasetId);
  for (let i = 0; i < ids.length; i += 500) {
    // Only the links are the source's: a file someone published here to a harvested dataset stays.
    await trx.deleteFrom('resources').where('dataset_id', 'in', ids.slice(i, i + 500)).where('url', 'is not', null).execute();
  }
  await insertResources(trx, items.flatMap((c) => resourceRows(c.datasetId, c.record, now)));
}
