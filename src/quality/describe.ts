import type { TableError } from '../ingest/types.ts';
import { scoreAudit, type Lang } from './score.ts';
import type { AuditReport, ColumnProfile, Deduction } from './types.ts';

/** How many errors the text lists; the report (--json) has them all, up to the cap. */
const ERRORS_SHOWN = 10;

/** The audit in plain words, one line per item (CLI `dataville audit FILE`, dataset page). */
export function describeAudit(report: AuditReport, lang: Lang = 'en'): string[] {
  const w = words(lang);
  const lines = [
    ...(report.table?.name ? [`${report.table.name}${report.table.origin?.range ? ` (${report.table.origin.range})` : ''}`] : []),
    // A workbook's or JSON file's text encoding is the format's own: nothing to report.
    ...(report.encoding.method === 'container' ? [] : [encodingLine(report, w)]),
    formatLine(report, w), w.size(report.rowCount, report.columnCount),
    ...(report.spatial ? [`${report.spatial.kind} (${report.spatial.sourceCrs}): ${report.spatial.bbox.map((x) => x.toFixed(5)).join(', ')}`] : []),
    ...(report.notes ?? []).map((n) => `* ${n}`),
  ];
  if (report.columns.length) {
    lines.push(w.columns);
    for (const c of report.columns) lines.push('  ' + columnLine(c, report.rowCount, w));
  }
  const deductions = localisedDeductions(report, lang);
  lines.push(deductions.length ? w.score(report.score) : w.perfect(report.score));
  for (const d of deductions) lines.push(`  −${d.points} ${d.rule}${w.colon} ${d.reason}`);
  const total = report.errorSummary.reduce((s, e) => s + e.count, 0);
  if (total > 0) {
    lines.push(w.problems(report.errorSummary.map((e) => `${w.num(e.count)} ${e.type}`).join(', ')));
    const shown = report.errors.slice(0, ERRORS_SHOWN);
    lines.push(w.firstProblems(shown.length, total));
    for (const e of shown) lines.push('  ' + errorLine(e, w));
  }
  return lines;
}

/**
 * Reasons are stored in English; for another language the rules run again on the report. Should the
 * rules have changed since the report was made, the points would differ and the stored text is kept.
 */
function localisedDeductions(report: AuditReport, lang: Lang): Deduction[] {
  if (lang === 'en') return report.deductions;
  const again = scoreAudit(report, lang).deductions;
  const same = again.length === report.deductions.length && again.every((d, i) => d.rule === report.deductions[i].rule && d.points === report.deductions[i].points);
  return same ? again : report.deductions;
}

function encodingLine(r: AuditReport, w: Words): string {
  const e = r.encoding;
  const parts = [w.encoding(e.encoding.startsWith('windows') ? e.encoding : e.encoding.toUpperCase(), e.bom, e.method, e.confidence)];
  if (e.mojibake) parts.push(w.mojibake(e.mojibake.decodedAs, e.mojibake.repairedCount, e.mojibake.example));
  if (e.invalidSequences > 0) parts.push(w.invalid(e.invalidSequences));
  return parts.join(w.semicolon) + '.';
}

function formatLine(r: AuditReport, w: Words): string {
  const d = r.dialect;
  if (!d) return w.format(r.format.toUpperCase());
  const ends = d.lineTerminator === '\r\n' ? 'CRLF' : d.lineTerminator === '\r' ? 'CR' : 'LF';
  const delimiter = d.delimiter === '\t' ? 'tab' : d.delimiter;
  return w.dialect(r.format.toUpperCase(), delimiter, d.quoteChar, d.header, ends);
}

function columnLine(c: ColumnProfile, rowCount: number, w: Words): string {
  if (rowCount > 0 && c.nullCount >= rowCount) return `${c.name}${w.colon} ${c.type}, ${w.allEmpty}`;
  const text = c.type === 'string' || c.type === 'geojson';
  const range = c.min === null ? '' : c.min === c.max ? `, ${show(c.min, text)}` : `, ${show(c.min, text)}..${show(c.max, text)}`;
  return `${c.name}${w.colon} ${c.type}, ${w.empty(c.nullCount)}, ${w.distinct(c.distinctCount)}${range}`;
}

/** Text is quoted so that spaces and empty-looking values show; dates and numbers read better bare. */
function show(v: string | number | boolean | null, text: boolean): string {
  if (typeof v !== 'string' || !text) return String(v);
  return JSON.stringify(v.length > 30 ? v.slice(0, 29) + '…' : v);
}

function errorLine(e: TableError, w: Words): string {
  // A column without a row is a header problem; an error with neither is about the whole file.
  const at = [
    e.rowNumber !== undefined ? w.row(e.rowNumber) : e.fieldNumber !== undefined ? w.header : undefined,
    e.fieldNumber !== undefined ? w.column(e.fieldNumber) + (e.fieldName !== undefined ? ` (${e.fieldName})` : '') : e.fieldName,
  ].filter(Boolean);
  return at.length ? `${at.join(', ')}${w.colon} ${e.message}` : e.message;
}

type Words = ReturnType<typeof words>;

function words(lang: Lang) {
  const locale = lang === 'fr' ? 'fr-BE' : 'en-GB';
  const num = (n: number) => n.toLocaleString(locale);
  const pl = (n: number, one: string, many: string) => `${num(n)} ${(lang === 'fr' ? n < 2 : n === 1) ? one : many}`;
  type Example = { before: string; after: string } | undefined;
  if (lang === 'fr') {
    return {
      num,
      semicolon: ' ; ',
      colon: ' :',
      encoding: (enc: string, bom: boolean, method: string, confidence: number) =>
        `Encodage : ${enc}${bom ? " avec marque d'ordre des octets" : ''} (${method === 'detected' ? `détecté, confiance ${Math.round(confidence * 100)} %` : method === 'fallback' ? 'supposé' : method === 'bom' ? 'indiqué par la marque' : 'UTF-8 valide'})${enc === 'UTF-8' ? '' : ', converti en UTF-8'}`,
      mojibake: (as: string, n: number, ex: Example) => `mojibake réparé (texte lu en ${as}) : ${pl(n, 'endroit', 'endroits')}${ex ? `, p. ex. « ${ex.before} » → « ${ex.after} »` : ''}`,
      invalid: (n: number) => `${pl(n, "séquence d'octets illisible remplacée", "séquences d'octets illisibles remplacées")} par « � »`,
      format: (f: string) => `Format : ${f}.`,
      dialect: (f: string, delim: string, quote: string, header: boolean, ends: string) =>
        `Format : ${f}, séparateur « ${delim} », guillemet « ${quote} », ${header ? "ligne d'en-tête" : "pas d'en-tête"}, fins de ligne ${ends}.`,
      size: (rows: number, cols: number) => `${pl(rows, 'ligne', 'lignes')}, ${pl(cols, 'colonne', 'colonnes')}.`,
      columns: 'Colonnes :',
      allEmpty: 'entièrement vide',
      empty: (n: number) => pl(n, 'vide', 'vides'),
      distinct: (n: number) => pl(n, 'distincte', 'distinctes'),
      score: (s: number) => `Score de qualité : ${s}/100`,
      perfect: (s: number) => `Score de qualité : ${s}/100, rien à déduire.`,
      problems: (list: string) => `Problèmes : ${list}.`,
      firstProblems: (shown: number, total: number) => (shown < total ? `Les ${shown} premiers sur ${num(total)} :` : 'Où :'),
      row: (n: number) => `ligne ${n}`,
      header: 'en-tête',
      column: (n: number) => `colonne ${n}`,
    };
  }
  return {
    num,
    semicolon: '; ',
    colon: ':',
    encoding: (enc: string, bom: boolean, method: string, confidence: number) =>
      `Encoding: ${enc}${bom ? ' with byte order mark' : ''} (${method === 'detected' ? `detected, ${Math.round(confidence * 100)}% confidence` : method === 'fallback' ? 'a guess' : method === 'bom' ? 'from the byte order mark' : 'valid UTF-8'})${enc === 'UTF-8' ? '' : ', converted to UTF-8'}`,
    mojibake: (as: string, n: number, ex: Example) => `mojibake repaired (text had been read as ${as}): ${pl(n, 'place', 'places')}${ex ? `, e.g. "${ex.before}" → "${ex.after}"` : ''}`,
    invalid: (n: number) => `${pl(n, 'undecodable byte sequence', 'undecodable byte sequences')} replaced by "�"`,
    format: (f: string) => `Format: ${f}.`,
    dialect: (f: string, delim: string, quote: string, header: boolean, ends: string) =>
      `Format: ${f}, delimiter "${delim}", quote ${quote === '"' ? "'\"'" : `"${quote}"`}, ${header ? 'header row' : 'no header row'}, ${ends} line ends.`,
    size: (rows: number, cols: number) => `${pl(rows, 'row', 'rows')}, ${pl(cols, 'column', 'columns')}.`,
    columns: 'Columns:',
    allEmpty: 'all empty',
    empty: (n: number) => `${num(n)} empty`,
    distinct: (n: number) => `${num(n)} distinct`,
    score: (s: number) => `Quality score: ${s}/100`,
    perfect: (s: number) => `Quality score: ${s}/100, nothing deducted.`,
    problems: (list: string) => `Problems: ${list}.`,
    firstProblems: (shown: number, total: number) => (shown < total ? `The first ${shown} of ${num(total)}:` : 'Where:'),
    row: (n: number) => `row ${n}`,
    header: 'header',
    column: (n: number) => `column ${n}`,
  };
}
