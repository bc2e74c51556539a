/**
 * Peak memory of the XLSX reader on a large workbook (not part of `npm test` nor `npm run bench`):
 *
 *   node --import tsx bench/xlsx-memory.ts [rows]     (default 1,000,000 rows, about 50 MB)
 *
 * Writes a workbook with exceljs's streaming WorkbookWriter (a title row, a header, rows of
 * communes, codes stored as text, numbers, dates), then runs readXlsx on it in a child process so
 * that the child's peak resident memory (VmHWM) is the reader's own, and prints it next to the
 * peak of a child that only loads the same modules.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';

const SELF = import.meta.filename;
const TSX = ['--import', 'tsx'];

/** Writes a large workbook, streaming (also used by `npm run bench`). */
export async function generate(file: string, rows: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('Transactions');
  ws.addRow(['Transactions immobilières par commune (données de test)']).commit();
  ws.addRow(['Refnis', 'Commune', 'Année', 'Trimestre', 'Date', 'Nombre', 'Prix médian', 'Surface moyenne', 'Part', 'Remarque']).commit();
  const communes = Array.from({ length: 581 }, (_, i) => [String(11001 + i * 137).padStart(5, '0'), `COMMUNE ${i + 1}`]);
  for (let i = 0; i < rows; i++) {
    const [nis, name] = communes[i % communes.length];
    const quarter = i % 4;
    const row = ws.addRow([
      nis, name, 2010 + (i % 15), `Q${quarter + 1}`, new Date(Date.UTC(2010 + (i % 15), quarter * 3, 1)),
      (i * 7) % 300, 150000 + ((i * 7919) % 250000), Math.round(((i * 31) % 20000) / 7) / 10, ((i * 13) % 1000) / 1000,
      i % 97 === 0 ? `note ${i}` : null,
    ]);
    row.getCell(5).numFmt = 'dd/mm/yyyy';
    row.commit();
  }
  await ws.commit();
  await wb.commit();
}

/**
 * Peak resident memory of this process image, in MiB. Linux keeps getrusage's maxRSS across exec,
 * so a child would inherit its parent's peak; /proc's VmHWM starts afresh with the new image.
 */
function peakRssMiB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Math.round(Number(m[1]) / 1024);
  } catch {
    // Not Linux: fall back to getrusage.
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function child(args: string[]): Record<string, number> {
  const r = spawnSync(process.execPath, [...TSX, SELF, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed with status ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function main() {
  const [mode, arg] = process.argv.slice(2);
  if (mode === '--read' || mode === '--baseline') {
    const { readXlsx } = await import('../src/ingest/xlsx/read.ts');
    if (mode === '--baseline') {
      console.log(JSON.stringify({ maxRssMiB: peakRssMiB() }));
      return;
    }
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dataville-xlsx-read-'));
    try {
      const started = performance.now();
      const { tables } = await readXlsx(arg, work);
      const ms = performance.now() - started;
      const maxRssMiB = peakRssMiB();
      let lines = 0;
      for (const t of tables) {
        for await (const chunk of fs.createReadStream(t.utf8Path)) for (const byte of chunk as Buffer) if (byte === 10) lines++;
      }
      console.log(JSON.stringify({ ms: Math.round(ms), lines, maxRssMiB }));
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    return;
  }

  const rows = Number(mode ?? 1_000_000);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dataville-xlsx-bench-'));
  process.once('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));
  const file = path.join(scratch, 'large.xlsx');
  let started = performance.now();
  await generate(file, rows);
  console.log(`workbook: ${rows.toLocaleString('en')} rows, ${(fs.statSync(file).size / 1e6).toFixed(1)} MB, written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  started = performance.now();
  const base = child(['--baseline']);
  const read = child(['--read', file]);
  console.log(`readXlsx: ${read.lines.toLocaleString('en')} body lines in ${(read.ms / 1000).toFixed(1)} s`);
  console.log(`peak RSS: ${read.maxRssMiB} MiB (a process loading the same modules and reading nothing: ${base.maxRssMiB} MiB)`);
}

// Run as a script (not when `npm run bench` imports the generator).
if (path.resolve(process.argv[1] ?? '') === SELF) await main();
