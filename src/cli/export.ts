import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config.ts';
import { openApp } from '../app.ts';
import { callAction } from '../actions/registry.ts';
import { EXPORT_FORMATS, exportVersion } from '../actions/rows.ts';
import { AppError } from '../errors.ts';
import { parseFlags } from './main.ts';

/** Writes a download of a dataset (latest or --version N) to stdout. */
export async function exportCommand(config: Config, args: string[]) {
  const usage = 'dataville export DATASET [--format csv|json|parquet|xlsx] [--version N]';
  const { values, positionals } = parseFlags(args, { format: { type: 'string', default: 'csv' }, version: { type: 'string' }, resource: { type: 'string' } }, usage);
  if (!positionals[0]) throw new AppError('bad_request', `Give the dataset id.\nUsage: ${usage}`);
  if (!(EXPORT_FORMATS as readonly string[]).includes(values.format!)) throw new AppError('bad_request', `Unknown format "${values.format}"; use one of ${EXPORT_FORMATS.join(', ')}.`);
  const app = await openApp(config);
  try {
    const out = await callAction(exportVersion, app.ctx({ kind: 'system' }), { dataset: positionals[0], format: values.format, version: values.version, resource: values.resource });
    await pipeline(fs.createReadStream(out.path), process.stdout);
  } finally {
    await app.close();
  }
}
