/**
 * Geographic aggregation: an address to its street, to its postcode, a postcode (or a statistical
 * sector, or a NIS code) to its municipality.
 *
 * Statistical sectors: an address cannot be placed in a sector without Statbel's sector file
 * (polygons or the address-to-sector list), which Dataville does not ship; the recipe schema
 * refuses such a step with that explanation. A table that already has a sector column can be
 * published by sector as is, or generalised to the municipality here (`from: 'sector'`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { communesByNis } from '../../catalog/communes.ts';
import { sqlIdent, sqlString } from '../../stores/tables/duckdb.ts';
import { derivedField, findColumn, outputName, plural, replaceColumn, requireType, textSql, type Relation, type StepContext } from './relation.ts';

export interface AddressToStreetStep {
  op: 'address-to-street';
  column: string;
  as?: string;
}

export interface GeoToPostcodeStep {
  op: 'geo-to-postcode';
  /** A postcode column (kept when the code exists) or an address text holding "5000 Namur". */
  column: string;
  as?: string;
}

export interface GeoToCommuneStep {
  op: 'geo-to-commune';
  column: string;
  /** What the column holds (default 'postcode'): a postcode, a statistical sector code ("92094A00-"), or a NIS code. */
  from?: 'postcode' | 'sector' | 'nis';
  /** What is written (default 'nis'): the municipality's NIS code, or its name in French, Dutch or German. */
  output?: 'nis' | 'name-fr' | 'name-nl' | 'name-de';
  as?: string;
}

const POSTCODES_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../reference/postcodes.csv');

/** Postcodes of the 2025 list with their municipality; null for the three that lie in two (1040, 1050, 1804). */
let postcodeCache: Map<string, string | null> | undefined;
function postcodes(): Map<string, string | null> {
  if (!postcodeCache) {
    const rows = parse(fs.readFileSync(POSTCODES_FILE), { columns: true, skip_empty_lines: true }) as { postcode: string; nis_code: string }[];
    const map = new Map<string, string | null>();
    for (const r of rows) map.set(r.postcode, map.has(r.postcode) && map.get(r.postcode) !== r.nis_code ? null : r.nis_code);
    postcodeCache = map;
  }
  return postcodeCache;
}

/** The house number and what follows it (box, postcode and locality): "12 bte 3", "5A", "12/3, 5000 Namur". */
const HOUSE_NUMBER_TAIL =
  "^(.*?\\S)[\\s,]+(?:(?:n°|nr\\.?|no\\.?)\\s*)?\\d+[A-Za-z]?(?:\\s*$|\\s*[,/-].*$|\\s+(?:bte|boîte|boite|bt|bus|b|box|app|appt)\\.?\\s.*$|\\s+\\d{4}\\b.*$)";
/** A postcode and locality at the end, without a house number before them: "Rue de Fer, 5000 Namur". */
const LOCALITY_TAIL = "[\\s,]+(?:B-?|BE-?)?[1-9][0-9]{3}\\s+\\p{L}[\\p{L}\\s'.-]*$";
/** A house number written first: "12, rue de Fer". */
const HOUSE_NUMBER_HEAD = '^\\d+[A-Za-z]?\\s*,?\\s+(\\p{L}.*)$';

/**
 * Keeps the street name: the house number, box and anything after them go ("Rue de Fer 12 bte 3",
 * "Kerkstraat 5A" -> "Rue de Fer", "Kerkstraat"). A number followed by a word stays part of the
 * name ("Rue du 11 Novembre 5" -> "Rue du 11 Novembre").
 */
export function applyAddressToStreet(rel: Relation, step: AddressToStreetStep, ctx: StepContext): Relation {
  const column = findColumn(rel, step.column, ctx);
  requireType(column, ['string'], ctx, 'Addresses are text.');
  const v = sqlIdent(column.field.name);
  const base = `trim(regexp_replace(${v}, ${sqlString(LOCALITY_TAIL)}, ''))`;
  const tail = `nullif(regexp_extract(${base}, ${sqlString(HOUSE_NUMBER_TAIL)}, 1), '')`;
  const head = `nullif(trim(regexp_extract(${base}, ${sqlString(HOUSE_NUMBER_HEAD)}, 1)), '')`;
  const sql = `nullif(coalesce(${tail}, ${head}, ${base}), '')`;
  const name = outputName(rel, column.field.name, step.as, ctx);
  return replaceColumn(rel, column.field.name, {
    sql,
    field: derivedField(column.field, name, 'string'),
    diagnostics: [{
      sql: `${v} IS NOT NULL AND ${tail} IS NULL AND ${head} IS NULL`,
      note: (n) => `${ctx.label}: no house number was found in ${plural(n, 'address', 'addresses')} of "${column.field.name}"; they were kept as written (without the postcode and locality) — check them in the preview.`,
    }],
  }, ctx);
}

/** The postcode of a value: a postcode itself ("5000", "B-5000", 5000) or the one before the locality in an address. */
function postcodeCandidateSql(ident: string, type: string): string {
  if (type === 'integer') return `CAST(${ident} AS VARCHAR)`;
  const alone = `nullif(regexp_extract(${ident}, '^\\s*(?:B-?|BE-?)?([1-9][0-9]{3})\\s*$', 1), '')`;
  const inAddress = `nullif(regexp_extract(${ident}, '(?:^|[\\s,])(?:B-?|BE-?)?([1-9][0-9]{3})\\s+\\p{L}', 1), '')`;
  return `coalesce(${alone}, ${inAddress})`;
}

async function postcodeTable(ctx: StepContext): Promise<string> {
  const table = ctx.tempTable('postcodes');
  const rows = [...postcodes()].map(([p, nis]) => `(${sqlString(p)}, ${nis === null ? 'NULL' : sqlString(nis)})`);
  await ctx.run(`CREATE TEMP TABLE ${table} (postcode VARCHAR PRIMARY KEY, nis VARCHAR); INSERT INTO ${table} VALUES ${rows.join(', ')}`);
  return table;
}

async function communeTable(ctx: StepContext): Promise<string> {
  const table = ctx.tempTable('communes');
  const rows = [...communesByNis().values()].map((c) => `(${[c.nis_code, c.name_fr, c.name_nl, c.name_de].map(sqlString).join(', ')})`);
  await ctx.run(`CREATE TEMP TABLE ${table} (nis VARCHAR PRIMARY KEY, name_fr VARCHAR, name_nl VARCHAR, name_de VARCHAR); INSERT INTO ${table} VALUES ${rows.join(', ')}`);
  return table;
}

export async function applyGeoToPostcode(rel: Relation, step: GeoToPostcodeStep, ctx: StepContext): Promise<Relation> {
  const column = findColumn(rel, step.column, ctx);
  requireType(column, ['string', 'integer'], ctx, 'Postcodes are found in a postcode column or in address text.');
  const table = await postcodeTable(ctx);
  const v = `s${ctx.index}.${sqlIdent(column.field.name)}`;
  const sql = `(SELECT p.postcode FROM ${table} p WHERE p.postcode = ${postcodeCandidateSql(v, column.field.type)})`;
  const name = outputName(rel, column.field.name, step.as, ctx);
  return replaceColumn(rel, column.field.name, {
    sql,
    field: derivedField(column.field, name, 'string'),
    diagnostics: [{
      sql: `${v} IS NOT NULL AND ${sql} IS NULL`,
      note: (n) => `${ctx.label}: ${plural(n, 'value')} of "${column.field.name}" held no Belgian postcode (2025 list, reference/postcodes.csv) and became empty.`,
    }],
  }, ctx);
}

export async function applyGeoToCommune(rel: Relation, step: GeoToCommuneStep, ctx: StepContext): Promise<Relation> {
  const column = findColumn(rel, step.column, ctx);
  const from = step.from ?? 'postcode';
  const v = `s${ctx.index}.${sqlIdent(column.field.name)}`;
  let nis: string;
  let unknown: string;
  if (from === 'postcode') {
    requireType(column, ['string', 'integer'], ctx, 'Postcodes are found in a postcode column or in address text.');
    const table = await postcodeTable(ctx);
    nis = `(SELECT p.nis FROM ${table} p WHERE p.postcode = ${postcodeCandidateSql(v, column.field.type)})`;
    unknown = 'were not postcodes of the 2025 list (reference/postcodes.csv) or lie in two municipalities (1040, 1050, 1804)';
  } else if (from === 'sector') {
    requireType(column, ['string'], ctx, 'Statistical sector codes are text ("92094A00-").');
    const text = `upper(trim(${v}))`;
    nis = `CASE WHEN regexp_matches(${text}, '^[0-9]{5}[A-Z][0-9A-Z]{2}[0-9A-Z-]$') THEN left(${text}, 5) END`;
    unknown = 'were not statistical sector codes (5-digit NIS code, a letter, three characters: "92094A00-")';
  } else {
    requireType(column, ['string', 'integer'], ctx, 'NIS codes are 5-digit numbers.');
    const text = `trim(${textSql(v, column.field)})`;
    nis = `CASE WHEN regexp_matches(${text}, '^[1-9][0-9]{4}$') THEN ${text} END`;
    unknown = 'were not 5-digit NIS codes';
  }
  const diagnostics = [{ sql: `${v} IS NOT NULL AND ${nis} IS NULL`, note: (n: number) => `${ctx.label}: ${plural(n, 'value')} of "${column.field.name}" ${unknown} and became empty.` }];
  let sql = nis;
  const output = step.output ?? 'nis';
  if (output !== 'nis') {
    const table = await communeTable(ctx);
    const lang = output.slice(5);
    sql = `(SELECT c.name_${lang} FROM ${table} c WHERE c.nis = ${nis})`;
    diagnostics.push({
      sql: `${nis} IS NOT NULL AND ${sql} IS NULL`,
      note: (n) => `${ctx.label}: ${plural(n, 'value')} of "${column.field.name}" lie in a municipality whose NIS code has no name in reference/communes.csv (municipalities merged on 1 January 2025 are not in it yet) and became empty; write NIS codes instead ("output": "nis").`,
    });
  }
  const name = outputName(rel, column.field.name, step.as, ctx);
  return replaceColumn(rel, column.field.name, { sql, field: derivedField(column.field, name, 'string'), diagnostics }, ctx);
}
