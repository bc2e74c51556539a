/**
 * Type inference for a DuckDB table of VARCHAR columns (CSV today, XLSX and JSON readers later).
 *
 * Every cell gets a bit mask saying which readings of its text hold (infer-sql.ts); per column,
 * bit_and says what all values are and bit_or what some value is. A type is chosen only when every
 * non-missing value reads as it, so converting never drops a value.
 *
 * Masks cost a few regexes per cell, so a large table is planned from a sample (blocks of 1,000
 * rows spread over it, up to 40,000 rows and 800,000 cells):
 * - a column whose sample holds text no type reads is text, settled, as is one with a leading
 *   zero, a code name or a censored count: one such value is enough, and the sample has it;
 * - a column whose sample is all of one type is only checked, one regex per value (checkSql), in
 *   the full scan, or by the caller as it converts the values (`deferChecks`); a column with a
 *   value that fails is masked in one more scan (`recheck` when the caller checked);
 * - any other column (booleans, nearly typed, empty in the sample) is masked in the full scan.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdent } from '../stores/tables/duckdb.ts';
import { BIT, DATE_BITS, DATE_FORMATS, MISSING_VALUES, NUMERIC_BITS, checkSql, cleanSql, maskSql, missingSql } from './infer-sql.ts';
import { followUp, questions, type ColumnStats, type FollowUpContext, type Pending } from './infer-followup.ts';
import type { SchemaField, TableError, TableErrorType, TableSchema } from './types.ts';

export { checkSql, duckdbType, typedValueSql, MISSING_VALUES } from './infer-sql.ts';

export interface InferColumn {
  /** The VARCHAR column in the table. */
  column: string;
  /** The field name in the schema. */
  name: string;
  title?: string;
  /** 1-based position reported in errors. */
  fieldNumber: number;
}

export interface InferOptions {
  /** SQL condition on the table choosing the rows that count (e.g. footer rows left out). */
  where?: string;
  /** The source's delimiter, the locale hint for '1.234': ',' means a decimal point, anything else a decimal comma. */
  delimiter?: string;
  /** Record number in the source of a table rowid; rowid + 1 by default. */
  rowNumber?: (rowid: number) => number;
  /** Most errors listed per type (the counts stay true). */
  errorCap?: number;
  /** Two-digit years up to this are 20yy, later ones 19yy. Default: this year's two digits + 10. */
  pivotYear?: number;
  /** Further aggregates over the same rows, computed in the full scan, returned in `extra`. */
  extraAggregates?: string[];
  /** Leave the checks of sample-typed fields to the caller (see `unverified`), saving a pass over their values. */
  deferChecks?: boolean;
  /** After a deferred check failed: masks the unverified columns of this result, keeps its other fields. */
  recheck?: InferResult;
}

export interface InferResult {
  schema: TableSchema;
  /** With deferChecks: fields typed from a sample whose values the caller must hold to checkSql(). */
  unverified: boolean[];
  /** type-error and censored-value errors, capped per type, in no particular order. */
  errors: TableError[];
  counts: Map<TableErrorType, number>;
  extra: unknown[];
  pivotYear: number;
}

/** How the full scan treats a column, planned from a sample. */
type Plan =
  /** `boolean`: the sample reads as booleans, so the full scan also collects their spellings. */
  | { kind: 'mask'; boolean?: boolean }
  | { kind: 'settled'; field: SchemaField; censored: boolean }
  | { kind: 'check'; field: SchemaField };

/** Tables with more rows are planned from a sample of about SAMPLE_ROWS rows. */
const SAMPLE_ABOVE = 100_000;
const SAMPLE_ROWS = 40_000;
const SAMPLE_CELLS = 800_000;
const SAMPLE_BLOCK = 1_000;
const NEARLY = 0.9;
const CODE_WORDS = new Set(['code', 'codes', 'nis', 'refnis', 'niscode', 'postcode', 'postcodes', 'postnummer', 'postalcode', 'codepostal', 'zip', 'zipcode', 'cp', 'ins', 'kbo', 'bce', 'id', 'plz', 'ondernemingsnummer']);

const has = (mask: bigint, bit: bigint) => (mask & bit) !== 0n;

/** True when a column name says the column holds codes (NIS, postcodes, ids), which stay text. */
export function nameSaysCode(name: string): boolean {
  const lower = name.toLowerCase();
  if (/code[\s_-]*postal/.test(lower)) return true;
  return lower.split(/[^\p{L}\p{N}]+/u).some((w) => CODE_WORDS.has(w));
}

/** Default pivot: two-digit years up to this year + 10 belong to this century. */
export function defaultPivotYear(now = new Date()): number {
  return Math.min(99, (now.getFullYear() % 100) + 10);
}

/** Infers a Frictionless field per column of `table` (see the file comment for the scans). */
export async function inferSchema(conn: DuckDBConnection, table: string, columns: InferColumn[], opts: InferOptions = {}): Promise<InferResult> {
  const pivotYear = opts.pivotYear ?? defaultPivotYear();
  const commaHint = opts.delimiter !== ',';
  const where = opts.where ?? 'true';
  const ctx = { table, columns, where, commaHint };

  let plans: Plan[] = columns.map(() => ({ kind: 'mask' }));
  if (opts.recheck) {
    const previous = opts.recheck;
    plans = previous.schema.fields.map((field, i) => (previous.unverified[i] ? { kind: 'mask' } : { kind: 'settled', field, censored: false }));
  } else {
    const total = Number((await one(conn, `SELECT count(*) FROM ${table} WHERE ${where}`))[0]);
    if (total > SAMPLE_ABOVE) {
      // Blocks of rows spread over the table, the first one at its top, where sorted codes begin.
      // Wide tables get fewer rows: masks cost per cell.
      const sampleRows = Math.max(SAMPLE_BLOCK * 10, Math.min(SAMPLE_ROWS, SAMPLE_CELLS / Math.max(1, columns.length)));
      const stride = Math.floor(total / (sampleRows / SAMPLE_BLOCK));
      const sample = await columnStats(conn, ctx, plans, `(${where}) AND rowid % ${stride} < ${SAMPLE_BLOCK}`, []);
      plans = columns.map((col, i) => plan(col, sample.stats[i], commaHint));
    }
  }
  const errors: TableError[] = [];
  const counts = new Map<TableErrorType, number>();
  const cap = opts.errorCap ?? 100;
  const report = (e: TableError, count = 1) => {
    counts.set(e.type, (counts.get(e.type) ?? 0) + count);
    if (errors.filter((x) => x.type === e.type).length < cap) errors.push(e);
  };
  const follow: FollowUpContext = { ...ctx, cap, report, rowNumber: opts.rowNumber ?? ((rowid) => rowid + 1), rows: (masked, cleaned) => maskedRows(ctx, masked, cleaned) };

  // Questions the sample already raises are answered in the full scan, not in one more.
  const early: Pending[] = plans.flatMap((p, i): Pending[] => (p.kind === 'settled' && p.censored ? [{ index: i, censored: true }] : p.kind === 'mask' && p.boolean ? [{ index: i, booleans: true }] : []));
  const stats: ColumnStats[] = columns.map(() => ({ n: 0, all: 0n, any: 0n, numeric: 0, dates: 0 }));
  const earlyAnswers = questions(conn, follow, stats, early);
  const extra = opts.extraAggregates ?? [];
  const deferred = opts.deferChecks ? plans.map((p): Plan => (p.kind === 'check' ? { kind: 'settled', field: p.field, censored: false } : p)) : plans;
  const main = await columnStats(conn, ctx, deferred, where, [...extra, ...earlyAnswers.aggs], earlyAnswers.cleaned);
  main.stats.forEach((s, i) => (stats[i] = s));
  if (main.failed.length) {
    // The sample missed a value of another kind: those columns are masked after all.
    for (const i of main.failed) plans[i] = { kind: 'mask' };
    const again = await columnStats(conn, ctx, plans.map((p, i) => (main.failed.includes(i) ? p : { kind: 'settled', field: { name: '', type: 'string' }, censored: false })), where, []);
    for (const i of main.failed) stats[i] = again.stats[i];
  }

  const answered = new Set(early.map((p) => `${p.index}:${p.booleans ? 'b' : 'c'}`));
  const pending: Pending[] = [];
  const fields = columns.map((col, i) => {
    const p = plans[i];
    if (p.kind !== 'mask') return p.field;
    return decide(col, stats[i], commaHint, (q) => {
      if (!(q.booleans && answered.has(`${i}:b`))) pending.push({ index: i, ...q });
    });
  });
  await earlyAnswers.read(main.extraValues.slice(extra.length), fields);
  if (pending.length) await followUp(conn, follow, fields, stats, pending);
  if (opts.recheck) {
    for (const e of opts.recheck.errors) report(e, 0);
    for (const [type, count] of opts.recheck.counts) counts.set(type, (counts.get(type) ?? 0) + count);
  }
  const unverified = plans.map((p) => p.kind === 'check' && !!opts.deferChecks);
  return { schema: { fields, missingValues: [...MISSING_VALUES] }, unverified, errors, counts, extra: main.extraValues.slice(0, extra.length), pivotYear };
}

interface ScanContext {
  table: string;
  columns: InferColumn[];
  where: string;
}

/**
 * One aggregate scan: count, bit_and, bit_or and family counts of the masks of the columns
 * planned 'mask', and the values failing their check for those planned 'check'.
 */
async function columnStats(conn: DuckDBConnection, ctx: ScanContext, plans: Plan[], where: string, extra: string[], others: number[] = []) {
  const masked = ctx.columns.map((_, i) => i).filter((i) => plans[i].kind === 'mask');
  const checked = ctx.columns.map((_, i) => i).filter((i) => plans[i].kind === 'check');
  const aggs = masked.flatMap((i) => [
    `count(__m${i})`, `bit_and(__m${i})`, `bit_or(__m${i})`,
    `count_if(__m${i} & ${NUMERIC_BITS} <> 0)`, `count_if(__m${i} & ${DATE_BITS} <> 0)`,
  ]);
  const checks = checked.map((i) => {
    const v = `__v${i}`;
    return `count_if(NOT ${missingSql(v)} AND NOT (${checkSql((plans[i] as { field: SchemaField }).field, v)}))`;
  });
  const row = await one(conn, `SELECT ${[...aggs, ...checks, ...extra].join(', ') || '1'} FROM ${maskedRows({ ...ctx, where }, masked, [...checked, ...others.filter((i) => !masked.includes(i) && !checked.includes(i))])}`);
  const stats: ColumnStats[] = ctx.columns.map(() => ({ n: 0, all: 0n, any: 0n, numeric: 0, dates: 0 }));
  masked.forEach((i, k) => {
    const at = k * 5;
    stats[i] = {
      n: Number(row[at]), all: BigInt((row[at + 1] as bigint | null) ?? 0n), any: BigInt((row[at + 2] as bigint | null) ?? 0n),
      numeric: Number(row[at + 3]), dates: Number(row[at + 4]),
    };
  });
  const failed = checked.filter((_, k) => Number(row[aggs.length + k]) > 0);
  return { stats, failed, extraValues: row.slice(aggs.length + checks.length) };
}

/** Rows with the cleaned text (__vI) of the masked and other listed columns, and the mask (__mI) of the masked; trim runs once per cell. */
function maskedRows(ctx: ScanContext, masked: number[], others: number[] = []): string {
  const cleaned = [...masked, ...others].map((i) => `, ${cleanSql(sqlIdent(ctx.columns[i].column))} AS __v${i}`).join('');
  const masks = masked.map((i) => `, ${maskSql(`__v${i}`)} AS __m${i}`).join('');
  return `(SELECT *${masks} FROM (SELECT rowid AS __rowid, *${cleaned} FROM ${ctx.table} WHERE ${ctx.where}))`;
}

/** Plans the full scan of a column from its sample. */
function plan(col: InferColumn, s: ColumnStats, commaHint: boolean): Plan {
  if (s.n === 0) return { kind: 'mask' };
  let asked = false;
  const field = decide(col, s, commaHint, () => (asked = true));
  if (field.type === 'string') {
    // Leading zeros, a code name or a censored count keep a column text, whatever the other rows hold.
    if (field['x-reason']) return { kind: 'settled', field, censored: has(s.any, BIT.CENSORED) };
    // A nearly typed column needs every row counted, to list the cells that are not.
    return Math.max(s.numeric, s.dates) < 0.5 * s.n ? { kind: 'settled', field, censored: false } : { kind: 'mask' };
  }
  if (field.type === 'boolean') return { kind: 'mask', boolean: true };
  if (asked) return { kind: 'mask' };
  return { kind: 'check', field };
}

/** The field for a column from the masks of its values; `ask` queues questions for the follow-up scan. */
function decide(col: InferColumn, s: ColumnStats, commaHint: boolean, ask: (p: Omit<Pending, 'index'>) => void): SchemaField {
  const field: SchemaField = { name: col.name, type: 'string' };
  if (col.title) field.title = col.title;
  if (s.n === 0) return field;
  const { all, any } = s;

  if (has(all, BIT.BOOL) && (has(any, BIT.BOOL_WORD) || (has(any, BIT.BOOL_TRUE) && has(any, BIT.BOOL_FALSE)))) {
    ask({ booleans: true });
    return { ...field, type: 'boolean' };
  }

  const commaOk = has(all, BIT.NUMC_X);
  const pointOk = has(all, BIT.NUMP_X);
  if (commaOk || pointOk) {
    if (has(any, BIT.CENSORED)) {
      ask({ censored: true });
      return { ...field, 'x-reason': 'censored values (such as <5) among the numbers' };
    }
    // Only when both readings hold (all values like 1.234 or 12) does the file's locale decide.
    const comma = commaOk && pointOk ? commaHint : commaOk;
    const isInteger = has(all, comma ? BIT.INT_C : BIT.INT_P);
    const groupChar = comma ? (has(any, BIT.GROUP_DOT) ? '.' : has(any, BIT.GROUP_SPACE) ? ' ' : undefined)
      : (has(any, BIT.GROUP_COMMA) ? ',' : has(any, BIT.GROUP_SPACE) ? ' ' : undefined);
    if (isInteger) {
      if (has(any, BIT.LEADING_ZERO)) return { ...field, 'x-reason': 'leading zeros (codes such as NIS codes or postcodes keep them as text)' };
      if (nameSaysCode(col.name)) return { ...field, 'x-reason': 'the column name says it holds codes, kept as text' };
      if (has(any, BIT.LONG)) ask({ longLimit: 18 });
      return { ...field, type: 'integer', ...(groupChar ? { groupChar } : {}) };
    }
    if (has(any, BIT.LONG)) ask({ longLimit: 15 });
    return { ...field, type: 'number', decimalChar: comma ? ',' : '.', ...(groupChar ? { groupChar } : {}) };
  }

  const format = DATE_FORMATS.find((f) => has(all, f.bit));
  if (format) return { ...field, type: format.type, format: format.format };

  if (Math.max(s.numeric, s.dates) >= NEARLY * s.n) ask({ near: true, censored: has(any, BIT.CENSORED) });
  return field;
}

async function one(conn: DuckDBConnection, sql: string): Promise<unknown[]> {
  return (await conn.runAndReadAll(sql)).getRowsJS()[0] ?? [];
}
