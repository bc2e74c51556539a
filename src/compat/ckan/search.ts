/**
 * CKAN's package_search over the metadata store: q and fq (src/compat/ckan/query.ts) become one SQL
 * condition, facets are GROUP BY counts under that same condition, pages are ORDER BY + LIMIT.
 * Kysely with a few dialect-specific fragments (the keywords are a JSON array: json_each on SQLite,
 * json_array_elements_text on PostgreSQL). CKAN asks Solr; a commune's or a region's catalog of a
 * few thousand datasets is answered by the database it already has (decision 0010).
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { MetaDb } from '../../stores/meta/db.ts';
import type { DatasetTable } from '../../stores/meta/schema.ts';
import { foldText } from '../../catalog/text.ts';
import { ckanError } from './errors.ts';
import { fieldsOf, parseQuery, solrDate, type QueryExpr, type TermValue } from './query.ts';
import { keywordsSource, packageNameSql, type Dialect } from './catalog.ts';
import { licenseId, licenseTitle, organizationTitle, themeGroupName, groupDict } from './dicts.ts';

export const FACET_FIELDS = ['organization', 'groups', 'tags', 'res_format', 'license_id'] as const;
export type FacetField = (typeof FACET_FIELDS)[number];

const QUERY_FIELDS = [
  'organization', 'owner_org', 'groups', 'tags', 'res_format', 'license_id', 'name', 'id', 'title', 'notes', 'text',
  'metadata_modified', 'metadata_created', 'state', 'private', 'capacity', 'type', 'dataset_type',
];

export const DEFAULT_SORT = 'score desc, metadata_modified desc';
const SORT_FIELDS = ['score', 'metadata_modified', 'metadata_created', 'name', 'title_string', 'id'];

export interface CatalogQuery {
  q?: string;
  fq: string[];
  sort?: string;
  rows: number;
  start: number;
  facetFields: string[];
  /** Largest number of values per facet; negative: all. */
  facetLimit: number;
  facetMincount: number;
  /** Show the caller's non-published datasets (CKAN's include_private); only published ones otherwise. */
  includePrivate: boolean;
  visibleOrganizations: 'all' | string[];
  now: Date;
}

export interface FacetItem {
  name: string;
  display_name: string;
  count: number;
}

export interface CatalogAnswer {
  count: number;
  rows: DatasetTable[];
  sort: string;
  facets: Record<string, FacetItem[]>;
}

/** What some fields need to be compared in SQL: the stored licence and theme texts behind each CKAN value. */
interface Lookups {
  licences: Map<string, string[]>;
  themes: Map<string, string[]>;
}

export async function searchCatalog(db: MetaDb, dialect: Dialect, query: CatalogQuery): Promise<CatalogAnswer> {
  const exprs: QueryExpr[] = [];
  if (query.q && query.q.trim()) exprs.push(parseQuery(query.q, 'q'));
  for (const f of query.fq) if (f.trim()) exprs.push(parseQuery(f, 'fq'));
  const fields = new Set<string>();
  for (const e of exprs) fieldsOf(e, fields);
  for (const f of fields) {
    if (f !== 'text' && !QUERY_FIELDS.includes(f)) {
      throw ckanError('search_query', `Cannot search on field "${f}". Fields here: ${QUERY_FIELDS.join(', ')}; words without a field search titles, descriptions and keywords.`);
    }
  }
  for (const f of query.facetFields) {
    if (!(FACET_FIELDS as readonly string[]).includes(f)) {
      throw ckanError('search_query', `Cannot facet on "${f}". facet.field takes a list of: ${FACET_FIELDS.join(', ')}, e.g. ["organization","tags"].`);
    }
  }
  const sortKeys = parseSort(query.sort ?? DEFAULT_SORT, dialect);
  const lookups = await loadLookups(db, new Set([...fields, ...query.facetFields]));

  const visible = visibility(query);
  const condition = exprs.length ? sql<SqlBool>`(${visible} AND ${compile({ kind: 'and', items: exprs }, dialect, lookups, query.now)})` : visible;
  const base = db.selectFrom('datasets').innerJoin('organizations', 'organizations.id', 'datasets.organization_id').where(condition);

  const count = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  let page = base.selectAll('datasets');
  for (const k of sortKeys) page = page.orderBy(k);
  // A stable order, so that paging with start never shows a dataset twice or skips one.
  page = page.orderBy('datasets.id');
  const rows = query.rows > 0 && query.start < count ? await page.limit(query.rows).offset(query.start).execute() : [];

  const facets: Record<string, FacetItem[]> = {};
  for (const f of query.facetFields as FacetField[]) facets[f] = await facet(db, dialect, condition, f, query);
  return { count, rows, sort: query.sort ?? DEFAULT_SORT, facets };
}

function visibility(query: CatalogQuery): RawBuilder<SqlBool> {
  const v = query.visibleOrganizations;
  if (!query.includePrivate || (v !== 'all' && v.length === 0)) return sql<SqlBool>`datasets.status = 'published'`;
  if (v === 'all') return sql<SqlBool>`1 = 1`;
  return sql<SqlBool>`(datasets.status = 'published' OR datasets.organization_id IN (${sql.join(v)}))`;
}

async function loadLookups(db: MetaDb, fields: Set<string>): Promise<Lookups> {
  const lookups: Lookups = { licences: new Map(), themes: new Map() };
  if (fields.has('license_id')) {
    const rows = await db.selectFrom('datasets').select('licence').distinct().where('licence', 'is not', null).execute();
    for (const { licence } of rows) {
      const id = licenseId(licence);
      if (id) lookups.licences.set(id.toLowerCase(), [...(lookups.licences.get(id.toLowerCase()) ?? []), licence!]);
    }
  }
  if (fields.has('groups')) {
    const rows = await db.selectFrom('datasets').select('theme').distinct().where('theme', 'is not', null).execute();
    for (const { theme } of rows) {
      const name = themeGroupName(theme!);
      lookups.themes.set(name, [...(lookups.themes.get(name) ?? []), theme!]);
    }
  }
  return lookups;
}

const TRUE = sql<SqlBool>`1 = 1`;
const FALSE = sql<SqlBool>`1 = 0`;

function compile(e: QueryExpr, dialect: Dialect, lookups: Lookups, now: Date): RawBuilder<SqlBool> {
  switch (e.kind) {
    case 'all':
      return TRUE;
    case 'and':
      return sql<SqlBool>`(${sql.join(e.items.map((i) => compile(i, dialect, lookups, now)), sql` AND `)})`;
    case 'or':
      return sql<SqlBool>`(${sql.join(e.items.map((i) => compile(i, dialect, lookups, now)), sql` OR `)})`;
    case 'not':
      return sql<SqlBool>`NOT ${compile(e.item, dialect, lookups, now)}`;
    case 'term':
      return termSql(e.field ?? 'text', e.value, dialect, lookups, now);
  }
}

/** LIKE with the pattern's own % _ \ taken literally (ESCAPE works alike on SQLite and PostgreSQL). */
function like(expr: RawBuilder<unknown>, pattern: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${expr} LIKE ${pattern} ESCAPE '\\'`;
}
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Exact text, a prefix (word*), any value (field:*), or a range, on a text column. */
function textField(expr: RawBuilder<unknown>, v: TermValue): RawBuilder<SqlBool> {
  switch (v.type) {
    case 'any':
      return sql<SqlBool>`${expr} IS NOT NULL`;
    case 'phrase':
      return sql<SqlBool>`${expr} = ${v.text}`;
    case 'word':
      return v.prefix ? like(expr, `${escapeLike(v.text)}%`) : sql<SqlBool>`${expr} = ${v.text}`;
    case 'range': {
      const parts = [
        ...(v.from === null ? [] : [v.fromInclusive ? sql<SqlBool>`${expr} >= ${v.from}` : sql<SqlBool>`${expr} > ${v.from}`]),
        ...(v.to === null ? [] : [v.toInclusive ? sql<SqlBool>`${expr} <= ${v.to}` : sql<SqlBool>`${expr} < ${v.to}`]),
      ];
      return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` AND `)})` : sql<SqlBool>`${expr} IS NOT NULL`;
    }
  }
}

/** Words of titles, descriptions and keywords (accents and case ignored), as Dataville's own search. */
function textSearch(v: TermValue, field: string): RawBuilder<SqlBool> {
  if (v.type === 'any') return TRUE;
  if (v.type === 'range') throw ckanError('search_query', `${field} holds text: a range [from TO to] does not apply to it.`);
  const col = sql.ref('datasets.search_text');
  if (v.type === 'phrase') {
    const phrase = foldText(v.text).split(/[^\p{L}\p{N}]+/u).filter(Boolean).join(' ');
    return phrase ? like(col, `%${escapeLike(phrase)}%`) : TRUE;
  }
  const words = foldText(v.text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (!words.length) return TRUE;
  return sql<SqlBool>`(${sql.join(words.map((w) => like(col, `%${escapeLike(w)}%`)), sql` AND `)})`;
}

function dateField(column: 'created_at' | 'updated_at', v: TermValue, field: string, now: Date): RawBuilder<SqlBool> {
  const col = sql.ref(`datasets.${column}`);
  if (v.type === 'any') return TRUE;
  if (v.type === 'range') {
    return textField(col, {
      ...v,
      from: v.from === null ? null : solrDate(v.from, now, field),
      to: v.to === null ? null : solrDate(v.to, now, field),
    });
  }
  const at = solrDate(v.text, now, field);
  return sql<SqlBool>`${col} = ${at}`;
}

function mappedField(column: 'licence' | 'theme', stored: Map<string, string[]>, v: TermValue, normalise: (s: string) => string): RawBuilder<SqlBool> {
  const col = sql.ref(`datasets.${column}`);
  if (v.type === 'any') return sql<SqlBool>`${col} IS NOT NULL`;
  if (v.type === 'range') throw ckanError('search_query', `A range [from TO to] does not apply to ${column === 'licence' ? 'license_id' : 'groups'}.`);
  const wanted = normalise(v.text);
  const values = [...stored.entries()].filter(([k]) => (v.type === 'word' && v.prefix ? k.startsWith(wanted) : k === wanted)).flatMap(([, vs]) => vs);
  return values.length ? sql<SqlBool>`${col} IN (${sql.join(values)})` : FALSE;
}

/** The format CKAN shows for a resource: CSV for a table held here (its download), the link's own otherwise. */
const RESOURCE_FORMAT = sql<string>`(CASE WHEN resources.latest_version IS NOT NULL THEN 'CSV' ELSE upper(resources.format) END)`;

function termSql(field: string, v: TermValue, dialect: Dialect, lookups: Lookups, now: Date): RawBuilder<SqlBool> {
  switch (field) {
    case 'text':
    case 'title':
    case 'notes':
      return textSearch(v, field);
    case 'organization':
      return textField(sql.ref('organizations.slug'), v);
    case 'owner_org':
      return textField(sql.ref('datasets.organization_id'), v);
    case 'id':
      return textField(sql.ref('datasets.id'), v);
    case 'name':
      return textField(packageNameSql, v);
    case 'tags': {
      if (v.type === 'any') return sql<SqlBool>`datasets.keywords <> '[]'`;
      return sql<SqlBool>`EXISTS (SELECT 1 FROM ${keywordsSource(dialect)} AS k WHERE ${textField(sql.ref('k.value'), v)})`;
    }
    case 'res_format': {
      const match = v.type === 'any' ? TRUE
        : v.type === 'range' ? textField(RESOURCE_FORMAT, v)
          : v.type === 'word' && v.prefix ? like(RESOURCE_FORMAT, `${escapeLike(v.text.toUpperCase())}%`)
            : sql<SqlBool>`${RESOURCE_FORMAT} = ${v.text.toUpperCase()}`;
      return sql<SqlBool>`EXISTS (SELECT 1 FROM resources WHERE resources.dataset_id = datasets.id AND ${match})`;
    }
    case 'license_id':
      return mappedField('licence', lookups.licences, v, (s) => s.toLowerCase());
    case 'groups':
      return mappedField('theme', lookups.themes, v, (s) => s.toLowerCase());
    case 'metadata_modified':
      return dateField('updated_at', v, field, now);
    case 'metadata_created':
      return dateField('created_at', v, field, now);
    case 'state':
      return constant(v, ['active']);
    case 'type':
    case 'dataset_type':
      return constant(v, ['dataset']);
    case 'private':
    case 'capacity': {
      if (v.type === 'any') return TRUE;
      const text = v.type === 'range' ? '' : v.text.toLowerCase();
      const isPrivate = field === 'private' ? text === 'true' : text === 'private';
      const isPublic = field === 'private' ? text === 'false' : text === 'public';
      if (!isPrivate && !isPublic) throw ckanError('search_query', field === 'private' ? 'private is true or false.' : 'capacity is public or private.');
      return isPrivate ? sql<SqlBool>`datasets.status <> 'published'` : sql<SqlBool>`datasets.status = 'published'`;
    }
    default:
      throw ckanError('search_query', `Cannot search on field "${field}". Fields here: ${QUERY_FIELDS.join(', ')}.`);
  }
}

/** A field with one value for every dataset here (state:active, type:dataset). */
function constant(v: TermValue, values: string[]): RawBuilder<SqlBool> {
  if (v.type === 'any') return TRUE;
  if (v.type === 'range') return FALSE;
  const text = v.text.toLowerCase();
  return values.some((x) => (v.type === 'word' && v.prefix ? x.startsWith(text) : x === text)) ? TRUE : FALSE;
}

/** "metadata_modified desc, name asc" into ORDER BY expressions; score has no meaning here and is skipped. */
function parseSort(sort: string, dialect: Dialect): RawBuilder<unknown>[] {
  const keys: RawBuilder<unknown>[] = [];
  for (const part of sort.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z_]+)(?:\s+(asc|desc))?$/i.exec(part);
    if (!m || !SORT_FIELDS.includes(m[1])) {
      throw ckanError('search_query', `Cannot sort by "${part}". sort takes fields with asc or desc, separated by commas, from: ${SORT_FIELDS.join(', ')} (e.g. "metadata_modified desc").`);
    }
    const desc = m[2]?.toLowerCase() === 'desc';
    const dir = desc ? sql`DESC` : sql`ASC`;
    switch (m[1]) {
      case 'score':
        break;
      case 'metadata_modified':
        keys.push(sql`datasets.updated_at ${dir}`);
        break;
      case 'metadata_created':
        keys.push(sql`datasets.created_at ${dir}`);
        break;
      case 'name':
        keys.push(sql`${packageNameSql} ${dir}`);
        break;
      case 'id':
        keys.push(sql`datasets.id ${dir}`);
        break;
      case 'title_string':
        keys.push(sql`lower(${titleSql(dialect)}) ${dir}`);
        break;
    }
  }
  return keys;
}

/** The title CKAN shows (the organization's language first, then fr, nl, de, en), in SQL. */
function titleSql(dialect: Dialect): RawBuilder<string> {
  const lang = (l: string) => (dialect === 'postgres' ? sql`(datasets.title::json ->> ${sql.lit(l)})` : sql`json_extract(datasets.title, ${sql.lit(`$.${l}`)})`);
  return sql<string>`(CASE WHEN lower(coalesce(organizations.region, '')) LIKE '%flamande%'
    THEN coalesce(${lang('nl')}, ${lang('fr')}, ${lang('de')}, ${lang('en')})
    ELSE coalesce(${lang('fr')}, ${lang('nl')}, ${lang('de')}, ${lang('en')}) END)`;
}

async function facet(db: MetaDb, dialect: Dialect, condition: RawBuilder<SqlBool>, field: FacetField, query: CatalogQuery): Promise<FacetItem[]> {
  const base = db.selectFrom('datasets').innerJoin('organizations', 'organizations.id', 'datasets.organization_id').where(condition);
  let items: FacetItem[];
  switch (field) {
    case 'organization': {
      const rows = await base.select(['organizations.slug', 'organizations.name_fr', 'organizations.name_nl', 'organizations.region', sql<number>`count(*)`.as('n')])
        .groupBy(['organizations.slug', 'organizations.name_fr', 'organizations.name_nl', 'organizations.region']).execute();
      items = rows.map((r) => ({ name: r.slug, display_name: organizationTitle(r), count: Number(r.n) }));
      break;
    }
    case 'tags': {
      const rows = await base.innerJoin(keywordsSource(dialect).as('k'), (j) => j.onTrue())
        .select([sql<string>`k.value`.as('name'), sql<number>`count(DISTINCT datasets.id)`.as('n')]).groupBy(sql`k.value`).execute();
      items = rows.map((r) => ({ name: r.name, display_name: r.name, count: Number(r.n) }));
      break;
    }
    case 'res_format': {
      const rows = await base.innerJoin('resources', 'resources.dataset_id', 'datasets.id')
        .select([RESOURCE_FORMAT.as('name'), sql<number>`count(DISTINCT datasets.id)`.as('n')]).groupBy(RESOURCE_FORMAT).execute();
      items = rows.map((r) => ({ name: r.name, display_name: r.name, count: Number(r.n) }));
      break;
    }
    case 'license_id': {
      const rows = await base.select(['datasets.licence', sql<number>`count(*)`.as('n')]).where('datasets.licence', 'is not', null).groupBy('datasets.licence').execute();
      items = merge(rows.map((r) => ({ name: licenseId(r.licence)!, display_name: licenseTitle(r.licence)!, count: Number(r.n) })).filter((i) => i.name));
      break;
    }
    case 'groups': {
      const rows = await base.select(['datasets.theme', sql<number>`count(*)`.as('n')]).where('datasets.theme', 'is not', null).groupBy('datasets.theme').execute();
      items = merge(rows.map((r) => {
        const name = themeGroupName(r.theme!);
        return { name, display_name: groupDict(name, r.theme!, 0).display_name, count: Number(r.n) };
      }));
      break;
    }
  }
  items = items.filter((i) => i.count >= query.facetMincount)
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return query.facetLimit < 0 ? items : items.slice(0, query.facetLimit);
}

/** Counts of stored texts that show as one CKAN value (two spellings of one licence) added up. */
function merge(items: FacetItem[]): FacetItem[] {
  const out = new Map<string, FacetItem>();
  for (const i of items) {
    const seen = out.get(i.name);
    if (seen) seen.count += i.count;
    else out.set(i.name, { ...i });
  }
  return [...out.values()];
}
