import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import { AppError } from '../../errors.ts';
import { tempDir } from '../../../test/helpers/paths.ts';
import { readXlsx } from './read.ts';
import { repeatedDeflate, workbookParts, writeOle, writeZip } from './test-fixtures.ts';

const dir = tempDir('dataville-xlsx-zip-');
let n = 0;
const file = (name: string) => path.join(dir, `${++n}-${name}`);
const work = () => path.join(dir, `work-${++n}`);

async function rejects(p: Promise<unknown>, code: string, message: RegExp) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

const SHEET = (rows: string) => `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`;

test('a truncated workbook is refused as damaged, with what to do', async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Data');
  ws.addRow(['Commune', 'Population']);
  for (let i = 0; i < 200; i++) ws.addRow([`Commune ${i}`, i * 100]);
  const whole = file('whole.xlsx');
  await wb.xlsx.writeFile(whole);
  const bytes = fs.readFileSync(whole);
  const cut = file('cut.xlsx');
  fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await rejects(readXlsx(cut, work()), 'unreadable_table', /"\d+-cut\.xlsx" is damaged or incomplete.*export the workbook again/s);
  // The whole file reads.
  const { tables } = await readXlsx(whole, work());
  assert.equal(tables.length, 1);
});

test('a password-protected workbook and an old .xls are told apart and refused with how to fix', async () => {
  const protectedFile = file('protected.xlsx');
  writeOle(protectedFile, true);
  await rejects(readXlsx(protectedFile, work()), 'unsupported_format', /protected by a password.*remove the password.*save it as \.xlsx/s);
  const xls = file('old.xls');
  writeOle(xls, false);
  await rejects(readXlsx(xls, work()), 'unsupported_format', /old Excel 97-2003 workbook \(\.xls\).*save it as "Excel Workbook \(\.xlsx\)" or as "CSV UTF-8"/s);
});

test('files that are not XLSX workbooks are refused with what they are', async () => {
  const csv = file('data.xlsx');
  fs.writeFileSync(csv, 'Commune;Population\nNamur;113000\n');
  await rejects(readXlsx(csv, work()), 'unsupported_format', /not an XLSX workbook.*does not start like one/s);
  const empty = file('empty.xlsx');
  fs.writeFileSync(empty, '');
  await rejects(readXlsx(empty, work()), 'empty_file', /is empty \(0 bytes\)/);
  const ods = file('sheet.xlsx');
  writeZip(ods, [{ name: 'mimetype', content: 'application/vnd.oasis.opendocument.spreadsheet' }, { name: 'content.xml', content: '<office:document-content/>' }]);
  await rejects(readXlsx(ods, work()), 'unsupported_format', /OpenDocument spreadsheet \(\.ods\)/);
  const other = file('other.xlsx');
  writeZip(other, [{ name: 'readme.txt', content: 'hello' }]);
  await rejects(readXlsx(other, work()), 'unsupported_format', /ZIP archive but not an Excel workbook/);
});

test('a ZIP bomb is refused from its central directory, before anything is inflated', async () => {
  // 200 MiB of spaces inside a valid sheet, compressed to about 200 KiB.
  const bomb = repeatedDeflate(0x20, 200, SHEET('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'), '');
  assert.ok(bomb.deflated.length < 1024 * 1024);
  const f = file('bomb.xlsx');
  writeZip(f, workbookParts({ name: '', deflated: bomb.deflated, size: bomb.size }));
  const started = performance.now();
  await rejects(readXlsx(f, work()), 'payload_too_large', /unpacks from .* to 200\.0 MiB \(\d+ times\).*ZIP bombs/s);
  assert.ok(performance.now() - started < 2000, 'refused without inflating');
  // The total is limited as well.
  await rejects(readXlsx(f, work(), { maxCompressionRatio: 10_000, maxUncompressedBytes: 100 * 1024 * 1024 }), 'payload_too_large', /unpacks to 200\.0 MiB/);
});

test('a part that inflates beyond the size its directory declares is stopped while inflating', async () => {
  // A valid sheet padded with 20 MiB of spaces, declared as 1,000 bytes.
  const padded = repeatedDeflate(0x20, 20, SHEET('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>').replace('</sheetData></worksheet>', ''), '</sheetData></worksheet>');
  assert.equal(zlib.inflateRawSync(padded.deflated).length, padded.size);
  const f = file('liar.xlsx');
  writeZip(f, workbookParts({ name: '', deflated: padded.deflated, size: padded.size, declaredSize: 1000 }));
  await rejects(readXlsx(f, work()), 'unreadable_table', /does not unpack to the size its ZIP directory declares/);
});
