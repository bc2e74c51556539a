import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { REPO_ROOT, SAMPLES_DIR, tempDir } from './helpers/paths.ts';

const BIN = path.join(REPO_ROOT, 'bin/dataville.js');

function run(args: string[], dataDir: string, input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, DATAVILLE_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' }, encoding: 'buffer', input, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), raw: r.stdout };
}

describe('CLI', () => {
  const dataDir = tempDir('dv-cli-');
  const src = path.join(tempDir('dv-cli-src-'), 'budget.csv');
  fs.writeFileSync(src, iconv.encode('Budget 2024;;\n;;\nArticle;Montant;Date\nÉcole;1.234,56;03/02/2020\nVoirie;11.763.650;15/03/2020\n', 'windows-1252'));

  test('publish prints the new dataset id on its last line; export gives it back', () => {
    const r = run(['publish', src, '--org', '92094', '--title', 'Budget CLI'], dataDir);
    assert.equal(r.code, 0, r.stderr);
    const last = r.stdout.trim().split('\n').pop()!;
    const id = /([0-9a-f-]{36})$/.exec(last)?.[1];
    assert.ok(id, `last line ends with an id: ${last}`);
    const csv = run(['export', id!, '--format', 'csv'], dataDir);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout, 'Article,Montant,Date\r\nÉcole,1234.56,2020-02-03\r\nVoirie,11763650,2020-03-15\r\n');
    const pq = run(['export', id!, '--format', 'parquet', '--version', '1'], dataDir);
    assert.equal(pq.code, 0);
    assert.equal(pq.raw.subarray(0, 4).toString(), 'PAR1');
    const none = run(['export', id!, '--version', '9'], dataDir);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no version 9/);
  });

  test('audit --json prints one JSON object with the documented keys and stores nothing', () => {
    const before = fs.readdirSync(dataDir).sort();
    const r = run(['audit', src, '--json'], dataDir);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    for (const k of ['encoding', 'dialect', 'schema', 'rowCount', 'errors', 'score', 'deductions']) assert.ok(k in report, k);
    assert.equal(report.rowCount, 2);
    assert.match(report.encoding.encoding, /windows-1252|iso-8859-1/);
    assert.deepEqual(report.schema.fields.map((f: { name: string; type: string }) => [f.name, f.type]), [['Article', 'string'], ['Montant', 'number'], ['Date', 'date']]);
    assert.deepEqual(fs.readdirSync(dataDir).sort(), before);
    const human = run(['audit', path.join(SAMPLES_DIR, 'statbel-refnis-2019.csv')], dataDir);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /iso-8859-1|windows-1252/i);
    assert.match(human.stdout, /\d+\/100|score/i);
  });

  test('bad input: exit code 2 and a message that says what and how', () => {
    const missing = run(['publish', '/no/such/file.csv', '--org', '92094', '--title', 'x'], dataDir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /No file at/);
    const noOrg = run(['publish', src, '--title', 'x'], dataDir);
    assert.equal(noOrg.code, 2);
    assert.match(noOrg.stderr, /--org/);
    const badOrg = run(['publish', src, '--org', '12345', '--title', 'x'], dataDir);
    assert.equal(badOrg.code, 2);
    assert.match(badOrg.stderr, /NIS code/);
    const empty = path.join(tempDir(), 'empty.csv');
    fs.writeFileSync(empty, '');
    const e = run(['audit', empty], dataDir);
    assert.equal(e.code, 2);
    assert.match(e.stderr, /empty/i);
    const unknown = run(['frobnicate'], dataDir);
    assert.equal(unknown.code, 2);
  });

  test('user add and token add', () => {
    const u = run(['user', 'add', '--email', 'ada@namur.be', '--name', 'Ada', '--org', '92094', '--role', 'editor'], dataDir);
    assert.equal(u.code, 0, u.stderr);
    assert.match(u.stdout, /editor/);
    assert.match(u.stdout, /Password: \S{12,}/);
    const t = run(['token', 'add', '--user', 'ada@namur.be'], dataDir);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout.trim(), /^dv_[\w-]{40,}$/);
    const dup = run(['user', 'add', '--email', 'ada@namur.be', '--name', 'Ada', '--password', 'another long one'], dataDir);
    assert.equal(dup.code, 2);
    assert.match(dup.stderr, /already exists/);
    const badRole = run(['user', 'add', '--email', 'bob@namur.be', '--name', 'Bob', '--org', '92094', '--role', 'king'], dataDir);
    assert.equal(badRole.code, 2);
    assert.match(badRole.stderr, /role/);
  });

  test('a publish killed mid-ingest leaves the previous version served and the catalog consistent', async () => {
    const dir = tempDir('dv-crash-');
    const first = run(['publish', src, '--org', '92094', '--title', 'Crash test'], dir);
    assert.equal(first.code, 0, first.stderr);
    const id = /([0-9a-f-]{36})$/.exec(first.stdout.trim())![1];
    const big = path.join(tempDir(), 'big.csv');
    const lines = ['Article;Montant;Date'];
    for (let i = 0; i < 400_000; i++) lines.push(`Article ${i} "quoted";${i},${i % 100};${String(1 + (i % 28)).padStart(2, '0')}/02/2021`);
    fs.writeFileSync(big, iconv.encode(lines.join('\r\n') + '\r\n', 'windows-1252'));
    const child = spawn(process.execPath, [BIN, 'publish', big, '--dataset', id], { env: { ...process.env, DATAVILLE_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent' }, stdio: 'ignore' });
    const staging = path.join(dir, 'files', '.staging');
    // Kill it once the ingest has started writing its staged version.
    const deadline = Date.now() + 60_000;
    let seen = false;
    while (Date.now() < deadline && child.exitCode === null) {
      const dirs = fs.existsSync(staging) ? fs.readdirSync(staging) : [];
      if (dirs.some((d) => fs.readdirSync(path.join(staging, d)).length > 0)) { seen = true; break; }
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.ok(seen, 'the ingest had started when it was killed');
    const csv = run(['export', id], dir);
    assert.equal(csv.code, 0, csv.stderr);
    assert.match(csv.stdout, /^Article,Montant,Date\r\nÉcole,1234\.56,2020-02-03/);
    const audit = run(['audit', src, '--json'], dir);
    assert.equal(audit.code, 0);
    // The catalog has one version, and its files are all there.
    const versionDirs = () => fs.readdirSync(path.join(dir, 'files', 'resources')).flatMap((r) => fs.readdirSync(path.join(dir, 'files', 'resources', r)));
    assert.equal(versionDirs().length, 1);

    // The killed ingest is a job still marked running, by a process that is gone ...
    const jobsOf = () => JSON.parse(run(['jobs', '--json'], dir).stdout).jobs as { id: string; kind: string; state: string; history: { event: string; message: string }[] }[];
    const killed = jobsOf().filter((j) => j.kind === 'ingest' && j.state === 'running');
    assert.equal(killed.length, 1, 'the killed ingest is listed as running');
    // ... which the next process to start picks up and finishes.
    const worker = spawn(process.execPath, [BIN, 'worker'], { env: { ...process.env, DATAVILLE_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent', DATAVILLE_JOB_POLL_MS: '200' }, stdio: 'ignore' });
    try {
      const until = Date.now() + 120_000;
      while (Date.now() < until && jobsOf().find((j) => j.id === killed[0].id)?.state !== 'done') await new Promise((r) => setTimeout(r, 300));
    } finally {
      worker.kill('SIGTERM');
      await new Promise((r) => (worker.exitCode !== null ? r(null) : worker.once('exit', r)));
    }
    const recovered = jobsOf().find((j) => j.id === killed[0].id)!;
    assert.equal(recovered.state, 'done', JSON.stringify(recovered.history));
    assert.ok(recovered.history.some((e) => e.event === 'lost' && /stopped before it finished/.test(e.message)), 'the history says why it ran again');
    assert.equal(versionDirs().length, 2);
    const rows = run(['export', id, '--format', 'csv'], dir).stdout.trimEnd().split('\r\n');
    assert.equal(rows.length, 400_001);
    const again = run(['publish', src, '--dataset', id], dir);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Version 3/);
  });
});
