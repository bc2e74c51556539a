/**
 * Sniffing a CSV dialect and locating the header on a decoded sample.
 *
 * csv-parse has a delimiter_auto option, but it counts characters per line in the first 2 KiB
 * without regard to quotes, so a `;` file with "lat, lon" cells reads as comma-separated. Here each
 * candidate delimiter is parsed for real and the one giving the most consistent field count wins.
 */
import { parse } from 'csv-parse/sync';
import type { CsvDialect, TableError } from '../types.ts';

export interface SampleRecord {
  fields: string[];
  /** 1-based record number in the file. */
  number: number;
  /** UTF-8 byte offset in the sample text just after the record and its line terminator. */
  end: number;
}

export interface SampleParse {
  dialect: Omit<CsvDialect, 'header'>;
  /** Complete records of the sample; the last, possibly cut, record is left out unless the sample is the whole file. */
  records: SampleRecord[];
  /** The most frequent field count of the non-blank records. */
  width: number;
  /** Most fields seen in any record, the cut one included: a huge header must fail before it is complete. */
  maxFields: number;
}

const DELIMITERS = [';', ',', '\t', '|'];
const RECORD_DELIMITERS = ['\r\n', '\n', '\r'];

/** Parses the sample with one delimiter, leniently: field counts may vary, stray quotes are kept. */
function parseSample(text: string, delimiter: string, complete: boolean, doubleQuote = true) {
  const records: SampleRecord[] = [];
  let count = 0;
  let errors = 0;
  let maxFields = 0;
  parse(text, {
    delimiter,
    quote: '"',
    escape: doubleQuote ? '"' : '\\',
    record_delimiter: RECORD_DELIMITERS,
    relax_quotes: true,
    relax_column_count: true,
    skip_records_with_error: true,
    on_skip: () => {
      count++;
      errors++;
      return undefined;
    },
    on_record: (fields: string[], ctx) => {
      records.push({ fields, number: ++count, end: ctx.bytes });
      maxFields = Math.max(maxFields, fields.length);
      return null;
    },
  });
  // The record cut by the end of the sample is incomplete; the next stage reads it whole.
  if (!complete) records.pop();
  return { records, errors, maxFields };
}

const isBlank = (r: SampleRecord) => r.fields.every((f) => f.trim() === '');
const filledCount = (r: SampleRecord) => r.fields.reduce((n, f) => (f.trim() === '' ? n : n + 1), 0);

/** The most frequent value, the larger one on ties. */
function mode(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [v, c] of counts) if (c > bestCount || (c === bestCount && v > best)) [best, bestCount] = [v, c];
  return best;
}

function lineTerminatorOf(text: string): CsvDialect['lineTerminator'] {
  const crlf = text.match(/\r\n/g)?.length ?? 0;
  const lf = text.match(/(?<!\r)\n/g)?.length ?? 0;
  const cr = text.match(/\r(?!\n)/g)?.length ?? 0;
  if (crlf >= lf && crlf >= cr && crlf > 0) return '\r\n';
  return cr > lf ? '\r' : '\n';
}

/** Sniffs delimiter, quoting and line terminator, and returns the sample's records under that dialect. */
export function sniffDialect(text: string, complete: boolean): SampleParse {
  // Backslash-escaped quotes (\") come from programmers' exports; doubled quotes are the CSV norm.
  const doubleQuote = !/\\"/.test(text) || /""/.test(text);
  let best: { delimiter: string; score: number; width: number; parsed: ReturnType<typeof parseSample> } | null = null;
  for (const delimiter of DELIMITERS) {
    const parsed = parseSample(text, delimiter, complete, doubleQuote);
    const counts = parsed.records.filter((r) => !isBlank(r)).map((r) => r.fields.length);
    // Only a cut first record: judge by how many fields it already has.
    const width = counts.length ? mode(counts) : parsed.maxFields;
    const consistency = counts.length ? counts.filter((c) => c === width).length / (counts.length + parsed.errors) : 1;
    const score = width > 1 ? consistency : 0;
    if (!best || score > best.score + 1e-9 || (Math.abs(score - best.score) <= 1e-9 && width > best.width)) {
      best = { delimiter, score, width, parsed };
    }
  }
  const chosen = best!;
  return {
    dialect: { delimiter: chosen.delimiter, quoteChar: '"', doubleQuote, lineTerminator: lineTerminatorOf(text) },
    records: chosen.parsed.records,
    width: chosen.width,
    maxFields: chosen.parsed.maxFields,
  };
}

type CellKind = 'empty' | 'number' | 'date' | 'text';

const NUMBER = /^[-+]?(\d{1,3}([ .,'\u00a0\u202f]\d{3})+|\d+)?([.,]\d+)?([eE][-+]?\d+)?\s?%?$/;
const COORDINATES = /^[-+]?\d+[.,]\d+\s*[,;]\s*[-+]?\d+[.,]\d+$/;
const DATE = /^(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?|\d{1,2}:\d{2}(:\d{2})?)$/;
const YEAR = /^(18|19|20)\d\d$/;

function cellKind(cell: string): CellKind {
  const c = cell.trim();
  if (c === '') return 'empty';
  if (/\d/.test(c) && (NUMBER.test(c) || COORDINATES.test(c))) return 'number';
  if (DATE.test(c)) return 'date';
  return 'text';
}

export type HeaderLocation =
  | { kind: 'blank' }
  | {
      kind: 'table';
      /** Index in the records of the header row, or null when the file has none. */
      headerIndex: number | null;
      /** Index in the records of the first row below the header (or of the first data row). */
      dataIndex: number;
      width: number;
      /** True when a non-blank row follows the header in the sample. */
      hasData: boolean;
      skipped: TableError[];
    };

/** Title and blank rows are looked for only this far down; office exports put a few at most. */
const PREAMBLE_LIMIT = 50;
/** Rows compared with the candidate header to decide whether it is one. */
const DATA_ROWS_COMPARED = 200;

/**
 * Finds where the table starts below title and blank rows, and whether its first row is a header.
 *
 * The table starts at the first row with close to the typical number of filled cells (title rows
 * such as `Population au 1er janvier 2024;;;` fill one) that is followed by another such row. That
 * row is a header unless it looks like data: each of its cells votes by comparison with the cells
 * below it (text above numbers: header; a number above numbers, or a value repeated below: data).
 */
export function locateHeader(records: SampleRecord[]): HeaderLocation {
  const nonBlank = records.filter((r) => !isBlank(r));
  if (nonBlank.length === 0) return { kind: 'blank' };
  const width = mode(nonBlank.map((r) => r.fields.length));
  const filled = nonBlank.map(filledCount).sort((a, b) => a - b);
  const typical = filled[Math.floor(filled.length / 2)];
  const threshold = width <= 1 ? 1 : Math.max(2, Math.ceil(typical * 0.6));
  const nextNonBlank = (i: number) => records.findIndex((r, j) => j > i && !isBlank(r));

  let start = -1;
  for (let i = 0; i < Math.min(records.length, PREAMBLE_LIMIT) && start < 0; i++) {
    if (filledCount(records[i]) < threshold) continue;
    const next = nextNonBlank(i);
    if (next < 0 || filledCount(records[next]) >= threshold) start = i;
  }
  if (start < 0) start = records.findIndex((r) => !isBlank(r));

  const below = records.slice(start + 1).filter((r) => !isBlank(r)).slice(0, DATA_ROWS_COMPARED);
  const isHeader = below.length === 0 || looksLikeHeader(records[start], below);
  const skipped = records.slice(0, start).map(skippedRow);
  return isHeader
    ? { kind: 'table', headerIndex: start, dataIndex: start + 1, width, hasData: below.length > 0, skipped }
    : { kind: 'table', headerIndex: null, dataIndex: start, width, hasData: true, skipped };
}

function looksLikeHeader(row: SampleRecord, below: SampleRecord[]): boolean {
  const cells = row.fields.map((f) => f.trim());
  const labels = cells.filter((c) => c !== '');
  // Statbel-style pivots put years in the header (Commune;2019;2020 or Gemeente;2023): labels,
  // though numbers, when the values below them are not years.
  const years = labels.filter((c) => YEAR.test(c)).length;
  const texts = labels.filter((c) => cellKind(c) === 'text').length;
  const yearLabels = (years >= 2 || (years === 1 && texts > 0)) && new Set(labels).size === labels.length;
  let score = 0;
  cells.forEach((cell, j) => {
    if (cell === '') return;
    const column = below.map((r) => (r.fields[j] ?? '').trim()).filter((v) => v !== '');
    if (column.length === 0) return;
    const nonText = column.filter((v) => cellKind(v) !== 'text').length / column.length;
    if (cellKind(cell) === 'text') {
      if (nonText >= 0.8) score++;
      else if (column.includes(cell)) score--;
    } else if (yearLabels && YEAR.test(cell) && column.filter((v) => YEAR.test(v)).length < column.length / 2) {
      score++;
    } else if (nonText >= 0.5) {
      score--;
    }
  });
  return score > 0 || (score === 0 && labels.every((c) => cellKind(c) === 'text'));
}

function skippedRow(r: SampleRecord): TableError {
  if (isBlank(r)) {
    return { type: 'blank-row', rowNumber: r.number, message: `Row ${r.number} is blank and sits above the table; it was skipped.` };
  }
  const cell = r.fields.map((f) => f.trim()).filter((f) => f !== '').join(' | ');
  return {
    type: 'title-row',
    rowNumber: r.number,
    cell,
    message: `Row ${r.number} ("${cell.length > 80 ? cell.slice(0, 77) + '...' : cell}") looks like a title above the table, not data; it was skipped. Put titles and notes in the dataset description instead.`,
  };
}
