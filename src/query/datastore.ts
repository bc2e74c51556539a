/**
 * Row queries with the parameters and answers of CKAN's datastore_search, over a table version's
 * typed Parquet file. User values are always bound; identifiers only ever come from the schema.
 */
import fs from 'node:fs';
import { DuckDBDateValue, DuckDBTimestampValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { stringify } from 'csv-stringify/sync';
import type { SchemaField, TableSchema } from '../ingest/types.ts';
import { AppError } from '../errors.ts';
import { keepsInsertionOrder, sqlIdent, sqlString } from '../stores/tables/duckdb.ts';
import { indexHitsSql, rowTextSql, searchTerms, SqlParams, wordsMatchSql, type SearchTerm } from './search-index.ts';

export { DatastoreSearchInput, parseDatastoreSearchInput, ROWS_MAX, type DatastoreSearchParams } from './datastore-input.ts';
import { parseDatastoreSearchInput, type DatastoreSearchParams, type FilterValue } from './datastore-input.ts';
import { isIsoDate } from '../catalog/dates.ts';

export interface DatastoreSource {
  parquetPath: string;
  /** A faster relation holding the same rows (the version's native copy, attached); Parquet otherwise. */
  tableSql?: string;
  /** The inverted index written by buildSearchIndex; without it `q` scans every row (correct but slow). */
  searchIndexPath?: string;
  schema: TableSchema;
}

export interface DatastoreField {
  id: string;
  type: string;
}

export interface DatastoreSearchResult {
  fields: DatastoreField[];
  /** Objects or lists per records_format; for 'csv' and 'tsv', one text without header, as CKAN does. */
  records: unknown[] | string;
  total?: number;
  total_was_estimated: boolean;
  limit: number;
  offset: number;
  include_total: boolean;
  records_format: DatastoreSearchParams['records_format'];
  distinct: boolean;
  filters?: Record<string, unknown>;
  q?: string | Record<string, string>;
  full_text?: string;
  sort?: string | string[];
}

/** Column types as CKAN names them (PostgreSQL type names as shown by the DataStore). */
const CKAN_TYPES: Record<SchemaField['type'], string> = {
  string: 'text',
  integer: 'int',
  number: 'numeric',
  boolean: 'bool',
  date: 'date',
  datetime: 'timestamp',
  geojson: 'text',
};

interface Column {
  name: string;
  type: SchemaField['type'];
}
const ID_COLUMN: Column = { name: '_id', type: 'integer' };

/** Searches a table version like CKAN's datastore_search; `input` may be raw parameters or parsed ones. */
export async function datastoreSearch(
  conn: DuckDBConnection,
  source: DatastoreSource,
  input: unknown,
): Promise<DatastoreSearchResult> {
  const params = parseDatastoreSearchInput(input);
  if (!params.plain) {
    throw new AppError(
      'validation_failed',
      "plain=false (PostgreSQL tsquery syntax) is not supported; send plain words in 'q' (every word must match, the last one may be the start of a word).",
    );
  }
  const columns = new Map<string, Column>([[ID_COLUMN.name, ID_COLUMN], ...source.schema.fields.map((f) => [f.name, { name: f.name, type: f.type }] as const)]);
  const selected = selectColumns(params.fields, columns);
  const sort = parseSort(params.sort, columns);
  const search = await searchSpec(conn, params, columns);
  const file = fileIdentity(source.parquetPath);
  const indexPath = source.searchIndexPath && fs.existsSync(source.searchIndexPath) ? source.searchIndexPath : undefined;
  const filtered = Object.keys(params.filters ?? {}).length > 0 || search.fieldTerms.length > 0 || (search.rowTerms.length > 0 && !indexPath);

  // Checked before anything runs, so that a bad filter is refused even when no query would need it.
  for (const [name, value] of Object.entries(params.filters ?? {})) filterSql(lookup(columns, name, 'filters'), value, new SqlParams());
  if (params.distinct && sort) {
    const missing = sort.find((k) => !selected.includes(k.column));
    if (missing) throw new AppError('validation_failed', `Field '${missing.column.name}' in sort must also be in fields when distinct is true.`);
  }

  const plan: QueryPlan = { source, columns, file, selected, sort, params, search, indexPath };
  let records: DuckDBValue[][];
  let total: number | undefined;
  if (!filtered && search.rowTerms.length === 0 && !sort && !params.distinct) {
    records = await pageById(conn, plan);
    if (params.include_total) total = await rowCount(conn, file);
  } else if (!filtered && indexPath && !sort && !params.distinct) {
    records = await pageByIndex(conn, plan);
    if (params.include_total) total = await cachedCount(conn, file, (p) => `SELECT count(*) FROM (${indexHitsSql(indexPath, search.rowTerms, p)})`);
  } else {
    records = await pageGeneral(conn, plan);
    if (params.include_total) total = await cachedCount(conn, file, (p) => countSql(plan, p));
  }

  return {
    fields: selected.map((c) => ({ id: c.name, type: CKAN_TYPES[c.type] })),
    records: formatRecords(records, selected, params.records_format),
    ...(total === undefined ? {} : { total }),
    total_was_estimated: false,
    limit: params.limit,
    offset: params.offset,
    include_total: params.include_total,
    records_format: params.records_format,
    distinct: params.distinct,
    ...(params.filters ? { filters: params.filters } : {}),
    ...(params.q !== undefined ? { q: params.q } : {}),
    ...(params.full_text !== undefined ? { full_text: params.full_text } : {}),
    ...(params.sort !== undefined ? { sort: params.sort } : {}),
  };
}

interface SearchSpec {
  /** Words that must appear somewhere in the row (q as text, full_text, and the words of q per field). */
  rowTerms: SearchTerm[];
  /** Words that must appear in one field (q as an object). */
  fieldTerms: { column: Column; terms: SearchTerm[] }[];
}

interface QueryPlan {
  source: DatastoreSource;
  columns: Map<string, Column>;
  file: FileIdentity;
  selected: Column[];
  sort: SortKey[] | null;
  params: DatastoreSearchParams;
  search: SearchSpec;
  indexPath?: string;
}

interface SortKey {
  column: Column;
  desc: boolean;
  nullsFirst: boolean;
}

function fieldList(columns: Map<string, Column>): string {
  return [...columns.keys()].join(', ');
}

function lookup(columns: Map<string, Column>, name: string, where: string): Column {
  const column = columns.get(name);
  if (!column) throw new AppError('validation_failed', `Unknown field '${name}' in ${where}; fields are: ${fieldList(columns)}`);
  return column;
}

function selectColumns(fields: string[] | undefined, columns: Map<string, Column>): Column[] {
  if (!fields || fields.length === 0) return [...columns.values()];
  return [...new Set(fields)].map((name) => lookup(columns, name, 'fields'));
}

/** Parses "a, b desc, \"c, d\" asc nulls first" like CKAN; names with spaces work unquoted, with commas quoted. */
function parseSort(sort: string | string[] | undefined, columns: Map<string, Column>): SortKey[] | null {
  if (sort === undefined) return null;
  const whole = typeof sort === 'string' ? columns.get(sort.trim()) : undefined;
  if (whole) return [{ column: whole, desc: false, nullsFirst: false }];
  const items = (Array.isArray(sort) ? sort : splitOutsideQuotes(sort)).map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) return null;
  const keys = items.map((item): SortKey => {
    const whole = columns.get(item) ?? columns.get(unquote(item) ?? '');
    if (whole) return { column: whole, desc: false, nullsFirst: false };
    const m = /^(.+?)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?$/i.exec(item);
    const name = m ? (unquote(m[1]) ?? m[1]) : item;
    const column = lookup(columns, name, 'sort');
    const desc = m?.[2]?.toLowerCase() === 'desc';
    // PostgreSQL's defaults, which CKAN clients see: NULLs sort as if larger than any value.
    const nullsFirst = m?.[3] ? m[3].toLowerCase() === 'first' : desc;
    return { column, desc, nullsFirst };
  });
  return keys;
}

function splitOutsideQuotes(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function unquote(s: string): string | undefined {
  const m = /^"((?:[^"]|"")*)"$/.exec(s.trim());
  return m ? m[1].replace(/""/g, '"') : undefined;
}

async function searchSpec(conn: DuckDBConnection, params: DatastoreSearchParams, columns: Map<string, Column>): Promise<SearchSpec> {
  const rowTerms: SearchTerm[] = [];
  const fieldTerms: SearchSpec['fieldTerms'] = [];
  const addRow = (terms: SearchTerm[]) => {
    for (const t of terms) if (!rowTerms.some((r) => r.token === t.token && r.prefix === t.prefix)) rowTerms.push(t);
  };
  if (typeof params.q === 'string') addRow(await searchTerms(conn, params.q, 'q'));
  if (params.full_text !== undefined) addRow(await searchTerms(conn, params.full_text, 'full_text'));
  if (params.q && typeof params.q === 'object') {
    for (const [name, text] of Object.entries(params.q)) {
      const column = lookup(columns, name, 'q');
      if (column === ID_COLUMN) throw new AppError('validation_failed', "Field '_id' cannot be searched with q; use filters: {\"_id\": 12}.");
      const terms = await searchTerms(conn, text, `q.${name}`);
      if (terms.length === 0) continue;
      fieldTerms.push({ column, terms });
      // A field's words are also the row's words: the index narrows the rows before the field is checked.
      if (column.type !== 'boolean' && column.type !== 'geojson') addRow(terms);
    }
  }
  return { rowTerms, fieldTerms };
}

/** Binds a filter value with the column's type, or says why it cannot be one. */
function typedValue(column: Column, value: Exclude<FilterValue, null>, params: SqlParams): string {
  const text = String(value).trim();
  const bad = (what: string) =>
    new AppError('validation_failed', `Filter value ${JSON.stringify(value)} for field '${column.name}' is not ${what}.`);
  switch (column.type) {
    case 'integer': {
      if (!/^[+-]?\d{1,19}$/.test(text)) throw bad('a whole number (e.g. 2024)');
      const n = BigInt(text);
      if (n > 9223372036854775807n || n < -9223372036854775808n) throw bad('a whole number in range');
      return params.add(n);
    }
    case 'number': {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) throw bad("a number (use '.' as decimal separator, e.g. 12.5)");
      return params.add(Number(text));
    }
    case 'boolean': {
      const b = ({ true: true, false: false, '1': true, '0': false } as Record<string, boolean>)[text.toLowerCase()];
      if (b === undefined) throw bad('true or false');
      return params.add(b);
    }
    case 'date':
      if (!isIsoDate(text)) throw bad('a date written YYYY-MM-DD');
      return `CAST(${params.add(text)} AS DATE)`;
    case 'datetime': {
      const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?)?$/.exec(text);
      if (!m || !isIsoDate(m[1]) || Number(m[2] ?? 0) > 23 || Number(m[3] ?? 0) > 59 || Number(m[4] ?? 0) > 59) {
        throw bad('a date and time written YYYY-MM-DDTHH:MM:SS (no time zone)');
      }
      return `CAST(${params.add(text.replace('T', ' '))} AS TIMESTAMP)`;
    }
    default:
      return params.add(typeof value === 'string' ? value : String(value));
  }
}

/** Equality, IN for a list, IS NULL for null: the semantics of CKAN's filters. */
function filterSql(column: Column, value: FilterValue | FilterValue[], params: SqlParams): string {
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0) return 'false';
  const ident = sqlIdent(column.name);
  const present = values.filter((v): v is Exclude<FilterValue, null> => v !== null);
  const parts: string[] = [];
  if (present.length === 1) parts.push(`${ident} = ${typedValue(column, present[0], params)}`);
  if (present.length > 1) parts.push(`${ident} IN (${present.map((v) => typedValue(column, v, params)).join(', ')})`);
  if (present.length < values.length) parts.push(`${ident} IS NULL`);
  return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
}

function tableSql(plan: QueryPlan): string {
  return plan.source.tableSql ?? `read_parquet(${sqlString(plan.source.parquetPath)})`;
}

function whereSql(plan: QueryPlan, params: SqlParams): string {
  const conditions = Object.entries(plan.params.filters ?? {}).map(([name, value]) =>
    filterSql(lookup(plan.columns, name, 'filters'), value, params),
  );
  const { rowTerms, fieldTerms } = plan.search;
  if (rowTerms.length > 0) {
    conditions.push(
      plan.indexPath
        ? `_id IN (${indexHitsSql(plan.indexPath, rowTerms, params)})`
        : wordsMatchSql(rowTextSql(plan.source.schema), rowTerms, params),
    );
  }
  for (const { column, terms } of fieldTerms) conditions.push(wordsMatchSql(`CAST(${sqlIdent(column.name)} AS VARCHAR)`, terms, params));
  return conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
}

function selectSql(plan: QueryPlan): string {
  return plan.selected.map((c) => sqlIdent(c.name)).join(', ');
}

function orderSql(plan: QueryPlan): string {
  if (plan.params.distinct) {
    const keys = plan.sort ? plan.sort.map(sortKeySql) : [];
    // DISTINCT has no file order: sort by the chosen keys, then every selected column, so pages are stable.
    const rest = plan.selected.filter((c) => !plan.sort?.some((k) => k.column === c)).map((c) => sqlIdent(c.name));
    return ` ORDER BY ${[...keys, ...rest].join(', ')}`;
  }
  if (!plan.sort) return ' ORDER BY _id';
  const keys = plan.sort.map(sortKeySql);
  if (!plan.sort.some((k) => k.column === ID_COLUMN)) keys.push('_id');
  return ` ORDER BY ${keys.join(', ')}`;
}

function sortKeySql(k: SortKey): string {
  const ident = sqlIdent(k.column.name);
  const nulls = k.nullsFirst ? 'NULLS FIRST' : 'NULLS LAST';
  const dir = k.desc ? 'DESC' : 'ASC';
  // Text sorts as people expect (Élouges between Ellezelles and Enghien), raw value breaks ties.
  if (k.column.type === 'string') return `${ident} COLLATE NOCASE.NOACCENT ${dir} ${nulls}, ${ident} ${dir}`;
  return `${ident} ${dir} ${nulls}`;
}

async function read(conn: DuckDBConnection, sql: string, params: SqlParams): Promise<DuckDBValue[][]> {
  const reader = await conn.runAndReadAll(sql, params.values);
  return reader.getRows();
}

/** Unfiltered pages in file order: _id is 1..n in file order, so a page is an _id range and Parquet statistics skip to it. */
async function pageById(conn: DuckDBConnection, plan: QueryPlan): Promise<DuckDBValue[][]> {
  const { limit, offset } = plan.params;
  if (limit === 0) return [];
  const p = new SqlParams();
  const sql = `SELECT ${selectSql(plan)} FROM ${tableSql(plan)} WHERE _id BETWEEN ${p.add(BigInt(offset) + 1n)} AND ${p.add(BigInt(offset) + BigInt(limit))} ORDER BY _id`;
  return read(conn, sql, p);
}

/** Full text only: the page of _ids comes from the index alone, then just those rows are read. */
async function pageByIndex(conn: DuckDBConnection, plan: QueryPlan): Promise<DuckDBValue[][]> {
  const { limit, offset } = plan.params;
  if (limit === 0) return [];
  const p = new SqlParams();
  const hits = indexHitsSql(plan.indexPath!, plan.search.rowTerms, p);
  const sql = `WITH page AS (SELECT _id FROM (${hits}) ORDER BY _id LIMIT ${p.add(BigInt(limit))} OFFSET ${p.add(BigInt(offset))})
    SELECT ${selectSql(plan)} FROM ${tableSql(plan)} WHERE _id IN (SELECT _id FROM page) ORDER BY _id`;
  return read(conn, sql, p);
}

async function pageGeneral(conn: DuckDBConnection, plan: QueryPlan): Promise<DuckDBValue[][]> {
  const { limit, offset, distinct } = plan.params;
  if (limit === 0) return [];
  const p = new SqlParams();
  const from = `${tableSql(plan)}${whereSql(plan, p)}`;
  const order = !distinct && !plan.sort && !plan.search.rowTerms.length && (await keepsInsertionOrder(conn)) ? '' : orderSql(plan);
  const sql = `SELECT ${distinct ? 'DISTINCT ' : ''}${selectSql(plan)} FROM ${from}${order} LIMIT ${p.add(BigInt(limit))} OFFSET ${p.add(BigInt(offset))}`;
  return read(conn, sql, p);
}

function countSql(plan: QueryPlan, p: SqlParams): string {
  const from = `${tableSql(plan)}${whereSql(plan, p)}`;
  if (plan.params.distinct) return `SELECT count(*) FROM (SELECT DISTINCT ${selectSql(plan)} FROM ${from})`;
  return `SELECT count(*) FROM ${from}`;
}

interface FileIdentity {
  path: string;
  key: string;
}

/** Table versions are immutable files, but the key includes size and mtime so a rewritten file is never served stale. */
function fileIdentity(path: string): FileIdentity {
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch {
    throw new AppError('not_found', `The table file of this resource is missing (${path}); load the data again.`);
  }
  return { path, key: `${path}\0${st.size}\0${st.mtimeMs}` };
}

/** Counts repeat as people page through the same query: remembered per file and query. */
const counts = new Map<string, number>();
const COUNT_CACHE_MAX = 2000;

async function cachedCount(conn: DuckDBConnection, file: FileIdentity, build: (p: SqlParams) => string): Promise<number> {
  const p = new SqlParams();
  const sql = build(p);
  const key = `${file.key}\0${sql}\0${JSON.stringify(p.values, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`;
  const hit = counts.get(key);
  if (hit !== undefined) {
    counts.delete(key);
    counts.set(key, hit);
    return hit;
  }
  const n = Number((await read(conn, sql, p))[0][0]);
  counts.set(key, n);
  if (counts.size > COUNT_CACHE_MAX) counts.delete(counts.keys().next().value!);
  return n;
}

/** The row count of an unfiltered table comes from the Parquet footer, not a scan. */
async function rowCount(conn: DuckDBConnection, file: FileIdentity): Promise<number> {
  return cachedCount(conn, file, () => `SELECT sum(num_rows) FROM parquet_file_metadata(${sqlString(file.path)})`);
}

/** Values as JSON carries them: numbers, 'YYYY-MM-DD', 'YYYY-MM-DDTHH:MM:SS[.ffffff]'. */
function jsonValue(v: DuckDBValue): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  // Integers beyond 2^53 would silently change as JSON numbers; they are given as text instead.
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v instanceof DuckDBDateValue) return v.toString();
  if (v instanceof DuckDBTimestampValue) return v.toString().replace(' ', 'T');
  return String(v);
}

function formatRecords(rows: DuckDBValue[][], columns: Column[], format: DatastoreSearchParams['records_format']): unknown[] | string {
  const values = rows.map((r) => r.map(jsonValue));
  if (format === 'lists') return values;
  if (format === 'objects') {
    return values.map((r) => {
      const o: Record<string, unknown> = {};
      columns.forEach((c, i) => (o[c.name] = r[i]));
      return o;
    });
  }
  const text = values.map((r) => r.map((v) => (v === null ? '' : String(v))));
  // A lone CR or LF inside a value must be quoted too, not only the CRLF that ends records.
  return stringify(text, { delimiter: format === 'tsv' ? '\t' : ',', record_delimiter: '\r\n', quoted_match: /[\r\n]/ });
}
