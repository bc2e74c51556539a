import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../stores/tables/duckdb.ts';
import { useTableEngine } from '../../test/helpers/engine.ts';
import type { TableSchema } from '../ingest/types.ts';
import { profileTable, toJsonValue } from './profile.ts';

const env = useTableEngine();
const dir = env.dir;

const schema: TableSchema = {
  missingValues: [''],
  fields: [
    { name: 'gemeente', type: 'string' },
    { name: 'aantal', type: 'integer' },
    { name: 'bedrag', type: 'number' },
    { name: 'datum', type: 'date' },
    { name: 'open', type: 'boolean' },
    { name: 'tijd', type: 'datetime' },
    { name: 'groot', type: 'integer' },
    { name: 'opmerking', type: 'string' },
  ],
};

async function writeTable(conn: DuckDBConnection, file: string): Promise<string> {
  const p = path.join(dir, file);
  await conn.run(`COPY (
    SELECT row_number() OVER ()::BIGINT AS _id, (row_number() OVER () + 1)::BIGINT AS _row, * FROM (VALUES
      ('Gent',   10::BIGINT, 1.5::DOUBLE, DATE '2020-01-05', true,  TIMESTAMP '2020-01-01 10:00:00',   9007199254740993::BIGINT, NULL::VARCHAR),
      ('Aalst',  20,         NULL,        DATE '2020-03-01', false, NULL,                              1,                        NULL),
      ('Gent',   10,         2.5,         NULL,              true,  TIMESTAMP '2021-06-30 23:59:59.5', 2,                        NULL),
      (NULL,     30,         -3.25,       DATE '2019-12-31', NULL,  TIMESTAMP '2020-01-01 10:00:00',   -5,                       NULL),
      ('Gent',   NULL,       1.5,         DATE '2020-01-05', true,  NULL,                              4,                        NULL),
      ('Brugge', 10,         1.5,         DATE '2020-03-01', false, TIMESTAMP '2020-01-01 10:00:00',   4,                        NULL)
    ) t(gemeente, aantal, bedrag, datum, open, tijd, groot, opmerking)
  ) TO ${sqlString(p)} (FORMAT parquet)`);
  return p;
}

test('profiles every field with exact counts, min/max and top values; _id and _row are left out', async () => {
  const profiles = await env.engine.withConnection(async (conn) => profileTable(conn, await writeTable(conn, 'p.parquet'), schema));
  assert.deepEqual(
    profiles.map((p) => p.name),
    schema.fields.map((f) => f.name),
  );
  const [gemeente, aantal, bedrag, datum, open, tijd, groot, opmerking] = profiles;

  assert.deepEqual(gemeente, {
    name: 'gemeente',
    type: 'string',
    nullCount: 1,
    distinctCount: 3,
    min: 'Aalst',
    max: 'Gent',
    // Ties (Aalst, Brugge) are ordered by value; NULL is counted in nullCount, not listed.
    topValues: [
      { value: 'Gent', count: 3 },
      { value: 'Aalst', count: 1 },
      { value: 'Brugge', count: 1 },
    ],
  });
  assert.deepEqual(aantal, {
    name: 'aantal',
    type: 'integer',
    nullCount: 1,
    distinctCount: 3,
    min: 10,
    max: 30,
    topValues: [
      { value: 10, count: 3 },
      { value: 20, count: 1 },
      { value: 30, count: 1 },
    ],
  });
  assert.equal(bedrag.nullCount, 1);
  assert.equal(bedrag.distinctCount, 3);
  assert.equal(bedrag.min, -3.25);
  assert.equal(bedrag.max, 2.5);
  assert.deepEqual(bedrag.topValues[0], { value: 1.5, count: 3 });

  assert.equal(datum.type, 'date');
  assert.equal(datum.nullCount, 1);
  assert.equal(datum.min, '2019-12-31');
  assert.equal(datum.max, '2020-03-01');
  assert.deepEqual(datum.topValues, [
    { value: '2020-01-05', count: 2 },
    { value: '2020-03-01', count: 2 },
    { value: '2019-12-31', count: 1 },
  ]);

  assert.equal(open.nullCount, 1);
  assert.equal(open.distinctCount, 2);
  assert.equal(open.min, false);
  assert.equal(open.max, true);
  assert.deepEqual(open.topValues, [
    { value: true, count: 3 },
    { value: false, count: 2 },
  ]);

  assert.equal(tijd.nullCount, 2);
  assert.equal(tijd.min, '2020-01-01T10:00:00');
  assert.equal(tijd.max, '2021-06-30T23:59:59.5');
  assert.deepEqual(tijd.topValues[0], { value: '2020-01-01T10:00:00', count: 3 });

  // Beyond 2^53 a BIGINT would lose digits as a JS number: it stays exact as text.
  assert.equal(groot.max, '9007199254740993');
  assert.equal(groot.min, -5);
  assert.deepEqual(groot.topValues[0], { value: 4, count: 2 });

  assert.deepEqual(opmerking, { name: 'opmerking', type: 'string', nullCount: 6, distinctCount: 0, min: null, max: null, topValues: [] });
  // JSON.stringify throws on a bigint and turns NaN into null: a round trip proves the profile JSON-safe.
  assert.deepEqual(JSON.parse(JSON.stringify(profiles)), profiles);
});

test('keeps only the 10 most frequent values, most frequent first', async () => {
  const profiles = await env.engine.withConnection(async (conn) => {
    const p = path.join(dir, 'top.parquet');
    // Value i occurs i times (i = 1..15): the top 10 are 15 down to 6.
    await conn.run(`COPY (SELECT row_number() OVER ()::BIGINT AS _id, (row_number() OVER () + 1)::BIGINT AS _row, v::BIGINT AS v
      FROM (SELECT i AS v FROM range(1, 16) r(i), range(0, 15) s(j) WHERE j < i)) TO ${sqlString(p)} (FORMAT parquet)`);
    return profileTable(conn, p, { missingValues: [], fields: [{ name: 'v', type: 'integer' }] });
  });
  assert.equal(profiles[0].distinctCount, 15);
  assert.deepEqual(
    profiles[0].topValues,
    [15, 14, 13, 12, 11, 10, 9, 8, 7, 6].map((v) => ({ value: v, count: v })),
  );
});

test('above the exact limit, distinct counts are estimated but top value counts stay exact', async () => {
  const profiles = await env.engine.withConnection(async (conn) => {
    const p = path.join(dir, 'approx.parquet');
    // 'a' x 500, 'b' x 300, 'c' x 100, then 1000 values seen once.
    await conn.run(`COPY (SELECT row_number() OVER ()::BIGINT AS _id, (row_number() OVER () + 1)::BIGINT AS _row, v FROM (
        SELECT 'a' AS v FROM range(500) UNION ALL SELECT 'b' FROM range(300) UNION ALL SELECT 'c' FROM range(100)
        UNION ALL SELECT 'u' || i FROM range(1000) r(i) UNION ALL SELECT NULL FROM range(7))) TO ${sqlString(p)} (FORMAT parquet)`);
    return profileTable(conn, p, { missingValues: [], fields: [{ name: 'v', type: 'string' }] }, { exactRowLimit: 10 });
  });
  const [v] = profiles;
  assert.equal(v.nullCount, 7);
  assert.deepEqual(v.topValues.slice(0, 3), [
    { value: 'a', count: 500 },
    { value: 'b', count: 300 },
    { value: 'c', count: 100 },
  ]);
  assert.ok(Math.abs(v.distinctCount - 1003) < 1003 * 0.1, `estimate ${v.distinctCount} near 1003`);
});

test('a schema field missing from the Parquet file is an error, not a silent gap', async () => {
  await env.engine.withConnection(async (conn) => {
    const p = await writeTable(conn, 'missing.parquet');
    await assert.rejects(profileTable(conn, p, { missingValues: [], fields: [{ name: 'nope', type: 'string' }] }), /nope/);
  });
});

test('toJsonValue keeps values JSON can carry', () => {
  assert.equal(toJsonValue(12n), 12);
  assert.equal(toJsonValue(-(2n ** 60n)), '-1152921504606846976');
  assert.equal(toJsonValue(Number.NaN), 'NaN');
  assert.equal(toJsonValue(Number.POSITIVE_INFINITY), 'Infinity');
  assert.equal(String(toJsonValue('x'.repeat(500))).length, 200);
  assert.equal(toJsonValue(null), null);
});
