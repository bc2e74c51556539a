import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { AppError } from '../../errors.ts';
import { openTableEngine, sqlString, type TableEngine } from '../../stores/tables/duckdb.ts';
import { SAMPLES_DIR, tempDir } from '../../../test/helpers/paths.ts';
import { loadCsvTable } from '../csv/load.ts';
import type { PreparedTable } from '../types.ts';
import { readXlsx, type XlsxReadOptions } from './read.ts';
import { workbookParts, writeZip } from './test-fixtures.ts';

const dir = tempDir('dataville-xlsx-');
let n = 0;
const IMMO = path.join(SAMPLES_DIR, 'statbel-immo-trimestre-par-commune-fr.xlsx');
const FIRSTNAMES = path.join(SAMPLES_DIR, 'statbel-firstnames-prov-2017-2025-fr.xlsx');

async function book(build: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  const file = path.join(dir, `book-${++n}.xlsx`);
  await wb.xlsx.writeFile(file);
  return file;
}

const read = (file: string, opts?: XlsxReadOptions) => readXlsx(file, path.join(dir, `work-${++n}`), opts);

/** The body's lines (the last line break ends the last line). */
function lines(t: PreparedTable): string[] {
  const text = fs.readFileSync(t.utf8Path, 'utf8');
  assert.ok(text === '' || text.endsWith('\n'));
  return text.split('\n').slice(0, -1);
}

async function rejects(p: Promise<unknown>, code: string, message: RegExp) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

test('a title row, several header rows and merged header cells give one name per column', async () => {
  const file = await book((wb) => {
    const ws = wb.addWorksheet('Ventes');
    ws.getCell('A1').value = 'Ventes immobilières par commune, 2023';
    ws.mergeCells('A3:A4');
    ws.getCell('A3').value = 'Commune';
    ws.mergeCells('B3:C3');
    ws.getCell('B3').value = "Maisons d'habitation";
    ws.mergeCells('D3:E3');
    ws.getCell('D3').value = 'Appartements';
    ['Nombre de transactions', 'Prix médian', 'Nombre de transactions', 'Prix médian'].forEach((label, i) => (ws.getCell(4, 2 + i).value = label));
    ws.addRow(['Namur', 120, 245000.5, 80, 198000]);
    ws.addRow(['Liège', 310, 189000, 150, 160500]);
    ws.addRow(['Arlon', 45, 260000, 12, 205000]);
  });
  const { tables, sheets } = await read(file);
  assert.equal(tables.length, 1);
  const t = tables[0];
  assert.deepEqual(t.header, [
    'Commune',
    "Maisons d'habitation - Nombre de transactions",
    "Maisons d'habitation - Prix médian",
    'Appartements - Nombre de transactions',
    'Appartements - Prix médian',
  ]);
  assert.equal(t.headerRowNumber, 4);
  assert.equal(t.firstDataRowNumber, 5);
  assert.deepEqual(t.skipped.map((s) => [s.type, s.rowNumber]), [['title-row', 1], ['blank-row', 2]]);
  assert.equal(t.skipped[0].cell, 'Ventes immobilières par commune, 2023');
  assert.deepEqual(lines(t), ['Namur,120,245000.5,80,198000', 'Liège,310,189000,150,160500', 'Arlon,45,260000,12,205000']);
  assert.equal(t.name, 'Ventes');
  assert.deepEqual(t.origin, { format: 'xlsx', sheet: 'Ventes', range: 'A3:E7' });
  assert.deepEqual(t.dialect, { delimiter: ',', quoteChar: '"', doubleQuote: true, lineTerminator: '\n', header: true });
  assert.deepEqual(t.encoding, { encoding: 'utf-8', bom: false, method: 'container', confidence: 1, mojibake: null, invalidSequences: 0 });
  assert.equal(t.sourceBytes, fs.statSync(file).size);
  assert.deepEqual(sheets, [{ name: 'Ventes', state: 'visible', tables: 1, rows: 6 }]);
});

test('four tables side by side under merged titles, each with its own key column, become four tables', async () => {
  const regions = [['Bruxelles', 3], ['Flandre', 5], ['Wallonie', 4], ['Ostbelgien', 2]] as const;
  const file = await book((wb) => {
    const ws = wb.addWorksheet('Population');
    regions.forEach(([region, rows], k) => {
      const c = 1 + k * 4;
      ws.mergeCells(1, c, 1, c + 2);
      ws.getCell(1, c).value = region;
      ['Commune', 'Année', 'Habitants'].forEach((label, j) => (ws.getCell(2, c + j).value = label));
      for (let i = 0; i < rows; i++) {
        ws.getCell(3 + i, c).value = `${region} ${i + 1}`;
        ws.getCell(3 + i, c + 1).value = 2024;
        ws.getCell(3 + i, c + 2).value = 1000 * (k + 1) + i;
      }
    });
  });
  const { tables, sheets } = await read(file);
  assert.deepEqual(tables.map((t) => t.name), ['Population (A:C)', 'Population (E:G)', 'Population (I:K)', 'Population (M:O)']);
  assert.deepEqual(tables.map((t) => lines(t).length), [3, 5, 4, 2]);
  for (const t of tables) {
    assert.deepEqual(t.header, ['Commune', 'Année', 'Habitants']);
    assert.equal(t.headerRowNumber, 2);
    assert.equal(t.skipped[0].type, 'title-row');
    assert.match(t.notes!.join(' '), /4 tables side by side \(columns A:C, E:G, I:K, M:O\)/);
  }
  assert.equal(tables[1].skipped[0].cell, 'Flandre');
  assert.deepEqual(lines(tables[3]), ['Ostbelgien 1,2024,4000', 'Ostbelgien 2,2024,4001']);
  assert.deepEqual(tables[2].origin, { format: 'xlsx', sheet: 'Population', range: 'I2:K6' });
  assert.equal(sheets[0].tables, 4);
});

test('number blocks beside the key columns continue the table: spacer columns dropped and noted', async () => {
  const file = await book((wb) => {
    const ws = wb.addWorksheet('Par commune');
    ws.mergeCells('A1:B2');
    ws.getCell('A1').value = 'Catégories';
    ws.mergeCells('D1:E1');
    ws.getCell('D1').value = 'ventes';
    ws.mergeCells('D2:E2');
    ws.getCell('D2').value = 'Maisons';
    ws.mergeCells('G1:H1');
    ws.getCell('G1').value = 'ventes';
    ws.mergeCells('G2:H2');
    ws.getCell('G2').value = 'Appartements';
    // Columns A B | D E | G H | J: C, F and I stay empty.
    const put = (r: number, values: (string | number | null)[]) => values.forEach((v, i) => {
      if (v !== null) ws.getCell(r, [1, 2, 4, 5, 7, 8, 10][i]).value = v;
    });
    put(3, ['refnis', 'localité', 'nombre', 'prix', 'nombre', 'prix', 0]);
    put(4, ['57081', 'TOURNAI', 120, 180000, 30, 150000, 1]);
    put(5, ['57081', 'TOURNAI', 4, null, 9, null, 2]);
    put(6, ['92094', 'NAMUR', 210, 230000, 95, 199000, 3]);
  });
  const { tables } = await read(file);
  assert.equal(tables.length, 1);
  const t = tables[0];
  assert.deepEqual(t.header, ['refnis', 'localité', 'ventes - Maisons - nombre', 'ventes - Maisons - prix', 'ventes - Appartements - nombre', 'ventes - Appartements - prix', '0']);
  assert.deepEqual(lines(t), ['57081,TOURNAI,120,180000,30,150000,1', '57081,TOURNAI,4,,9,,2', '92094,NAMUR,210,230000,95,199000,3']);
  const notes = t.notes!.join('\n');
  assert.match(notes, /Columns D:E, G:H and J continue the table of columns A:B .* spacer columns C, F and I between them were dropped/);
  assert.match(notes, /merged cell A1:B2 \("Catégories"\) captions the header rows/);
});

test('hidden sheets are skipped with a note, and read when chosen by name', async () => {
  const file = await book((wb) => {
    wb.addWorksheet('Données').addRows([['Code', 'Valeur'], ['A', 1], ['B', 2]]);
    wb.addWorksheet('Calculs', { state: 'hidden' }).addRows([['x', 'y'], ['a', 1]]);
    wb.addWorksheet('Secret', { state: 'veryHidden' }).addRows([['x', 'y'], ['b', 2]]);
  });
  const all = await read(file);
  assert.deepEqual(all.tables.map((t) => t.name), ['Données']);
  assert.deepEqual(all.sheets.map((s) => [s.name, s.state, s.tables]), [['Données', 'visible', 1], ['Calculs', 'hidden', 0], ['Secret', 'veryHidden', 0]]);
  assert.match(all.sheets[1].note!, /Hidden in the workbook/);
  assert.ok(all.tables[0].notes!.includes('Sheet "Calculs" is hidden in the workbook and was not read.'));
  const hidden = await read(file, { sheet: 'Secret' });
  assert.deepEqual(lines(hidden.tables[0]), ['b,2']);
  assert.match(hidden.tables[0].notes!.join(' '), /hidden in the workbook; it was read because it was chosen by name/);
  // Positions count visible sheets only.
  await rejects(read(file, { sheet: 2 }), 'bad_request', /1 visible sheet, so there is no sheet number 2.*"Calculs" \(hidden\)/s);
});

test('formulas take their cached values; Excel errors and formulas without a result become empty cells, with a note', async () => {
  const file = await book((wb) => {
    const ws = wb.addWorksheet('Budget');
    ws.addRow(['Poste', 'Montant', 'Double', 'Libellé', 'Positif', 'Ratio']);
    ws.addRow(['Voirie', 100, { formula: 'B2*2', result: 200 }, { formula: 'A2&"!"', result: 'Voirie!' }, { formula: 'B2>0', result: true }, { formula: 'B2/0', result: { error: '#DIV/0!' } }]);
    ws.addRow(['Écoles', 250.75, { formula: 'B3*2', result: 501.5 }, { formula: 'A3&"!"', result: 'Écoles!' }, { formula: 'B3>0', result: true }, { error: '#N/A' }]);
    ws.addRow(['Culture', 0.1, { formula: 'B4+0.2' }, 'x', false, 0.5]);
  });
  const { tables } = await read(file);
  const t = tables[0];
  assert.deepEqual(lines(t), ['Voirie,100,200,Voirie!,true,', 'Écoles,250.75,501.5,Écoles!,true,', 'Culture,0.1,,x,false,0.5']);
  const notes = t.notes!.join('\n');
  assert.match(notes, /2 cells hold an Excel error \(#DIV\/0! in F2, #N\/A in F3\) and were written as empty cells/);
  assert.match(notes, /1 formula cell \(C4\) had no saved result .* recalculate/);
});

test('dates and date-times are written in ISO form in the 1900 and the 1904 date systems', async () => {
  for (const date1904 of [false, true]) {
    const file = await book((wb) => {
      wb.properties.date1904 = date1904;
      const ws = wb.addWorksheet('Agenda');
      ws.addRow(['Événement', 'Date', 'Début', 'Heure']);
      const r = ws.addRow(['Marché', new Date(Date.UTC(2024, 2, 5)), new Date(Date.UTC(2024, 2, 5, 9, 30, 15)), 0.75]);
      r.getCell(2).numFmt = 'dd/mm/yyyy';
      r.getCell(3).numFmt = 'dd/mm/yyyy hh:mm:ss';
      r.getCell(4).numFmt = 'hh:mm';
      const r2 = ws.addRow(['Conseil', new Date(Date.UTC(1999, 11, 31)), new Date(Date.UTC(2000, 0, 1, 0, 0, 0)), 0.5]);
      r2.getCell(2).numFmt = 'd-mmm-yy';
      r2.getCell(3).numFmt = 'yyyy-mm-dd hh:mm';
      r2.getCell(4).numFmt = 'h:mm AM/PM';
    });
    const { tables } = await read(file);
    assert.deepEqual(lines(tables[0]), ['Marché,2024-03-05,2024-03-05T09:30:15,18:00:00', 'Conseil,1999-12-31,2000-01-01T00:00:00,12:00:00'], `date1904 ${date1904}`);
  }
});

test('values: numbers as text, codes with leading zeros, padded formats, float noise, booleans, rich text, hyperlinks', async () => {
  const file = await book((wb) => {
    const ws = wb.addWorksheet('Valeurs');
    ws.addRow(['Code', 'NIS', 'Montant texte', 'Montant', 'Actif', 'Nom', 'Site', 'Note']);
    const r = ws.addRow(['0123', 4000, '1234.5', 0.1 + 0.2, true, { richText: [{ text: 'Rue ' }, { font: { bold: true }, text: 'Haute' }] }, { text: 'Statbel', hyperlink: 'https://statbel.fgov.be' }, 'dit "oui", puis\nnon']);
    r.getCell(2).numFmt = '00000';
    const r2 = ws.addRow(['0456', 57081, '2024-01-31', 30689.368861999999, false, 'Place', 'Ville', '   ']);
    r2.getCell(2).numFmt = '00000';
  });
  const { tables } = await read(file);
  assert.deepEqual(lines(tables[0]), ['0123,04000,1234.5,0.3,true,Rue Haute,Statbel,"dit ""oui"", puis', 'non"', '0456,57081,2024-01-31,30689.368862,false,Place,Ville,']);
});

test('trailing empty rows and columns are ignored; an empty row inside the table is an empty line', async () => {
  const file = await book((wb) => {
    const ws = wb.addWorksheet('Data');
    ws.addRow(['Commune', 'Habitants']);
    ws.addRow(['Namur', 113000]);
    ws.addRow([]);
    ws.addRow(['Dinant', 13000]);
    // Formatted but empty cells far to the right and below, and text of spaces only.
    for (let r = 1; r <= 40; r++) ws.getCell(r, 10).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFF0000' } };
    ws.getCell('C60').value = '';
    ws.getCell('D70').value = '  ';
    ws.getCell('A90').border = { top: { style: 'thin' } };
  });
  const { tables, sheets } = await read(file);
  const t = tables[0];
  assert.deepEqual(t.header, ['Commune', 'Habitants']);
  assert.deepEqual(lines(t), ['Namur,113000', '', 'Dinant,13000']);
  assert.equal(t.origin!.range, 'A1:B4');
  assert.equal(sheets[0].rows, 3);
});

test('a sheet is chosen by name or by position; an unknown name lists the sheets', async () => {
  const file = await book((wb) => {
    wb.addWorksheet('2023').addRows([['Commune', 'Valeur'], ['Namur', 1]]);
    wb.addWorksheet('2024').addRows([['Commune', 'Valeur'], ['Namur', 2]]);
  });
  assert.deepEqual(lines((await read(file, { sheet: '2024' })).tables[0]), ['Namur,2']);
  assert.deepEqual(lines((await read(file, { sheet: 1 })).tables[0]), ['Namur,1']);
  assert.deepEqual(lines((await read(file, { sheet: ' 2024 ' })).tables[0]), ['Namur,2']);
  const both = await read(file);
  assert.deepEqual(both.tables.map((t) => t.name), ['2023', '2024']);
  assert.notEqual(both.tables[0].utf8Path, both.tables[1].utf8Path);
  await rejects(read(file, { sheet: 'Budget' }), 'bad_request', /no sheet named "Budget". Its sheets are: "2023", "2024"/);
  await rejects(read(file, { sheet: 3 }), 'bad_request', /no sheet number 3/);
});

test('empty sheets, merged cells without values, header-only sheets and workbooks without data are clear errors or notes', async () => {
  const file = await book((wb) => {
    wb.addWorksheet('Vide');
    const merged = wb.addWorksheet('Fusion');
    merged.mergeCells('A1:D3');
    merged.mergeCells('B5:C6');
    wb.addWorksheet('Entête').addRow(['Commune', 'Population']);
    wb.addWorksheet('Data').addRows([['Commune', 'Population'], ['Namur', 113000]]);
  });
  const { tables, sheets } = await read(file);
  assert.deepEqual(tables.map((t) => t.name), ['Data']);
  assert.deepEqual(sheets.map((s) => s.note ?? ''), [
    'Not read: it is empty, no table.',
    'Not read: it holds no values, only 2 merged cells without text, no table.',
    'Not read: it has a header row (row 1: "Commune", "Population") but no data rows below it.',
    '',
  ]);
  await rejects(read(file, { sheet: 'Fusion' }), 'empty_file', /Sheet "Fusion" of ".*" holds no values, only 2 merged cells without text: it holds no table/);
  await rejects(read(file, { sheet: 'Entête' }), 'header_only', /Sheet "Entête" .* has a header row \(row 1: "Commune", "Population"\) but no data rows/);

  const nothing = await book((wb) => {
    wb.addWorksheet('Vide');
    wb.addWorksheet('Caché', { state: 'hidden' }).addRows([['a', 'b'], ['c', 1]]);
  });
  await rejects(read(nothing), 'empty_file', /holds no table on a visible sheet \("Vide": Not read: it is empty, no table.; "Caché": Hidden in the workbook/);
});

test('tables wider than maxColumns and sheets longer than maxRows are refused', async () => {
  const file = await book((wb) => {
    const ws = wb.addWorksheet('Large');
    ws.addRow(Array.from({ length: 12 }, (_, i) => `c${i + 1}`));
    for (let r = 0; r < 30; r++) ws.addRow(Array.from({ length: 12 }, (_, i) => r * i));
  });
  await rejects(read(file, { maxColumns: 10 }), 'too_many_columns', /Sheet "Large" .* has a table of 12 columns \(A:L\); Dataville reads at most 10/);
  await rejects(read(file, { maxRows: 20 }), 'payload_too_large', /has data in row 21; Dataville reads sheets of at most 20 rows/);
});

test('a workbook from another writer: prefixed namespace, inline strings, ISO date cells, rows and cells without references', async () => {
  const sheet = `<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
  <x:sheetData>
    <x:row><x:c t="inlineStr"><x:is><x:t>Commune</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>Date</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:r><x:t>Mon</x:t></x:r><x:r><x:t>tant</x:t></x:r><x:rPh><x:t>ignored</x:t></x:rPh></x:is></x:c></x:row>
    <x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="d" s="1"><x:v>2024-02-29T00:00:00</x:v></x:c><x:c><x:v>1.5E-3</x:v></x:c></x:row>
    <x:row r="4"><x:c r="A4" t="s"><x:v>1</x:v></x:c><x:c r="C4" t="str"><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row>
  </x:sheetData>
</x:worksheet>`;
  const file = path.join(dir, `writer-${++n}.xlsx`);
  writeZip(file, workbookParts(sheet, {
    sharedStrings: '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Li&amp;ge_x000D_</t></si><si><r><t xml:space="preserve">Saint </t></r><r><t>Hubert</t></r></si></sst>',
    styles: '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>',
  }));
  const { tables } = await read(file);
  const t = tables[0];
  assert.deepEqual(t.header, ['Commune', 'Date', 'Montant']);
  assert.deepEqual(lines(t), ['"Li&ge\r",2024-02-29,0.0015', '', 'Saint Hubert,,2']);
});

test('merged cells inside the data give their value to every cell they cover', async () => {
  const file = await book((wb) => {
    const ws = wb.addWorksheet('Stub');
    ws.addRow(['Province', 'Commune', 'Habitants']);
    ws.addRow(['Namur', 'Namur', 113000]);
    ws.addRow([undefined, 'Dinant', 13000]);
    ws.addRow([undefined, 'Ciney', 16000]);
    ws.addRow(['Luxembourg', 'Arlon', 30000]);
    ws.mergeCells('A2:A4');
  });
  const t = (await read(file)).tables[0];
  assert.deepEqual(lines(t), ['Namur,Namur,113000', 'Namur,Dinant,13000', 'Namur,Ciney,16000', 'Luxembourg,Arlon,30000']);
  assert.match(t.notes!.join(' '), /1 merged cell range inside the data was filled/);
});

test('header heuristics: years and dates as labels, no header at all, notes sheets, blocks that are tables of their own', async () => {
  const file = await book((wb) => {
    wb.addWorksheet('Notes').addRows([
      ['Méthodologie'],
      ['Les chiffres proviennent du registre national et sont arrêtés au premier janvier.'],
      ['Les communes fusionnées en 2025 sont comptées selon leurs anciennes limites territoriales.'],
    ]);
    wb.addWorksheet('Années').addRows([['Commune', 2019, 2020, 2021], ['Namur', 110000, 111000, 112000], ['Liège', 195000, 196000, 197000]]);
    const dated = wb.addWorksheet('Dates');
    dated.mergeCells('A1:A2');
    dated.getCell('A1').value = 'Commune';
    dated.mergeCells('B1:C1');
    dated.getCell('B1').value = 'Population';
    dated.getCell('B2').value = new Date(Date.UTC(2023, 0, 1));
    dated.getCell('C2').value = new Date(Date.UTC(2024, 0, 1));
    dated.addRows([['Namur', 1, 2], ['Liège', 3, 4]]);
    wb.addWorksheet('Mesures').addRows([[1, 2.5, 3], [4, 5.5, 6]]);
    // A summary of numbers beside a longer table: a table of its own.
    wb.addWorksheet('Résumé').addRows([['Commune', 'Pop', null, 'Année', 'Total'], ['A', 1, null, 2020, 5], ['B', 2, null, 2021, 6],
      ...Array.from({ length: 20 }, (_, i) => [`C${i}`, i])]);
    // A stray numbered column on the left, same rows: part of the table.
    const numbered = wb.addWorksheet('Numéros');
    numbered.getCell('C1').value = 'Commune';
    numbered.getCell('D1').value = 'Pop';
    for (let i = 0; i < 5; i++) [i + 1, null, `C${i}`, i * 10].forEach((v, j) => v !== null && (numbered.getCell(2 + i, 1 + j).value = v));
  });
  const { tables, sheets } = await read(file);
  assert.match(sheets[0].note!, /holds notes \(lines of text, one cell per row\), not a table/);
  const by = new Map(tables.map((t) => [t.name, t]));
  assert.deepEqual([...by.keys()], ['Années', 'Dates', 'Mesures', 'Résumé (A:B)', 'Résumé (D:E)', 'Numéros']);
  assert.deepEqual(by.get('Années')!.header, ['Commune', '2019', '2020', '2021']);
  assert.deepEqual(by.get('Dates')!.header, ['Commune', 'Population - 2023-01-01', 'Population - 2024-01-01']);
  assert.equal(by.get('Dates')!.firstDataRowNumber, 3);
  const measures = by.get('Mesures')!;
  assert.deepEqual([measures.header, measures.headerRowNumber, measures.firstDataRowNumber, measures.dialect.header], [['column_1', 'column_2', 'column_3'], 0, 1, false]);
  assert.deepEqual(lines(measures), ['1,2.5,3', '4,5.5,6']);
  assert.equal(lines(by.get('Résumé (A:B)')!).length, 22);
  assert.deepEqual(lines(by.get('Résumé (D:E)')!), ['2020,5', '2021,6']);
  const numberedTable = by.get('Numéros')!;
  assert.deepEqual(numberedTable.header, ['', 'Commune', 'Pop']);
  assert.deepEqual(lines(numberedTable).slice(0, 2), ['1,C0,0', '2,C1,10']);
  assert.match(numberedTable.notes!.join(' '), /Columns C:D continue the table of column A .* spacer column B between them was dropped/);
  // Chosen by name, the notes are read as a one-column table.
  assert.equal(lines((await read(file, { sheet: 'Notes' })).tables[0]).length, 2);
});

test('Statbel real-estate workbook: three header rows, merged categories, spacer columns and a hidden counter column', async () => {
  const { tables, sheets } = await read(IMMO);
  assert.deepEqual(sheets, [{ name: 'Par commune', state: 'visible', tables: 1, rows: 33701 }]);
  assert.equal(tables.length, 1);
  const t = tables[0];
  assert.equal(t.name, 'Par commune');
  assert.deepEqual(t.origin, { format: 'xlsx', sheet: 'Par commune', range: 'A1:AB33701' });
  assert.equal(t.header.length, 21);
  assert.deepEqual(t.header.slice(0, 4), ['refnis', 'localité', 'année', 'période']);
  const houses = 'ventes de biens immobiliers - Toutes les maisons avec 2, 3, 4 ou plus de façades (excl. appartements)';
  assert.deepEqual(t.header.slice(4, 8), [`${houses} - nombre transactions`, `${houses} - prix médian(€)`, `${houses} - prix premier quartile(€)`, `${houses} - prix troisième quartile(€)`]);
  assert.equal(t.header[16], 'ventes de biens immobiliers - Appartements - nombre transactions');
  assert.equal(t.header[20], '0');
  assert.equal(t.headerRowNumber, 3);
  assert.equal(t.firstDataRowNumber, 4);
  assert.deepEqual(t.skipped, []);
  const body = lines(t);
  assert.equal(body.length, 33701 - 3);
  assert.equal(body[0], '11001,AARTSELAAR,2010,Q1,29,252000,225000,290000,25,247000,220000,265000,4,,,,9,,,,1');
  assert.equal(body.at(-1), '93090,VIROINVAL,2024,Q2,7,,,,3,,,,4,,,,,,,,581');
  const notes = t.notes!.join('\n');
  assert.match(notes, /Columns F:I, K:N, P:S, U:X and AB continue the table of columns A:D .* spacer columns E, J, O, T and Y:AA between them were dropped/);
  assert.match(notes, /Column AB is hidden in the workbook/);
  assert.match(notes, /merged cell A1:D2 \("Catégories immobilières basées sur la nature spécifiée dans l'acte de vente"\) captions the header rows/);
});

test('Statbel first-names workbook: 18 tables below title rows, the index sheet skipped, NIS codes padded alike', async () => {
  const { tables, sheets } = await read(FIRSTNAMES);
  assert.equal(sheets.length, 19);
  assert.deepEqual(sheets[0], { name: 'Contenu', state: 'visible', tables: 0, rows: 4, note: 'Not read: it is a table of contents (its cells are links to the other sheets).' });
  assert.equal(tables.length, 18);
  assert.deepEqual(tables.map((t) => t.name).slice(0, 3), ['F_PROV2017', 'M_PROV2017', 'F_PROV2018']);
  for (const t of tables) {
    assert.deepEqual(t.header, ['Rang', 'Refnis', 'NUTS2', 'Province/région', 'Prénom', 'Nombre']);
    assert.equal(t.headerRowNumber, 2);
    assert.equal(t.firstDataRowNumber, 3);
    assert.deepEqual(t.skipped.map((s) => [s.type, s.rowNumber]), [['title-row', 1]]);
    assert.ok(t.notes!.some((x) => /"Contenu" is a table of contents/.test(x)));
  }
  const byName = new Map(tables.map((t) => [t.name, t]));
  const f2017 = lines(byName.get('F_PROV2017')!);
  assert.equal(f2017.length, 2412);
  assert.equal(f2017[0], '1,04000,BE10,Région de Bruxelles-Capitale,Lina,113');
  assert.equal(f2017.at(-1), '83,90000,BE35,Province de Namur,Valentina,5');
  assert.equal(byName.get('F_PROV2017')!.skipped[0].cell, 'Prénoms des filles nouveau-nés par province/région 2017 | Contenu');
  const f2025 = lines(byName.get('F_PROV2025')!);
  assert.equal(f2025.length, 2268);
  assert.equal(f2025[0], '1,04000,BE10,Région de Bruxelles-Capitale,Nour,60');
  // The 2017 number formatted 00000 and the 2025 text read the same.
  const codes = (body: string[]) => [...new Set(body.map((l) => l.split(',')[1]))].sort();
  assert.deepEqual(codes(f2017), codes(f2025));
  assert.deepEqual(codes(f2017), ['04000', '10000', '20001', '20002', '30000', '40000', '50000', '60000', '70000', '80000', '90000']);

  const one = await read(FIRSTNAMES, { sheet: 'M_PROV2025' });
  assert.deepEqual(one.tables.map((t) => t.name), ['M_PROV2025']);
  assert.equal(lines(one.tables[0]).length, 2428);
  const index = await read(FIRSTNAMES, { sheet: 'Contenu' });
  assert.deepEqual(index.tables[0].header, ['2017', '2018', '2019', '2020', '2021', '2022', '2023', '2024', '2025']);
});

let engine: TableEngine;
before(async () => {
  engine = await openTableEngine({ tempDir: path.join(dir, 'duckdb') });
});
after(async () => {
  await engine.close();
});

test('the CSV loader reads a sheet as written: codes stay text, counts are integers, rows point at the sheet', async () => {
  const { tables } = await read(FIRSTNAMES, { sheet: 'F_PROV2017' });
  const t = tables[0];
  const out = path.join(dir, `firstnames-${++n}.parquet`);
  await engine.withConnection(async (conn) => {
    const loaded = await loadCsvTable(conn, { ...t, encoding: t.encoding! }, out);
    assert.equal(loaded.rowCount, 2412);
    const types = Object.fromEntries(loaded.schema.fields.map((f) => [f.name, f.type]));
    assert.deepEqual(types, { Rang: 'integer', Refnis: 'string', NUTS2: 'string', 'Province/région': 'string', 'Prénom': 'string', Nombre: 'integer' });
    const first = (await conn.runAndReadAll(`SELECT _row, "Refnis", "Nombre" FROM read_parquet(${sqlString(out)}) ORDER BY _id LIMIT 1`)).getRowsJS();
    assert.deepEqual(first, [[3n, '04000', 113n]]);
  });
});
