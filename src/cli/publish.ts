import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { openApp } from '../app.ts';
import { callAction } from '../actions/registry.ts';
import { addVersion, prepareVersion, publishFile } from '../actions/versions.ts';
import { AppError } from '../errors.ts';
import { parseFlags } from './main.ts';
import { terminalProgress } from './progress.ts';

const USAGE = 'dataville publish (FILE | --url URL) --org NIS --title TEXT [--dataset ID] [--sheet NAME|N] [--pointer /path] [--schedule daily|CRON] [--description TEXT] [--keywords a,b] [--status published|internal|planned] [--licence ID]';

/** Publishes a file or URL: a new dataset, or a new version of --dataset. The last line ends with the dataset id. */
export async function publishCommand(config: Config, args: string[]) {
  const { values, positionals } = parseFlags(args, {
    org: { type: 'string' }, title: { type: 'string' }, dataset: { type: 'string' }, description: { type: 'string' },
    keywords: { type: 'string' }, status: { type: 'string' }, licence: { type: 'string' }, url: { type: 'string' },
    sheet: { type: 'string' }, pointer: { type: 'string' }, schedule: { type: 'string' },
  }, USAGE);
  const file = positionals[0];
  if (!file && !values.url) throw new AppError('bad_request', `Give the file to publish, or --url.\nUsage: ${USAGE}`);
  if (file && (!fs.existsSync(file) || !fs.statSync(file).isFile())) throw new AppError('not_found', `No file at ${file}. Check the path.`);
  if (!values.dataset && (!values.org || !values.title)) throw new AppError('bad_request', `A new dataset needs --org (NIS code) and --title.\nUsage: ${USAGE}`);
  const app = await openApp(config);
  const bar = terminalProgress(`Publishing ${file ? path.basename(file) : values.url}`);
  // Ctrl-C cancels: the job ends as failed with that reason instead of being resumed by the next process.
  const cancel = () => {
    bar.stop();
    app.jobs.abandon('Cancelled with Ctrl-C by the person running `dataville publish`.').finally(() => process.exit(130));
  };
  process.once('SIGINT', cancel);
  try {
    const ctx = app.ctx({ kind: 'system' }, { progress: bar.progress });
    const source = {
      ...(file ? { file: { path: path.resolve(file), name: path.basename(file) } } : { url: values.url }),
      sheet: values.sheet && /^\d+$/.test(values.sheet) ? Number(values.sheet) : values.sheet, pointer: values.pointer, schedule: values.schedule,
    };
    const out = values.dataset
      ? { ...(await callAction(addVersion, ctx, { dataset: values.dataset, ...source })), title: undefined }
      : await callAction(publishFile, ctx, {
        organization: values.org!, title: values.title!, description: values.description, keywords: values.keywords,
        status: values.status as 'published' | undefined, licence: values.licence, ...source,
      });
    const datasetId = 'dataset' in out ? out.dataset.id : out.datasetId;
    // The row-query files are built before the command returns, so the dataset is fully served.
    bar.progress?.('index', 3, 3);
    for (const t of out.tables) if (t.privacyState !== 'flagged') await callAction(prepareVersion, ctx, { dataset: datasetId, resource: t.resourceId, version: t.version });
    bar.stop();
    for (const d of out.audit.deductions) process.stdout.write(`  -${d.points} ${d.reason}\n`);
    for (const t of out.tables) {
      process.stdout.write(`${t.table ? `${t.table}: version` : 'Version'} ${t.version}, ${t.rowCount} rows, quality ${t.score}/100\n`);
    }
    if (out.version.privacyState === 'flagged') {
      const cols = (out.audit.privacy?.columns ?? []).filter((c) => c.personal).map((c) => `${c.name} (${c.categories.map((k) => k.category).join(', ')})`);
      process.stdout.write(`Personal data found${cols.length ? ` in ${cols.join('; ')}` : ''}: this version is not public until the organization's data-protection officer reviews it.\n`);
    }
    if (out.tables.length === 1) process.stdout.write(`${out.version.rowCount} rows, ${out.version.columnCount} columns, quality ${out.version.score}/100, encoding ${out.audit.encoding.encoding}\n`);
    if ('dataset' in out) {
      const org = out.dataset.organization;
      process.stdout.write(`Published "${values.title}" as ${'slug' in org && org.slug ? org.slug : ''}/${out.dataset.slug}: ${out.dataset.id}\n`);
    } else {
      process.stdout.write(`Published a new version of dataset ${datasetId}\n`);
    }
  } finally {
    process.off('SIGINT', cancel);
    bar.stop();
    await app.close();
  }
}
