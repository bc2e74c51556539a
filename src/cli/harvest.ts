import type { Config } from '../config.ts';
import { openApp } from '../app.ts';
import { callAction } from '../actions/registry.ts';
import {
  createHarvestSource, deleteHarvestSource, listHarvestRuns, listHarvestSources, runHarvest, showHarvestSource,
} from '../actions/harvest.ts';
import type { HarvestRunView } from '../harvest/sources.ts';
import { AppError } from '../errors.ts';
import { parseFlags } from './main.ts';
import { terminalProgress } from './progress.ts';

const USAGE = `dataville harvest add --org NIS --kind ckan|dcat|ods --url URL [--name N] [--schedule daily|weekly|CRON] [--option key=value …]
dataville harvest list [--org NIS] [--json]
dataville harvest show ID [--json]
dataville harvest run ID [--json]
dataville harvest runs ID [--limit N] [--json]
dataville harvest delete ID --confirm`;

/** "maxRecords=5000" → { maxRecords: "5000" }; a repeated key (refine) becomes a list. */
function parseOptions(pairs: string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new AppError('bad_request', `The option "${p}" is not key=value (e.g. --option organization=ville-de-namur).\nUsage: ${USAGE}`);
    const [k, v] = [p.slice(0, eq).trim(), p.slice(eq + 1)];
    out[k] = k in out ? [...(Array.isArray(out[k]) ? (out[k] as unknown[]) : [out[k]]), v] : v;
  }
  return out;
}

function runLine(r: HarvestRunView): string {
  return `${r.startedAt}  ${r.id}  ${r.trigger.padEnd(8)} ${r.outcome.padEnd(7)} +${r.added} ~${r.updated} -${r.removed} =${r.unchanged} !${r.failed}  ${r.message}`;
}

export async function harvestCommand(config: Config, args: string[]) {
  const { values, positionals } = parseFlags(args, {
    org: { type: 'string' }, kind: { type: 'string' }, url: { type: 'string' }, name: { type: 'string' }, schedule: { type: 'string' },
    option: { type: 'string', multiple: true }, limit: { type: 'string' }, json: { type: 'boolean' }, confirm: { type: 'boolean' },
  }, USAGE);
  const [sub, id] = positionals;
  const needId = () => {
    if (!id) throw new AppError('bad_request', `Give the harvest source id (dataville harvest list shows them).\nUsage: ${USAGE}`);
    return id;
  };
  const out = (v: unknown, text: () => string) => process.stdout.write(values.json ? JSON.stringify(v) + '\n' : text() + '\n');
  if (!sub || !['add', 'list', 'show', 'run', 'runs', 'delete'].includes(sub)) {
    throw new AppError('bad_request', `${sub ? `Unknown harvest command "${sub}".` : 'Say what to do.'}\nUsage: ${USAGE}`);
  }
  if (sub === 'add' && (!values.org || !values.kind || !values.url)) throw new AppError('bad_request', `harvest add needs --org, --kind and --url.\nUsage: ${USAGE}`);
  const app = await openApp(config);
  try {
    const ctx = app.ctx({ kind: 'system' });
    if (sub === 'add') {
      const s = await callAction(createHarvestSource, ctx, {
        organization: values.org, kind: values.kind, url: values.url, name: values.name, schedule: values.schedule, options: parseOptions(values.option),
      });
      out(s, () => `Harvest source ${s.id} added: ${s.kind} ${s.url}${s.schedule ? `, harvested ${s.schedule} (next at ${s.nextRunAt})` : ', harvested on demand'}. Run it now with: dataville harvest run ${s.id}`);
    } else if (sub === 'list') {
      const r = await callAction(listHarvestSources, ctx, { organization: values.org });
      out(r, () => (r.sources.length
        ? r.sources.map((s) => `${s.id}  ${s.kind.padEnd(4)} ${s.name}  ${s.url}  ${s.datasets} datasets  ${s.schedule ?? 'on demand'}${s.enabled ? '' : ' (disabled)'}  last: ${s.lastRun ? `${s.lastRun.outcome} ${s.lastRun.finishedAt}` : 'never'}`).join('\n')
        : 'No harvest sources. Add one with: dataville harvest add --org NIS --kind ckan --url https://…'));
    } else if (sub === 'show') {
      const s = await callAction(showHarvestSource, ctx, { source: needId() });
      out(s, () => [`${s.id}  ${s.kind} ${s.name}  ${s.url}`, `  ${s.datasets} datasets; schedule ${s.schedule ?? 'on demand'}${s.enabled ? '' : ' (disabled)'}; options ${JSON.stringify(s.options)}`, ...s.runs.map((r) => `  ${runLine(r)}`)].join('\n'));
    } else if (sub === 'run') {
      const bar = terminalProgress('Harvesting');
      try {
        const r = await callAction(runHarvest, app.ctx({ kind: 'system' }, { progress: bar.progress }), { source: needId(), wait: true });
        bar.stop();
        out(r, () => `${r.run?.outcome}: ${r.run?.message}${r.run && r.run.outcome !== 'done' ? `\nSee the errors with: dataville harvest runs ${id}` : ''}`);
      } finally {
        bar.stop();
      }
    } else if (sub === 'runs') {
      const r = await callAction(listHarvestRuns, ctx, { source: needId(), limit: values.limit ?? 20 });
      out(r, () => (r.runs.length ? r.runs.map((x) => [runLine(x), ...x.errors.slice(0, 20).map((e) => `    error${e.identifier ? ` [${e.identifier}]` : ''}: ${e.message}`), ...x.warnings.slice(0, 10).map((w) => `    warning${w.identifier ? ` [${w.identifier}]` : ''}: ${w.message}`)].join('\n')).join('\n') : 'No runs yet.'));
    } else {
      const r = await callAction(deleteHarvestSource, ctx, { source: needId(), confirm: values.confirm ?? false });
      out(r, () => `Harvest source ${r.deleted} deleted with its ${r.datasetsRemoved} datasets.`);
    }
  } finally {
    await app.close();
  }
}
