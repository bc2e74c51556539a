import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config.ts';
import { openApp } from '../app.ts';
import { callAction } from '../actions/registry.ts';
import { auditFile } from '../actions/audit.ts';
import { describeAudit } from '../quality/describe.ts';
import { AppError } from '../errors.ts';
import { parseFlags } from './main.ts';
import { terminalProgress } from './progress.ts';

/** Audits a file and prints the report (for a person, or one JSON object with --json). Stores nothing. */
export async function auditCommand(config: Config, args: string[]) {
  const { values, positionals } = parseFlags(args, { json: { type: 'boolean' } }, 'dataville audit FILE [--json]');
  const file = positionals[0];
  if (!file) throw new AppError('bad_request', 'Give the file to audit: dataville audit FILE [--json]');
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new AppError('not_found', `No file at ${file}. Check the path.`);
  // The audit stores nothing: it runs on an in-memory catalog in a throw-away data folder.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dataville-audit-'));
  const app = await openApp({ ...config, dataDir: scratch, databaseUrl: undefined });
  const bar = values.json ? { progress: undefined, stop() {} } : terminalProgress(`Auditing ${path.basename(file)}`);
  try {
    const report = await callAction(auditFile, app.ctx({ kind: 'system' }, { progress: bar.progress }), { file: { path: path.resolve(file), name: path.basename(file) } });
    bar.stop();
    if (values.json) process.stdout.write(JSON.stringify(report) + '\n');
    else process.stdout.write((report.tables ?? [report]).map((r) => describeAudit(r).join('\n')).join('\n\n') + '\n');
  } finally {
    bar.stop();
    await app.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
