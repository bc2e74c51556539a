/**
 * `dataville register`: the GDPR Art. 30 register of processing activities from the command line,
 * for the DPO's and the IT lead's scripts and cron jobs. A thin adapter over the actions of
 * src/actions/gdpr.ts, run as the operator (the system actor, who needs no role).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config.ts';
import { openApp } from '../app.ts';
import type { Ctx } from '../context.ts';
import { callAction } from '../actions/registry.ts';
import { endProcessing, exportRegister, listRegister, proposeProcessings, showProcessing } from '../actions/gdpr.ts';
import { REGISTER_FORMATS } from '../gdpr/exports.ts';
import {
  cellTexts, columnWords, EXPORT_LANGS, REGISTER_COLUMNS, say, type ColumnKey, type ProcessingView, type RegisterView,
} from '../gdpr/model.ts';
import { AppError } from '../errors.ts';
import { parseFlags } from './main.ts';
import { isIsoDate } from '../catalog/dates.ts';

const USAGES = {
  list: 'dataville register list ORGANIZATION [--status active|ended|all] [--json]',
  show: 'dataville register show ORGANIZATION NUMBER|ID [--json]',
  propose: 'dataville register propose ORGANIZATION [--apply] [--json]',
  export: "dataville register export ORGANIZATION [--format xlsx|csv] [--lang fr|nl|de|en|fr-nl] [--delimiter ';'|','] [--status active|ended|all] [--out FILE|DIR|-] [--json]",
  end: 'dataville register end ORGANIZATION NUMBER|ID [--date YYYY-MM-DD] [--replaced-by NUMBER|ID] [--json]',
} as const;
type Sub = keyof typeof USAGES;

export const REGISTER_USAGE = `dataville register — the GDPR Art. 30 register of processing activities

Usage:
  ${USAGES.list}
  ${USAGES.show}
  ${USAGES.propose}
  ${USAGES.export}
  ${USAGES.end}

ORGANIZATION is its NIS code (92094), slug or id; NUMBER is a processing's number in the register
(register list shows numbers and ids). The command runs as the operator: it needs no role.
export writes the file under the export's own name in the current folder unless --out says where
(--out - writes it to stdout). propose only lists proposals; --apply writes them to the register.`;

const STATUSES = ['active', 'ended', 'all'] as const;
const DELIMITERS = [';', ','] as const;

const OPTIONS = {
  list: { status: { type: 'string' }, json: { type: 'boolean' } },
  show: { json: { type: 'boolean' } },
  propose: { apply: { type: 'boolean' }, json: { type: 'boolean' } },
  export: {
    format: { type: 'string' }, lang: { type: 'string' }, delimiter: { type: 'string' }, status: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' },
  },
  end: { date: { type: 'string' }, 'replaced-by': { type: 'string' }, json: { type: 'boolean' } },
} as const;

/** The flags any subcommand may have been given (parseFlags rejects the others per subcommand). */
interface Flags {
  status?: string;
  json?: boolean;
  apply?: boolean;
  format?: string;
  lang?: string;
  delimiter?: string;
  out?: string;
  date?: string;
  'replaced-by'?: string;
}

const isSub = (s: string | undefined): s is Sub => !!s && Object.hasOwn(USAGES, s);

/** A value of a closed list, or a bad_request naming the flag, the value and the allowed ones. */
function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], sub: Sub): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new AppError('bad_request', `Unknown --${flag} "${value}"; use one of ${allowed.map((a) => (/^[a-z-]+$/.test(a) ? a : `'${a}'`)).join(', ')}.\nUsage: ${USAGES[sub]}`);
}

export async function registerCommand(config: Config, args: string[]): Promise<number | void> {
  const [sub, ...rest] = args;
  if (!sub) {
    process.stdout.write(REGISTER_USAGE + '\n');
    return 2;
  }
  if (sub === 'help' || sub === '--help' || sub === '-h') {
    process.stdout.write(REGISTER_USAGE + '\n');
    return 0;
  }
  if (!isSub(sub)) throw new AppError('bad_request', `Unknown register command "${sub}"; use list, show, propose, export or end.\n\n${REGISTER_USAGE}`);
  const usage = USAGES[sub];
  const { values, positionals } = parseFlags(rest, OPTIONS[sub], usage);
  const flags = values as Flags;
  const needsRef = sub === 'show' || sub === 'end';
  const [organization, ref, ...extra] = positionals;
  if (!organization) throw new AppError('bad_request', `Give the organization: its NIS code (e.g. 92094), slug or id.\nUsage: ${usage}`);
  if (needsRef && !ref) throw new AppError('bad_request', `Give the processing: its number in the register or its id (dataville register list ${organization} shows them).\nUsage: ${usage}`);
  const unexpected = needsRef ? extra : positionals.slice(1);
  if (unexpected.length) throw new AppError('bad_request', `Unexpected argument${unexpected.length > 1 ? 's' : ''} ${unexpected.map((a) => `"${a}"`).join(' ')}.\nUsage: ${usage}`);

  // Input checked before the data folder is opened: the message names the allowed values.
  const status = oneOf('status', flags.status, STATUSES, sub);
  const format = oneOf('format', flags.format, REGISTER_FORMATS, sub);
  const lang = oneOf('lang', flags.lang, EXPORT_LANGS, sub);
  const delimiter = oneOf('delimiter', flags.delimiter, DELIMITERS, sub);
  if (sub === 'end' && flags.date !== undefined && !isIsoDate(flags.date)) {
    throw new AppError('bad_request', `--date "${flags.date}" is not a date; write it as YYYY-MM-DD (e.g. 2024-12-31), or leave it out for today.\nUsage: ${usage}`);
  }
  if (sub === 'export') {
    if (delimiter && (format ?? 'xlsx') !== 'csv') throw new AppError('bad_request', `--delimiter is for CSV only; add --format csv.\nUsage: ${usage}`);
    if (flags.out === '-' && (format ?? 'xlsx') === 'xlsx' && process.stdout.isTTY) {
      throw new AppError('bad_request', `Not writing XLSX (a binary file) to the terminal. Give --out FILE, or redirect stdout: dataville register export ${organization} --out - > register.xlsx`);
    }
  }

  const app = await openApp(config);
  try {
    const ctx = app.ctx({ kind: 'system' });
    const print = (json: unknown, text: () => string) => process.stdout.write((flags.json ? JSON.stringify(json) : text()) + '\n');
    if (sub === 'list') {
      const register = await registerOf(ctx, organization, status ?? 'all');
      print(register, () => registerTable(register, organization));
    } else if (sub === 'show') {
      const found = await findProcessing(ctx, organization, ref!);
      const p = await callAction(showProcessing, ctx, { processing: found.processing.id });
      print(p, () => processingText(p, found.register));
    } else if (sub === 'end') {
      const found = await findProcessing(ctx, organization, ref!);
      const replacedBy = flags['replaced-by'] === undefined ? undefined : (await findProcessing(ctx, organization, flags['replaced-by'], found.register)).processing.id;
      if (replacedBy === found.processing.id) {
        throw new AppError('bad_request', `--replaced-by names processing ${found.processing.number} itself; give the number or id of the processing that takes over, or leave --replaced-by out.\nUsage: ${usage}`);
      }
      const p = await callAction(endProcessing, ctx, { processing: found.processing.id, endDate: flags.date, replacedBy });
      print(p, () => `Processing ${p.number}. ${p.name} ended on ${p.endDate}${p.replacedBy ? `, replaced by ${p.replacedBy.number}. ${p.replacedBy.name}` : ''}. It stays in the register with its end date.`);
    } else if (sub === 'propose') {
      const out = await withOrganizationHint(organization, callAction(proposeProcessings, ctx, { organization, apply: flags.apply ?? false }));
      print(out, () => proposalsText(out, organization));
    } else {
      const file = await withOrganizationHint(organization, callAction(exportRegister, ctx, { organization, format, lang, delimiter, status }));
      if (flags.out === '-') {
        await pipeline(fs.createReadStream(file.path), process.stdout);
        return;
      }
      let dest = path.resolve(flags.out ?? file.filename);
      if (flags.out !== undefined && fs.existsSync(dest) && fs.statSync(dest).isDirectory()) dest = path.join(dest, file.filename);
      try {
        await fs.promises.copyFile(file.path, dest);
      } catch (e) {
        throw new AppError('bad_request', `Cannot write ${dest}: ${(e as Error).message}. Give --out a file in a folder that exists and that you may write to.`);
      }
      const bytes = (await fs.promises.stat(dest)).size;
      print({ path: dest, bytes, filename: file.filename, mediaType: file.mediaType, processings: file.processings },
        () => `Wrote ${dest} (${bytes} bytes, ${file.processings} processing${file.processings === 1 ? '' : 's'}).`);
    }
  } finally {
    await app.close();
  }
}

/** The action's "no organization" message, with how to name one on the command line. */
async function withOrganizationHint<T>(organization: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof AppError && e.code === 'organization_not_found') {
      throw new AppError(e.code, `${e.message}\nGive the NIS code (e.g. 92094 for Namur), slug or id of an organization that exists on this portal (one exists once a dataset is published for it), instead of "${organization}".`, e.details);
    }
    throw e;
  }
}

function registerOf(ctx: Ctx, organization: string, status: (typeof STATUSES)[number]): Promise<RegisterView> {
  return withOrganizationHint(organization, callAction(listRegister, ctx, { organization, status }));
}

/** A processing of the organization's register by its number or id, or a not_found that says how to find it. */
async function findProcessing(ctx: Ctx, organization: string, ref: string, known?: RegisterView): Promise<{ register: RegisterView; processing: ProcessingView }> {
  const register = known ?? await registerOf(ctx, organization, 'all');
  const r = ref.trim();
  const processing = /^\d+$/.test(r) ? register.processings.find((p) => p.number === Number(r)) : register.processings.find((p) => p.id === r);
  if (!processing) {
    const numbers = register.processings.length ? `its numbers go from 1 to ${register.processings.length}` : 'it is empty';
    throw new AppError('not_found', `There is no processing "${ref}" in the register of ${orgName(register)}; ${numbers}. Give a number or id that dataville register list ${organization} shows.`);
  }
  return { register, processing };
}

const orgName = (r: RegisterView) => `${r.organization.name.fr} (${r.organization.slug})`;

/** Cuts a cell to its first line and at most `max` characters. */
function cell(s: string, max: number): string {
  const line = s.split('\n')[0];
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

function registerTable(register: RegisterView, organization: string): string {
  const head = `Register of processing activities of ${orgName(register)}`;
  if (!register.processings.length) {
    return `${head}: no processing${register.counts.active + register.counts.ended ? ' with this status' : ''}.\nSee what the inventory suggests with: dataville register propose ${organization}`;
  }
  const rows = [['No.', 'Name', 'Department', 'Status', 'Datasets', 'DPIA likely']];
  for (const p of register.processings) {
    rows.push([
      String(p.number), cell(p.name, 48), cell(p.department ?? '', 24), p.status === 'ended' ? `ended ${p.endDate ?? ''}`.trim() : 'active',
      String(p.datasets.length), p.dpiaLikely ? 'yes' : 'no',
    ]);
  }
  const { active, ended, incomplete } = register.counts;
  const notes = [
    `${active} active, ${ended} ended${incomplete ? `; ${incomplete} with columns left to complete (dataville register show ${organization} NUMBER says which)` : ''}.`,
    ...(register.missing.length ? [`The identification lacks: ${register.missing.join(', ')} (an admin sets the e-mail; a member with the role dpo is the DPO).`] : []),
  ];
  return [head, '', table(rows), '', ...notes].join('\n');
}

/** One processing: every column of the register in English, as the exports word them. */
function processingText(p: ProcessingView, register: RegisterView): string {
  const text = cellTexts(p, 'en');
  const label = (key: ColumnKey) => say(columnWords(key), 'en');
  const lines = [`${p.number}. ${p.name} — register of ${orgName(register)}`];
  for (const c of REGISTER_COLUMNS) {
    if (c.key === 'number' || c.key === 'name') continue;
    const [first, ...more] = (text[c.key] || '—').split('\n');
    lines.push(`  ${label(c.key)}: ${first}`, ...more.map((m) => `      ${m}`));
  }
  lines.push(`  DPIA likely: ${p.dpiaLikely ? `yes (${p.processingTypes.length} criteria of Art. 35)` : 'no'}`);
  if (p.missing.length) lines.push(`Left to complete (Art. 30(1)): ${p.missing.map(label).join('; ')}.`);
  return lines.join('\n');
}

type ProposeOutput = Awaited<ReturnType<typeof proposeProcessings.run>>;

function proposalsText(out: ProposeOutput, organization: string): string {
  if (!out.proposals.length) return `No proposals for ${out.organization.slug}: every dataset whose audit found personal data (or whose keywords say so) is concerned by an active processing that records what was found.`;
  const lines: string[] = [];
  if (out.applied) {
    lines.push(`Applied ${out.proposals.length} proposal${out.proposals.length === 1 ? '' : 's'} to the register of ${out.organization.slug}:`);
    for (const p of out.created) lines.push(`  created  ${p.number}. ${p.name}`);
    for (const p of out.updated) lines.push(`  updated  ${p.number}. ${p.name}`);
    lines.push(`Complete them (purposes, data subjects, retention, legal basis …) in the register; dataville register show ${organization} NUMBER says what is left.`);
    return lines.join('\n');
  }
  lines.push(`${out.proposals.length} proposal${out.proposals.length === 1 ? '' : 's'} for the register of ${out.organization.slug} (nothing written yet):`);
  for (const p of out.proposals) {
    if (p.kind === 'new') {
      const cats = p.processing.dataCategories.length ? `; data categories ${p.processing.dataCategories.join(', ')}` : '';
      lines.push(`  new processing "${p.processing.name}" for dataset ${p.dataset.slug}${cats}`);
    } else {
      const adds = [...p.add.dataCategories, ...p.add.recipients.map((r) => `recipient ${r}`)].join(', ');
      lines.push(`  add to ${p.processing.number}. ${p.processing.name} (dataset ${p.dataset.slug}): ${adds}`);
    }
    lines.push(`      ${p.reason}`);
  }
  lines.push(`Write them to the register with: dataville register propose ${organization} --apply`);
  return lines.join('\n');
}
