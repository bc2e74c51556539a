import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { REPO_ROOT, tempDir } from './helpers/paths.ts';
import { loadConfig } from '../src/config.ts';
import { openApp } from '../src/app.ts';
import { callAction } from '../src/actions/registry.ts';
import { createDataset } from '../src/actions/datasets.ts';
import { createProcessing } from '../src/actions/gdpr.ts';
import { IDENTITY_WORDS, REGISTER_COLUMNS, say } from '../src/gdpr/model.ts';

const BIN = path.join(REPO_ROOT, 'bin/dataville.js');

/** Runs the CLI on a data folder (stdout is a pipe, never a terminal); several may run at once. */
function run(args: string[], dataDir: string, cwd = REPO_ROOT): Promise<{ code: number | null; stdout: string; stderr: string; raw: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, DATAVILLE_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.once('error', reject);
    child.once('close', (code) => {
      const raw = Buffer.concat(out);
      resolve({ code, stdout: raw.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), raw });
    });
  });
}

describe('CLI: dataville register', () => {
  const dataDir = tempDir('dv-cli-register-');
  const outDir = tempDir('dv-cli-register-out-');
  let processingId: string;

  before(async () => {
    // The register of Namur with one processing, written through the actions as the operator (as the CLI runs).
    const app = await openApp(loadConfig({}, { dataDir, logLevel: 'silent' }));
    try {
      const ctx = app.ctx({ kind: 'system' });
      const population = await callAction(createDataset, ctx, { organization: '92094', title: 'Population 2024', status: 'internal' });
      // A dataset whose keywords say it holds personal data, and that no processing concerns: a proposal.
      await callAction(createDataset, ctx, { organization: '92094', title: 'Registre des chiens', status: 'internal', keywords: ['Données personnelles'] });
      const p = await callAction(createProcessing, ctx, {
        organization: '92094', name: 'Registre de la population', department: 'Service Population', purposes: 'Tenue du registre de la population',
        processingTypes: ['large-scale', 'matching'], datasets: [population.id],
      });
      processingId = p.id;
    } finally {
      await app.close();
    }
  });

  // Each run starts a process (about a second of CPU): the tests run as few as cover the commands.
  test('list shows the processing; show finds it by number', async () => {
    const [list, byNumber] = await Promise.all([
      run(['register', 'list', '92094'], dataDir),
      run(['register', 'show', 'namur-92094', '1'], dataDir),
    ]);
    assert.equal(list.code, 0, list.stderr);
    const row = list.stdout.split('\n').find((l) => l.includes('Registre de la population'));
    assert.ok(row, list.stdout);
    assert.match(row!, /^1\s+Registre de la population\s+Service Population\s+active\s+1\s+yes$/);
    assert.match(list.stdout, /^No\.\s+Name\s+Department\s+Status\s+Datasets\s+DPIA likely$/m);
    assert.equal(byNumber.code, 0, byNumber.stderr);
    assert.match(byNumber.stdout, /^1\. Registre de la population/);
    assert.match(byNumber.stdout, /Purpose\(s\) of the processing: Tenue du registre de la population/);
    assert.match(byNumber.stdout, /Left to complete/);
    assert.ok(byNumber.stdout.includes(processingId));
  });

  test('export --format csv --out writes a UTF-8 CSV with a BOM and the register\'s columns; --out - writes it to stdout', async () => {
    const file = path.join(outDir, 'f.csv');
    const r = await run(['register', 'export', '92094', '--format', 'csv', '--out', file], dataDir);
    assert.equal(r.code, 0, r.stderr);
    const bytes = fs.readFileSync(file);
    assert.match(r.stdout, new RegExp(`^Wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(${bytes.length} bytes, 1 processing\\)\\.\\n$`));
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.subarray(3).toString('utf8'), { delimiter: ';' }) as string[][];
    // Namur is in Wallonia: French headers; the controller and its DPO first (a CSV has no identification sheet).
    assert.deepEqual(rows[0], [say(IDENTITY_WORDS.controller, 'fr'), say(IDENTITY_WORDS.dpo, 'fr'), ...REGISTER_COLUMNS.map((c) => say(c.words, 'fr'))]);
    assert.equal(rows.length, 2);
    assert.equal(rows[1][3], 'Registre de la population');
    const stdout = await run(['register', 'export', '92094', '--format', 'csv', '--out', '-'], dataDir);
    assert.equal(stdout.code, 0, stdout.stderr);
    assert.deepEqual(stdout.raw, bytes);
  });

  test('export xlsx --out: a zip with the identification and register sheets; without --out, the export\'s own name in the current folder', async () => {
    const file = path.join(outDir, 'f.xlsx');
    const cwd = tempDir('dv-cli-register-cwd-');
    const [r, dflt] = await Promise.all([
      run(['register', 'export', '92094', '--format', 'xlsx', '--out', file], dataDir),
      run(['register', 'export', '92094', '--format', 'csv', '--lang', 'en', '--delimiter', ','], dataDir, cwd),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const bytes = fs.readFileSync(file);
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    assert.deepEqual(wb.worksheets.map((w) => w.name), [say(IDENTITY_WORDS.identificationSheet, 'fr'), say(IDENTITY_WORDS.registerSheet, 'fr')]);
    const sheet = wb.worksheets[1];
    assert.equal(sheet.getRow(1).getCell(2).value, say(REGISTER_COLUMNS[1].words, 'fr'));
    assert.equal(sheet.getRow(2).getCell(1).value, 1);
    assert.equal(sheet.getRow(2).getCell(2).value, 'Registre de la population');
    assert.equal(dflt.code, 0, dflt.stderr);
    const names = fs.readdirSync(cwd);
    assert.equal(names.length, 1);
    assert.match(names[0], /^processing-register-namur-92094-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.csv$/);
    assert.match(dflt.stdout, new RegExp(`^Wrote \\S+/${names[0].replace(/\./g, '\\.')} \\(\\d+ bytes, 1 processing\\)`));
    assert.ok(fs.readFileSync(path.join(cwd, names[0]), 'utf8').startsWith('\uFEFFController,Data protection officer,No.,Processing activity'));
  });

  test('bad input: exit code 2 and a message that says what and how', async () => {
    const [noOrg, badFormat, noProcessing, badDate, bare] = await Promise.all([
      run(['register', 'list', '12345'], dataDir),
      run(['register', 'export', '92094', '--format', 'pdf'], dataDir),
      run(['register', 'show', '92094', '7'], dataDir),
      run(['register', 'end', '92094', '1', '--date', '2024-13-01'], dataDir),
      run(['register'], dataDir),
    ]);
    assert.equal(noOrg.code, 2);
    assert.match(noOrg.stderr, /No organization "12345"/);
    assert.match(noOrg.stderr, /NIS code/);
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.stderr, /Unknown --format "pdf"; use one of xlsx, csv/);
    assert.equal(noProcessing.code, 2);
    assert.match(noProcessing.stderr, /no processing "7" in the register of Namur/);
    assert.match(noProcessing.stderr, /dataville register list 92094/);
    assert.equal(badDate.code, 2);
    assert.match(badDate.stderr, /--date "2024-13-01" is not a date; write it as YYYY-MM-DD/);
    assert.equal(bare.code, 2);
    assert.match(bare.stdout, /dataville register list ORGANIZATION/);
  });

  test('propose lists proposals without writing them; --apply creates them; end keeps a processing with its end date', async () => {
    const proposed = await run(['register', 'propose', '92094'], dataDir);
    assert.equal(proposed.code, 0, proposed.stderr);
    assert.match(proposed.stdout, /^1 proposal for the register of namur-92094 \(nothing written yet\):/);
    assert.match(proposed.stdout, /new processing "Registre des chiens" for dataset registre-des-chiens/);
    assert.match(proposed.stdout, /--apply/);
    const applied = await run(['register', 'propose', '92094', '--apply'], dataDir);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /created {2}2\. Registre des chiens/);
    // NUMBER or id: the processing that takes over is named by its id.
    const ended = await run(['register', 'end', '92094', '2', '--date', '2024-05-01', '--replaced-by', processingId], dataDir);
    assert.equal(ended.code, 0, ended.stderr);
    assert.match(ended.stdout, /Processing 2\. Registre des chiens ended on 2024-05-01, replaced by 1\. Registre de la population/);
  });
});
