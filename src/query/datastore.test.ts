import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { TableSchema } from '../ingest/types.ts';
import { AppError } from '../errors.ts';
import { tempDir } from '../../test/helpers/paths.ts';
import { datastoreSearch, DatastoreSearchInput, parseDatastoreSearchInput, ROWS_MAX, type DatastoreSource } from './datastore.ts';
import { buildSearchIndex } from './search-index.ts';

const schema: TableSchema = {
  missingValues: [''],
  fields: [
    { name: 'street', type: 'string' },
    { name: 'city', type: 'string' },
    { name: 'year', type: 'integer' },
    { name: 'amount', type: 'number' },
    { name: 'open', type: 'boolean' },
    { name: 'day', type: 'date' },
    { name: 'updated', type: 'datetime' },
    { name: 'code, "postal"', type: 'string' },
  ],
};

// _id, street, city, year, amount, open, day, updated, code
const rows = `
  (1, 'Place Saint-Lambert', 'Liège', 2020, 12.5, true, DATE '2020-01-15', TIMESTAMP '2020-01-15 08:30:00', '4000'),
  (2, 'Grote Markt', 'Gent', 2021, NULL, false, DATE '2021-03-01', TIMESTAMP '2021-03-01 12:00:00.25', '9000'),
  (3, 'Rue de la Loi', 'Bruxelles', 2020, -5.25, true, DATE '2020-06-30', TIMESTAMP '2020-06-30 23:59:59', '1000'),
  (4, 'Kerkstraat', 'Antwerpen', NULL, 1000.0, NULL, NULL, NULL, NULL),
  (5, 'Boulevard d''Avroy', 'Liège', 2022, 7.0, false, DATE '2022-12-31', TIMESTAMP '2022-12-31 00:00:00', '4000'),
  (6, 'Élouges, rue "Haute"', 'Dour', 2021, 0.1, true, DATE '2021-01-01', TIMESTAMP '2021-01-01 10:00:00', '7370'),
  (7, 'ellezelles', 'Ellezelles', 2019, 3.0, false, DATE '2019-05-05', TIMESTAMP '2019-05-05 05:05:05', '7890'),
  (8, 'Enghien', 'Enghien', 2019, 3.0, true, DATE '2019-05-06', TIMESTAMP '2019-05-06 06:06:06', '7850'),
  (9, 'Liège line
two', 'Namur', 2023, 9007199254740993, false, DATE '2023-02-28', TIMESTAMP '2023-02-28 14:00:00', '5000'),
  (10, 'Rue Haute', 'Bruxelles', 2020, 2.5, true, DATE '2020-02-29', TIMESTAMP '2020-02-29 09:00:00', '1000')`;

let instance: DuckDBInstance;
let conn: DuckDBConnection;
let source: DatastoreSource;
let noIndex: DatastoreSource;

before(async () => {
  const dir = tempDir();
  instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  conn = await instance.connect();
  const parquetPath = path.join(dir, 'table.parquet');
  await conn.run(`CREATE TABLE t (_id BIGINT, street VARCHAR, city VARCHAR, year BIGINT, amount DOUBLE, open BOOLEAN, day DATE, updated TIMESTAMP, "code, ""postal""" VARCHAR)`);
  await conn.run(`INSERT INTO t VALUES ${rows}`);
  await conn.run(`COPY (SELECT _id, _id + 1 AS _row, * EXCLUDE (_id) FROM t ORDER BY _id) TO '${parquetPath}' (FORMAT parquet)`);
  const searchIndexPath = path.join(dir, 'table.search.parquet');
  await buildSearchIndex(conn, parquetPath, schema, searchIndexPath);
  source = { parquetPath, searchIndexPath, schema };
  noIndex = { parquetPath, schema };
});

after(() => {
  conn.closeSync();
  instance.closeSync();
});

const search = (input: unknown, src = source) => datastoreSearch(conn, src, input);
const ids = (records: unknown) => (records as { _id: number }[]).map((r) => r._id);

async function rejects(input: unknown, pattern: RegExp, src = source) {
  await assert.rejects(search(input, src), (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, 'validation_failed');
    assert.match(err.message, pattern);
    return true;
  });
}

test('defaults: all fields with _id first, CKAN type names, 100 rows, exact total', async () => {
  const r = await search({});
  assert.deepEqual(r.fields, [
    { id: '_id', type: 'int' },
    { id: 'street', type: 'text' },
    { id: 'city', type: 'text' },
    { id: 'year', type: 'int' },
    { id: 'amount', type: 'numeric' },
    { id: 'open', type: 'bool' },
    { id: 'day', type: 'date' },
    { id: 'updated', type: 'timestamp' },
    { id: 'code, "postal"', type: 'text' },
  ]);
  assert.equal(r.total, 10);
  assert.equal(r.total_was_estimated, false);
  assert.equal(r.limit, 100);
  assert.equal(r.offset, 0);
  assert.deepEqual(ids(r.records), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.ok(!('_row' in (r.records[0] as object)));
});

test('values are JSON-safe: ISO dates and timestamps, numbers, nulls, big integers as text', async () => {
  const r = await search({ filters: { _id: [1, 2, 4] } });
  const [a, b, d] = r.records as Record<string, unknown>[];
  assert.deepEqual(a, {
    _id: 1, street: 'Place Saint-Lambert', city: 'Liège', year: 2020, amount: 12.5, open: true,
    day: '2020-01-15', updated: '2020-01-15T08:30:00', 'code, "postal"': '4000',
  });
  assert.equal(b.updated, '2021-03-01T12:00:00.25');
  assert.equal(b.amount, null);
  assert.deepEqual([d.year, d.open, d.day, d.updated], [null, null, null, null]);
  assert.doesNotThrow(() => JSON.stringify(r));
});

test('limit and offset page through in _id order; total is unaffected', async () => {
  const r = await search({ limit: '3', offset: '3' });
  assert.deepEqual(ids(r.records), [4, 5, 6]);
  assert.equal(r.total, 10);
  const end = await search({ limit: 5, offset: 8 });
  assert.deepEqual(ids(end.records), [9, 10]);
  const past = await search({ offset: 50 });
  assert.deepEqual(past.records, []);
  const none = await search({ limit: 0 });
  assert.deepEqual([none.records, none.total], [[], 10]);
});

test('limit above rows_max is lowered like CKAN; bad limits and offsets are refused', async () => {
  assert.equal((await search({ limit: 50000 })).limit, ROWS_MAX);
  await rejects({ limit: -1 }, /limit must be 0 or more/);
  await rejects({ limit: 'ten' }, /limit must be a whole number/);
  await rejects({ limit: 2.5 }, /limit must be a whole number/);
  await rejects({ offset: '-3' }, /offset must be a whole number/);
});

test('filters: equality, list as IN, typed values from strings, JSON-encoded filters', async () => {
  assert.deepEqual(ids((await search({ filters: { city: 'Liège' } })).records), [1, 5]);
  assert.deepEqual(ids((await search({ filters: { city: ['Gent', 'Dour', 'Nowhere'] } })).records), [2, 6]);
  assert.deepEqual(ids((await search({ filters: { year: '2020' } })).records), [1, 3, 10]);
  assert.deepEqual(ids((await search({ filters: { year: [2019, '2022'] } })).records), [5, 7, 8]);
  assert.deepEqual(ids((await search({ filters: { amount: 3 } })).records), [7, 8]);
  assert.deepEqual(ids((await search({ filters: { amount: '-5.25' } })).records), [3]);
  assert.deepEqual(ids((await search({ filters: { open: 'false' } })).records), [2, 5, 7, 9]);
  assert.deepEqual(ids((await search({ filters: { day: '2020-02-29' } })).records), [10]);
  assert.deepEqual(ids((await search({ filters: { updated: '2021-03-01T12:00:00.25' } })).records), [2]);
  assert.deepEqual(ids((await search({ filters: { updated: '2022-12-31' } })).records), [5]);
  assert.deepEqual(ids((await search({ filters: { 'code, "postal"': '4000' } })).records), [1, 5]);
  const fromQueryString = await search({ filters: '{"city": "Bruxelles", "year": "2020"}' });
  assert.deepEqual([ids(fromQueryString.records), fromQueryString.total], [[3, 10], 2]);
});

test('filters: null matches missing values, alone or in a list; an empty list matches nothing', async () => {
  assert.deepEqual(ids((await search({ filters: { year: null } })).records), [4]);
  assert.deepEqual(ids((await search({ filters: { amount: [null, 3] } })).records), [2, 7, 8]);
  assert.deepEqual(ids((await search({ filters: { open: [null] } })).records), [4]);
  const none = await search({ filters: { city: [] } });
  assert.deepEqual([none.records, none.total], [[], 0]);
});

test('filters: values of the wrong type and unknown fields are clear validation errors', async () => {
  await rejects({ filters: { year: 'abc' } }, /Filter value "abc" for field 'year' is not a whole number/);
  await rejects({ filters: { year: 20.5 } }, /for field 'year' is not a whole number/);
  await rejects({ filters: { year: '99999999999999999999' } }, /'year'/);
  await rejects({ filters: { amount: '12,5' } }, /use '\.' as decimal separator/);
  await rejects({ filters: { open: 'yes please' } }, /'open' is not true or false/);
  await rejects({ filters: { day: '2021-02-29' } }, /'day' is not a date written YYYY-MM-DD/);
  await rejects({ filters: { updated: '2021-01-01T10:00:00+02:00' } }, /'updated' is not a date and time/);
  await rejects({ filters: { town: 'Gent' } }, /Unknown field 'town' in filters; fields are: _id, street, city, year/);
  await rejects({ filters: { _row: 2 } }, /Unknown field '_row' in filters/);
  await rejects({ filters: { town: 'Gent' }, limit: 0, include_total: false }, /Unknown field 'town'/);
  await rejects({ filters: '{not json' }, /filters must be an object/);
  await rejects({ filters: { city: { nested: 1 } } }, /each filter must be a value or a list of values/);
});

test('injection attempts in names are unknown fields; in values they are just values', async () => {
  await rejects({ filters: { 'city" = \'x\' OR "1" = "1': 'x' } }, /Unknown field/);
  await rejects({ sort: 'year; DROP TABLE t' }, /Unknown field 'year; DROP TABLE t' in sort/);
  await rejects({ sort: '(SELECT 1) desc' }, /Unknown field '\(SELECT 1\)' in sort/);
  await rejects({ fields: ['_id', "street FROM read_csv('/etc/passwd') --"] }, /Unknown field/);
  await rejects({ q: { 'city") OR (1=1': 'x' } }, /Unknown field .* in q/);
  const harmless = await search({ filters: { city: "'; DROP TABLE t; --" }, q: "') OR 1=1 --" });
  assert.deepEqual([harmless.records, harmless.total], [[], 0]);
  const quoted = await search({ filters: { street: 'Boulevard d\'Avroy' } });
  assert.deepEqual(ids(quoted.records), [5]);
});

test('q: accent- and case-insensitive words over the whole row, last word as a prefix', async () => {
  assert.deepEqual(ids((await search({ q: 'liege' })).records), [1, 5, 9]);
  assert.deepEqual(ids((await search({ q: 'LIÈGE' })).records), [1, 5, 9]);
  assert.deepEqual(ids((await search({ q: 'lie' })).records), [1, 5, 9]);
  assert.deepEqual(ids((await search({ q: 'rue haute' })).records), [6, 10]);
  assert.deepEqual(ids((await search({ q: 'haute rue' })).records), [6, 10]);
  assert.deepEqual(ids((await search({ q: 'elouges' })).records), [6]);
  assert.deepEqual(ids((await search({ q: '4000' })).records), [1, 5]);
  assert.deepEqual(ids((await search({ q: '2020-02-29' })).records), [10]);
  const typedAhead = await search({ q: 'bru' });
  assert.deepEqual([ids(typedAhead.records), typedAhead.total], [[3, 10], 2]);
  const complete = await search({ q: 'bru ' });
  assert.deepEqual(complete.total, 0);
  const none = await search({ q: 'zzzz' });
  assert.deepEqual([none.records, none.total], [[], 0]);
  assert.equal((await search({ q: '  !! ' })).total, 10);
  const paged = await search({ q: 'liege', limit: 1, offset: 1 });
  assert.deepEqual([ids(paged.records), paged.total], [[5], 3]);
});

test('q: the same answers without a search index (scan), and full_text like q', async () => {
  for (const q of ['liege', 'rue haute', 'bru', 'zzzz', 'gent 9000']) {
    const a = await search({ q });
    const b = await search({ q }, noIndex);
    assert.deepEqual([b.records, b.total], [a.records, a.total], q);
  }
  assert.deepEqual(ids((await search({ full_text: 'liège' })).records), [1, 5, 9]);
  const missingIndex = { ...source, searchIndexPath: source.parquetPath + '.missing' };
  assert.deepEqual(ids((await search({ q: 'liege' }, missingIndex)).records), [1, 5, 9]);
});

test('q: an object searches per field, also when given as JSON text', async () => {
  assert.deepEqual(ids((await search({ q: { city: 'liege' } })).records), [1, 5]);
  assert.deepEqual(ids((await search({ q: { street: 'liege' } })).records), [9]);
  assert.deepEqual(ids((await search({ q: '{"street": "rue", "city": "bruxelles"}' })).records), [3, 10]);
  assert.deepEqual(ids((await search({ q: { open: 'true' } })).records), [1, 3, 6, 8, 10]);
  assert.deepEqual(ids((await search({ q: { city: 'liege' } }, noIndex)).records), [1, 5]);
  await rejects({ q: { town: 'x' } }, /Unknown field 'town' in q/);
  await rejects({ q: { city: 5 } }, /q must be a text, or an object/);
  await rejects({ q: 'a b c d e f g h i j k l m n o p q' }, /17 words; at most 16/);
  await rejects({ q: 'liege', plain: false }, /plain=false .* is not supported/);
});

test('sort: several fields, directions, PostgreSQL null order, quoted names, natural text order', async () => {
  const r = await search({ sort: 'city asc, year desc', fields: 'city,year,_id' });
  assert.deepEqual((r.records as { _id: number }[]).map((x) => x._id), [4, 3, 10, 6, 7, 8, 2, 5, 1, 9]);
  assert.deepEqual(ids((await search({ sort: 'year' })).records), [7, 8, 1, 3, 10, 2, 6, 5, 9, 4]);
  assert.deepEqual(ids((await search({ sort: 'year desc' })).records).slice(0, 2), [4, 9]);
  assert.deepEqual(ids((await search({ sort: 'year desc nulls last' })).records).at(-1), 4);
  assert.deepEqual(ids((await search({ sort: ['amount asc nulls first', '_id desc'] })).records).slice(0, 3), [2, 3, 6]);
  assert.deepEqual(ids((await search({ sort: '"code, ""postal""" desc, _id' })).records).slice(0, 3), [4, 2, 7]);
  assert.deepEqual(ids((await search({ sort: 'code, "postal"' })).records).slice(0, 3), [3, 10, 1]);
  const streets = (await search({ sort: 'street', fields: 'street', filters: { _id: [6, 7, 8] } })).records as { street: string }[];
  assert.deepEqual(streets.map((s) => s.street), ['ellezelles', 'Élouges, rue "Haute"', 'Enghien']);
  await rejects({ sort: 'town desc' }, /Unknown field 'town' in sort; fields are: /);
});

test('fields: a list or comma-separated text, in the order asked', async () => {
  const r = await search({ fields: 'year, city', limit: 1 });
  assert.deepEqual(r.fields, [{ id: 'year', type: 'int' }, { id: 'city', type: 'text' }]);
  assert.deepEqual(r.records, [{ year: 2020, city: 'Liège' }]);
  const l = await search({ fields: ['code, "postal"', '_id'], limit: 1 });
  assert.deepEqual(l.records, [{ 'code, "postal"': '4000', _id: 1 }]);
  const json = await search({ fields: '["code, \\"postal\\"", "year"]', limit: 1 });
  assert.deepEqual(json.records, [{ 'code, "postal"': '4000', year: 2020 }]);
  await rejects({ fields: 'city,_row' }, /Unknown field '_row' in fields/);
});

test('distinct: unique combinations of the fields, counted as such', async () => {
  const r = await search({ fields: 'city', distinct: 'true', sort: 'city' });
  assert.deepEqual((r.records as { city: string }[]).map((x) => x.city), ['Antwerpen', 'Bruxelles', 'Dour', 'Ellezelles', 'Enghien', 'Gent', 'Liège', 'Namur']);
  assert.equal(r.total, 8);
  assert.equal(r.distinct, true);
  const d = await search({ fields: ['city', 'year'], distinct: true, filters: { city: 'Bruxelles' } });
  assert.deepEqual([d.records, d.total], [[{ city: 'Bruxelles', year: 2020 }], 1]);
  await rejects({ fields: 'city', distinct: true, sort: 'year' }, /'year' in sort must also be in fields when distinct/);
});

test('include_total=false leaves total out', async () => {
  const r = await search({ include_total: 'false', filters: { city: 'Liège' } });
  assert.equal(r.total, undefined);
  assert.equal('total' in r, false);
  assert.equal((await search({ include_total: false })).total, undefined);
});

test('records_format: lists, csv and tsv texts without header', async () => {
  const lists = await search({ records_format: 'lists', fields: '_id,city,amount', limit: 2 });
  assert.deepEqual(lists.records, [[1, 'Liège', 12.5], [2, 'Gent', null]]);
  const csv = await search({ records_format: 'csv', fields: '_id,street,amount', filters: { _id: [6, 9] } });
  assert.equal(csv.records, '6,"Élouges, rue ""Haute""",0.1\r\n9,"Liège line\ntwo",9007199254740992\r\n');
  const tsv = await search({ records_format: 'tsv', fields: '_id,city', limit: 2 });
  assert.equal(tsv.records, '1\tLiège\r\n2\tGent\r\n');
  await rejects({ records_format: 'xml' }, /records_format must be one of/);
});

test('all parameters together', async () => {
  const r = await search({
    filters: { year: ['2020', '2021', null] },
    q: 'rue',
    sort: 'amount desc',
    fields: 'city,amount',
    distinct: true,
    limit: 1,
    offset: 1,
    include_total: true,
    records_format: 'objects',
  });
  // Matching rows: 3 (Bruxelles -5.25), 6 (Dour 0.1), 10 (Bruxelles 2.5); by amount desc: 10, 6, 3.
  assert.deepEqual(r.records, [{ city: 'Dour', amount: 0.1 }]);
  assert.equal(r.total, 3);
  const noDistinct = await search({ filters: { city: ['Bruxelles', 'Dour'] }, q: { street: 'haute' }, sort: 'amount', fields: ['_id'], limit: 5 });
  assert.deepEqual([noDistinct.records, noDistinct.total], [[{ _id: 6 }, { _id: 10 }], 2]);
});

test('unknown parameters and echoed parameters', async () => {
  await rejects({ filter: { city: 'Gent' } }, /Unknown parameter 'filter'; parameters are: resource_id, id, filters/);
  const r = await search({ resource_id: 'abc', filters: { city: 'Gent' }, q: 'markt', sort: 'year' });
  assert.deepEqual([r.filters, r.q, r.sort], [{ city: 'Gent' }, 'markt', 'year']);
  assert.equal(DatastoreSearchInput.parse({}).limit, 100);
  assert.throws(() => parseDatastoreSearchInput({ include_total: 'maybe' }), /include_total must be true or false/);
});

test('filtered pages keep _id order across many row groups, with and without preserve_insertion_order', async () => {
  const dir = tempDir();
  const big = path.join(dir, 'big.parquet');
  await conn.run(`COPY (SELECT i::BIGINT AS _id, i::BIGINT AS _row, (i % 7)::BIGINT AS k, 'r' || i AS s FROM range(1, 50001) t(i) ORDER BY i)
    TO '${big}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  const bigSource = { parquetPath: big, schema: { missingValues: [], fields: [{ name: 'k', type: 'integer' as const }, { name: 's', type: 'string' as const }] } };
  const expected = Array.from({ length: 50 }, (_, i) => 7 * (1000 + i) + 3);
  for (const preserve of [true, false]) {
    const c = await instance.connect();
    try {
      await c.run(`SET preserve_insertion_order = ${preserve}`);
      const r = await datastoreSearch(c, bigSource, { filters: { k: 3 }, offset: 1000, limit: 50, fields: '_id' });
      assert.deepEqual(ids(r.records), expected, `preserve_insertion_order=${preserve}`);
      assert.equal(r.total, 7143);
    } finally {
      await c.run('SET preserve_insertion_order = true');
      c.closeSync();
    }
  }
});

test('a missing table file is not_found', async () => {
  await assert.rejects(search({}, { ...source, parquetPath: source.parquetPath + '.gone' }), (e: unknown) => e instanceof AppError && e.code === 'not_found');
});
