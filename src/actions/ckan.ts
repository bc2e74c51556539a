/**
 * The actions behind CKAN's Action API v3 (src/http/api/ckan.ts): each answers one CKAN action with
 * CKAN's parameters and CKAN's result dicts (src/compat/ckan), over Dataville's catalog. Reads only;
 * published datasets for everyone, the others for members of their organization (as "private").
 */
import fs from 'node:fs';
import { z } from 'zod';
import { defineAction } from './registry.ts';
import { readableResource } from './common.ts';
import type { Ctx } from '../context.ts';
import type { Authz } from './authz.ts';
import { getOrganization } from '../catalog/organizations.ts';
import { versionPaths, versionSchema } from '../catalog/versions.ts';
import { ROWS_MAX } from '../query/datastore-input.ts';
import { AppError } from '../errors.ts';
import { ckanError } from '../compat/ckan/errors.ts';
import { findDataset, packageNameSql, packages, publishedCounts, publishedTags, publishedThemes, servedVersions } from '../compat/ckan/catalog.ts';
import { euThemeGroupNames, groupDict, organizationDict, resourceDict, tagDict, themeGroupName } from '../compat/ckan/dicts.ts';
import { searchCatalog, type FacetItem } from '../compat/ckan/search.ts';
import { runReadOnlySelect, sqlRefused, type SqlLimits, type SqlTable } from '../compat/ckan/sql.ts';
import type { DatasetTable } from '../stores/meta/schema.ts';

// --- CKAN's parameter types: query strings carry text ("true", "10", '["a","b"]'), JSON bodies real values.

const bool = (name: string) => z.preprocess(
  (v) => (typeof v === 'string' ? ({ true: true, false: false, '1': true, '0': false, yes: true, no: false } as Record<string, unknown>)[v.toLowerCase()] ?? v : v),
  z.boolean({ error: `${name} must be true or false` }),
);
const int = (name: string) => z.preprocess(
  (v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
  z.number({ error: `${name} must be a whole number` }).int(`${name} must be a whole number`),
);
/** A list as CKAN takes it: a JSON array, a JSON text of one, a repeated query parameter, or one value. */
const list = (name: string) => z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    const t = v.trim();
    if (t.startsWith('[')) {
      try {
        return JSON.parse(t);
      } catch {
        return v;
      }
    }
    return t ? [t] : [];
  },
  z.array(z.string(), { error: `${name} must be a list of texts, e.g. ["a","b"]` }),
);
/** Set by the adapter (DATAVILLE_PUBLIC_URL, or the request's own address): links in the dicts start with it. */
const siteUrl = z.string().url().optional();

function siteOf(ctx: Ctx, input: { site_url?: string }): string {
  return (input.site_url ?? ctx.config.publicUrl ?? 'http://localhost').replace(/\/+$/, '');
}

/** A dataset by CKAN reference that the caller may see (as not-found otherwise, like Dataville's own reads). */
async function visibleDataset(ctx: Ctx, authz: Authz, ref: string): Promise<DatasetTable> {
  authz.allowAnyone();
  const d = await findDataset(ctx.stores.meta, ref);
  if (!d || (d.status !== 'published' && !authz.canSeeUnpublished(d.organization_id))) {
    throw ckanError('not_found', `Not found: no dataset "${ref}" that you may see. Give its id or its name (package_list lists them); a dataset that is not published is visible only to members of its organization, with their API token.`);
  }
  return d;
}

export const ckanPackageList = defineAction({
  name: 'ckan.package_list',
  summary: 'Names of the published datasets, sorted (CKAN package_list: limit, offset).',
  input: z.object({ limit: int('limit').pipe(z.number().min(0)).optional(), offset: int('offset').pipe(z.number().min(0)).default(0) }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    let q = ctx.stores.meta.selectFrom('datasets').innerJoin('organizations', 'organizations.id', 'datasets.organization_id')
      .select(packageNameSql.as('name')).where('datasets.status', '=', 'published').orderBy(packageNameSql);
    if (input.limit !== undefined) q = q.limit(input.limit).offset(input.offset);
    return (await q.execute()).map((r) => r.name);
  },
});

export const ckanPackageShow = defineAction({
  name: 'ckan.package_show',
  summary: 'One dataset as a CKAN package dict (CKAN package_show: id = its id or name).',
  input: z.object({ id: z.string({ error: 'id is required: the id or name of a dataset' }).min(1, 'id is required: the id or name of a dataset'), site_url: siteUrl }),
  async run(ctx, input, authz) {
    const d = await visibleDataset(ctx, authz, input.id);
    return (await packages(ctx.stores.meta, [d], siteOf(ctx, input)))[0];
  },
});

/** CKAN's search.facets.limit and ckan.search.rows_max defaults. */
const FACET_LIMIT = 50;
const SEARCH_ROWS_MAX = 1000;

export const ckanPackageSearch = defineAction({
  name: 'ckan.package_search',
  summary: 'Search datasets with CKAN package_search: q, fq (organization:, tags:, groups:, res_format:, license_id:, metadata_modified:[.. TO ..]), sort, rows, start, facet.field, facet.limit, facet.mincount, include_private.',
  input: z.object({
    q: z.string().max(2000).optional(),
    fq: z.string().max(5000).optional(),
    fq_list: list('fq_list').optional(),
    sort: z.string().max(200).optional(),
    rows: int('rows').pipe(z.number().min(0, 'rows must be 0 or more')).default(10).transform((n) => Math.min(n, SEARCH_ROWS_MAX)),
    start: int('start').pipe(z.number().min(0, 'start must be 0 or more')).default(0),
    facet: bool('facet').default(true),
    'facet.field': list('facet.field').default([]),
    'facet.limit': int('facet.limit').default(FACET_LIMIT),
    'facet.mincount': int('facet.mincount').default(1),
    include_private: bool('include_private').default(false),
    /** Which fields each result keeps ("id,name"); all by default. */
    fl: z.union([z.string(), z.array(z.string())]).optional(),
    site_url: siteUrl,
  }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    const db = ctx.stores.meta;
    const facetFields = input.facet ? [...new Set(input['facet.field'])] : [];
    const answer = await searchCatalog(db, ctx.stores.metaDialect, {
      q: input.q, fq: [...(input.fq ? [input.fq] : []), ...(input.fq_list ?? [])], sort: input.sort, rows: input.rows, start: input.start,
      facetFields, facetLimit: input['facet.limit'], facetMincount: input['facet.mincount'],
      includePrivate: input.include_private, visibleOrganizations: authz.visibleOrganizations(), now: ctx.now(),
    });
    let results: Record<string, unknown>[] = await packages(db, answer.rows, siteOf(ctx, input));
    const fl = typeof input.fl === 'string' ? input.fl.split(/[\s,]+/).filter(Boolean) : input.fl;
    if (fl && fl.length && !fl.includes('*')) results = results.map((r) => Object.fromEntries(fl.filter((k) => k in r).map((k) => [k, r[k]])));
    const facets: Record<string, Record<string, number>> = {};
    const searchFacets: Record<string, { title: string; items: FacetItem[] }> = {};
    for (const [field, items] of Object.entries(answer.facets)) {
      facets[field] = Object.fromEntries(items.map((i) => [i.name, i.count]));
      searchFacets[field] = { title: field, items };
    }
    return { count: answer.count, facets, results, sort: answer.sort, search_facets: searchFacets };
  },
});

export const ckanResourceShow = defineAction({
  name: 'ckan.resource_show',
  summary: 'One resource as a CKAN resource dict (CKAN resource_show: id).',
  input: z.object({ id: z.string({ error: 'id is required: the id of a resource' }).min(1, 'id is required: the id of a resource'), site_url: siteUrl }),
  async run(ctx, input, authz) {
    const { dataset, resource } = await readableResource(ctx, authz, input.id).catch((e: unknown) => {
      if (e instanceof AppError && e.status === 404) throw ckanError('not_found', `Not found: no resource "${input.id}" that you may see. package_show lists a dataset's resources with their ids.`);
      throw e;
    });
    const siblings = await ctx.stores.meta.selectFrom('resources').select('id').where('dataset_id', '=', dataset.id).orderBy('created_at').orderBy('id').execute();
    const version = (await servedVersions(ctx.stores.meta, [resource])).get(resource.id);
    return resourceDict(resource, version, dataset, siblings.findIndex((r) => r.id === resource.id), siteOf(ctx, input));
  },
});

const GROUP_SORTS = ['name', 'title', 'package_count'] as const;

/** CKAN's "title asc" / "package_count desc" for organization_list and group_list. */
function sortGroups<T extends { name: string; title: string; package_count: number }>(items: T[], sort: string): T[] {
  const m = /^\s*(name|title|package_count)(?:\s+(asc|desc))?\s*$/i.exec(sort);
  if (!m) throw ckanError('validation', `Cannot sort by "${sort}": sort takes name, title or package_count with asc or desc, e.g. "title asc".`, { sort: [`sort takes ${GROUP_SORTS.join(', ')} with asc or desc`] });
  const field = m[1].toLowerCase() as (typeof GROUP_SORTS)[number];
  const dir = m[2]?.toLowerCase() === 'desc' ? -1 : 1;
  return [...items].sort((a, b) => {
    const x = a[field];
    const y = b[field];
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'fr', { sensitivity: 'base' });
    return dir * c || a.name.localeCompare(b.name);
  });
}

const GroupListInput = {
  sort: z.string().max(100).default('title asc'),
  limit: int('limit').pipe(z.number().min(0)).optional(),
  offset: int('offset').pipe(z.number().min(0)).default(0),
  all_fields: bool('all_fields').default(false),
  include_dataset_count: bool('include_dataset_count').default(false),
  include_extras: bool('include_extras').default(false),
  q: z.string().max(200).optional(),
  site_url: siteUrl,
};

/** CKAN's ckan.group_and_organization_list_max and ..._all_fields_max defaults, applied when no limit is given. */
const LIST_MAX = 1000;
const LIST_ALL_FIELDS_MAX = 25;

function page<T>(items: T[], input: { limit?: number; offset: number; all_fields: boolean }): T[] {
  const limit = input.limit ?? (input.all_fields ? LIST_ALL_FIELDS_MAX : LIST_MAX);
  return items.slice(input.offset, input.offset + limit);
}

function shortList<T extends { package_count: number; extras: unknown }>(d: T, input: { include_dataset_count: boolean; include_extras: boolean }) {
  const { package_count, extras, ...rest } = d;
  return { ...rest, ...(input.include_dataset_count ? { package_count } : {}), ...(input.include_extras ? { extras } : {}) };
}

export const ckanOrganizationList = defineAction({
  name: 'ckan.organization_list',
  summary: 'The organizations (communes) as CKAN organization_list: names, or dicts with all_fields (sort, limit, offset, organizations, q).',
  input: z.object({ ...GroupListInput, organizations: list('organizations').optional() }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    const db = ctx.stores.meta;
    let orgs = await db.selectFrom('organizations').selectAll().execute();
    if (input.organizations) orgs = orgs.filter((o) => input.organizations!.includes(o.slug) || input.organizations!.includes(o.id));
    const counts = await publishedCounts(db);
    const site = siteOf(ctx, input);
    let dicts = orgs.map((o) => organizationDict(o, site, counts.get(o.id) ?? 0));
    if (input.q) {
      const q = input.q.toLowerCase();
      dicts = dicts.filter((d) => `${d.name} ${d.title} ${Object.values(d.title_translated).join(' ')}`.toLowerCase().includes(q));
    }
    const sorted = page(sortGroups(dicts, input.sort), input);
    return input.all_fields ? sorted.map((d) => shortList(d, input)) : sorted.map((d) => d.name);
  },
});

export const ckanOrganizationShow = defineAction({
  name: 'ckan.organization_show',
  summary: 'One organization as a CKAN organization dict (CKAN organization_show: id = id, name or NIS code; include_datasets).',
  input: z.object({
    id: z.string({ error: 'id is required: the id or name of an organization' }).min(1, 'id is required: the id or name of an organization'),
    include_datasets: bool('include_datasets').default(false),
    include_extras: bool('include_extras').default(true),
    site_url: siteUrl,
  }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    const db = ctx.stores.meta;
    const org = await getOrganization(db, input.id).catch(() => {
      throw ckanError('not_found', `Not found: no organization "${input.id}". organization_list lists the organizations of this portal by name.`);
    });
    const site = siteOf(ctx, input);
    const dict = organizationDict(org, site, (await publishedCounts(db, [org.id])).get(org.id) ?? 0);
    const out: Record<string, unknown> = { ...dict, users: [], tags: [], groups: [], ...(input.include_extras ? {} : { extras: [] }) };
    if (input.include_datasets) {
      let q = db.selectFrom('datasets').selectAll().where('organization_id', '=', org.id);
      if (!authz.canSeeUnpublished(org.id)) q = q.where('status', '=', 'published');
      out.packages = await packages(db, await q.orderBy('updated_at', 'desc').orderBy('id').limit(SEARCH_ROWS_MAX).execute(), site);
    }
    return out;
  },
});

/** Themes in use by published datasets, with counts, and every EU theme (a group may have no dataset yet). */
async function themeGroups(ctx: Ctx): Promise<ReturnType<typeof groupDict>[]> {
  const used = await publishedThemes(ctx.stores.meta);
  const byName = new Map<string, { theme?: string; n: number }>(euThemeGroupNames().map((n) => [n, { n: 0 }]));
  for (const { theme, n } of used) {
    const name = themeGroupName(theme);
    const g = byName.get(name) ?? { n: 0 };
    byName.set(name, { theme: g.theme ?? theme, n: g.n + n });
  }
  return [...byName.entries()].map(([name, g]) => groupDict(name, g.theme, g.n));
}

export const ckanGroupList = defineAction({
  name: 'ckan.group_list',
  summary: 'The themes as CKAN groups (the EU data themes, named by code: "envi", "gove" ...), as CKAN group_list.',
  input: z.object({ ...GroupListInput, groups: list('groups').optional() }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    let groups = await themeGroups(ctx);
    if (input.groups) groups = groups.filter((g) => input.groups!.includes(g.name));
    if (input.q) {
      const q = input.q.toLowerCase();
      groups = groups.filter((g) => `${g.name} ${g.title} ${Object.values(g.title_translated).join(' ')}`.toLowerCase().includes(q));
    }
    const sorted = page(sortGroups(groups, input.sort), input);
    return input.all_fields ? sorted.map((g) => shortList(g, input)) : sorted.map((g) => g.name);
  },
});

export const ckanGroupShow = defineAction({
  name: 'ckan.group_show',
  summary: 'One theme as a CKAN group dict (CKAN group_show: id = its name, e.g. "envi"; include_datasets).',
  input: z.object({
    id: z.string({ error: 'id is required: the name of a group (group_list lists them)' }).min(1, 'id is required: the name of a group (group_list lists them)'),
    include_datasets: bool('include_datasets').default(false),
    site_url: siteUrl,
  }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    const group = (await themeGroups(ctx)).find((g) => g.name === input.id.toLowerCase());
    if (!group) throw ckanError('not_found', `Not found: no group "${input.id}". Groups here are the themes of datasets; group_list lists them.`);
    const out: Record<string, unknown> = { ...group, users: [], tags: [], groups: [] };
    if (input.include_datasets) {
      const themes = (await publishedThemes(ctx.stores.meta)).map((t) => t.theme).filter((t) => themeGroupName(t) === group.name);
      const rows = themes.length
        ? await ctx.stores.meta.selectFrom('datasets').selectAll().where('status', '=', 'published').where('theme', 'in', themes)
          .orderBy('updated_at', 'desc').orderBy('id').limit(SEARCH_ROWS_MAX).execute()
        : [];
      out.packages = await packages(ctx.stores.meta, rows, siteOf(ctx, input));
    }
    return out;
  },
});

export const ckanTagList = defineAction({
  name: 'ckan.tag_list',
  summary: 'The keywords of published datasets as CKAN tag_list (query: only tags containing it; all_fields: tag dicts).',
  input: z.object({ query: z.string().max(200).optional(), vocabulary_id: z.string().optional(), all_fields: bool('all_fields').default(false) }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    if (input.vocabulary_id) throw ckanError('not_found', `Not found: no vocabulary "${input.vocabulary_id}". Tags here are free keywords, without vocabularies; call tag_list without vocabulary_id.`);
    const names = await publishedTags(ctx.stores.meta, ctx.stores.metaDialect, input.query);
    return input.all_fields ? names.map(tagDict).map(({ id, name, vocabulary_id }) => ({ id, name, vocabulary_id })) : names;
  },
});

/** The limits of datastore_search_sql: CKAN's row maximum; time and memory sized for a small shared server. */
export const SQL_LIMITS: SqlLimits = { rowsMax: ROWS_MAX, timeoutMs: 10_000, memoryLimit: '256MB', threads: 2, concurrency: 2, maxChars: 64 * 1024 * 1024 };

export const ckanDatastoreSearchSql = defineAction({
  name: 'ckan.datastore_search_sql',
  summary: 'One read-only SELECT over published tables, named by resource id (SELECT * FROM "<resource id>"): at most 32,000 rows and 10 s (CKAN datastore_search_sql: sql).',
  input: z.object({
    sql: z.string({ error: 'sql is required: one SELECT, e.g. SELECT * FROM "<resource id>" LIMIT 10' }).min(1, 'sql is required: one SELECT').max(100_000, 'sql is longer than 100,000 characters'),
    /** Dataville's addition: a shorter time limit than the server's, in milliseconds. */
    timeout: int('timeout').pipe(z.number().min(1, 'timeout is in milliseconds, 1 or more')).optional(),
  }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    const limits: SqlLimits = { ...SQL_LIMITS, timeoutMs: Math.min(SQL_LIMITS.timeoutMs, input.timeout ?? SQL_LIMITS.timeoutMs), threads: Math.min(SQL_LIMITS.threads, ctx.config.duckdbThreads ?? SQL_LIMITS.threads) };
    try {
      const answer = await runReadOnlySelect(input.sql, (names) => publishedTables(ctx, authz, names), limits);
      return { sql: input.sql, fields: answer.fields, records: answer.records, ...(answer.truncated ? { records_truncated: true } : {}) };
    } catch (e) {
      // A refused or stopped statement is recorded: who, what, why (the statement itself, cut short).
      const reason = e instanceof AppError ? ((e.details as { reason?: string } | undefined)?.reason ?? e.code) : 'internal';
      ctx.log.warn('datastore_search_sql refused', {
        requestId: ctx.requestId, actor: ctx.actor.kind === 'user' ? ctx.actor.userId : ctx.actor.kind,
        reason, message: (e as Error).message, sql: input.sql.slice(0, 2000),
      });
      throw e;
    }
  },
});

/** The tables a statement names, resolved to published resources' served versions; anything else is refused. */
async function publishedTables(ctx: Ctx, authz: Authz, names: string[]): Promise<SqlTable[]> {
  const db = ctx.stores.meta;
  const out: SqlTable[] = [];
  for (const name of names) {
    // Resource ids are lower-case UUIDs, and SQL names match without regard to case, as DuckDB's do.
    const id = name.toLowerCase();
    const unknown = () => sqlRefused('table', `There is no published table "${name}". Name tables by their resource id, quoted: SELECT * FROM "<resource id>" (package_show lists a dataset's resources; those with datastore_active hold a table).`);
    const resource = await db.selectFrom('resources').selectAll().where('id', '=', id).executeTakeFirst();
    if (!resource) throw unknown();
    const dataset = await db.selectFrom('datasets').selectAll().where('id', '=', resource.dataset_id).executeTakeFirstOrThrow();
    if (dataset.status !== 'published') {
      // Members learn why; others must not learn that the resource exists.
      if (!authz.canSeeUnpublished(dataset.organization_id)) throw unknown();
      throw ckanError('authorization', `Not authorized to read resource "${name}": its dataset is ${dataset.status}, and datastore_search_sql reads published tables only. Members of its organization read it with datastore_search.`);
    }
    if (resource.latest_version == null) throw sqlRefused('table', `The resource "${name}" is a link to a file held elsewhere (${resource.url ?? 'no URL'}), not a table: it cannot be queried.`);
    const version = (await servedVersions(db, [resource])).get(resource.id);
    if (!version) throw unknown();
    const p = versionPaths(ctx.stores, version);
    out.push({ name: resource.id, parquetPath: p.parquet, nativePath: fs.existsSync(p.native) ? p.native : undefined, columns: versionSchema(version).fields.map((f) => f.name) });
  }
  return out;
}

export const ckanStatusShow = defineAction({
  name: 'ckan.status_show',
  summary: 'What this portal is (CKAN status_show): site, API level, extensions.',
  input: z.object({ site_url: siteUrl }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    return {
      site_title: 'Dataville',
      site_description: 'Open data of Belgian municipalities',
      site_url: siteOf(ctx, input),
      // The CKAN API level this portal answers like (clients compare it); Dataville's own version beside it.
      ckan_version: '2.10.0',
      dataville_version: DATAVILLE_VERSION,
      error_emails_to: null,
      locale_default: 'fr',
      extensions: ['datastore', 'fluent', 'dataville'],
    };
  },
});

const DATAVILLE_VERSION = '0.1.0';

/** CKAN's help_show returns an action's documentation; here, the summary of the action that answers it. */
export const CKAN_HELP: Record<string, string> = {
  package_list: ckanPackageList.summary,
  package_show: ckanPackageShow.summary,
  package_search: ckanPackageSearch.summary,
  resource_show: ckanResourceShow.summary,
  organization_list: ckanOrganizationList.summary,
  organization_show: ckanOrganizationShow.summary,
  group_list: ckanGroupList.summary,
  group_show: ckanGroupShow.summary,
  tag_list: ckanTagList.summary,
  datastore_search: "Query the rows of a resource with CKAN's datastore_search parameters: resource_id (or id), filters, q, full_text, distinct, fields, sort, limit (max 32,000), offset, include_total, records_format.",
  datastore_search_sql: ckanDatastoreSearchSql.summary,
  status_show: ckanStatusShow.summary,
  help_show: 'The documentation of an action (help_show: name).',
};

export const ckanHelpShow = defineAction({
  name: 'ckan.help_show',
  summary: 'The documentation of a CKAN action (CKAN help_show: name).',
  input: z.object({ name: z.string({ error: 'name is required: the name of an action, e.g. package_search' }).min(1) }),
  async run(_ctx, input, authz) {
    authz.allowAnyone();
    const help = CKAN_HELP[input.name];
    if (!help) throw ckanError('not_found', `Not found: no action "${input.name}" here. Actions: ${Object.keys(CKAN_HELP).join(', ')}.`);
    return help;
  },
});
