import type { CsvDialect, EncodingReport, ErrorSummary, TableError, TableSchema } from '../ingest/types.ts';
import { byPosition } from './checks.ts';
import type { ColumnProfile, Deduction } from './types.ts';

/*
 * The quality score (docs/quality-score.md says the same for people). Start at 100 and subtract, per
 * problem class, points proportional to how much of the table it touches, each class capped so one
 * problem cannot hide the others; floor at 0. "Per started %" means ceil(share x 100), so a single
 * occurrence always costs at least 1 point.
 *
 *   rule              measure                                      points                     cap
 *   missing-cell      share of rows with fewer cells than header   1 per started %             20
 *   extra-cell        share of rows with more cells than header    1 per started %             20
 *   type-error        share of cells not matching the column type  2 per started %             20
 *   blank-row         share of rows that are blank                 1 per started %              5
 *   no-header         the file has no header row                   10                          10
 *   blank-header      columns without a name                       5 per column                15
 *   duplicate-label   columns whose name repeats an earlier one    5 per column                15
 *   title-row         title/notes rows above the header            5                            5
 *   footer-row        notes/totals rows below the data             5                            5
 *   encoding-error    undecodable byte sequences per row           5 + 1 per started %         15
 *   mojibake-repaired mis-decoded text repaired, per row           3 + 1 per started %         10
 *   not-utf8          a text file not in UTF-8 at the source       3                            3
 *   duplicate-row     share of rows repeating an earlier row       1 per started %             10
 *   censored-value    share of cells holding "<5"-like values     1 per started %              5
 *   empty-column      columns with no value at all                 3 per column                15
 *   constant-column   columns with one value in every row          1 per column                 5
 *   (any other type)  share of rows                                1 per started %             10
 *
 * Row-level counts (missing-cell, extra-cell) count distinct rows, so a row missing three cells counts
 * once whichever way the loader counts; when the listed errors were capped, rows are estimated from the
 * listed ones and the reason says "about".
 */

export interface ScoreInput {
  encoding: EncodingReport;
  dialect: CsvDialect | null;
  schema: TableSchema;
  rowCount: number;
  columns: ColumnProfile[];
  /** Every error kept (capped per type), from the preparer, the loader and the table checks. */
  errors: TableError[];
  /** True counts per type. */
  errorSummary: ErrorSummary[];
}

export type Lang = 'en' | 'fr';

/** The 0-100 quality score and every deduction with its reason, in the rule order of the table above. */
export function scoreAudit(input: ScoreInput, lang: Lang = 'en'): { score: number; deductions: Deduction[] } {
  const ctx = new Context(input, lang);
  const deductions = RULES.flatMap((rule) => rule(ctx) ?? []);
  const handled = new Set<string>(HANDLED_TYPES);
  for (const type of ctx.typesPresent()) if (!handled.has(type)) deductions.push(otherType(ctx, type));
  const lost = deductions.reduce((sum, d) => sum + d.points, 0);
  return { score: Math.max(0, 100 - lost), deductions };
}

class Context {
  readonly rows: number;
  readonly cells: number;
  private readonly counts = new Map<string, number>();
  private readonly listed = new Map<string, TableError[]>();

  constructor(
    readonly input: ScoreInput,
    readonly lang: Lang,
  ) {
    // An empty table still divides by something: any problem then counts as the whole table.
    this.rows = Math.max(1, input.rowCount);
    this.cells = this.rows * Math.max(1, input.schema.fields.length);
    for (const s of input.errorSummary) this.counts.set(s.type, (this.counts.get(s.type) ?? 0) + s.count);
    for (const e of input.errors) {
      const list = this.listed.get(e.type) ?? [];
      list.push(e);
      this.listed.set(e.type, list);
    }
    for (const list of this.listed.values()) list.sort(byPosition);
  }

  /** The true count of a type: the summary, unless the list holds more (a summary may be missing). */
  count(type: string): number {
    return Math.max(this.counts.get(type) ?? 0, this.listed.get(type)?.length ?? 0);
  }

  errors(type: string): TableError[] {
    return this.listed.get(type) ?? [];
  }

  typesPresent(): string[] {
    return [...new Set([...this.counts.keys(), ...this.listed.keys()])].filter((t) => this.count(t) > 0);
  }

  /** Rows touched by a type of error; estimated from the listed errors when those were capped. */
  affectedRows(type: string): { rows: number; estimated: boolean } {
    const listed = this.errors(type);
    const count = this.count(type);
    const distinct = new Set(listed.map((e) => e.rowNumber)).size;
    if (listed.length === 0) return { rows: Math.min(count, this.rows), estimated: false };
    if (listed.length >= count) return { rows: distinct, estimated: false };
    return { rows: Math.min(this.rows, Math.max(distinct, Math.round((count * distinct) / listed.length))), estimated: true };
  }

  t(en: string, fr: string): string {
    return this.lang === 'fr' ? fr : en;
  }

  num(n: number): string {
    return n.toLocaleString(this.lang === 'fr' ? 'fr-BE' : 'en-GB');
  }

  pct(share: number): string {
    const locale = this.lang === 'fr' ? 'fr-BE' : 'en-GB';
    const fmt = (s: number) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(s);
    return share > 0 && share < 0.001 ? '< ' + fmt(0.001) : fmt(share);
  }

  /** Whether a count takes the singular ("1 row"; French also "0 ligne"). */
  one(count: number): boolean {
    return this.lang === 'fr' ? count < 2 : count === 1;
  }

  /** "3 rows" / "1 row" / "3 lignes", with the words of the report's language. */
  n(count: number, en: [string, string], fr: [string, string]): string {
    const [one, many] = this.lang === 'fr' ? fr : en;
    return `${this.num(count)} ${this.one(count) ? one : many}`;
  }

  /** The singular or plural form of a phrase in the report's language. */
  sp(count: number, en: [string, string], fr: [string, string]): string {
    const [one, many] = this.lang === 'fr' ? fr : en;
    return this.one(count) ? one : many;
  }

  q(s: string | number | boolean | null): string {
    const text = String(s);
    const short = text.length > 40 ? text.slice(0, 39) + '…' : text;
    return this.lang === 'fr' ? `« ${short} »` : `"${short}"`;
  }

  /** "; the first is row 37" (empty when no listed error has a row number). */
  first(type: string, withColumn = false): string {
    const e = this.errors(type).find((x) => x.rowNumber !== undefined);
    if (!e) return '';
    const col = withColumn && e.fieldName !== undefined ? this.t(`, column ${this.q(e.fieldName)}`, `, colonne ${this.q(e.fieldName)}`) : '';
    const cell = withColumn && e.cell !== undefined ? `: ${this.q(e.cell)}` : '';
    return this.t(`; the first is row ${e.rowNumber}${col}${cell}`, ` ; première : ligne ${e.rowNumber}${col}${cell}`);
  }

  /** Names of the columns a type of error was listed in, a few at most. */
  columnsOf(type: string): string {
    const names = [...new Set(this.errors(type).map((e) => e.fieldName).filter((n): n is string => n !== undefined))];
    if (names.length === 0) return '';
    const shown = names.slice(0, 5).map((n) => this.q(n)).join(', ') + (names.length > 5 ? ', …' : '');
    return this.t(` (column${names.length > 1 ? 's' : ''} ${shown})`, ` (colonne${names.length > 1 ? 's' : ''} ${shown})`);
  }
}

/** Points for a share: `perPercent` for every started percent (so at least `perPercent`), at most `cap`. */
export function proportionalPoints(share: number, perPercent: number, cap: number): number {
  // The epsilon keeps 7/100 from counting 8 started percents through floating point (0.07 * 100 = 7.000000000000001).
  const started = Math.max(1, Math.ceil(share * 100 - 1e-9));
  return Math.min(cap, perPercent * started);
}

function deduction(rule: string, points: number, reason: string): Deduction {
  return { rule, points, reason };
}

type Rule = (ctx: Context) => Deduction | null;

type Forms = [string, string];

function rowShareRule(type: string, cap: number, en: Forms, fr: Forms): Rule {
  return (ctx) => {
    if (ctx.count(type) === 0) return null;
    const { rows, estimated } = ctx.affectedRows(type);
    const share = rows / ctx.rows;
    const about = estimated ? ctx.t('about ', 'environ ') : '';
    const what = ctx.n(rows, ['row', 'rows'], ['ligne', 'lignes']);
    return deduction(type, proportionalPoints(share, 1, cap), `${about}${what} (${ctx.pct(share)}) ${ctx.sp(rows, en, fr)}${ctx.first(type)}.`);
  };
}

const missingCell = rowShareRule(
  'missing-cell',
  20,
  ['has fewer cells than the header', 'have fewer cells than the header'],
  ["a moins de cellules que l'en-tête", "ont moins de cellules que l'en-tête"],
);
const extraCell = rowShareRule(
  'extra-cell',
  20,
  ['has more cells than the header', 'have more cells than the header'],
  ["a plus de cellules que l'en-tête", "ont plus de cellules que l'en-tête"],
);

const typeError: Rule = (ctx) => {
  const n = ctx.count('type-error');
  if (n === 0) return null;
  const share = n / ctx.cells;
  const what = ctx.n(n, ['cell', 'cells'], ['cellule', 'cellules']);
  const verb = ctx.sp(n, ["does not match the column's type", "do not match the column's type"], ['ne correspond pas au type de la colonne', 'ne correspondent pas au type de la colonne']);
  const of = ctx.t('of all cells', 'des cellules');
  return deduction('type-error', proportionalPoints(share, 2, 20), `${what} (${ctx.pct(share)} ${of}) ${verb}${ctx.columnsOf('type-error')}${ctx.first('type-error', true)}.`);
};

const blankRow: Rule = (ctx) => {
  const n = ctx.count('blank-row');
  if (n === 0) return null;
  const share = n / ctx.rows;
  const what = ctx.n(n, ['blank row', 'blank rows'], ['ligne vide', 'lignes vides']);
  return deduction('blank-row', proportionalPoints(share, 1, 5), `${what} (${ctx.pct(share)})${ctx.first('blank-row')}.`);
};

const noHeader: Rule = (ctx) =>
  ctx.input.dialect && !ctx.input.dialect.header
    ? deduction(
        'no-header',
        10,
        ctx.t(
          'The file has no header row, so the columns only have generic names; put the column names on the first row.',
          "Le fichier n'a pas de ligne d'en-tête : les colonnes n'ont que des noms génériques ; mettez les noms des colonnes sur la première ligne.",
        ),
      )
    : null;

function fieldNumbers(ctx: Context, type: string): string {
  const numbers = ctx.errors(type).map((e) => e.fieldNumber).filter((n): n is number => n !== undefined);
  if (numbers.length === 0) return '';
  return ` (${ctx.sp(numbers.length, ['column', 'columns'], ['colonne', 'colonnes'])} ${numbers.slice(0, 10).join(', ')}${numbers.length > 10 ? ', …' : ''})`;
}

const blankHeader: Rule = (ctx) => {
  const n = ctx.count('blank-header');
  if (n === 0) return null;
  const what = ctx.n(n, ['column has no name', 'columns have no name'], ["colonne n'a pas de nom", "colonnes n'ont pas de nom"]);
  return deduction('blank-header', Math.min(15, 5 * n), `${what} ${ctx.t('in the header', "dans l'en-tête")}${fieldNumbers(ctx, 'blank-header')}.`);
};

const duplicateLabel: Rule = (ctx) => {
  const n = ctx.count('duplicate-label');
  if (n === 0) return null;
  const e = ctx.errors('duplicate-label').find((x) => x.fieldNumber !== undefined);
  const label = e?.cell ?? e?.fieldName;
  const example = e && label !== undefined ? ` (${ctx.q(label)} ${ctx.t('in column', 'en colonne')} ${e.fieldNumber})` : '';
  const what = ctx.n(n, ['column name repeats an earlier one', 'column names repeat an earlier one'], ['nom de colonne répète un nom précédent', 'noms de colonne répètent un nom précédent']);
  return deduction('duplicate-label', Math.min(15, 5 * n), `${what}${example}.`);
};

function rowRange(ctx: Context, type: string): string {
  const rows = ctx.errors(type).map((e) => e.rowNumber).filter((n): n is number => n !== undefined);
  if (rows.length === 0) return '';
  const lo = Math.min(...rows);
  const hi = Math.max(...rows);
  return ` (${lo === hi ? ctx.t(`row ${lo}`, `ligne ${lo}`) : ctx.t(`rows ${lo}–${hi}`, `lignes ${lo}–${hi}`)})`;
}

const titleRow: Rule = (ctx) => {
  const n = ctx.count('title-row');
  if (n === 0) return null;
  const what = ctx.n(n, ['row', 'rows'], ['ligne', 'lignes']);
  const reason = ctx.t(
    `${what} of title or notes above the header${rowRange(ctx, 'title-row')}; software expects the header on the first row.`,
    `${what} de titre ou de notes au-dessus de l'en-tête${rowRange(ctx, 'title-row')} ; un logiciel attend l'en-tête sur la première ligne.`,
  );
  return deduction('title-row', 5, reason);
};

const footerRow: Rule = (ctx) => {
  const n = ctx.count('footer-row');
  if (n === 0) return null;
  const what = ctx.n(n, ['row', 'rows'], ['ligne', 'lignes']);
  const reason = ctx.t(
    `${what} of notes or totals below the data${rowRange(ctx, 'footer-row')}; software reads them as data.`,
    `${what} de notes ou de totaux sous les données${rowRange(ctx, 'footer-row')} ; un logiciel les lit comme des données.`,
  );
  return deduction('footer-row', 5, reason);
};

const encodingError: Rule = (ctx) => {
  const n = Math.max(ctx.input.encoding.invalidSequences, ctx.count('encoding-error'));
  if (n === 0) return null;
  const share = Math.min(1, n / ctx.rows);
  const enc = ctx.input.encoding.encoding;
  const what = ctx.n(n, ['byte sequence', 'byte sequences'], ["séquence d'octets", "séquences d'octets"]);
  const verb = ctx.sp(
    n,
    [`could not be read as ${enc} and was replaced by "�"`, `could not be read as ${enc} and were replaced by "�"`],
    [`illisible en ${enc} a été remplacée par « � »`, `illisibles en ${enc} ont été remplacées par « � »`],
  );
  return deduction('encoding-error', Math.min(15, 5 + proportionalPoints(share, 1, 10)), `${what} ${verb}${ctx.first('encoding-error')}.`);
};

const mojibakeRepaired: Rule = (ctx) => {
  const m = ctx.input.encoding.mojibake;
  const n = Math.max(m?.repairedCount ?? 0, ctx.count('mojibake-repaired'));
  if (!m && n === 0) return null;
  const share = Math.min(1, n / ctx.rows);
  const as = m?.decodedAs ?? 'windows-1252';
  const example = m?.example ? `, ${ctx.t('e.g.', 'p. ex.')} ${ctx.q(m.example.before)} → ${ctx.q(m.example.after)}` : '';
  const what = ctx.n(n, ['place was repaired', 'places were repaired'], ['endroit a été réparé', 'endroits ont été réparés']);
  const reason = ctx.t(
    `The text had been read as ${as} and saved again as UTF-8 (mojibake); ${what}${example}. Check the export settings at the source.`,
    `Le texte avait été lu en ${as} puis réenregistré en UTF-8 (mojibake) ; ${what}${example}. Vérifiez les réglages d'export à la source.`,
  );
  return deduction('mojibake-repaired', Math.min(10, 3 + (n > 0 ? proportionalPoints(share, 1, 7) : 0)), reason);
};

const notUtf8: Rule = (ctx) => {
  const { encoding, method, confidence } = ctx.input.encoding;
  // Only text formats have an encoding of their own; a spreadsheet's text is Unicode inside.
  if (!ctx.input.dialect || encoding === 'utf-8') return null;
  const how =
    method === 'bom'
      ? ctx.t('marked by a byte order mark', "indiqué par une marque d'ordre des octets")
      : method === 'detected'
        ? ctx.t(`detected with ${Math.round(confidence * 100)}% confidence`, `détecté avec ${Math.round(confidence * 100)} % de confiance`)
        : ctx.t('a guess: the bytes gave few clues', 'supposé : les octets donnaient peu d’indices');
  const reason = ctx.t(
    `The file is encoded as ${encoding} (${how}), not UTF-8; it was converted, but other software may misread it.`,
    `Le fichier est encodé en ${encoding} (${how}) et non en UTF-8 ; il a été converti, mais d'autres logiciels peuvent mal le lire.`,
  );
  return deduction('not-utf8', 3, reason);
};

const duplicateRow = rowShareRule(
  'duplicate-row',
  10,
  ['repeats an earlier row exactly', 'repeat an earlier row exactly'],
  ['répète exactement une ligne précédente', 'répètent exactement une ligne précédente'],
);

const censoredValue: Rule = (ctx) => {
  const n = ctx.count('censored-value');
  if (n === 0) return null;
  const share = n / ctx.cells;
  const sample = ctx.errors('censored-value').find((e) => e.cell !== undefined)?.cell;
  const like = sample !== undefined ? ` ${ctx.t('such as', 'comme')} ${ctx.q(sample)}` : '';
  const what = ctx.n(n, ['cell holds a censored value', 'cells hold censored values'], ['cellule contient une valeur masquée', 'cellules contiennent des valeurs masquées']);
  const why = ctx.sp(n, ['it cannot be used as a number', 'they cannot be used as numbers'], ['elle ne peut pas servir de nombre', 'elles ne peuvent pas servir de nombres']);
  return deduction('censored-value', proportionalPoints(share, 1, 5), `${what}${like}${ctx.columnsOf('censored-value')}${ctx.first('censored-value')}${ctx.t(';', ' ;')} ${why}.`);
};

const emptyColumn: Rule = (ctx) => {
  if (ctx.input.rowCount === 0) return null;
  const empty = ctx.input.columns.filter((c) => c.nullCount >= ctx.input.rowCount);
  if (empty.length === 0) return null;
  const what = ctx.n(empty.length, ['column is entirely empty', 'columns are entirely empty'], ['colonne est entièrement vide', 'colonnes sont entièrement vides']);
  return deduction('empty-column', Math.min(15, 3 * empty.length), `${what}${ctx.t(':', ' :')} ${empty.map((c) => ctx.q(c.name)).join(', ')}.`);
};

const constantColumn: Rule = (ctx) => {
  if (ctx.input.rowCount < 2) return null;
  const constant = ctx.input.columns.filter((c) => c.nullCount === 0 && c.distinctCount === 1);
  if (constant.length === 0) return null;
  const what = ctx.n(constant.length, ['column holds the same value in every row', 'columns hold the same value in every row'], ['colonne a la même valeur sur toutes les lignes', 'colonnes ont la même valeur sur toutes les lignes']);
  const names = constant.map((c) => `${ctx.q(c.name)} (${ctx.q(c.topValues[0]?.value ?? c.min)})`).join(', ');
  return deduction('constant-column', Math.min(5, constant.length), `${what}${ctx.t(':', ' :')} ${names}.`);
};

function otherType(ctx: Context, type: string): Deduction {
  const n = ctx.count(type);
  const share = Math.min(1, ctx.affectedRows(type).rows / ctx.rows);
  const e = ctx.errors(type)[0];
  const where = e?.rowNumber !== undefined ? ctx.t(`; the first is row ${e.rowNumber}`, ` ; premier : ligne ${e.rowNumber}`) : '';
  const what = ctx.n(n, ['problem', 'problems'], ['problème', 'problèmes']);
  return deduction(type, proportionalPoints(share, 1, 10), `${what} ${ctx.t('of type', 'de type')} ${ctx.q(type)}${where}${e ? `: ${e.message}` : '.'}`);
}

const RULES: Rule[] = [
  missingCell,
  extraCell,
  typeError,
  blankRow,
  noHeader,
  blankHeader,
  duplicateLabel,
  titleRow,
  footerRow,
  encodingError,
  mojibakeRepaired,
  notUtf8,
  duplicateRow,
  censoredValue,
  emptyColumn,
  constantColumn,
];

const HANDLED_TYPES = [
  'missing-cell',
  'extra-cell',
  'type-error',
  'blank-row',
  'blank-header',
  'duplicate-label',
  'title-row',
  'footer-row',
  'encoding-error',
  'mojibake-repaired',
  'duplicate-row',
  'censored-value',
];
