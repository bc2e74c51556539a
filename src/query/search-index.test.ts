import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { TableSchema } from '../ingest/types.ts';
import { AppError } from '../errors.ts';
import { tempDir } from '../../test/helpers/paths.ts';
import { buildSearchIndex, indexHitsSql, searchTerms, SqlParams, wordsMatchSql } from './search-index.ts';

const schema: TableSchema = {
  missingValues: [],
  fields: [
    { name: 'name', type: 'string' },
    { name: 'n', type: 'integer' },
    { name: 'x', type: 'number' },
    { name: 'ok', type: 'boolean' },
    { name: 'd', type: 'date' },
    { name: 'geo', type: 'geojson' },
  ],
};

let instance: DuckDBInstance;
let conn: DuckDBConnection;
let dir: string;
let tablePath: string;

before(async () => {
  dir = tempDir();
  instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  conn = await instance.connect();
  tablePath = path.join(dir, 't.parquet');
  await conn.run(`COPY (SELECT * FROM (VALUES
      (1::BIGINT, 2::BIGINT, 'Chaussée de LIÈGE', 12::BIGINT, 1.5::DOUBLE, true, DATE '2024-03-01', '{"type":"Point","coordinates":[5.57,50.63]}'),
      (2, 3, 'Straße—Œuvre  liège', NULL, NULL, false, NULL, NULL),
      (3, 4, NULL, 7, 2.25, NULL, DATE '1999-12-31', NULL)
    ) t(_id, _row, name, n, x, ok, d, geo)) TO '${tablePath}' (FORMAT parquet)`);
});

after(() => {
  conn.closeSync();
  instance.closeSync();
});

const rows = async (sql: string, values: unknown[] = []) => (await conn.runAndReadAll(sql, values as never)).getRowsJS();

test('buildSearchIndex writes distinct (token, _id) pairs sorted by token: lowercased, accents stripped, no booleans or GeoJSON', async () => {
  const out = path.join(dir, 'idx.parquet');
  const r = await buildSearchIndex(conn, tablePath, schema, out);
  assert.equal(r.path, out);
  assert.ok(r.bytes > 0 && r.bytes === fs.statSync(out).size);
  assert.equal(fs.existsSync(out + '.tmp'), false);
  const entries = await rows(`SELECT token, _id FROM read_parquet('${out}')`);
  assert.equal(r.entries, entries.length);
  const sorted = [...entries].sort((a, b) => (a[0] === b[0] ? Number(a[1]) - Number(b[1]) : String(a[0]) < String(b[0]) ? -1 : 1));
  assert.deepEqual(entries, sorted, 'file order is (token, _id)');
  const byToken = new Map<string, number[]>();
  for (const [t, id] of entries) byToken.set(String(t), [...(byToken.get(String(t)) ?? []), Number(id)]);
  assert.deepEqual(byToken.get('liege'), [1, 2], 'once per row even when repeated');
  assert.deepEqual(byToken.get('chaussee'), [1]);
  assert.deepEqual(byToken.get('straße'), [2]);
  assert.deepEqual(byToken.get('œuvre'), [2]);
  assert.deepEqual(byToken.get('2024'), [1]);
  assert.deepEqual(byToken.get('25'), [3], 'numbers by their text form 2.25');
  assert.equal(byToken.has('true'), false);
  assert.equal(byToken.has('point'), false);
  assert.equal(byToken.has(''), false);
  const cols = await rows(`SELECT name, type FROM parquet_schema('${out}') WHERE name IN ('token', '_id') ORDER BY name`);
  assert.deepEqual(cols, [['_id', 'INT64'], ['token', 'BYTE_ARRAY']]);
});

test('buildSearchIndex of a table without searchable fields is an empty index', async () => {
  const out = path.join(dir, 'empty-idx.parquet');
  const r = await buildSearchIndex(conn, tablePath, { missingValues: [], fields: [{ name: 'ok', type: 'boolean' }] }, out);
  assert.equal(r.entries, 0);
  assert.deepEqual(await rows(`SELECT count(*) FROM read_parquet('${out}')`), [[0n]]);
});

test('searchTerms: words in order, once; the last one a prefix while it is being typed', async () => {
  assert.deepEqual(await searchTerms(conn, 'Rue de LIÈGE rue'), [
    { token: 'rue', prefix: false },
    { token: 'de', prefix: false },
    { token: 'liege', prefix: false },
  ]);
  assert.deepEqual(await searchTerms(conn, 'rue de liè'), [
    { token: 'rue', prefix: false },
    { token: 'de', prefix: false },
    { token: 'lie', prefix: true },
  ]);
  assert.deepEqual(await searchTerms(conn, 'liège, '), [{ token: 'liege', prefix: false }]);
  assert.deepEqual(await searchTerms(conn, 'rue d'), [{ token: 'rue', prefix: false }, { token: 'd', prefix: false }]);
  assert.deepEqual(await searchTerms(conn, ' --- '), []);
  await assert.rejects(searchTerms(conn, Array.from({ length: 17 }, (_, i) => `w${i}`).join(' '), 'full_text'), (e: unknown) => {
    return e instanceof AppError && e.code === 'validation_failed' && /'full_text' has 17 words/.test(e.message);
  });
});

test('index lookups: all words must match, the prefix range stops before the next letter', async () => {
  const out = path.join(dir, 'idx2.parquet');
  await buildSearchIndex(conn, tablePath, schema, out);
  const hits = async (text: string) => {
    const p = new SqlParams();
    const sql = indexHitsSql(out, await searchTerms(conn, text), p);
    return (await rows(`SELECT _id FROM (${sql}) ORDER BY _id`, p.values)).map((r) => Number(r[0]));
  };
  assert.deepEqual(await hits('liege'), [1, 2]);
  assert.deepEqual(await hits('lie'), [1, 2]);
  assert.deepEqual(await hits('liege chau'), [1]);
  assert.deepEqual(await hits('liegf'), []);
  assert.deepEqual(await hits('strasse'), []);
  assert.deepEqual(await hits('1999'), [3]);
});

test('wordsMatchSql checks words of one text the same way', async () => {
  const check = async (text: string, q: string) => {
    const p = new SqlParams();
    p.add(text);
    const cond = wordsMatchSql('$1', await searchTerms(conn, q), p);
    return (await rows(`SELECT ${cond}`, p.values))[0][0];
  };
  assert.equal(await check('Place Saint-Lambert, Liège', 'saint lamb'), true);
  assert.equal(await check('Place Saint-Lambert, Liège', 'lambert place'), true);
  assert.equal(await check('Place Saint-Lambert, Liège', 'lamb place'), false);
  assert.equal(await check('Place Saint-Lambert, Liège', 'liège'), true);
});
