/**
 * Scratch measurements for the row API (not a test): single-connection latency of the query shapes
 * with performance targets, on a generated 1,000,000-row table, plus the LIKE-scan alternatives to the
 * search index (docs/decisions/0002). Usage:
 *   node --import tsx bench/query-scratch.ts [--rows 1000000] [--threads 2] [--concurrency 1] [--exports] [--native]
 * With --concurrency K, the target shapes also run from K connections at once (throughput on all cores).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { TableSchema } from '../src/ingest/types.ts';
import { datastoreSearch, type DatastoreSource } from '../src/query/datastore.ts';
import { buildSearchIndex, rowTextSql, wordsSql } from '../src/query/search-index.ts';
import { exportTable } from '../src/publish/exports.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ROWS = Number(arg('rows', '1000000'));
const THREADS = arg('threads', '2');
const CONCURRENCY = Number(arg('concurrency', '1'));

const schema: TableSchema = {
  missingValues: [''],
  fields: [
    { name: 'street', type: 'string' },
    { name: 'municipality', type: 'string' },
    { name: 'postcode', type: 'string' },
    { name: 'year', type: 'integer' },
    { name: 'amount', type: 'number' },
    { name: 'active', type: 'boolean' },
    { name: 'day', type: 'date' },
    { name: 'updated', type: 'datetime' },
    { name: 'label', type: 'string' },
  ],
};

const TOWNS = ['Liège', 'Bruxelles', 'Gent', 'Antwerpen', 'Namur', 'Mons', 'Brugge', 'Leuven', 'Charleroi', 'Hasselt'];

/** A table like ingest writes: typed Parquet, ZSTD, DuckDB's default row groups, _id 1..n in file order. */
async function generate(conn: DuckDBConnection, file: string): Promise<void> {
  const streets = `['Rue de la Loi','Grote Markt','Place Saint-Lambert','Kerkstraat','Avenue Louise','Stationsstraat','Chaussée de Liège','Boulevard d''Avroy']`;
  const towns = `[${TOWNS.map((t) => `'${t}'`).join(',')}]`;
  await conn.run(`COPY (
    SELECT i::BIGINT AS _id, (i + 1)::BIGINT AS _row,
      ${streets}[1 + (hash(i) % 8)::INT] || ' ' || (i % 300)::VARCHAR AS street,
      ${towns}[1 + (hash(i * 7) % 10)::INT] || CASE WHEN i % 997 = 0 THEN '' ELSE '-' || (i % 581)::VARCHAR END AS municipality,
      lpad(((hash(i * 3) % 9000) + 1000)::VARCHAR, 4, '0') AS postcode,
      (2000 + (i % 25))::BIGINT AS year,
      round((hash(i * 5) % 1000000) / 100.0, 2)::DOUBLE AS amount,
      (i % 3 = 0) AS active,
      DATE '2000-01-01' + (i % 9000)::INT AS day,
      TIMESTAMP '2020-01-01 00:00:00' + to_seconds(i * 37) AS updated,
      'Dossier ' || md5(i::VARCHAR)[1:8] || ' ' || (['permis','subside','plainte','travaux','école'])[1 + (i % 5)::INT] AS label
    FROM range(1, ${ROWS + 1}) t(i) ORDER BY i
  ) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
}

interface Stats {
  p50: number;
  p95: number;
  p99: number;
  perSecond: number;
}

async function measure(name: string, n: number, fn: (i: number) => Promise<unknown>): Promise<Stats> {
  for (let i = 0; i < 5; i++) await fn(-1 - i);
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  const wall = performance.now() - start;
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))];
  const stats = { p50: q(0.5), p95: q(0.95), p99: q(0.99), perSecond: (n / wall) * 1000 };
  console.log(
    `${name.padEnd(58)} p50 ${stats.p50.toFixed(1).padStart(6)} ms  p95 ${stats.p95.toFixed(1).padStart(6)}  p99 ${stats.p99.toFixed(1).padStart(6)}  ${stats.perSecond.toFixed(0).padStart(5)} req/s (1 conn)`,
  );
  return stats;
}

/** Throughput and latency with K connections each running queries back to back. */
async function measureConcurrent(name: string, n: number, fn: (c: DuckDBConnection, i: number) => Promise<unknown>): Promise<void> {
  const conns = await Promise.all(Array.from({ length: CONCURRENCY }, () => instance.connect()));
  const times: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    conns.map(async (c) => {
      for (let i = next++; i < n; i = next++) {
        const t = performance.now();
        await fn(c, i);
        times.push(performance.now() - t);
      }
    }),
  );
  const wall = performance.now() - start;
  for (const c of conns) c.closeSync();
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))];
  console.log(
    `${(name + ` x${CONCURRENCY}`).padEnd(58)} p50 ${q(0.5).toFixed(1).padStart(6)} ms  p95 ${q(0.95).toFixed(1).padStart(6)}  p99 ${q(0.99).toFixed(1).padStart(6)}  ${((n / wall) * 1000).toFixed(0).padStart(5)} req/s (all)`,
  );
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dataville-bench-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const instance = await DuckDBInstance.create(':memory:', {
  threads: THREADS,
  memory_limit: '1GB',
  temp_directory: path.join(dir, 'spill'),
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
});
const conn = await instance.connect();
// The engine's setting; it belongs to the parquet extension, so it can only be set once that is loaded.
await conn.run('SET GLOBAL parquet_metadata_cache = true');

const parquetPath = path.join(dir, 'table.parquet');
const searchIndexPath = path.join(dir, 'table.search.parquet');
let t0 = performance.now();
await generate(conn, parquetPath);
console.log(`table: ${ROWS} rows, ${(fs.statSync(parquetPath).size / 1e6).toFixed(1)} MB, generated in ${(performance.now() - t0).toFixed(0)} ms (threads=${THREADS})`);
t0 = performance.now();
const index = await buildSearchIndex(conn, parquetPath, schema, searchIndexPath);
console.log(`search index: ${index.entries} entries, ${(index.bytes / 1e6).toFixed(1)} MB, built in ${(performance.now() - t0).toFixed(0)} ms\n`);

const source: DatastoreSource = { parquetPath, searchIndexPath, schema };
const search = (input: unknown) => datastoreSearch(conn, source, input);
const rnd = (i: number, n: number) => Math.abs((i * 2654435761) % n);
const N = 200;
// Hash-like words that each appear in exactly one row (the label of rows 1..1000).
const HASHES = (await conn.runAndReadAll(`SELECT md5(i::VARCHAR)[1:8] FROM range(1, 1001) t(i)`)).getRowsJS().map((r) => String(r[0]));
const md5ish = (i: number) => HASHES[rnd(i, HASHES.length)];

console.log('-- targets: page and equality filter >= 300 req/s, filter+sort >= 60 req/s, p99 < 25 ms (2 cores, concurrent)');
await measure('page: 100 rows at a random offset', N, (i) => search({ offset: rnd(i, ROWS - 100) }));
await measure('page: 100 rows at a random offset, include_total=false', N, (i) => search({ offset: rnd(i, ROWS - 100), include_total: false }));
await measure('filter: municipality = <rare value> (~170 rows), total', N, (i) =>
  search({ filters: { municipality: `${TOWNS[rnd(i, 10)]}-${rnd(i + 7, 581)}` } }),
);
await measure('filter: year = <value> (4% of rows), total', N, (i) => search({ filters: { year: 2000 + rnd(i, 25) }, offset: rnd(i, 1000) }));
await measure('filter: active = true (33% of rows), total', N, (i) => search({ filters: { active: true }, offset: rnd(i, 1000) }));
await measure('filter+sort: year = <value>, sort amount desc', 60, (i) => search({ filters: { year: 2000 + rnd(i, 25) }, sort: 'amount desc' }));
await measure('filter+sort: municipality = <rare>, sort amount desc', 60, (i) =>
  search({ filters: { municipality: `${TOWNS[rnd(i, 10)]}-${rnd(i + 7, 581)}` }, sort: 'amount desc' }),
);
await measure('filter+sort: year = <value>, sort street (text)', 60, (i) => search({ filters: { year: 2000 + rnd(i, 25) }, sort: 'street' }));
if (CONCURRENCY > 1) {
  const on = (c: DuckDBConnection, input: unknown) => datastoreSearch(c, source, input);
  await measureConcurrent('page', 400, (c, i) => on(c, { offset: rnd(i, ROWS - 100) }));
  await measureConcurrent('filter: municipality = <rare value>', 200, (c, i) => on(c, { filters: { municipality: `${TOWNS[rnd(i, 10)]}-${rnd(i + 7, 581)}` } }));
  await measureConcurrent('filter: year = <value>', 400, (c, i) => on(c, { filters: { year: 2000 + rnd(i, 25) }, offset: rnd(i, 1000) }));
  await measureConcurrent('filter+sort: year = <value>, sort amount desc', 120, (c, i) => on(c, { filters: { year: 2000 + rnd(i, 25) }, sort: 'amount desc' }));
  await measureConcurrent('q: one common word', 200, (c, i) => on(c, { q: TOWNS[rnd(i, 10)] + ' ' }));
}
console.log('-- q (inverted index)');
await measure('q: one common word (municipality, 10%)', N, (i) => search({ q: TOWNS[rnd(i, 10)] + ' ' }));
await measure('q: one rare word (hash, 1 row)', N, (i) => search({ q: `${md5ish(i)} ` }));
await measure('q: two words, last typed (e.g. "liege 12")', N, (i) => search({ q: `${TOWNS[rnd(i, 10)]} ${rnd(i, 580) + 1}` }));
await measure('q: three words "chaussee de liege"', 60, () => search({ q: 'chaussee de liege' }));
await measure('q: word + filter + sort', 60, (i) => search({ q: TOWNS[rnd(i, 10)] + ' ', filters: { year: 2010 }, sort: 'amount desc' }));

console.log('-- the alternatives to the index (same answers, ~1 row)');
const text = rowTextSql(schema);
const table = `read_parquet('${parquetPath}')`;
await measure('LIKE over the row text built on the fly', 10, (i) =>
  conn.runAndReadAll(`SELECT * FROM ${table} WHERE strip_accents(lower(${text})) LIKE $1 LIMIT 100`, [`%${md5ish(i)}%`]),
);
const concatPath = path.join(dir, 'concat.parquet');
t0 = performance.now();
await conn.run(`COPY (SELECT _id, strip_accents(lower(${text})) AS text FROM ${table}) TO '${concatPath}' (FORMAT parquet, COMPRESSION zstd)`);
console.log(`(precomputed text column: ${(fs.statSync(concatPath).size / 1e6).toFixed(1)} MB, built in ${(performance.now() - t0).toFixed(0)} ms)`);
await measure('LIKE over a precomputed text column (+ count)', 20, async (i) => {
  await conn.runAndReadAll(`SELECT _id FROM '${concatPath}' WHERE text LIKE $1 LIMIT 100`, [`%${md5ish(i)}%`]);
  return conn.runAndReadAll(`SELECT count(*) FROM '${concatPath}' WHERE text LIKE $1`, [`%${md5ish(i)}%`]);
});
await measure('words of the row text built on the fly (no index fallback)', 5, (i) =>
  conn.runAndReadAll(`SELECT _id FROM ${table} WHERE list_contains(${wordsSql(text)}, $1) LIMIT 100`, [md5ish(i)]),
);

if (process.argv.includes('--native')) {
  console.log('-- for comparison: the same shapes on a DuckDB native in-memory copy (raw SQL)');
  t0 = performance.now();
  await conn.run(`CREATE TABLE hot AS SELECT * FROM ${table}`);
  console.log(`(loaded in ${(performance.now() - t0).toFixed(0)} ms)`);
  await measure('native page', N, (i) => conn.runAndReadAll(`SELECT * EXCLUDE (_row) FROM hot WHERE _id BETWEEN $1 AND $2`, [BigInt(rnd(i, ROWS - 100) + 1), BigInt(rnd(i, ROWS - 100) + 100)]));
  await measure('native filter rare + count', N, async (i) => {
    const v = `${TOWNS[rnd(i, 10)]}-${rnd(i + 7, 581)}`;
    await conn.runAndReadAll(`SELECT * EXCLUDE (_row) FROM hot WHERE municipality = $1 LIMIT 100`, [v]);
    return conn.runAndReadAll(`SELECT count(*) FROM hot WHERE municipality = $1`, [v]);
  });
  await measure('native filter+sort', 60, (i) => conn.runAndReadAll(`SELECT * EXCLUDE (_row) FROM hot WHERE year = $1 ORDER BY amount DESC, _id LIMIT 100`, [BigInt(2000 + rnd(i, 25))]));
}

if (process.argv.includes('--exports')) {
  console.log('-- downloads of the whole table');
  for (const format of ['csv', 'json', 'parquet', 'xlsx'] as const) {
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    t0 = performance.now();
    const r = await exportTable(conn, { parquetPath, schema }, format, path.join(dir, `export.${format}`), { sheetName: 'bench' });
    clearInterval(timer);
    console.log(
      `${format.padEnd(8)} ${(r.bytes / 1e6).toFixed(1).padStart(7)} MB in ${(performance.now() - t0).toFixed(0).padStart(6)} ms, process RSS +${((peak - rss0) / 1e6).toFixed(0)} MB`,
    );
  }
}

conn.closeSync();
instance.closeSync();
