import type { Config } from '../config.ts';
import { openApp } from '../app.ts';
import { stderrLogger } from '../context.ts';
import { callAction } from '../actions/registry.ts';
import { listJobsAction, refreshResource, retryJob, showJob } from '../actions/jobs.ts';
import { rollbackVersion } from '../actions/versions.ts';
import { AppError } from '../errors.ts';
import type { JobView } from '../jobs/store.ts';
import { parseFlags } from './main.ts';
import { terminalProgress } from './progress.ts';

const USAGE = 'dataville jobs [--state queued|running|done|failed] [--kind ingest|refresh] [--limit N] [--json] | dataville jobs show ID | dataville jobs retry ID';

/** One line per job: when, what, state, and the reason when it failed or waits for a retry. */
function line(j: JobView): string {
  const progress = j.state === 'running' && j.progress ? ` ${j.progress.stage} ${j.progress.done}/${j.progress.total}, heartbeat ${j.heartbeatAt}` : '';
  const why = j.error ? ` — ${j.error.message}` : '';
  const target = j.datasetId ? ` dataset ${j.datasetId}` : '';
  return `${j.createdAt}  ${j.id}  ${j.kind.padEnd(7)} ${j.state.padEnd(7)} attempt ${j.attempts}/${j.maxAttempts}${target}${progress}${why}`;
}

export async function jobsCommand(config: Config, args: string[]) {
  const { values, positionals } = parseFlags(args, {
    state: { type: 'string' }, kind: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' },
  }, USAGE);
  const app = await openApp(config);
  try {
    const ctx = app.ctx({ kind: 'system' });
    const [sub, id] = positionals;
    if (sub === 'show' || sub === 'retry') {
      if (!id) throw new AppError('bad_request', `Give the job id.\nUsage: ${USAGE}`);
      const j = await callAction(sub === 'show' ? showJob : retryJob, ctx, { job: id });
      if (values.json) process.stdout.write(JSON.stringify(j) + '\n');
      else {
        process.stdout.write(line(j) + '\n');
        for (const e of j.history) process.stdout.write(`  ${e.at}  ${e.event}: ${e.message}\n`);
      }
      return;
    }
    if (sub) throw new AppError('bad_request', `Unknown jobs command "${sub}".\nUsage: ${USAGE}`);
    const out = await callAction(listJobsAction, ctx, { state: values.state, kind: values.kind, limit: values.limit ?? 50 });
    if (values.json) process.stdout.write(JSON.stringify(out) + '\n');
    else {
      if (!out.jobs.length) process.stdout.write('No jobs.\n');
      for (const j of out.jobs) process.stdout.write(line(j) + '\n');
      if (out.total > out.jobs.length) process.stdout.write(`(${out.jobs.length} of ${out.total}; --limit shows more)\n`);
    }
  } finally {
    await app.close();
  }
}

/** Runs jobs (and scheduled refreshes) without serving HTTP: for a region's worker processes. */
export async function workerCommand(config: Config, args: string[]) {
  parseFlags(args, {}, 'dataville worker');
  const app = await openApp({ ...config, jobWorkers: Math.max(1, config.jobWorkers) }, { log: stderrLogger });
  app.jobs.start();
  process.stderr.write(`Dataville worker ${app.jobs.workerId} is running jobs (${Math.max(1, config.jobWorkers)} at a time). Ctrl-C stops it after the running jobs finish.\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await app.close();
}

export async function refreshCommand(config: Config, args: string[]) {
  const { positionals } = parseFlags(args, {}, 'dataville refresh RESOURCE_ID');
  if (!positionals[0]) throw new AppError('bad_request', 'Give the resource id: dataville refresh RESOURCE_ID');
  const app = await openApp(config);
  const bar = terminalProgress('Refreshing');
  try {
    const out = await callAction(refreshResource, app.ctx({ kind: 'system' }, { progress: bar.progress }), { resource: positionals[0], wait: true });
    bar.stop();
    process.stdout.write(`${out.refresh?.outcome}: ${out.refresh?.message}\n`);
  } finally {
    bar.stop();
    await app.close();
  }
}

export async function rollbackCommand(config: Config, args: string[]) {
  const { positionals } = parseFlags(args, {}, 'dataville rollback RESOURCE_ID VERSION');
  const [resource, version] = positionals;
  if (!resource || !version) throw new AppError('bad_request', 'Usage: dataville rollback RESOURCE_ID VERSION');
  const app = await openApp(config);
  try {
    const out = await callAction(rollbackVersion, app.ctx({ kind: 'system' }), { resource, version });
    process.stdout.write(`Version ${out.version.number} now serves the content of version ${version}.\n`);
  } finally {
    await app.close();
  }
}
