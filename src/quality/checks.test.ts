import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../stores/tables/duckdb.ts';
import { useTableEngine } from '../../test/helpers/engine.ts';
import type { TableSchema } from '../ingest/types.ts';
import { checkTable } from './checks.ts';

const env = useTableEngine();
const dir = env.dir;

const schema: TableSchema = {
  missingValues: [''],
  fields: [
    { name: 'straat "oud"', type: 'string' },
    { name: 'nr', type: 'integer' },
    { name: 'datum', type: 'date' },
  ],
};

/** Writes rows (given in source order) with _row starting at firstRow, the way the loader numbers them. */
async function write(conn: DuckDBConnection, file: string, valuesSql: string, firstRow = 2): Promise<string> {
  const p = path.join(dir, file);
  await conn.run(`COPY (SELECT k::BIGINT AS _id, (k + ${firstRow - 1})::BIGINT AS _row, a AS "straat ""oud""", b AS nr, c AS datum
    FROM (SELECT row_number() OVER () AS k, * FROM (VALUES ${valuesSql}
) t(a, b, c))) TO ${sqlString(p)} (FORMAT parquet)`);
  return p;
}

test('reports each later copy of a row with the row it repeats; NULLs compare equal, blank rows are left to the loader', async () => {
  const result = await env.engine.withConnection(async (conn) => {
    const p = await write(
      conn,
      'dups.parquet',
      `('Kerkstraat', 1::BIGINT, DATE '2020-01-01'),  -- row 2
       ('Markt', 2, NULL),                             -- row 3
       ('Kerkstraat', 1, DATE '2020-01-01'),           -- row 4: repeats 2
       ('Kerkstraat', 1, DATE '2020-01-02'),           -- row 5: differs in one field
       ('Markt', 2, NULL),                             -- row 6: repeats 3 (NULL = NULL)
       (NULL, NULL, NULL),                             -- row 7: blank
       ('Kerkstraat', 1, DATE '2020-01-01'),           -- row 8: repeats 2
       (NULL, NULL, NULL)                              -- row 9: blank`,
    );
    return checkTable(conn, p, schema);
  });
  assert.deepEqual(
    result.errors.map((e) => [e.type, e.rowNumber, e.message.match(/repeats row (\d+)/)?.[1]]),
    [
      ['duplicate-row', 4, '2'],
      ['duplicate-row', 6, '3'],
      ['duplicate-row', 8, '2'],
    ],
  );
  assert.deepEqual(result.errorSummary, [{ type: 'duplicate-row', count: 3 }]);
});

test('a table without duplicates has no errors and no summary entry', async () => {
  const result = await env.engine.withConnection(async (conn) =>
    checkTable(conn, await write(conn, 'clean.parquet', `('a', 1::BIGINT, DATE '2020-01-01'), ('a', 2, DATE '2020-01-01'), ('b', 1, DATE '2020-01-01')`), schema),
  );
  assert.deepEqual(result, { errors: [], errorSummary: [] });
});

test('lists the first 100 duplicates in row order and counts them all', async () => {
  const result = await env.engine.withConnection(async (conn) => {
    const p = path.join(dir, 'many.parquet');
    // 1000 rows cycling over 40 distinct records: rows 42.. (the 41st record on) are all copies.
    await conn.run(`COPY (SELECT i::BIGINT AS _id, (i + 1)::BIGINT AS _row, 'r' || (i % 40) AS "straat ""oud""", (i % 40)::BIGINT AS nr, NULL::DATE AS datum
      FROM range(1, 1001) r(i)) TO ${sqlString(p)} (FORMAT parquet)`);
    return checkTable(conn, p, schema);
  });
  assert.deepEqual(result.errorSummary, [{ type: 'duplicate-row', count: 960 }]);
  assert.equal(result.errors.length, 100);
  assert.equal(result.errors[0].rowNumber, 42);
  assert.match(result.errors[0].message, /Row 42 repeats row 2\b/);
  assert.equal(result.errors[99].rowNumber, 141);
});

test('a table with no fields has nothing to compare', async () => {
  const result = await env.engine.withConnection(async (conn) => checkTable(conn, await write(conn, 'nofields.parquet', `('a', 1::BIGINT, DATE '2020-01-01')`), { missingValues: [], fields: [] }));
  assert.deepEqual(result, { errors: [], errorSummary: [] });
});
