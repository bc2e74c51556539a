import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { TableSchema } from '../ingest/types.ts';
import { AppError } from '../errors.ts';
import { tempDir } from '../../test/helpers/paths.ts';
import { EXPORT_MEDIA_TYPES, exportTable, xlsxSheetName, XLSX_MAX_DATA_ROWS, type ExportSource } from './exports.ts';

const schema: TableSchema = {
  missingValues: [''],
  fields: [
    { name: 'label', type: 'string' },
    { name: 'n', type: 'integer' },
    { name: 'x', type: 'number' },
    { name: 'ok', type: 'boolean' },
    { name: 'd', type: 'date' },
    { name: 'ts', type: 'datetime' },
    { name: '=risky name', type: 'string' },
  ],
};

// _id, label, n, x, ok, d, ts, risky
const values = `
  (1, 'Liège, "centre"', -5, 0.1, true, DATE '2020-01-15', TIMESTAMP '2021-03-01 12:00:00.25', 'a'),
  (2, 'line one' || chr(10) || 'line two' || chr(13) || chr(10) || 'three', 42, -5.25, false, DATE '1999-12-31', TIMESTAMP '2020-02-29 23:59:59', 'b'),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, '', 0, 1000.0, true, DATE '2024-02-29', TIMESTAMP '2024-02-29 00:00:00', ''),
  (5, '=SUM(A1)', 7, 123456.789, false, DATE '2000-01-01', TIMESTAMP '2000-01-01 08:00:00', '-5'),
  (6, '-5', -5, -0.5, true, DATE '2001-01-01', TIMESTAMP '2001-01-01 01:02:03', '+32 2 123 45 67'),
  (7, '@cmd', 1, 1.5, false, DATE '2002-02-02', TIMESTAMP '2002-02-02 02:02:02', chr(9) || 'tab'),
  (8, chr(13) || 'cr', 2, 2.5, true, DATE '2003-03-03', TIMESTAMP '2003-03-03 03:03:03', 'Ça va ? Œuvre ß 😀')`;

let instance: DuckDBInstance;
let conn: DuckDBConnection;
let dir: string;
let source: ExportSource;

before(async () => {
  dir = tempDir();
  instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  conn = await instance.connect();
  await conn.run(`CREATE TABLE t (_id BIGINT, label VARCHAR, n BIGINT, x DOUBLE, ok BOOLEAN, d DATE, ts TIMESTAMP, "=risky name" VARCHAR)`);
  await conn.run(`INSERT INTO t VALUES ${values}`);
  const parquetPath = path.join(dir, 'table.parquet');
  await conn.run(`COPY (SELECT _id, _id + 1 AS _row, * EXCLUDE (_id) FROM t ORDER BY _id) TO '${parquetPath}' (FORMAT parquet)`);
  source = { parquetPath, schema };
});

after(() => {
  conn.closeSync();
  instance.closeSync();
});

const out = (name: string) => path.join(dir, name);

test('CSV: UTF-8 without BOM, CRLF, RFC 4180 quoting, fields only, canonical values', async () => {
  const r = await exportTable(conn, source, 'csv', out('t.csv'));
  assert.equal(r.mediaType, EXPORT_MEDIA_TYPES.csv);
  assert.equal(r.bytes, fs.statSync(r.path).size);
  assert.equal(fs.existsSync(out('t.csv.tmp')), false);
  const text = fs.readFileSync(r.path, 'utf8');
  assert.notEqual(text.charCodeAt(0), 0xfeff);
  assert.ok(text.startsWith(`label,n,x,ok,d,ts,'=risky name\r\n`), 'header without _id/_row, formula-like names neutralised');
  assert.ok(text.endsWith('\r\n'));
  assert.ok(text.includes(`"Liège, ""centre""",-5,0.1,true,2020-01-15,2021-03-01T12:00:00.25,a\r\n`));
  assert.ok(text.includes(`"line one\nline two\r\nthree",42,-5.25,false,1999-12-31,2020-02-29T23:59:59,b\r\n`));
  assert.ok(text.includes(`\r\n,,,,,,\r\n`), 'NULL is an empty field');
  assert.ok(text.includes(`\r\n"",0,1000,true,2024-02-29,2024-02-29T00:00:00,""\r\n`), 'an empty text is ""; a whole double is written without ".0"');
  const [header, ...rows] = parse(text, { relax_column_count: false }) as string[][];
  assert.deepEqual(header, ['label', 'n', 'x', 'ok', 'd', 'ts', "'=risky name"]);
  assert.equal(rows.length, 8);
  assert.deepEqual(rows[1], ['line one\nline two\r\nthree', '42', '-5.25', 'false', '1999-12-31', '2020-02-29T23:59:59', 'b']);
  assert.deepEqual(rows[2], ['', '', '', '', '', '', '']);
});

test('CSV: formula-looking text is neutralised with a quote; typed numbers are never touched', async () => {
  const r = await exportTable(conn, source, 'csv', out('f.csv'));
  const rows = (parse(fs.readFileSync(r.path, 'utf8')) as string[][]).slice(1);
  const byLabel = (i: number) => [rows[i][0], rows[i][1], rows[i][6]];
  assert.deepEqual(byLabel(4), ["'=SUM(A1)", '7', "'-5"]);
  assert.deepEqual(byLabel(5), ["'-5", '-5', "'+32 2 123 45 67"]);
  assert.deepEqual(byLabel(6), ["'@cmd", '1', "'\ttab"]);
  assert.deepEqual(byLabel(7), ["'\rcr", '2', 'Ça va ? Œuvre ß 😀']);
  assert.deepEqual([rows[0][1], rows[0][2], rows[5][2]], ['-5', '0.1', '-0.5']);
});

test('JSON: an array of objects with typed values, dates as ISO text, text untouched', async () => {
  const r = await exportTable(conn, source, 'json', out('t.json'));
  assert.equal(r.mediaType, 'application/json');
  const data = JSON.parse(fs.readFileSync(r.path, 'utf8')) as Record<string, unknown>[];
  assert.equal(data.length, 8);
  assert.deepEqual(data[0], {
    label: 'Liège, "centre"', n: -5, x: 0.1, ok: true, d: '2020-01-15', ts: '2021-03-01T12:00:00.25', '=risky name': 'a',
  });
  assert.deepEqual(data[2], { label: null, n: null, x: null, ok: null, d: null, ts: null, '=risky name': null });
  assert.equal(data[1].label, 'line one\nline two\r\nthree');
  assert.deepEqual([data[3].label, data[3].x], ['', 1000]);
  assert.deepEqual([data[4].label, data[4].x], ['=SUM(A1)', 123456.789]);
  assert.equal(data[7]['=risky name'], 'Ça va ? Œuvre ß 😀');
});

test('Parquet: the fields only, typed, ZSTD-compressed, in _id order', async () => {
  const r = await exportTable(conn, source, 'parquet', out('t.parquet'));
  assert.equal(r.mediaType, 'application/vnd.apache.parquet');
  const p = `read_parquet('${r.path}')`;
  const cols = (await conn.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${p})`)).getRows();
  assert.deepEqual(cols, [
    ['label', 'VARCHAR'], ['n', 'BIGINT'], ['x', 'DOUBLE'], ['ok', 'BOOLEAN'], ['d', 'DATE'], ['ts', 'TIMESTAMP'], ['=risky name', 'VARCHAR'],
  ]);
  const rows = (await conn.runAndReadAll(`SELECT label, n, x FROM ${p}`)).getRowsJS();
  assert.deepEqual(rows[4], ['=SUM(A1)', 7n, 123456.789]);
  assert.deepEqual(rows.map((row) => row[0]).slice(0, 1), ['Liège, "centre"']);
  const codecs = (await conn.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata('${r.path}')`)).getRowsJS();
  assert.deepEqual(codecs, [['ZSTD']]);
});

test('XLSX: one named sheet, header, typed cells, formula-like text as plain text', async () => {
  const r = await exportTable(conn, source, 'xlsx', out('t.xlsx'), { sheetName: 'Permis: 2024/25 [brouillon]' });
  assert.equal(r.mediaType, EXPORT_MEDIA_TYPES.xlsx);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(r.path);
  assert.equal(wb.worksheets.length, 1);
  const ws = wb.worksheets[0];
  assert.equal(ws.name, 'Permis 2024 25 brouillon');
  assert.equal(ws.rowCount, 9);
  assert.deepEqual((ws.getRow(1).values as unknown[]).slice(1), ['label', 'n', 'x', 'ok', 'd', 'ts', '=risky name']);
  const row2 = ws.getRow(2);
  assert.deepEqual([row2.getCell(1).value, row2.getCell(2).value, row2.getCell(3).value, row2.getCell(4).value], ['Liège, "centre"', -5, 0.1, true]);
  assert.equal((row2.getCell(5).value as Date).toISOString(), '2020-01-15T00:00:00.000Z');
  assert.equal((row2.getCell(6).value as Date).toISOString(), '2021-03-01T12:00:00.250Z');
  assert.equal(row2.getCell(5).numFmt, 'yyyy-mm-dd');
  // XML reads CRLF inside text as LF, which is also Excel's own line break within a cell.
  assert.equal(ws.getRow(3).getCell(1).value, 'line one\nline two\nthree');
  const empty = ws.getRow(4);
  for (let c = 1; c <= 7; c++) assert.equal(empty.getCell(c).value, null);
  const formula = ws.getRow(6).getCell(1);
  assert.equal(formula.type, ExcelJS.ValueType.String);
  assert.equal(formula.value, '=SUM(A1)');
  assert.equal(ws.getRow(6).getCell(7).value, '-5');
  assert.equal(ws.getRow(7).getCell(2).value, -5);
  assert.equal(ws.getRow(7).getCell(1).type, ExcelJS.ValueType.String);
  assert.equal(ws.getRow(9).getCell(7).value, 'Ça va ? Œuvre ß 😀');
});

test('XLSX: a table above 1,048,575 rows is refused with the way out', async () => {
  const big = out('big.parquet');
  await conn.run(`COPY (SELECT i::BIGINT AS _id, i::BIGINT AS _row, i::BIGINT AS n FROM range(1, ${XLSX_MAX_DATA_ROWS + 2}) t(i)) TO '${big}' (FORMAT parquet)`);
  const bigSource = { parquetPath: big, schema: { missingValues: [], fields: [{ name: 'n', type: 'integer' as const }] } };
  await assert.rejects(exportTable(conn, bigSource, 'xlsx', out('big.xlsx')), (e: unknown) => {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, 'validation_failed');
    assert.match(e.message, /1,048,576 rows; an XLSX sheet holds at most 1,048,575\. Download it as CSV or Parquet/);
    return true;
  });
  assert.equal(fs.existsSync(out('big.xlsx')), false);
  assert.equal(fs.existsSync(out('big.xlsx.tmp')), false);
});

test('XLSX: memory does not grow with rows (the sheet XML must not pile up before the compressor)', async () => {
  const many = out('many.parquet');
  const rows = 250_000;
  await conn.run(`COPY (SELECT i::BIGINT AS _id, i::BIGINT AS _row, repeat('Rue de la Loi ', 8) || i AS label, i::BIGINT AS n, i / 7 AS x FROM range(1, ${rows + 1}) t(i))
    TO '${many}' (FORMAT parquet)`);
  const fields = [{ name: 'label', type: 'string' as const }, { name: 'n', type: 'integer' as const }, { name: 'x', type: 'number' as const }];
  const buffers = () => process.memoryUsage().external + process.memoryUsage().arrayBuffers;
  const base = buffers();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, buffers())), 20);
  try {
    const r = await exportTable(conn, { parquetPath: many, schema: { missingValues: [], fields } }, 'xlsx', out('many.xlsx'));
    assert.ok(r.bytes > 1_000_000);
  } finally {
    clearInterval(timer);
  }
  // Measured: ~145 MB of buffered XML without waiting for the compressor, ~40-55 MB with (and ~60 MB at 1M rows).
  assert.ok(peak - base < 90e6, `buffers grew by ${((peak - base) / 1e6).toFixed(0)} MB`);
});

test('rows stay in _id order when preserve_insertion_order is off', async () => {
  const shuffled = out('shuffled.parquet');
  await conn.run(`COPY (SELECT i::BIGINT AS _id, i::BIGINT AS _row, i::BIGINT AS n FROM range(1, 30001) t(i) ORDER BY i) TO '${shuffled}' (FORMAT parquet, ROW_GROUP_SIZE 1024)`);
  const s = { parquetPath: shuffled, schema: { missingValues: [], fields: [{ name: 'n', type: 'integer' as const }] } };
  await conn.run('SET preserve_insertion_order = false');
  try {
    const r = await exportTable(conn, s, 'csv', out('ordered.csv'));
    const lines = fs.readFileSync(r.path, 'utf8').split('\r\n');
    assert.deepEqual(lines.slice(1, -1).map(Number), Array.from({ length: 30000 }, (_, i) => i + 1));
  } finally {
    await conn.run('SET preserve_insertion_order = true');
  }
});

test('a failed export leaves neither the file nor its temporary', async () => {
  const missing = { ...source, parquetPath: out('nope.parquet') };
  for (const format of ['csv', 'xlsx'] as const) {
    await assert.rejects(exportTable(conn, missing, format, out(`nope.${format}`)));
    assert.equal(fs.existsSync(out(`nope.${format}`)), false);
    assert.equal(fs.existsSync(out(`nope.${format}.tmp`)), false);
  }
});

test('xlsxSheetName keeps what Excel accepts', () => {
  assert.equal(xlsxSheetName(undefined), 'data');
  assert.equal(xlsxSheetName("'quoted'"), 'quoted');
  assert.equal(xlsxSheetName('a'.repeat(40)).length, 31);
  assert.equal(xlsxSheetName('///'), 'data');
  assert.equal(xlsxSheetName('Budget communal — Liège'), 'Budget communal — Liège');
});
