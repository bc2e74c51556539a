/**
 * Structure checks on the loaded VARCHAR table (c1..cN): blank rows, rows shorter or longer than
 * the header. Counting happens in the inference scan (extra aggregates); the few rows listed as
 * errors are read afterwards. Also the error list of the load stage: capped per type, true counts.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdent, sqlString } from '../../stores/tables/duckdb.ts';
import type { ErrorSummary, SchemaField, TableError, TableErrorType } from '../types.ts';

/** Errors listed per type; the summary keeps the true counts. */
export const ERROR_CAP = 100;
const WHITESPACE = ' \t\r\n\u00a0\u202f';

export const cellSql = (k: number) => sqlIdent(`c${k}`);
export const range = (n: number) => Array.from({ length: Math.max(0, n) }, (_, i) => i + 1);

/** True when the cell holds more than white space. */
export function nonBlankSql(c: string): string {
  return `(${c} IS NOT NULL AND ${c} <> '' AND (NOT list_contains([32, 9, 13, 10, 160, 8239], ascii(${c})) OR trim(${c}, ${sqlString(WHITESPACE)}) <> ''))`;
}

/** True when every cell is NULL or white space; the CASE stops at the first filled cell. */
export function blankSql(declared: number): string {
  return `(CASE ${range(declared).map((k) => `WHEN ${nonBlankSql(cellSql(k))} THEN false`).join(' ')} ELSE true END)`;
}

/** Aggregates for the inference scan: blank rows, short rows, long rows, then filled cells per column past the header. */
export function structureAggregates(width: number, declared: number): string[] {
  const blank = blankSql(declared);
  const extra = range(declared - width).map((i) => nonBlankSql(cellSql(width + i)));
  return [
    `count_if(${blank})`,
    `count_if(${cellSql(width)} IS NULL AND NOT ${blank})`,
    `count_if(${extra.length ? extra.join(' OR ') : 'false'})`,
    ...extra.map((c) => `count_if(${c})`),
  ];
}

export interface Structure {
  blankCount: number;
  missingCount: number;
  extraRowCount: number;
  /** Columns past the header that hold text somewhere (0 when none). */
  extraColumns: number;
}

/** Reads structureAggregates' values. */
export function readStructure(values: unknown[]): Structure {
  const [blankCount, missingCount, extraRowCount, ...perColumn] = values.map(Number);
  const extraColumns = perColumn.reduce((last, c, i) => (c > 0 ? i + 1 : last), 0);
  return { blankCount, missingCount, extraRowCount, extraColumns };
}

interface Listing {
  table: string;
  width: number;
  declared: number;
  lastData: number;
  fields: SchemaField[];
  delimiter: string;
  rowNumber: (rowid: number) => number;
}

/** Lists the short and long rows (up to the cap each) as errors, with their true counts. */
export async function listStructureErrors(conn: DuckDBConnection, s: Structure, t: Listing, errors: ErrorList) {
  const inData = `rowid <= ${t.lastData} AND NOT ${blankSql(t.declared)}`;
  if (s.missingCount) {
    const filled = range(t.declared).map((k) => `(${cellSql(k)} IS NOT NULL)::INT`).join(' + ');
    const listed = await rows(conn, `SELECT rowid, ${filled} FROM ${t.table} WHERE ${inData} AND ${cellSql(t.width)} IS NULL ORDER BY rowid LIMIT ${ERROR_CAP}`);
    for (const [rowid, cells] of listed) errors.add(missingError(t.rowNumber(Number(rowid)), Number(cells), t.width, t.fields), 0);
    errors.count('missing-cell', s.missingCount);
  }
  if (s.extraRowCount) {
    const extras = range(s.extraColumns).map((i) => cellSql(t.width + i));
    const any = extras.map(nonBlankSql).join(' OR ');
    const listed = await rows(conn, `SELECT rowid, ${extras.join(', ')} FROM ${t.table} WHERE ${inData} AND (${any}) ORDER BY rowid LIMIT ${ERROR_CAP}`);
    for (const [rowid, ...cells] of listed) errors.add(extraError(t.rowNumber(Number(rowid)), cells as (string | null)[], t.width, t.fields, t.delimiter), 0);
    errors.count('extra-cell', s.extraRowCount);
  }
}

/** rowids of the blank rows among the data, all of them (the writer drops them). */
export async function blankRowids(conn: DuckDBConnection, s: Structure, table: string, declared: number, lastData: number): Promise<number[]> {
  if (!s.blankCount) return [];
  return (await rows(conn, `SELECT rowid FROM ${table} WHERE rowid <= ${lastData} AND ${blankSql(declared)} ORDER BY rowid`)).map((r) => Number(r[0]));
}

export function blankError(rowNumber: number): TableError {
  return { type: 'blank-row', rowNumber, message: `Row ${rowNumber} is blank; it was dropped.` };
}

export function footerError(rowNumber: number, text: string, kind: 'note' | 'total' | 'first-cell-only'): TableError {
  const why = kind === 'total'
    ? 'is a total below the table; it was dropped, as it would be counted as data. Whoever uses the data can compute totals.'
    : 'sits below the table and reads as a note; it was dropped. Put sources and notes in the description of the dataset instead.';
  return { type: 'footer-row', rowNumber, cell: text, message: `Row ${rowNumber} ("${shorten(text)}") ${why}` };
}

function missingError(rowNumber: number, cells: number, width: number, fields: SchemaField[]): TableError {
  const missing = fields.slice(cells, width).map((f) => `"${f.name}"`);
  const list = missing.length > 3 ? `${missing.slice(0, 3).join(', ')} and ${missing.length - 3} more are` : `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'}`;
  return {
    type: 'missing-cell', rowNumber, fieldNumber: cells + 1, fieldName: fields[cells]?.name,
    message: `Row ${rowNumber} has ${cells} cell${cells === 1 ? '' : 's'} where the header has ${width}; ${list} left empty. ` +
      'Check the row for a missing delimiter or a line break inside an unquoted cell.',
  };
}

function extraError(rowNumber: number, extra: (string | null)[], width: number, fields: SchemaField[], delimiter: string): TableError {
  const filled = (c: string | null) => c !== null && c.trim() !== '';
  const last = extra.reduce((l, c, i) => (filled(c) ? i : l), -1);
  const text = extra.slice(0, last + 1).map((c) => c?.trim() ?? '').join(delimiter);
  const names = fields.slice(width, width + last + 1).map((f) => `"${f.name}"`).join(', ');
  return {
    type: 'extra-cell', rowNumber, fieldNumber: width + 1 + extra.findIndex(filled), fieldName: fields[width + extra.findIndex(filled)]?.name, cell: text,
    message: `Row ${rowNumber} has more cells than the header's ${width}; the extra text "${shorten(text)}" is kept in ${names}. ` +
      `A delimiter ("${delimiter}") inside an unquoted cell often causes this: enclose that cell in quotes at the source.`,
  };
}

/** The text of a row as the source had it, without trailing empty cells. */
export function rowText(cells: (string | null)[], delimiter: string): string {
  const trimmed = cells.map((c) => c?.trim() ?? '');
  while (trimmed.length && trimmed[trimmed.length - 1] === '') trimmed.pop();
  return trimmed.join(delimiter);
}

const shorten = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}...` : s);

export async function rows(conn: DuckDBConnection, sql: string): Promise<unknown[][]> {
  return (await conn.runAndReadAll(sql)).getRowsJS() as unknown[][];
}

/** Errors capped per type in source order, with true counts. */
export class ErrorList {
  private listed = new Map<TableErrorType, TableError[]>();
  private counts = new Map<TableErrorType, number>();

  /** Lists an error and counts it `count` times (0 when counted with count()). */
  add(e: TableError, count = 1) {
    const list = this.listed.get(e.type) ?? [];
    list.push(e);
    this.listed.set(e.type, list);
    this.count(e.type, count);
  }

  count(type: TableErrorType, count: number) {
    this.counts.set(type, (this.counts.get(type) ?? 0) + count);
  }

  /** The listed errors, at most ERROR_CAP per type, by row then column; the true counts. */
  result(): { list: TableError[]; summary: ErrorSummary[] } {
    const byPosition = (a: TableError, b: TableError) => (a.rowNumber ?? 0) - (b.rowNumber ?? 0) || (a.fieldNumber ?? 0) - (b.fieldNumber ?? 0);
    const list = [...this.listed.values()].flatMap((l) => l.sort(byPosition).slice(0, ERROR_CAP)).sort(byPosition);
    const summary = [...this.counts].filter(([, count]) => count > 0).map(([type, count]) => ({ type, count }));
    return { list, summary };
  }
}
