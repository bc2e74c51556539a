import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors.ts';
import { sqlString } from '../../stores/tables/duckdb.ts';
import { useTableEngine } from '../../../test/helpers/engine.ts';
import { tempDir } from '../../../test/helpers/paths.ts';
import { loadCsvTable } from '../csv/load.ts';
import type { PreparedCsv, PreparedTable } from '../types.ts';
import { readJson } from './read.ts';

const dir = tempDir();
const db = useTableEngine();
let n = 0;

function file(content: string | Buffer, ext = '.json'): string {
  const p = path.join(dir, `src-${++n}${ext}`);
  fs.writeFileSync(p, content);
  return p;
}

async function read(content: string | Buffer, opts: { ext?: string; pointer?: string; maxColumns?: number } = {}): Promise<{ t: PreparedTable; body: string }> {
  const t = await readJson(file(content, opts.ext), path.join(dir, `work-${n}`), { pointer: opts.pointer, maxColumns: opts.maxColumns });
  return { t, body: fs.readFileSync(t.utf8Path, 'utf8') };
}

async function refused(content: string | Buffer, code: string, pattern: RegExp, opts: { ext?: string; pointer?: string; maxColumns?: number } = {}) {
  await assert.rejects(read(content, opts), (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

test('an array of objects: flattened columns, values as the loader reads them', async () => {
  const json = JSON.stringify([
    { name: 'Gent', pop: 263000, address: { street: 'Botermarkt, 1', box: null }, tags: ['a', 'b'], active: true },
    { name: 'Liège "Cité"', pop: 197000, address: { street: 'Place du Marché', zip: '4000' }, tags: [], active: false, extra: { deep: { x: 1 } } },
  ]).replace('263000', '263000.50').replace('197000', '12345678901234567890123');
  const { t, body } = await read(json);
  // address.zip first appears in row 2 but sits beside address.street and address.box.
  assert.deepEqual(t.header, ['name', 'pop', 'address.street', 'address.box', 'address.zip', 'tags', 'active', 'extra.deep.x']);
  assert.equal(body, [
    'Gent,263000.50,"Botermarkt, 1",,,"[""a"",""b""]",true,',
    '"Liège ""Cité""",12345678901234567890123,Place du Marché,,4000,,false,1',
  ].join('\n') + '\n');
  assert.deepEqual(t.dialect, { delimiter: ',', quoteChar: '"', doubleQuote: true, lineTerminator: '\n', header: true });
  assert.equal(t.headerRowNumber, 0);
  assert.equal(t.firstDataRowNumber, 1);
  assert.deepEqual(t.skipped, []);
  assert.deepEqual(t.origin, { format: 'json', pointer: '' });
  assert.deepEqual(t.encoding, { encoding: 'utf-8', bom: false, method: 'valid-utf8', confidence: 1, mojibake: null, invalidSequences: 0 });
  assert.equal(t.sourceBytes, Buffer.byteLength(json));
});

test('numbers keep their source text, strings keep line breaks and commas', async () => {
  const { body } = await read('[{"a": -0.0, "b": 1E+5, "c": "x\\ny", "d": "", "e": {}}, {"a": 1e-7}]');
  assert.equal(body, '-0.0,1E+5,"x\ny",\n1e-7,,,\n');
});

test('the body loads into DuckDB with row numbers and types', async () => {
  const rows = Array.from({ length: 30 }, (_, i) => ({ rank: i + 1, commune: `C${i}`, date: `2024-01-${String((i % 28) + 1).padStart(2, '0')}`, ok: i % 2 === 0, amount: i * 1.5, geo: { lat: Math.round(5080 + i) / 100 } }));
  rows[4] = { rank: 5, commune: 'Mons' } as (typeof rows)[number];
  const { t } = await read(JSON.stringify(rows));
  const out = path.join(dir, 'loaded.parquet');
  await db.engine.withConnection(async (conn) => {
    const loaded = await loadCsvTable(conn, t as PreparedCsv, out);
    assert.equal(loaded.rowCount, 30);
    assert.deepEqual(loaded.schema.fields.map((f) => [f.name, f.type]), [
      ['rank', 'integer'], ['commune', 'string'], ['date', 'date'], ['ok', 'boolean'], ['amount', 'number'], ['geo.lat', 'number'],
    ]);
    const r = (await conn.runAndReadAll(`SELECT _row, commune, "geo.lat" FROM read_parquet(${sqlString(out)}) WHERE rank = 5`)).getRowObjectsJS();
    assert.equal(Number(r[0]._row), 5);
    assert.equal(r[0]['geo.lat'], null);
  });
});

test('an object holding one array of objects, one or two levels down', async () => {
  const one = await read('{"total": 2, "results": [{"x": 1}, {"x": 2}], "tags": ["a"], "links": []}');
  assert.deepEqual(one.t.origin, { format: 'json', pointer: '/results' });
  assert.equal(one.body, '1\n2\n');
  assert.match(one.t.notes!.join(' '), /"\/results"/);
  const two = await read('{"meta": {"count": 1}, "data": {"items": [{"x": "a/b"}]}}');
  assert.deepEqual(two.t.origin, { format: 'json', pointer: '/data/items' });
  // A list further down does not compete with the table.
  const deeper = await read('{"result": {"records": [{"x": 1}], "meta": {"fields": [{"id": "x"}]}}}');
  assert.deepEqual(deeper.t.origin, { format: 'json', pointer: '/result/records' });
});

test('several arrays of objects: an error lists the pointers, and the pointer option picks one', async () => {
  const ckan = JSON.stringify({ success: true, result: { fields: [{ id: 'x', type: 'int' }], records: [{ x: 1 }, { x: 2 }, { x: 3 }] } });
  await assert.rejects(read(ckan), (err: unknown) => {
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'unreadable_table');
    assert.match(err.message, /several arrays of objects: "\/result\/fields" \(1 object\), "\/result\/records" \(3 objects\)/);
    assert.deepEqual((err.details as { candidates: unknown }).candidates, [{ pointer: '/result/fields', objects: 1 }, { pointer: '/result/records', objects: 3 }]);
    return true;
  });
  const { t, body } = await read(ckan, { pointer: '/result/records' });
  assert.deepEqual(t.origin, { format: 'json', pointer: '/result/records' });
  assert.equal(body, '1\n2\n3\n');
  // Pointers reach any depth, through arrays too, with RFC 6901 escapes.
  const deep = await read('[{"a/b": {"c~d": [{"v": 1}]}}]', { pointer: '/0/a~1b/c~0d' });
  assert.equal(deep.body, '1\n');
  await refused(ckan, 'unreadable_table', /"\/result\/rows" does not exist.*"\/result\/records" \(3 objects\)/, { pointer: '/result/rows' });
  await refused(ckan, 'unreadable_table', /"\/result" holds an object, not an array/, { pointer: '/result' });
  await refused(ckan, 'bad_request', /not a JSON Pointer/, { pointer: 'result' });
});

test('JSON Lines: one object per line, found by content or by the .jsonl name', async () => {
  const { t, body } = await read('{"a": 1, "b": {"c": "é"}}\n\n{"a": 2, "d": [1]}\r\n{"a": 3}');
  assert.deepEqual(t.header, ['a', 'b.c', 'd']);
  assert.equal(body, '1,é,\n2,,[1]\n3,,\n');
  assert.deepEqual(t.origin, { format: 'json' });
  assert.match(t.notes!.join(' '), /JSON Lines: 3 objects/);
  const single = await read('{"a": 1}\n', { ext: '.jsonl' });
  assert.equal(single.body, '1\n');
  await refused('{"a": 1}\n[1, 2]\n', 'unreadable_table', /Value 2 of the JSON Lines .* is an array \(\[1,2\]\)/);
  await refused('[{"a": 1}]\n[{"a": 2}]\n', 'unreadable_table', /several JSON values one after the other, the first being an array/);
});

test('encodings: BOM, UTF-16, Latin-1 read as Windows-1252, mixed refused', async () => {
  const bom = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"naam": "Sint-Niklaas"}]')]));
  assert.deepEqual(bom.t.encoding, { encoding: 'utf-8', bom: true, method: 'bom', confidence: 1, mojibake: null, invalidSequences: 0 });
  assert.equal(bom.body, 'Sint-Niklaas\n');

  const utf16 = await read(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[{"commune": "Liège"}]', 'utf16le')]));
  assert.equal(utf16.t.encoding?.encoding, 'utf-16le');
  assert.equal(utf16.body, 'Liège\n');

  const latin1 = await read(Buffer.concat([Buffer.from('[{"commune": "Li'), Buffer.from([0xe8]), Buffer.from('ge", "montant": "5 '), Buffer.from([0x80]), Buffer.from('"}]')]));
  assert.equal(latin1.body, 'Liège,5 €\n');
  assert.deepEqual({ ...latin1.t.encoding }, { encoding: 'windows-1252', bom: false, method: 'fallback', confidence: 0.5, mojibake: null, invalidSequences: 0 });
  assert.match(latin1.t.notes!.join(' '), /not UTF-8 and was read as Windows-1252/);

  const mixed = Buffer.concat([Buffer.from('[{"a": "é"},\n{"a": "'), Buffer.from([0xe9]), Buffer.from('"}]')]);
  await refused(mixed, 'unknown_encoding', /not valid UTF-8: the bytes at 21 \(line 2\)/);
});

test('not JSON: the error says where it breaks', async () => {
  await refused('[{"a": 1},\n {"b": 2,}]', 'unreadable_table', /not valid JSON: an unexpected "}" .* at line 2, column 10, byte 20/);
  await refused("[{'a': 1}]", 'unreadable_table', /not valid JSON: a key was expected .* at line 1, column 3/);
  await refused('[{"a": 1}, {"b": ', 'unreadable_table', /not valid JSON: .*cut short.* at line 1/);
  await refused('commune;population\nGent;263000\n', 'unreadable_table', /not valid JSON: a value was expected .* line 1, column 1, byte 0 \(near "commune;population G"\)/);
  await refused(Buffer.from('PK\x03\x04xl/workbook.xml', 'latin1'), 'binary_file', /looks like an XLSX workbook \(Excel\), not JSON text/);
});

test('empty and table-less JSON is refused with what was found and how to fix it', async () => {
  await refused('', 'empty_file', /empty \(0 bytes\)/);
  await refused('  \n\t', 'empty_file', /only blank space/);
  await refused('[]', 'empty_file', /The top-level array in .* is empty/);
  await refused('"hello"', 'unreadable_table', /a single value \("hello"\), not a table/);
  await refused('{"name": "Gent", "population": 263000}', 'unreadable_table', /JSON that is not an array: an object with keys "name", "population", and no array of objects/);
  await refused('{"a": {"b": {"c": [{"x": 1}]}}}', 'unreadable_table', /no array of objects in its first two levels\. Arrays of objects in .*: "\/a\/b\/c" \(1 object\)/);
  await refused('{"years": [2020, 2021]}', 'unreadable_table', /arrays of single values only \("\/years"\)/);
  await refused('[1, 2, 3]', 'unreadable_table', /holds 3 numbers \(the first is 1\), not objects\. Each row must be an object/);
  await refused('[["name", "pop"], ["Gent", 1]]', 'unreadable_table', /holds 2 arrays .* need their column names/);
  await refused('[{"a": 1}, {"a": 2}, "x"]', 'unreadable_table', /Element 3 of the top-level array .* is a string \("x"\), while the rows are objects \(2 of 3\)/);
  await refused('[{}, {}]', 'empty_file', /have no keys/);
});

test('more columns than allowed', async () => {
  const wide = JSON.stringify([Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`k${i}`, i]))]);
  await refused(wide, 'too_many_columns', /more than 5 different keys/, { maxColumns: 5 });
  const { t } = await read(wide, { maxColumns: 6 });
  assert.equal(t.header.length, 6);
});

test('a .json file holding GeoJSON is read as GeoJSON', async () => {
  const { t } = await read(JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { a: 1 }, geometry: { type: 'Point', coordinates: [4.35, 50.85] } }] }));
  assert.deepEqual(t.origin, { format: 'geojson' });
  assert.equal(t.spatial?.kind, 'geometry');
});

test('large files stream: 200,000 rows over several chunks', async () => {
  const p = path.join(dir, 'big.json');
  const out = fs.createWriteStream(p);
  out.write('{"data": [\n');
  for (let i = 0; i < 200_000; i++) out.write(`${i ? ',' : ''}{"id": ${i}, "name": "row ${i}", "nested": {"v": ${i / 4}}${i === 199_999 ? ', "late": true' : ''}}\n`);
  out.end(']}');
  await new Promise<void>((r) => out.on('finish', () => r()));
  const t = await readJson(p, path.join(dir, 'big-work'));
  assert.deepEqual(t.header, ['id', 'name', 'nested.v', 'late']);
  const body = fs.readFileSync(t.utf8Path, 'utf8').split('\n');
  assert.equal(body.length, 200_001);
  assert.equal(body[199_999], '199999,row 199999,49999.75,true');
});
