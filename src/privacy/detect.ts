/**
 * Personal-data detection for a typed table: each column's sampled cells are classified (identifiers
 * with check digits, e-mails, phones, plates, dates of birth, addresses, person names, free text
 * holding any of these), the cell scores are combined into a column finding, and combinations of
 * quasi-identifiers (postcode, birth year, sex …) are measured for the smallest group they leave (k).
 * Scoring follows Presidio: a pattern gives a base score, a checksum raises it (or rejects the value),
 * context words in the column's name and its neighbours' raise it, words such as "facture" lower it.
 * Decisions, thresholds and measured accuracy: docs/decisions/0013-privacy-detection.md.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SchemaField, TableSchema } from '../ingest/types.ts';
import { sqlIdent, sqlString } from '../stores/tables/duckdb.ts';
import { scanAddresses, streetAddress } from './detectors/address.ts';
import { email, phone, scanContact } from './detectors/contact.ts';
import { columnContext, type ColumnContext } from './detectors/context.ts';
import { dateOfBirth, scanBirthDates } from './detectors/dates.ts';
import { enterpriseNumber, iban, nationalRegisterNumber, scanIdentifiers } from './detectors/identifiers.ts';
import { clamp01, maskMatch, type Match, type ValueInput } from './detectors/match.ts';
import { personName, scanNames } from './detectors/person-name.ts';
import { licencePlate, scanPlates } from './detectors/plate.ts';
import { findQuasiIdentifiers, personAttributeColumns } from './detectors/quasi.ts';
import type { CategoryFinding, PersonalCategory, PrivacyColumn, PrivacyReport } from './types.ts';

/** Raised whenever a detector changes what it finds, so stored reports can be recomputed. */
export const DETECTOR_VERSION = 1;

/** A column finding at or above this confidence makes the column personal. */
export const PERSONAL_CONFIDENCE = 0.5;
/** Findings below this are left out of the report (noise); between it and the threshold they are shown as near misses. */
export const REPORT_CONFIDENCE = 0.25;
/** Default k threshold of the quasi-identifier check (groups smaller than this single people out). */
export const DEFAULT_K_THRESHOLD = 5;

/** Distinct values classified per column, taken from rows spread over the whole table. */
export const SAMPLE_VALUES = 2000;
/** Only the start of a longer cell is read (SQL and classifyValue alike): a 1 MB cell costs no more than this. */
export const MAX_CELL_CHARS = 100_000;
/** Characters classified per column at most: a column of long texts stops sampling earlier. */
export const MAX_COLUMN_CHARS = 2_000_000;
/** Examples (masked) shown per finding. */
const EXAMPLES = 3;

/** Cells that say "no value" in words; they are neither evidence for nor against a category. */
const PLACEHOLDER = /^(?:-+|\/+|\?+|\.+|x|n\/?a|nvt|n\.v\.t\.|nc|nd|s\.o\.|neant|néant|geen|aucun|aucune|inconnu|onbekend|unbekannt|unknown|none|null|nil|leeg|vide|0+)$/i;

const WHOLE_VALUE: ((input: ValueInput) => Match | null)[] = [
  nationalRegisterNumber,
  enterpriseNumber,
  iban,
  email,
  phone,
  licencePlate,
  dateOfBirth,
  streetAddress,
  personName,
];

interface CellResult {
  matches: Match[];
  /** The cell was read as a free text (its entities were searched inside it). */
  text: boolean;
  /** Empty or a placeholder ("-", "n/a", "néant"): not counted in the sample. */
  empty?: boolean;
}

function wordCount(s: string): number {
  let n = 0;
  for (const _ of s.matchAll(/\S+/g)) if (++n > 50) break;
  return n;
}

/** A value is a text, rather than one value, from four words (three of them words of letters) on, or when long. */
function looksLikeText(v: string): boolean {
  if (v.length > 140) return true;
  if (v.length < 25 || wordCount(v) < 4) return false;
  let letterWords = 0;
  for (const _ of v.matchAll(/(?<!\S)\p{L}{2,}[\p{L}'’-]*[.,;:!?]?(?!\S)/gu)) if (++letterWords >= 3) return true;
  return false;
}

function scanText(text: string): Match[] {
  return [...scanIdentifiers(text), ...scanContact(text), ...scanPlates(text), ...scanBirthDates(text), ...scanAddresses(text), ...scanNames(text)];
}

function analyseCell(raw: string, ctx: ColumnContext, integer: boolean): CellResult {
  const value = (raw.length > MAX_CELL_CHARS ? raw.slice(0, MAX_CELL_CHARS) : raw).trim();
  if (!value || PLACEHOLDER.test(value)) return { matches: [], text: false, empty: true };
  const matches: Match[] = [];
  if (value.length <= 140) {
    const input: ValueInput = { value, ctx, integer };
    for (const detect of WHOLE_VALUE) {
      const m = detect(input);
      if (m) matches.push(m);
    }
  }
  resolveConflicts(matches, ctx);
  if (matches.some((m) => m.confidence >= PERSONAL_CONFIDENCE) || !looksLikeText(value)) return { matches, text: false };
  return { matches: scanText(value), text: true };
}

/**
 * One value read two ways ("0477123456": a mobile, or an enterprise number written bare): when the
 * column's name speaks for one of them, the others are lowered.
 */
function resolveConflicts(matches: Match[], ctx: ColumnContext): void {
  if (matches.length < 2) return;
  const named = new Set(ctx.named.filter((n) => n.strength === 'strong').map((n) => n.category));
  if (!matches.some((m) => named.has(m.category))) return;
  for (const m of matches) if (!named.has(m.category)) m.confidence = clamp01(m.confidence - 0.4);
}

/** Best match per category, highest confidence first. */
function bestPerCategory(matches: Match[]): Match[] {
  const best = new Map<PersonalCategory, Match>();
  for (const m of matches) {
    const b = best.get(m.category);
    if (!b || m.confidence > b.confidence) best.set(m.category, m);
  }
  return [...best.values()].sort((a, b) => b.confidence - a.confidence);
}

/** Cell-level classifier, for free text and for tests: the categories a single value matches, with confidence. */
export function classifyValue(value: string, context: { columnName?: string; neighbours?: string[] } = {}): { category: PersonalCategory; confidence: number }[] {
  const cell = analyseCell(value, columnContext(context.columnName, context.neighbours), false);
  const found = bestPerCategory(cell.matches).map((m) => ({ category: m.category, confidence: m.confidence }));
  if (cell.text && found.length) found.push({ category: 'free-text-personal', confidence: found[0].confidence });
  return found;
}

// ---- Column level ------------------------------------------------------------------------------

/**
 * How many of the sampled cells must match for the column to count fully (fullShare), and the factor
 * kept when only a few do (floor). Checksums and e-mails can be trusted cell by cell; a register
 * number's check passes by chance on 1 in 97 numbers, shapes (names, plates) on many things.
 */
const SHARE: Record<PersonalCategory, { fullShare: number; floor: number }> = {
  'national-register-number': { fullShare: 0.3, floor: 0.3 },
  'enterprise-number': { fullShare: 0.3, floor: 0.2 },
  iban: { fullShare: 0.1, floor: 0.8 },
  email: { fullShare: 0.1, floor: 0.8 },
  phone: { fullShare: 0.3, floor: 0.4 },
  'licence-plate': { fullShare: 0.5, floor: 0.2 },
  'date-of-birth': { fullShare: 0.5, floor: 0.2 },
  'street-address': { fullShare: 0.4, floor: 0.3 },
  'person-name': { fullShare: 0.5, floor: 0.2 },
  'free-text-personal': { fullShare: 0.02, floor: 0.7 },
};

/** The same inside free texts: a single e-mail in a comment is a leak; a name-like pair of words is not yet. */
const TEXT_SHARE: Record<PersonalCategory, { fullShare: number; floor: number }> = {
  'national-register-number': { fullShare: 0.01, floor: 0.8 },
  'enterprise-number': { fullShare: 0.05, floor: 0.4 },
  iban: { fullShare: 0.01, floor: 0.8 },
  email: { fullShare: 0.01, floor: 0.75 },
  phone: { fullShare: 0.02, floor: 0.7 },
  'licence-plate': { fullShare: 0.05, floor: 0.5 },
  'date-of-birth': { fullShare: 0.02, floor: 0.7 },
  'street-address': { fullShare: 0.05, floor: 0.5 },
  'person-name': { fullShare: 0.1, floor: 0.3 },
  'free-text-personal': { fullShare: 0.02, floor: 0.7 },
};

const CHECKSUM: PersonalCategory[] = ['national-register-number', 'enterprise-number', 'iban'];

const LABEL: Record<PersonalCategory, string> = {
  'national-register-number': 'national register (or BIS) numbers',
  'enterprise-number': 'enterprise numbers',
  iban: 'IBANs',
  email: 'e-mail addresses',
  phone: 'phone numbers',
  'licence-plate': 'licence plates',
  'date-of-birth': 'dates of birth',
  'street-address': 'street addresses',
  'person-name': 'person names',
  'free-text-personal': 'texts holding personal data',
};

function shareFactor(share: number, rule: { fullShare: number; floor: number }): number {
  return Math.max(rule.floor, Math.min(1, share / rule.fullShare));
}

function mostCommon(items: string[]): string {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i, (counts.get(i) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

function examplesOf(matches: Match[]): string[] {
  const out = new Set<string>();
  for (const m of [...matches].sort((a, b) => b.confidence - a.confidence)) {
    out.add(maskMatch(m));
    if (out.size >= EXAMPLES) break;
  }
  return [...out];
}

function contextNote(ctx: ColumnContext, category: PersonalCategory): string {
  const named = ctx.named.find((n) => n.category === category);
  if (named) return named.strength === 'strong' ? '; the column name says so' : '; the column name hints at it';
  if (ctx.boost[category] > 0) return "; a neighbouring column's name hints at it";
  return '';
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Combines the cells of a column into findings, one per category. */
export function judgeColumn(name: string, cells: CellResult[], ctx: ColumnContext): PrivacyColumn {
  cells = cells.filter((c) => !c.empty);
  const sampled = cells.length;
  const findings: CategoryFinding[] = [];
  if (sampled === 0) return { name, personal: false, categories: [] };
  const textColumn = cells.filter((c) => c.text).length / sampled >= 0.5;

  if (textColumn) {
    // One finding for the column, its evidence listing what the texts hold.
    const parts: { category: PersonalCategory; cells: number; confidence: number; matches: Match[] }[] = [];
    for (const category of Object.keys(TEXT_SHARE) as PersonalCategory[]) {
      const hits = cells.map((c) => bestPerCategory(c.matches).find((m) => m.category === category)).filter((m): m is Match => !!m);
      if (!hits.length) continue;
      const mean = hits.reduce((s, m) => s + m.confidence, 0) / hits.length;
      parts.push({ category, cells: hits.length, confidence: clamp01(mean * shareFactor(hits.length / sampled, TEXT_SHARE[category])), matches: hits });
    }
    parts.sort((a, b) => b.confidence - a.confidence);
    const withAny = cells.filter((c) => c.matches.length > 0).length;
    const counted = parts.filter((p) => p.confidence >= REPORT_CONFIDENCE);
    if (counted.length) {
      const confidence = counted[0].confidence;
      findings.push({
        category: 'free-text-personal',
        confidence,
        cells: withAny,
        sampled,
        evidence: `${fmt(withAny)} of ${fmt(sampled)} distinct texts sampled hold something personal: ${counted.map((p) => `${LABEL[p.category]} in ${fmt(p.cells)}`).join(', ')}`,
        examples: examplesOf(counted.flatMap((p) => p.matches.slice(0, 2))),
      });
    }
  } else {
    const perCategory = new Map<PersonalCategory, { cell: number; match: Match }[]>();
    cells.forEach((c, i) => {
      for (const m of bestPerCategory(c.matches)) {
        const list = perCategory.get(m.category) ?? [];
        list.push({ cell: i, match: m });
        perCategory.set(m.category, list);
      }
    });
    // A checksum identifier that fills the column explains its cells: the same digits read as a
    // phone number (an enterprise number 0477.xxx.xxx written bare) are not a second finding.
    const explained = new Set<number>();
    for (const category of CHECKSUM) {
      const hits = perCategory.get(category) ?? [];
      if (hits.length / sampled >= 0.5) for (const h of hits) explained.add(h.cell);
    }
    for (const [category, all] of perCategory) {
      const hits = CHECKSUM.includes(category) ? all : all.filter((h) => !explained.has(h.cell));
      if (!hits.length) continue;
      const share = hits.length / sampled;
      const mean = hits.reduce((s, h) => s + h.match.confidence, 0) / hits.length;
      let confidence = mean * shareFactor(share, SHARE[category]);
      let note = '';
      // Half a column passing a mod-97 check is not chance (1 in 97 would): the check is the evidence.
      if (CHECKSUM.includes(category) && share >= 0.5) confidence = Math.max(confidence, 0.8);
      if (category === 'person-name') {
        // A column of name-shaped cells, many of them listed names: the unlisted ones are names too.
        const listed = hits.filter((h) => h.match.strong).length / sampled;
        const named = ctx.named.some((n) => n.category === 'person-name') || ctx.boost['person-name'] > 0;
        if (share >= 0.7 && ((named && listed >= 0.2) || listed >= 0.5)) {
          confidence = Math.max(confidence, 0.55 + 0.4 * listed);
          note = `; ${Math.round(listed * 100)}% are listed first names or surnames`;
        }
      }
      confidence = clamp01(confidence);
      if (confidence < REPORT_CONFIDENCE) continue;
      const strongest = hits.filter((h) => h.match.confidence >= PERSONAL_CONFIDENCE);
      const reason = mostCommon(hits.map((h) => h.match.reason));
      findings.push({
        category,
        confidence,
        cells: hits.length,
        sampled,
        evidence: `${fmt(hits.length)} of ${fmt(sampled)} distinct values sampled are ${LABEL[category]} (mostly ${reason})${note}${contextNote(ctx, category)}`,
        examples: examplesOf((strongest.length ? strongest : hits).map((h) => h.match)),
      });
    }
  }
  findings.sort((a, b) => b.confidence - a.confidence);
  return { name, personal: findings.some((f) => f.confidence >= PERSONAL_CONFIDENCE), categories: findings };
}

// ---- Table level ------------------------------------------------------------------------------

/** Types whose values can hold personal data as text; numbers with decimals, booleans and geometries cannot. */
function sampledAs(field: SchemaField): 'text' | 'integer' | null {
  if (field.type === 'string' || field.type === 'date' || field.type === 'datetime') return 'text';
  if (field.type === 'integer') return 'integer';
  return null;
}

async function sampleColumn(conn: DuckDBConnection, source: string, field: SchemaField, hasId: boolean): Promise<string[]> {
  const id = sqlIdent(field.name);
  const value = `left(CAST(${id} AS VARCHAR), ${MAX_CELL_CHARS})`;
  // Rows ordered by a hash of their id: spread over the whole table, and the same rows every run.
  const sql = hasId
    ? `SELECT ${value} FROM ${source} WHERE ${id} IS NOT NULL ORDER BY hash(_id) LIMIT ${SAMPLE_VALUES * 2}`
    : `SELECT ${value} FROM (SELECT ${id} FROM ${source} WHERE ${id} IS NOT NULL) USING SAMPLE reservoir(${SAMPLE_VALUES * 2} ROWS) REPEATABLE (17)`;
  const rows = (await conn.runAndReadAll(sql)).getRowsJS();
  const seen = new Set<string>();
  let chars = 0;
  for (const r of rows) {
    const v = String(r[0]);
    if (seen.has(v)) continue;
    seen.add(v);
    chars += v.length;
    if (seen.size >= SAMPLE_VALUES || chars >= MAX_COLUMN_CHARS) break;
  }
  return [...seen];
}

/** Detects personal data in a typed table (Parquet written by the loader). */
export async function detectPrivacy(conn: DuckDBConnection, parquetPath: string, schema: TableSchema, opts: { threshold?: number } = {}): Promise<PrivacyReport> {
  const threshold = opts.threshold ?? DEFAULT_K_THRESHOLD;
  const source = `read_parquet(${sqlString(parquetPath)})`;
  const described = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowsJS().map((r) => String(r[0]));
  const hasId = described.includes('_id');
  const fields = schema.fields.filter((f) => described.includes(f.name));
  const names = fields.map((f) => f.name);

  const columns: PrivacyColumn[] = [];
  const samples = new Map<string, string[]>();
  for (const [i, field] of fields.entries()) {
    const kind = sampledAs(field);
    if (!kind) {
      columns.push({ name: field.name, personal: false, categories: [] });
      continue;
    }
    const values = await sampleColumn(conn, source, field, hasId);
    samples.set(field.name, values);
    const ctx = columnContext(field.name, [names[i - 1], names[i + 1]].filter((n): n is string => n !== undefined));
    const cells = values.map((v) => analyseCell(v, ctx, kind === 'integer'));
    columns.push(judgeColumn(field.name, cells, ctx));
  }

  noteAddressesOfPlaces(columns, fields);
  const quasiIdentifiers = await findQuasiIdentifiers(conn, source, fields, columns, samples, threshold);
  return {
    detectorVersion: DETECTOR_VERSION,
    personal: columns.some((c) => c.personal) || quasiIdentifiers.some((q) => q.k < threshold),
    columns,
    quasiIdentifiers,
    threshold,
  };
}

/** Categories that say a table is about people (an address or an enterprise number alone does not). */
const ABOUT_PEOPLE = new Set<PersonalCategory>(['national-register-number', 'iban', 'email', 'phone', 'licence-plate', 'date-of-birth', 'person-name', 'free-text-personal']);

/**
 * Lists of schools, libraries and offices carry street addresses too. The address finding stays (a
 * list of addresses of permits or beneficiaries is personal data), but when nothing else in the table
 * is about people the evidence says so, for the person who reviews it.
 */
function noteAddressesOfPlaces(columns: PrivacyColumn[], fields: SchemaField[]): void {
  const aboutPeople = columns.some((c) => c.categories.some((f) => f.confidence >= PERSONAL_CONFIDENCE && ABOUT_PEOPLE.has(f.category))) || personAttributeColumns(fields).length > 0;
  if (aboutPeople) return;
  for (const c of columns) {
    for (const f of c.categories) {
      if (f.category === 'street-address') f.evidence += '; no other column of the table is about people: if these are addresses of buildings (schools, offices), the finding can be dismissed';
    }
  }
}

/** For the bench and tests: the cells of a column judged as detectPrivacy judges them, without a table. */
export function judgeValues(name: string, values: string[], neighbours: string[] = [], integer = false): PrivacyColumn {
  const ctx = columnContext(name, neighbours);
  const seen = [...new Set(values)].slice(0, SAMPLE_VALUES);
  return judgeColumn(name, seen.map((v) => analyseCell(v, ctx, integer)), ctx);
}
