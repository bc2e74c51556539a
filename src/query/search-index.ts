/**
 * Full-text search without DuckDB's fts extension (see docs/decisions/0002): an inverted index
 * Parquet file (token, _id) sorted by token, so that row-group min/max statistics let a lookup
 * read only the row groups holding that token.
 */
import fs from 'node:fs';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { SchemaField, TableSchema } from '../ingest/types.ts';
import { AppError } from '../errors.ts';
import { sqlIdent, sqlString } from '../stores/tables/duckdb.ts';

/** A query word: matched exactly, or as the start of a word when it is the last one being typed. */
export interface SearchTerm {
  token: string;
  prefix: boolean;
}

/** Collects bound parameters and hands out their placeholders. */
export class SqlParams {
  readonly values: DuckDBValue[] = [];
  add(value: DuckDBValue): string {
    this.values.push(value);
    return '$' + this.values.length;
  }
}

/** More words than this cost one index lookup each for little gain in precision. */
export const MAX_SEARCH_TERMS = 16;
/** A one-letter prefix matches a large part of any index; it is matched as a whole word instead. */
const MIN_PREFIX_LENGTH = 2;
/** Small row groups keep a lookup of a rare token cheap; measured in docs/decisions/0002. */
const INDEX_ROW_GROUP_SIZE = 20480;

/**
 * SQL for the words of a text expression. Index build, query words and the fallback scan all use
 * this one expression, so that they can never disagree on what a word is.
 */
export function wordsSql(textExpr: string): string {
  return `list_filter(regexp_split_to_array(strip_accents(lower(${textExpr})), '[^\\p{L}\\p{N}]+'), lambda w: w <> '')`;
}

/** Fields whose text is indexed: booleans and GeoJSON would add noise (true/false, coordinates) to every row. */
export function searchableFields(schema: TableSchema): SchemaField[] {
  return schema.fields.filter((f) => f.type !== 'boolean' && f.type !== 'geojson');
}

/** SQL for the searchable text of a row: its fields' text forms joined by spaces (NULLs skipped). */
export function rowTextSql(schema: TableSchema): string {
  const parts = searchableFields(schema).map((f) => `CAST(${sqlIdent(f.name)} AS VARCHAR)`);
  return parts.length ? `concat_ws(' ', ${parts.join(', ')})` : `''`;
}

/** Writes the inverted index of a table version; written to a temporary name, then renamed. */
export async function buildSearchIndex(
  conn: DuckDBConnection,
  parquetPath: string,
  schema: TableSchema,
  outPath: string,
): Promise<{ path: string; entries: number; bytes: number }> {
  const tmp = outPath + '.tmp';
  const sql = `COPY (
    SELECT CAST(token AS VARCHAR) AS token, CAST(_id AS BIGINT) AS _id FROM (
      SELECT _id, unnest(list_distinct(${wordsSql(rowTextSql(schema))})) AS token
      FROM read_parquet(${sqlString(parquetPath)})
    )
    ORDER BY token, _id
  ) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${INDEX_ROW_GROUP_SIZE})`;
  try {
    const result = await conn.run(sql);
    fs.renameSync(tmp, outPath);
    return { path: outPath, entries: Number(result.rowsChanged), bytes: fs.statSync(outPath).size };
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** The words of a search text, in order, without repeats; the last one is a prefix unless the text ends after it. */
export async function searchTerms(conn: DuckDBConnection, text: string, param = 'q'): Promise<SearchTerm[]> {
  if (!/[\p{L}\p{N}]/u.test(text)) return [];
  const reader = await conn.runAndReadAll(`SELECT ${wordsSql('$1')}`, [text]);
  const words = reader.getRowsJS()[0][0] as string[];
  if (words.length === 0) return [];
  const last = words[words.length - 1];
  // The word being typed is the last one; if it also appears whole earlier, that exact match already covers it.
  const exact = [...new Set(words.slice(0, -1))];
  const terms: SearchTerm[] = exact.map((token) => ({ token, prefix: false }));
  if (!exact.includes(last)) {
    const typing = /[\p{L}\p{N}\p{M}]$/u.test(text) && [...last].length >= MIN_PREFIX_LENGTH;
    terms.push({ token: last, prefix: typing });
  }
  if (terms.length > MAX_SEARCH_TERMS) {
    throw new AppError(
      'validation_failed',
      `The search text in '${param}' has ${terms.length} words; at most ${MAX_SEARCH_TERMS} are allowed. Use fewer, more distinctive words.`,
    );
  }
  return terms;
}

/** The smallest string greater than every string starting with the prefix. */
function prefixEnd(prefix: string): string {
  const chars = [...prefix];
  let cp = chars[chars.length - 1].codePointAt(0)! + 1;
  if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xe000;
  chars[chars.length - 1] = String.fromCodePoint(cp);
  return chars.join('');
}

/** The index rows matching one term, as a condition on `token` that Parquet statistics can prune on. */
function tokenCondition(term: SearchTerm, params: SqlParams): string {
  if (!term.prefix) return `token = ${params.add(term.token)}`;
  return `token >= ${params.add(term.token)} AND token < ${params.add(prefixEnd(term.token))}`;
}

/**
 * SQL returning the _id of every row holding all the terms (no order). One lookup per term, joined
 * on _id: measured faster than INTERSECT or GROUP BY ... HAVING on common words.
 */
export function indexHitsSql(indexPath: string, terms: SearchTerm[], params: SqlParams): string {
  const rel = `read_parquet(${sqlString(indexPath)})`;
  const lookups = terms.map(
    (t, i) => `(SELECT ${t.prefix ? 'DISTINCT ' : ''}_id FROM ${rel} WHERE ${tokenCondition(t, params)}) h${i}`,
  );
  const joins = lookups.slice(1).map((l, i) => ` JOIN ${l} USING (_id)`).join('');
  return `SELECT _id FROM ${lookups[0]}${joins}`;
}

/** SQL condition: the words of a text expression include every term (for a field, or without an index). */
export function wordsMatchSql(textExpr: string, terms: SearchTerm[], params: SqlParams): string {
  const words = wordsSql(textExpr);
  return terms
    .map((t) =>
      t.prefix
        ? `len(list_filter(${words}, lambda w: starts_with(w, ${params.add(t.token)}))) > 0`
        : `list_contains(${words}, ${params.add(t.token)})`,
    )
    .join(' AND ');
}
