/**
 * The row query API under load: starts `dataville serve` on 127.0.0.1 in a child process and drives
 * it with autocannon, each measurement bounded in time and in requests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

// autocannon ships no types; this is the part of its API used here.
interface AutocannonResult { duration: number; errors: number; timeouts: number; statusCodeStats: Record<string, { count: number }> }
interface AutocannonRequest { setupRequest?: (req: { path: string }) => { path: string } }
type Autocannon = (opts: {
  url: string; connections: number; duration: number; maxOverallRequests: number; timeout: number;
  requests: AutocannonRequest[];
}) => Promise<AutocannonResult> & {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
};
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** Each measurement stops after this long or this many requests, whichever comes first. */
const MAX_SECONDS = 5;
const MAX_REQUESTS = 3000;

export interface LoadResult { rps: number; p50: number; p99: number; requests: number; errors: number }

const HOST = '127.0.0.1';
const ROOT = path.join(import.meta.dirname, '..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject).listen(0, HOST, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Starts the portal on a free port of 127.0.0.1 over dataDir and waits until it answers. */
export async function startServer(dataDir: string): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  // The real command, as an operator runs it; LOG_LEVEL=warn keeps request logs out of the report.
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'dataville.js'), 'serve', '--port', String(port), '--host', HOST], {
    cwd: ROOT, env: { ...process.env, DATAVILLE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let exited: number | null = null;
  child.once('exit', (code) => { exited = code ?? -1; });
  const base = `http://${HOST}:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`dataville serve exited with code ${exited} before answering`);
    try {
      if ((await fetch(`${base}/api/datasets`)).ok) return { base, child };
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGTERM');
  throw new Error('dataville serve did not answer within 60 s');
}

/** GETs a path once (warm-up and check): returns the JSON body, throws unless 200. */
export async function getJson(base: string, p: string): Promise<any> {
  const res = await fetch(base + p);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${p} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Hammers `pathOf(i)` (i counts requests, so each can differ) with `connections` keep-alive connections. */
export async function measure(base: string, connections: number, pathOf: (i: number) => string): Promise<LoadResult> {
  let i = 0;
  const run = autocannon({
    url: base, connections, duration: MAX_SECONDS, maxOverallRequests: MAX_REQUESTS, timeout: 10,
    requests: [{ setupRequest: (req) => ({ ...req, path: pathOf(i++) }) }],
  });
  // autocannon's own histogram rounds to whole milliseconds; the response event has the exact time.
  const latencies: number[] = [];
  run.on('response', (_c, status, _b, ms) => { if (status === 200) latencies.push(ms); });
  const r = await run;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const ok = r.statusCodeStats['200']?.count ?? 0;
  // Non-200 answers and socket errors both count as errors; only 200s count towards throughput.
  const errors = r.errors + r.timeouts + Object.entries(r.statusCodeStats).filter(([c]) => c !== '200').reduce((n, [, s]) => n + s.count, 0);
  return { rps: ok / r.duration, p50: round1(pct(50)), p99: round1(pct(99)), requests: ok + errors, errors };
}

function round1(ms: number): number {
  return Math.round(ms * 10) / 10;
}
