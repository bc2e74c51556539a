/**
 * Downloads of a table version: CSV, JSON and Parquet written by DuckDB in one COPY, XLSX streamed
 * row by row. Each is written beside its final name and renamed, so a half-written file is never served.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { DuckDBDateValue, DuckDBTimestampValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { SchemaField, TableSchema } from '../ingest/types.ts';
import { AppError } from '../errors.ts';
import { keepsInsertionOrder, sqlIdent, sqlString } from '../stores/tables/duckdb.ts';

export type ExportFormat = 'csv' | 'json' | 'parquet' | 'xlsx';

export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  parquet: 'application/vnd.apache.parquet',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** A worksheet holds 1,048,576 rows; one is the header. */
export const XLSX_MAX_DATA_ROWS = 1_048_575;

export interface ExportSource {
  parquetPath: string;
  schema: TableSchema;
}

export interface ExportOptions {
  /** Name of the XLSX sheet, usually the resource's name; cleaned to what Excel accepts. */
  sheetName?: string;
}

export interface ExportedFile {
  path: string;
  bytes: number;
  mediaType: string;
}

/** Writes the whole table (fields only, in _id order) as a download file. */
export async function exportTable(
  conn: DuckDBConnection,
  source: ExportSource,
  format: ExportFormat,
  outPath: string,
  options: ExportOptions = {},
): Promise<ExportedFile> {
  const tmp = outPath + '.tmp';
  try {
    if (format === 'xlsx') await writeXlsx(conn, source, tmp, options.sheetName);
    else await conn.run(`COPY (${selectSql(source, format, await keepsInsertionOrder(conn))}) TO ${sqlString(tmp)} (${copyOptions(format)})`);
    fs.renameSync(tmp, outPath);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return { path: outPath, bytes: fs.statSync(outPath).size, mediaType: EXPORT_MEDIA_TYPES[format] };
}

function copyOptions(format: Exclude<ExportFormat, 'xlsx'>): string {
  switch (format) {
    // RFC 4180: CRLF line ends, fields with , " CR or LF quoted, quotes doubled; NULL is an empty field, '' is "".
    case 'csv':
      return `FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"', NEW_LINE '\r\n'`;
    case 'json':
      return 'FORMAT json, ARRAY true';
    case 'parquet':
      return 'FORMAT parquet, COMPRESSION zstd';
  }
}

/** Cells that spreadsheets would run as formulas (OWASP CSV injection): = + - @ TAB CR at the start. */
const FORMULA_START = `('=', '+', '-', '@', chr(9), chr(13))`;

function neutralised(expr: string): string {
  return `CASE WHEN left(${expr}, 1) IN ${FORMULA_START} THEN '''' || ${expr} ELSE ${expr} END`;
}

function selectSql(source: ExportSource, format: Exclude<ExportFormat, 'xlsx'>, fileOrder: boolean): string {
  const columns = source.schema.fields.map((f) => `${cellSql(f, format)} AS ${sqlIdent(format === 'csv' ? neutralisedName(f.name) : f.name)}`);
  // _id and _row are storage details: the download is the data, in the order it was published.
  return `SELECT ${columns.join(', ')} FROM read_parquet(${sqlString(source.parquetPath)})${fileOrder ? '' : ' ORDER BY _id'}`;
}

function cellSql(f: SchemaField, format: Exclude<ExportFormat, 'xlsx'>): string {
  const col = sqlIdent(f.name);
  if (format === 'parquet') return col;
  // The same text as the row API: ISO 8601 with a T.
  if (f.type === 'datetime') return `replace(CAST(${col} AS VARCHAR), ' ', 'T')`;
  // JSON has no NaN or Infinity.
  if (f.type === 'number' && format === 'json') return `CASE WHEN isfinite(${col}) THEN ${col} END`;
  // DuckDB prints a whole double as "7.0"; the source wrote "7", so write it back that way.
  if (f.type === 'number' && format === 'csv') return `CASE WHEN isfinite(${col}) AND ${col} = trunc(${col}) AND abs(${col}) < 1e15 THEN CAST(CAST(${col} AS BIGINT) AS VARCHAR) ELSE CAST(${col} AS VARCHAR) END`;
  // Typed columns are never touched: -5 in an integer column is a number, not a formula.
  if (format === 'csv' && (f.type === 'string' || f.type === 'geojson')) return neutralised(col);
  return col;
}

function neutralisedName(name: string): string {
  return /^[=+\-@\t\r]/.test(name) ? `'${name}` : name;
}

/** Excel refuses sheet names with []:*?/\, longer than 31 characters, or starting or ending with '. */
export function xlsxSheetName(name: string | undefined): string {
  const cleaned = [...(name ?? '').replace(/[[\]:*?/\\\u0000-\u001f]/g, ' ').replace(/\s+/g, ' ').trim()]
    .slice(0, 31)
    .join('')
    .replace(/^'+|'+$/g, '')
    .trim();
  return cleaned || 'data';
}

async function writeXlsx(conn: DuckDBConnection, source: ExportSource, tmp: string, sheetName: string | undefined): Promise<void> {
  const metadata = await conn.runAndReadAll(`SELECT sum(num_rows) FROM parquet_file_metadata(${sqlString(source.parquetPath)})`);
  const rows = Number(metadata.getRows()[0][0] ?? 0);
  if (rows > XLSX_MAX_DATA_ROWS) {
    throw new AppError(
      'validation_failed',
      `This table has ${rows.toLocaleString('en')} rows; an XLSX sheet holds at most ${XLSX_MAX_DATA_ROWS.toLocaleString('en')}. Download it as CSV or Parquet instead.`,
    );
  }
  const fields = source.schema.fields;
  // Inline strings, not the shared-strings table: that table would grow in memory with every distinct value.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: tmp, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(xlsxSheetName(sheetName), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = fields.map((f) => ({
    key: f.name,
    width: Math.min(Math.max(f.name.length + 2, f.type === 'datetime' ? 20 : 12), 50),
    style: f.type === 'date' ? { numFmt: 'yyyy-mm-dd' } : f.type === 'datetime' ? { numFmt: 'yyyy-mm-dd hh:mm:ss' } : {},
  }));
  // Setting columns writes no header for a streaming sheet; it is the first row, as plain strings.
  sheet.addRow(fields.map((f) => f.name)).commit();
  const order = (await keepsInsertionOrder(conn)) ? '' : ' ORDER BY _id';
  const result = await conn.stream(`SELECT ${fields.map((f) => sqlIdent(f.name)).join(', ')} FROM read_parquet(${sqlString(source.parquetPath)})${order}`);
  for await (const chunk of result.yieldRows()) {
    for (const row of chunk) sheet.addRow(row.map(xlsxValue)).commit();
    await compressorDrained(sheet);
  }
  sheet.commit();
  await workbook.commit();
}

/**
 * exceljs's sheet stream writes into the zip compressor without ever waiting for it, so a fast
 * producer piles the sheet's XML up in memory (measured: ~0.9 KB per row, 865 MB for 1M rows).
 * Waiting for the compressor's input to drain after each chunk keeps memory flat.
 */
async function compressorDrained(sheet: ExcelJS.Worksheet): Promise<void> {
  type Dest = Writable & { _writableState?: { needDrain?: boolean } };
  const pipes = (sheet as unknown as { stream?: { pipes?: Dest[] } }).stream?.pipes ?? [];
  // archiver's streams come from readable-stream 2, which has _writableState but not writableNeedDrain.
  for (const dest of pipes) if (dest.writableNeedDrain || dest._writableState?.needDrain) await once(dest, 'drain');
}

/** Typed cell values: numbers, booleans, dates as Excel dates (UTC components, no time zone shift). */
function xlsxValue(v: DuckDBValue): ExcelJS.CellValue {
  if (v === null || typeof v === 'boolean') return v;
  // exceljs writes a string as a string cell, never as a formula: "=SUM(A1)" stays text.
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  // Excel numbers are doubles: integers beyond 2^53 would change silently, so they stay text.
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof DuckDBDateValue) return new Date(v.days * 86_400_000);
  if (v instanceof DuckDBTimestampValue) return new Date(Number(v.micros / 1000n));
  return String(v);
}
