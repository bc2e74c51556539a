import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors.ts';
import { openTableEngine, sqlString, type TableEngine } from '../../stores/tables/duckdb.ts';
import { tempDir } from '../../../test/helpers/paths.ts';
import { fieldNamesFromLabels } from '../labels.ts';
import type { LoadedTable, PreparedCsv } from '../types.ts';
import { loadCsvTable } from './load.ts';

let engine: TableEngine;
const dir = tempDir();
before(async () => {
  engine = await openTableEngine({ tempDir: path.join(dir, 'duckdb') });
});
after(async () => {
  await engine.close();
});

let files = 0;

/** A PreparedCsv as prepareCsv would hand it over: the body holds data records only. */
function prepared(body: string, header: string[], opts: { delimiter?: string; headerRowNumber?: number; firstDataRowNumber?: number } = {}): PreparedCsv {
  const utf8Path = path.join(dir, `body-${++files}.csv`);
  fs.writeFileSync(utf8Path, body);
  const headerRowNumber = opts.headerRowNumber ?? 1;
  return {
    utf8Path,
    encoding: { encoding: 'utf-8', bom: false, method: 'valid-utf8', confidence: 1, mojibake: null, invalidSequences: 0 },
    dialect: { delimiter: opts.delimiter ?? ';', quoteChar: '"', doubleQuote: true, lineTerminator: body.includes('\r\n') ? '\r\n' : '\n', header: true },
    header,
    headerRowNumber,
    firstDataRowNumber: opts.firstDataRowNumber ?? headerRowNumber + 1,
    skipped: [],
    sourceBytes: Buffer.byteLength(body),
  };
}

async function load(input: PreparedCsv): Promise<{ loaded: LoadedTable; rows: Record<string, unknown>[]; types: Record<string, string> }> {
  const out = path.join(dir, `out-${files}.parquet`);
  return engine.withConnection(async (conn) => {
    const loaded = await loadCsvTable(conn, input, out);
    assert.ok(!fs.existsSync(`${out}.tmp`));
    const rows = (await conn.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(out)}) ORDER BY _id`)).getRowObjectsJS() as Record<string, unknown>[];
    const described = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(out)})`)).getRowsJS();
    return { loaded, rows, types: Object.fromEntries(described.map((r) => [String(r[0]), String(r[1])])) };
  });
}

const day = (d: unknown) => (d as Date).toISOString().slice(0, 10);
const summary = (l: LoadedTable) => Object.fromEntries(l.errorSummary.map((s) => [s.type, s.count]));

test('a Belgian CSV round-trips into typed Parquet', async () => {
  const header = ['Commune', 'NIS', 'Population', 'Montant', 'Date', 'Actif', 'Note', 'Code', 'Valeur'];
  const body = [
    'Liège;01000;11.763.650;1.234,56;03/02/2020;oui;"Texte avec ; et\r\nune ligne";0164A;NA',
    'Schaerbeek;21015;133.309;-0,5;29/02/2020;non;"Il dit ""bonjour""";1030;12',
    '  Ixelles  ;21009;86.244;7;01/01/2021;Oui;simple;1050;-',
  ].join('\r\n') + '\r\n';
  const { loaded, rows, types } = await load(prepared(body, header));
  assert.deepEqual(types, {
    _id: 'BIGINT', _row: 'BIGINT', Commune: 'VARCHAR', NIS: 'VARCHAR', Population: 'BIGINT', Montant: 'DOUBLE',
    Date: 'DATE', Actif: 'BOOLEAN', Note: 'VARCHAR', Code: 'VARCHAR', Valeur: 'BIGINT',
  });
  assert.equal(loaded.rowCount, 3);
  assert.deepEqual(loaded.errors, []);
  const [a, b, c] = rows;
  assert.deepEqual([a._id, a._row, b._row, c._row], [1n, 2n, 3n, 4n]);
  assert.equal(a.Commune, 'Liège');
  assert.equal(a.NIS, '01000');
  assert.equal(a.Population, 11763650n);
  assert.equal(a.Montant, 1234.56);
  assert.equal(b.Montant, -0.5);
  assert.equal(day(a.Date), '2020-02-03');
  assert.equal(day(b.Date), '2020-02-29');
  assert.deepEqual([a.Actif, b.Actif, c.Actif], [true, false, true]);
  assert.equal(a.Note, 'Texte avec ; et\r\nune ligne');
  assert.equal(b.Note, 'Il dit "bonjour"');
  assert.equal(a.Code, '0164A');
  assert.deepEqual([a.Valeur, b.Valeur, c.Valeur], [null, 12n, null]);
  assert.equal(c.Commune, 'Ixelles');
  const montant = loaded.schema.fields.find((f) => f.name === 'Montant');
  assert.deepEqual(montant, { name: 'Montant', type: 'number', decimalChar: ',', groupChar: '.' });
  assert.deepEqual(loaded.schema.fields.find((f) => f.name === 'Date'), { name: 'Date', type: 'date', format: '%d/%m/%Y' });
  assert.ok(loaded.schema.missingValues.includes('NA'));
});

test('LF and CRLF bodies load alike', async () => {
  const lines = ['a,1', '"b, with comma",2', '"c\nover two lines",3'];
  const lf = await load(prepared(lines.join('\n') + '\n', ['name', 'n'], { delimiter: ',' }));
  const crlf = await load(prepared(lines.join('\r\n'), ['name', 'n'], { delimiter: ',' }));
  assert.deepEqual(lf.rows.map((r) => [r.name, r.n]), [['a', 1n], ['b, with comma', 2n], ['c\nover two lines', 3n]]);
  assert.deepEqual(crlf.rows.map((r) => [r.name, r.n]), [['a', 1n], ['b, with comma', 2n], ['c\nover two lines', 3n]]);
});

test('short rows, long rows, blank rows and a footer keep their source row numbers', async () => {
  // Source: a title row, the header on row 3, data from row 4.
  const body = [
    'Aartselaar;220;x', // 4
    'Edegem;434', // 5: missing cell
    '', // 6: empty line
    ';;', // 7: blank row
    'Hove;177;y;extra;more', // 8: two extra cells
    'Kontich;412;z;', // 9: a trailing delimiter only
    '"Lint\nNoord";121;w', // 10, two lines in the file
    'Boom;587;v', // 11
    '', // 12
    'Filters: 2023', // 13
    'URL: https://www.politie.be/statistieken', // 14
    'BRON: Federale Politie', // 15
  ].join('\n') + '\n';
  const { loaded, rows, types } = await load(prepared(body, ['Gemeente', 'Aantal', 'Code'], { headerRowNumber: 3, firstDataRowNumber: 4 }));
  assert.equal(loaded.rowCount, 6);
  assert.deepEqual(rows.map((r) => [r._id, r._row, r.Gemeente]), [[1n, 4n, 'Aartselaar'], [2n, 5n, 'Edegem'], [3n, 8n, 'Hove'], [4n, 9n, 'Kontich'], [5n, 10n, 'Lint\nNoord'], [6n, 11n, 'Boom']]);
  assert.equal(types.Aantal, 'BIGINT');
  // The extra values are kept in columns of their own.
  assert.deepEqual(rows.map((r) => [r.field_4, r.field_5]), [[null, null], [null, null], ['extra', 'more'], [null, null], [null, null], [null, null]]);
  assert.deepEqual(loaded.schema.fields.map((f) => f.name), ['Gemeente', 'Aantal', 'Code', 'field_4', 'field_5']);
  assert.deepEqual(loaded.errors.map((e) => [e.type, e.rowNumber]), [
    ['missing-cell', 5], ['blank-row', 6], ['blank-row', 7], ['extra-cell', 8], ['blank-row', 12], ['footer-row', 13], ['footer-row', 14], ['footer-row', 15],
  ]);
  const extra = loaded.errors.find((e) => e.type === 'extra-cell');
  assert.equal(extra?.cell, 'extra;more');
  assert.equal(extra?.fieldNumber, 4);
  const missing = loaded.errors.find((e) => e.type === 'missing-cell');
  assert.equal(missing?.fieldName, 'Code');
  assert.equal(loaded.errors.find((e) => e.rowNumber === 15)?.cell, 'BRON: Federale Politie');
  assert.deepEqual(summary(loaded), { 'missing-cell': 1, 'blank-row': 3, 'extra-cell': 1, 'footer-row': 3 });
});

test('a total row at the end is a footer, one in the middle is data', async () => {
  const body = 'Anderlecht;10\nTotal;5\nIxelles;20\nTotaal;35\n';
  const { loaded, rows } = await load(prepared(body, ['Commune', 'N']));
  assert.deepEqual(rows.map((r) => r.Commune), ['Anderlecht', 'Total', 'Ixelles']);
  assert.deepEqual(loaded.errors.map((e) => [e.type, e.rowNumber, e.cell]), [['footer-row', 5, 'Totaal;35']]);
});

test('blank and duplicate labels get names and errors', async () => {
  const names = fieldNamesFromLabels([' Code  INS ', '', 'Naam', 'naam', 'Naam', '_id', 'Taal\n(FR)'], 2);
  assert.deepEqual(names.names, ['Code INS', 'field_2', 'Naam', 'naam_2', 'Naam_3', '_id_2', 'Taal (FR)']);
  assert.deepEqual(names.errors.map((e) => [e.type, e.fieldNumber, e.rowNumber]), [['blank-header', 2, 2], ['duplicate-label', 4, 2], ['duplicate-label', 5, 2]]);
  // A real label keeps its name; the blank column takes the next free one.
  assert.deepEqual(fieldNamesFromLabels(['field_2', ''], 1).names, ['field_2', 'field_2_2']);

  const { loaded, rows } = await load(prepared('1;a;b\n2;c;d\n', ['Jaar', '', 'Jaar']));
  assert.deepEqual(loaded.schema.fields.map((f) => f.name), ['Jaar', 'field_2', 'Jaar_2']);
  assert.equal(loaded.schema.fields[2].title, 'Jaar');
  assert.deepEqual(rows.map((r) => r.Jaar_2), ['b', 'd']);
  assert.deepEqual(summary(loaded), { 'blank-header': 1, 'duplicate-label': 1 });
});

test('a body that does not parse is refused with unreadable_table', async () => {
  // A quote that never closes (DuckDB's serial reader would drop the rest silently), and text after a closing quote.
  for (const body of ['a;1\n"b;2\nc;3\n', 'a;1\n"b"x;2\nc;3\n']) {
    await assert.rejects(load(prepared(body, ['name', 'n'])), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, 'unreadable_table');
      assert.match(err.message, /quote/);
      assert.match(err.message, /row/);
      return true;
    });
  }
});

test('an empty line inside a quoted cell is text, not a blank row', async () => {
  const { loaded, rows } = await load(prepared('a;"one\n\ntwo"\n\nb;three\n', ['k', 'v']));
  assert.deepEqual(rows.map((r) => [r._row, r.v]), [[2n, 'one\n\ntwo'], [4n, 'three']]);
  assert.deepEqual(loaded.errors.map((e) => [e.type, e.rowNumber]), [['blank-row', 3]]);
});

test('rows with only the first cell filled end a table as a footer, unless there are many', async () => {
  const short = await load(prepared('a;1\nb;2\nStatbel, 2024;\n* provisional\n', ['k', 'v']));
  assert.deepEqual(short.rows.map((r) => r.k), ['a', 'b']);
  assert.deepEqual(short.loaded.errors.map((e) => [e.type, e.rowNumber, e.cell]), [['footer-row', 4, 'Statbel, 2024'], ['footer-row', 5, '* provisional']]);
  const sparse = Array.from({ length: 30 }, (_, i) => `name ${i};`);
  const many = await load(prepared(['a;1', ...sparse].join('\n'), ['k', 'v']));
  assert.equal(many.loaded.rowCount, 31);
  assert.equal(summary(many.loaded)['footer-row'], undefined);
});

test('mixed line endings are read leniently', async () => {
  const { rows } = await load(prepared('a;1\r\nb;2\nc;3\r\n', ['name', 'n']));
  assert.deepEqual(rows.map((r) => [r.name, r.n]), [['a', 1n], ['b', 2n], ['c', 3n]]);
});

test('type and censored errors reach the load result; errors are capped at 100 per type', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 150; i++) lines.push(i === 20 ? `r${i};abc;<5` : `r${i};${i};${i % 7 === 0 ? '<5' : i}`);
  lines.push(...Array.from({ length: 130 }, (_, i) => `s${i}`));
  const { loaded } = await load(prepared(lines.join('\n'), ['id', 'montant', 'aantal']));
  const s = summary(loaded);
  assert.equal(s['type-error'], 1);
  assert.equal(s['censored-value'], 1);
  assert.match(loaded.errors.find((e) => e.type === 'censored-value')?.message ?? '', /23 censored values/);
  assert.equal(s['missing-cell'], 130);
  assert.equal(loaded.errors.filter((e) => e.type === 'missing-cell').length, 100);
  const te = loaded.errors.find((e) => e.type === 'type-error');
  assert.deepEqual([te?.rowNumber, te?.cell, te?.fieldName], [22, 'abc', 'montant']);
  assert.ok(loaded.errors.every((e, i, all) => i === 0 || (all[i - 1].rowNumber ?? 0) <= (e.rowNumber ?? 0)));
});

test('many empty lines and blank rows: numbering through a table of offsets', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) lines.push(`v${i};${i}`, i % 2 ? '' : ';');
  const { loaded, rows } = await load(prepared(lines.join('\n') + '\n', ['name', 'n']));
  assert.equal(loaded.rowCount, 3000);
  assert.deepEqual(rows.slice(0, 3).map((r) => [r._id, r._row, r.name]), [[1n, 2n, 'v0'], [2n, 4n, 'v1'], [3n, 6n, 'v2']]);
  assert.deepEqual([rows[2999]._id, rows[2999]._row], [3000n, 2n + 2n * 2999n]);
  assert.equal(summary(loaded)['blank-row'], 3000);
});

test('a value far down that the sample could not see still decides the type', async () => {
  const n = 120_000;
  const lines = Array.from({ length: n }, (_, i) => `${i};${(i % 100) + 1}/01/2020;${1000 + i}`.replace(/^(\d+);(\d+)\//, (m, a, b) => `${a};${Math.min(Number(b), 28)}/`));
  lines[n - 5] = `${n - 5};31/02/2020;01234`;
  const { loaded, rows, types } = await load(prepared(lines.join('\n'), ['n', 'when', 'num']));
  assert.deepEqual([types.n, types.when, types.num], ['BIGINT', 'VARCHAR', 'VARCHAR']);
  assert.equal(rows[n - 5].when, '31/02/2020');
  assert.equal(rows[n - 5].num, '01234');
  assert.equal(rows[0].num, '1000');
  assert.equal(loaded.errors.find((e) => e.type === 'type-error')?.rowNumber, n - 5 + 2);
});

test('a row far longer than the header is read again with more columns', async () => {
  const { loaded, rows } = await load(prepared('a;1\nb;2;3;4;5;6;7;8;9;10\n', ['k', 'v']));
  assert.deepEqual(loaded.schema.fields.map((f) => f.name), ['k', 'v', 'field_3', 'field_4', 'field_5', 'field_6', 'field_7', 'field_8', 'field_9', 'field_10']);
  assert.equal(rows[1].field_10, 10n);
  assert.equal(loaded.errors[0].cell, '3;4;5;6;7;8;9;10');
});
