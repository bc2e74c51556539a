import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { openApp } from '../app.ts';
import { callAction } from '../actions/registry.ts';
import { addVersion, prepareVersion, publishFile } from '../actions/versions.ts';
import { AppError } from '../errors.ts';
import { parseFlags } from './main.ts';
import { terminalProgress } from './progress.ts';

const USAGE = 'dataville publish FILE --org NIS --title TEXT [--dataset ID] [--description TEXT] [--keywords a,b] [--status published|internal|planned]';

/** Publishes a file: a new dataset, or a new version of --dataset. The last line ends with the dataset id. */
export async function publishCommand(config: Config, args: string[]) {
  const { values, positionals } = parseFlags(args, {
    org: { type: 'string' }, title: { type: 'string' }, dataset: { type: 'string' }, description: { type: 'string' },
    keywords: { type: 'string' }, status: { type: 'string' }, licence: { type: 'string' },
  }, USAGE);
  const file = positionals[0];
  if (!file) throw new AppError('bad_request', `Give the file to publish.\nUsage: ${USAGE}`);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new AppError('not_found', `No file at ${file}. Check the path.`);
  if (!values.dataset && (!values.org || !values.title)) throw new AppError('bad_request', `A new dataset needs --org (NIS code) and --title.\nUsage: ${USAGE}`);
  const app = await openApp(config);
  const bar = terminalProgress(`Publishing ${path.basename(file)}`);
  try {
    const ctx = app.ctx({ kind: 'system' }, { progress: bar.progress });
    const source = { path: path.resolve(file), name: path.basename(file) };
    if (values.dataset) {
      const out = await callAction(addVersion, ctx, { dataset: values.dataset, file: source });
      bar.progress?.('index', 3, 3);
      await callAction(prepareVersion, ctx, { dataset: out.datasetId, resource: out.resourceId, version: out.version.number });
      bar.stop();
      process.stdout.write(`Version ${out.version.number}: ${out.version.rowCount} rows, ${out.version.columnCount} columns, quality ${out.version.score}/100\n`);
      process.stdout.write(`Published a new version of dataset ${out.datasetId}\n`);
    } else {
      const out = await callAction(publishFile, ctx, {
        organization: values.org!, title: values.title!, description: values.description, keywords: values.keywords,
        status: values.status as 'published' | undefined, licence: values.licence, file: source,
      });
      // The row-query files are built before the command returns, so the dataset is fully served.
      bar.progress?.('index', 3, 3);
      await callAction(prepareVersion, ctx, { dataset: out.dataset.id, version: out.version.number });
      bar.stop();
      for (const d of out.audit.deductions) process.stdout.write(`  -${d.points} ${d.reason}\n`);
      process.stdout.write(`${out.version.rowCount} rows, ${out.version.columnCount} columns, quality ${out.version.score}/100, encoding ${out.audit.encoding.encoding}\n`);
      process.stdout.write(`Published "${values.title}" as ${out.dataset.organization && 'slug' in out.dataset.organization ? out.dataset.organization.slug : ''}/${out.dataset.slug}: ${out.dataset.id}\n`);
    }
  } finally {
    bar.stop();
    await app.close();
  }
}
