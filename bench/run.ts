/**
 * `npm run bench`: publish time against plain DuckDB, peak memory of a publish, and the row query API
 * under load, each printed against its target. A report: exits 0 when targets are missed, 1 on a crash.
 * BENCH_QUICK=1 skips the 10,000,000-row publish. See bench/README.md.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { openTableEngine, sqlString } from '../src/stores/tables/duckdb.ts';
import { generateMessyCsv } from './generate.ts';
import { generate as generateWorkbook } from './xlsx-memory.ts';
import { getJson, measure, startServer, type LoadResult } from './load.ts';

const ROOT = path.join(import.meta.dirname, '..');
const QUICK = process.env.BENCH_QUICK === '1';
const GiB_KiB = 1024 * 1024;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dataville-bench-'));
// On every way out (end, crash, Ctrl-C), the scratch folder goes: it holds gigabytes.
process.once('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));
process.once('SIGINT', () => process.exit(130));

interface Publish { ms: number; maxRssKiB: number; servingMs: number; servingRssKiB: number; rows: number; stages: Record<string, number> }
// Rows of the printed table: publish first, then the API, whatever order they were measured in.
const publishRows: [string, string, string][] = [];
const apiRows: [string, string, string][] = [];
let crashed = false;
const log = (s: string) => process.stderr.write(s + '\n');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (kib: number) => `${Math.round(kib / 1024)} MiB`;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

/** Runs a step; a crash is reported (and makes the exit code 1) without stopping the other steps. */
async function step<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    crashed = true;
    log(`\n!! ${name} crashed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return undefined;
  }
}

/** DuckDB alone, with the app's engine settings, turning the UTF-8 file into Parquet given the dialect. Best of two. */
async function baseline(utf8Path: string, dir: string): Promise<number> {
  const config = loadConfig();
  const engine = await openTableEngine({ tempDir: path.join(dir, 'duckdb-tmp'), memoryLimit: config.duckdbMemoryLimit, threads: config.duckdbThreads });
  const out = path.join(dir, 'baseline.parquet');
  const sql = `COPY (SELECT * FROM read_csv(${sqlString(utf8Path)}, delim=';', quote='"', escape='"', header=true, skip=2, decimal_separator=',', dateformat='%d/%m/%Y')) TO ${sqlString(out)} (FORMAT parquet)`;
  try {
    let best = Infinity;
    for (let i = 0; i < 2; i++) {
      const t = performance.now();
      await engine.withConnection((conn) => conn.run(sql));
      best = Math.min(best, performance.now() - t);
      fs.rmSync(out, { force: true });
    }
    return best;
  } finally {
    await engine.close();
  }
}

/** The real publish in a child process (so its peak RSS is its own); returns the child's JSON line. */
async function publishInChild(csvPath: string, dataDir: string): Promise<Publish> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'publish-child.ts'), csvPath], {
    cwd: ROOT, env: { ...process.env, DATAVILLE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`the publish child exited with code ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as Publish;
}

/** Generate, baseline, publish, for one size. Returns the data folder holding the published dataset. */
async function publishBench(rows: number, label: string): Promise<string | undefined> {
  const dir = path.join(scratch, label);
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const cp1252 = path.join(dir, 'signalements.csv');
  const utf8 = path.join(dir, 'signalements-utf8.csv');
  log(`\n== ${label}: generating ${rows.toLocaleString('en')} rows`);
  await generateMessyCsv(rows, cp1252, utf8);
  log(`   ${mib(fs.statSync(cp1252).size / 1024)} (Windows-1252)`);
  const base = await step(`baseline ${label}`, () => baseline(utf8, dir));
  if (base !== undefined) log(`   DuckDB alone: ${secs(base)}`);
  const pub = await step(`publish ${label}`, () => publishInChild(cp1252, dataDir));
  if (pub) log(`   publish: ${secs(pub.ms)}, ${pub.rows} rows, peak RSS ${mib(pub.maxRssKiB)}; stages: ${Object.entries(pub.stages).map(([k, v]) => `${k} ${secs(v)}`).join(', ')}`);
  if (pub && pub.rows !== rows) log(`   !! the publish read ${pub.rows} rows, not ${rows}`);
  const ratio = pub && base ? pub.ms / base : undefined;
  publishRows.push([`publish ${label}: time / DuckDB alone <= 2.0x`, ratio !== undefined ? `${secs(pub!.ms)} / ${secs(base!)} = ${ratio.toFixed(1)}x` : 'crashed', ratio !== undefined ? verdict(ratio <= 2) : 'crashed']);
  publishRows.push([`publish ${label}: peak RSS < 1 GiB`, pub ? mib(pub.maxRssKiB) : 'crashed', pub ? verdict(pub.maxRssKiB < GiB_KiB) : 'crashed']);
  if (pub) log(`   then the row-query files (index, native copy): ${secs(pub.servingMs)}, peak RSS of the process ${mib(pub.servingRssKiB)}`);
  publishRows.push([`${label}: + row-query files (after commit)`, pub ? `${secs(pub.servingMs)}, peak RSS ${mib(pub.servingRssKiB)}` : 'crashed', 'report']);
  fs.rmSync(utf8, { force: true });
  return pub ? dataDir : undefined;
}

/** A ~50 MB workbook (1,000,000 rows) published whole: the XLSX reader must stream, not hold the sheet. */
async function workbookBench(): Promise<void> {
  const dir = path.join(scratch, 'xlsx');
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dir, 'transactions.xlsx');
  log('\n== XLSX: generating a 1,000,000-row workbook');
  await generateWorkbook(file, 1_000_000);
  const mb = fs.statSync(file).size / 1e6;
  log(`   ${mb.toFixed(1)} MB`);
  const pub = await step('publish XLSX', () => publishInChild(file, dataDir));
  if (pub) log(`   publish: ${secs(pub.ms)}, ${pub.rows} rows, peak RSS ${mib(pub.maxRssKiB)}; stages: ${Object.entries(pub.stages).map(([k, v]) => `${k} ${secs(v)}`).join(', ')}`);
  publishRows.push([`publish XLSX ${mb.toFixed(0)} MB (1M rows): peak RSS < 1 GiB`, pub ? `${mib(pub.maxRssKiB)}, ${secs(pub.ms)}, ${pub.rows} rows` : 'crashed', pub ? verdict(pub.maxRssKiB < GiB_KiB && pub.rows === 1_000_000) : 'crashed']);
}

/** Strips accents and case, to find a column whatever the ingest made of its header. */
const plain = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

async function apiBench(dataDir: string): Promise<void> {
  log('\n== row query API on 127.0.0.1');
  const { base, child } = await startServer(dataDir);
  try {
    const id = (await getJson(base, '/api/datasets')).datasets[0].resources[0].id as string;
    const first = await getJson(base, `/api/resources/${id}/rows?limit=1`);
    const names: string[] = (first.fields ?? []).map((f: { id: string }) => f.id);
    const cat = names.find((n) => plain(n).startsWith('categorie')) ?? 'catégorie';
    const amount = names.find((n) => plain(n).startsWith('montant')) ?? 'montant (€)';
    const total = Number(first.total ?? 1_000_000);
    const rows = `/api/resources/${id}/rows?`;
    const filter = `filters=${encodeURIComponent(JSON.stringify({ [cat]: 'Voirie' }))}&limit=100`;
    // [name, path of request i, req/s target (0: report only)]; pages hop through the table.
    const cases: [string, (i: number) => string, number][] = [
      ['100-row page', (i) => `${rows}limit=100&offset=${(i * 7919 * 100) % Math.max(1, total - 100)}`, 300],
      ['equality filter', () => rows + filter, 300],
      ['filter + sort', () => `${rows}${filter}&sort=${encodeURIComponent(`${amount} desc`)}`, 60],
      ['q search', () => `${rows}q=eglise&limit=100`, 0],
    ];
    for (const [name, pathOf] of cases) {
      const body = await getJson(base, pathOf(1));
      log(`   ${name}: 200, total ${body.total}, ${body.records?.length ?? '?'} records`);
    }
    for (const connections of [2, 16]) {
      for (const [name, pathOf, rps] of cases) {
        const r: LoadResult | undefined = await step(`${name} x${connections}`, () => measure(base, connections, pathOf));
        const shown = r ? `${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms${r.errors ? `, ${r.errors}/${r.requests} errors` : ''}` : 'crashed';
        const target = rps ? `>= ${rps} req/s, p99 < 25 ms` : 'report only';
        const ok = r && r.errors === 0 && r.rps >= rps && r.p99 < 25;
        apiRows.push([`${name}, ${connections} conns: ${target}`, shown, !r ? 'crashed' : rps ? verdict(!!ok) : r.errors ? 'errors' : 'report']);
        log(`   ${name} x${connections}: ${shown}`);
      }
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
}

function printTable() {
  const table = [...publishRows, ...apiRows];
  const cpus = os.cpus();
  const w = [0, 1, 2].map((c) => Math.max(...table.map((r) => r[c].length), ['target', 'measured', 'result'][c].length));
  const line = (r: string[]) => r.map((s, c) => s.padEnd(w[c])).join(' | ');
  const out = [
    '', `Machine: ${os.availableParallelism()} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 1024 ** 3)} GiB RAM, Node ${process.version}, ${process.platform} ${process.arch}`, '',
    line(['target', 'measured', 'result']), w.map((n) => '-'.repeat(n)).join('-|-'), ...table.map(line), '',
  ];
  process.stdout.write(out.join('\n') + '\n');
}

const dataDir1M = await step('1M-row publish', () => publishBench(1_000_000, '1M'));
if (dataDir1M) await step('row query API', () => apiBench(dataDir1M));
else apiRows.push(['row query API', 'not run: the 1M publish failed', 'crashed']);
fs.rmSync(path.join(scratch, '1M'), { recursive: true, force: true });
if (QUICK) {
  publishRows.push(['publish 10M: time / DuckDB alone <= 2.0x', 'skipped (BENCH_QUICK=1)', 'skipped'], ['publish 10M: peak RSS < 1 GiB', 'skipped (BENCH_QUICK=1)', 'skipped']);
} else {
  await step('10M-row publish', () => publishBench(10_000_000, '10M'));
}
await step('XLSX publish', () => workbookBench());
printTable();
process.exit(crashed ? 1 : 0);
