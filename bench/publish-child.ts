/**
 * One real publish of a CSV, alone in this process so that the parent can read its peak memory.
 * Usage: DATAVILLE_DATA_DIR=<scratch> node --import tsx bench/publish-child.ts <file.csv>
 * Prints one JSON line on stdout: { ms, maxRssKiB, rows, stages }. Stage changes go to stderr as they happen.
 */
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { openApp } from '../src/app.ts';
import { callAction } from '../src/actions/registry.ts';
import { prepareVersion, publishFile } from '../src/actions/versions.ts';
import { releaseHeldVersions } from '../src/actions/privacy.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: publish-child.ts <file.csv>');

const app = await openApp(loadConfig());
// Time spent in each progress stage, for the bench's timing split. The publish starts with copying
// the source (before the first progress call) and ends with the catalog commit (after 'done').
const stages: Record<string, number> = {};
// Peak RSS so far at the end of each stage (KiB): the stage where it jumps is the one to look at.
const peakAfter: Record<string, number> = {};
let stage = 'copy';
let since = performance.now();
const enter = (next: string) => {
  const now = performance.now();
  stages[stage] = (stages[stage] ?? 0) + (now - since);
  peakAfter[stage] = process.resourceUsage().maxRSS;
  process.stderr.write(`  [publish] ${stage} ${((now - since) / 1000).toFixed(2)} s, peak RSS so far ${Math.round(peakAfter[stage] / 1024)} MiB -> ${next}\n`);
  stage = next;
  since = now;
};
try {
  const ctx = app.ctx({ kind: 'system' }, { progress: (s) => { if (s !== stage) enter(s); } });
  const t0 = performance.now();
  since = t0;
  const out = await callAction(publishFile, ctx, {
    organization: '92094', title: 'Signalements citoyens (bench)', file: { path: path.resolve(file), name: path.basename(file) },
  });
  const ms = performance.now() - t0;
  enter('end');
  // After the pipeline's 'done' comes the catalog commit: name it for what it is.
  if (stages.done !== undefined) { stages.commit = stages.done; delete stages.done; }
  const round = Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, Math.round(v)]));
  const publishRssKiB = process.resourceUsage().maxRSS;
  // The generated reports hold street addresses with house numbers, which the privacy guard rightly
  // holds for the DPO; the bench releases them as a DPO would (not timed), to measure the row API.
  await releaseHeldVersions(ctx, out.dataset.id, 'Benchmark data: generated addresses, no real person.');
  // Then the row-query files (search index, native copy), built after the commit: reported apart.
  const s0 = performance.now();
  await callAction(prepareVersion, ctx, { dataset: out.dataset.id });
  const servingMs = performance.now() - s0;
  // maxRSS is in KiB on Linux and counts DuckDB's native allocations too, not only the JS heap.
  process.stdout.write(JSON.stringify({ ms: Math.round(ms), maxRssKiB: publishRssKiB, servingMs: Math.round(servingMs), servingRssKiB: process.resourceUsage().maxRSS, rows: out.version.rowCount, score: out.version.score, stages: round }) + '\n');
} finally {
  await app.close();
}
