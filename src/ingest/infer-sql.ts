/**
 * The SQL behind type inference: one bit mask per cell that says which readings of the text hold
 * (integer, decimal comma, decimal point, a date format ...), and the expressions that convert the
 * text of a column to its chosen type. Masks are built with nested CASEs so that each cell pays only
 * for the patterns its first characters make possible: a word is rejected after one ascii() call.
 */
import { sqlString } from '../stores/tables/duckdb.ts';
import type { SchemaField } from './types.ts';

/** Cell texts read as missing, after trimming (also the schema's missingValues). */
export const MISSING_VALUES = ['', 'NA', 'N/A', 'n.a.', 'n.d.', 'nd', '-', '–', '.', 'null', 'NULL'];

export const TRUE_WORDS = ['oui', 'ja', 'yes', 'vrai', 'true', 'waar', 'wahr', 'y', 'o'];
export const FALSE_WORDS = ['non', 'nee', 'no', 'faux', 'false', 'onwaar', 'nein', 'falsch', 'n'];

// Space-like characters stripped from both ends of every cell; exports pad text with them.
const WHITESPACE = ' \t\r\n\u00a0\u202f';
const WHITESPACE_CODES = [32, 9, 13, 10, 160, 8239];
// Thousands separators that are spaces: plain, no-break, narrow no-break (French typography).
const SP = '[ \\x{00A0}\\x{202F}]';
const EXP = '([eE][+-]?[0-9]{1,2})?';

let bitCounter = 0n;
const nextBit = () => 1n << bitCounter++;

/** One bit per property a cell can have. */
export const BIT = {
  /** An integer if ',' is the decimal mark (so '.' or a space groups thousands). */
  INT_C: nextBit(),
  /** An integer if '.' is the decimal mark. */
  INT_P: nextBit(),
  NUM_C: nextBit(),
  NUM_P: nextBit(),
  /** NUM_C or a censored count: bit_and over a column tells "all numeric or censored". */
  NUMC_X: nextBit(),
  NUMP_X: nextBit(),
  LEADING_ZERO: nextBit(),
  /** Longer than 15 characters: may not fit a BIGINT or a DOUBLE exactly, checked afterwards. */
  LONG: nextBit(),
  CENSORED: nextBit(),
  GROUP_DOT: nextBit(),
  GROUP_COMMA: nextBit(),
  GROUP_SPACE: nextBit(),
  BOOL: nextBit(),
  BOOL_TRUE: nextBit(),
  BOOL_FALSE: nextBit(),
  /** A boolean word longer than one letter: a column of lone 'n' is more likely an abbreviation. */
  BOOL_WORD: nextBit(),
  /** Shaped like a date of a known format but not a real date or time (31/02/2020, 25:00). */
  DATE_BAD: nextBit(),
};

export interface DateFormat {
  bit: bigint;
  /** Frictionless/strptime format, also given to DuckDB's strptime. */
  format: string;
  type: 'date' | 'datetime';
  regex: string;
}

function dateFormats(): DateFormat[] {
  // Day first, as Belgium writes dates; ISO is the one year-first format.
  const days: [string, string][] = [
    ['%d/%m/%Y', '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}'],
    ['%Y-%m-%d', '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}'],
    ['%d-%m-%Y', '[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}'],
    ['%d.%m.%Y', '[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{4}'],
    ['%d/%m/%y', '[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}'],
    ['%d-%m-%y', '[0-9]{1,2}-[0-9]{1,2}-[0-9]{2}'],
    ['%d.%m.%y', '[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{2}'],
  ];
  const times: [string, string][] = [
    ['%H:%M', '[0-9]{1,2}:[0-9]{2}'],
    ['%H:%M:%S', '[0-9]{1,2}:[0-9]{2}:[0-9]{2}'],
  ];
  const out: DateFormat[] = days.map(([format, regex]) => ({ bit: nextBit(), format, regex, type: 'date' }));
  for (const [format, regex] of days) {
    const separators = format === '%Y-%m-%d' ? [' ', 'T'] : [' '];
    for (const sep of separators) {
      for (const [tf, tr] of times) out.push({ bit: nextBit(), format: `${format}${sep}${tf}`, regex: `${regex}${sep}${tr}`, type: 'datetime' });
    }
  }
  return out;
}

export const DATE_FORMATS = dateFormats();
export const DATE_BITS = DATE_FORMATS.reduce((a, f) => a | f.bit, 0n);
export const NUMERIC_BITS = BIT.NUMC_X | BIT.NUMP_X;

const lit = (b: bigint) => `${b}::BIGINT`;
const or = (...bits: bigint[]) => lit(bits.reduce((a, b) => a | b, 0n));
const match = (v: string, regex: string) => `regexp_full_match(${v}, ${sqlString(regex)})`;
// A list_contains() on a constant list, not IN: DuckDB rewrites long IN lists into joins, one per use.
const inList = (v: string, values: string[]) =>
  `(strlen(${v}) <= ${Math.max(...values.map((x) => Buffer.byteLength(x)))} AND list_contains([${values.map(sqlString).join(', ')}], ${v}))`;

/** The cell text trimmed of surrounding white space; trim() runs only on cells that need it (it allocates). */
export function cleanSql(column: string): string {
  const ends = [...WHITESPACE].map((ch) => `suffix(${column}, ${sqlString(ch)})`).join(' OR ');
  return `CASE WHEN list_contains([${WHITESPACE_CODES.join(', ')}], ascii(${column})) OR ${ends} THEN trim(${column}, ${sqlString(WHITESPACE)}) ELSE ${column} END`;
}

/** True when the cleaned text is missing (NULL or a missing-value marker). */
export function missingSql(v: string): string {
  return `(${v} IS NULL OR ${inList(v, MISSING_VALUES)})`;
}

function dateBitsSql(v: string): string {
  // One regex per day format, the time optional; the colons then tell date, hh:mm or hh:mm:ss.
  // The regex pins the format, so whichever format of the list parses, validity is the same.
  const colons = `(strlen(${v}) - strlen(replace(${v}, ':', '')))`;
  const valid = `try_strptime(${v}, [${DATE_FORMATS.map((f) => sqlString(f.format)).join(', ')}]) IS NOT NULL`;
  const bit = (format: string) => lit(DATE_FORMATS.find((f) => f.format === format)!.bit);
  const days = DATE_FORMATS.filter((f) => f.type === 'date');
  return `CASE ${days.map((d) => {
    const iso = d.format === '%Y-%m-%d';
    const time = `${bit(`${d.format} %H:%M`)}, ${bit(`${d.format} %H:%M:%S`)}`;
    const times = iso ? `CASE WHEN contains(${v}, 'T') THEN [${bit(`${d.format}T%H:%M`)}, ${bit(`${d.format}T%H:%M:%S`)}] ELSE [${time}] END` : `[${time}]`;
    const shape = match(v, `${d.regex}(${iso ? '[ T]' : ' '}[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?`);
    return `WHEN ${shape} THEN CASE WHEN NOT ${valid} THEN ${lit(BIT.DATE_BAD)} WHEN ${colons} = 0 THEN ${lit(d.bit)} ELSE (${times})[${colons}] END`;
  }).join(' ')} ELSE 0 END`;
}

function numericBitsSql(v: string): string {
  const intAll = or(BIT.INT_C, BIT.INT_P, BIT.NUM_C, BIT.NUM_P, BIT.NUMC_X, BIT.NUMP_X);
  const asComma = or(BIT.NUM_C, BIT.NUMC_X);
  const asPoint = or(BIT.NUM_P, BIT.NUMP_X);
  const plain = `${intAll} + CASE WHEN ascii(${v}) = 48 AND strlen(${v}) > 1 THEN ${lit(BIT.LEADING_ZERO)} ELSE 0 END`;
  const long = `CASE WHEN strlen(${v}) > 15 THEN ${lit(BIT.LONG)} ELSE 0 END`;
  const spaced = `CASE WHEN contains(${v}, ' ') OR contains(${v}, '\u00a0') OR contains(${v}, '\u202f') THEN ${lit(BIT.GROUP_SPACE)} ELSE 0 END`;
  // One group ('1,234' or '1.234') reads both as thousands and as a decimal; the cheap position test spares the regex.
  const oneGroup = (sep: string, bits: string) =>
    `CASE WHEN strpos(${v}, '${sep}') = strlen(${v}) - 3 AND ${match(v, `[+-]?[1-9][0-9]{0,2}[${sep}][0-9]{3}`)} THEN ${bits} ELSE 0 END`;
  const decimal = (sep: string) => `[+-]?([0-9]+|[1-9][0-9]{0,2}(${SP}[0-9]{3})+)?[${sep}][0-9]+${EXP}`;
  const withComma = `CASE
      WHEN contains(${v}, '.') THEN CASE
        WHEN ${match(v, `[+-]?[1-9][0-9]{0,2}([.][0-9]{3})+,[0-9]+${EXP}`)} THEN ${or(BIT.NUM_C, BIT.NUMC_X, BIT.GROUP_DOT)}
        WHEN ${match(v, `[+-]?[1-9][0-9]{0,2}(,[0-9]{3})+[.][0-9]+${EXP}`)} THEN ${or(BIT.NUM_P, BIT.NUMP_X, BIT.GROUP_COMMA)}
        ELSE 0 END
      WHEN ${match(v, decimal(','))} THEN ${asComma} + ${spaced} + ${oneGroup(',', or(BIT.INT_P, BIT.NUM_P, BIT.NUMP_X, BIT.GROUP_COMMA))}
      WHEN ${match(v, '[+-]?[1-9][0-9]{0,2}(,[0-9]{3})+')} THEN ${or(BIT.INT_P, BIT.NUM_P, BIT.NUMP_X, BIT.GROUP_COMMA)}
      ELSE 0 END`;
  const withDot = `CASE
      WHEN ${match(v, decimal('.'))} THEN ${asPoint} + ${spaced} + ${oneGroup('.', or(BIT.INT_C, BIT.NUM_C, BIT.NUMC_X, BIT.GROUP_DOT))}
      WHEN ${match(v, '[+-]?[1-9][0-9]{0,2}([.][0-9]{3})+')} THEN ${or(BIT.INT_C, BIT.NUM_C, BIT.NUMC_X, BIT.GROUP_DOT)}
      ELSE 0 END`;
  const hasExponent = `(contains(${v}, 'e') OR contains(${v}, 'E'))`;
  return `(CASE
    WHEN ${match(v, '[+-]?[0-9]+')} THEN ${plain}
    WHEN contains(${v}, '/') OR contains(${v}, ':') OR (strpos(${v}, '-') > 1 AND NOT ${hasExponent}) OR ${match(v, '[0-9]{1,2}[.][0-9]{1,2}[.][0-9]{2,4}')} THEN ${dateBitsSql(v)}
    WHEN contains(${v}, ',') THEN ${withComma}
    WHEN contains(${v}, '.') THEN ${withDot}
    WHEN ${hasExponent} THEN CASE WHEN ${match(v, `[+-]?[0-9]+[eE][+-]?[0-9]{1,2}`)} THEN ${or(BIT.NUM_C, BIT.NUM_P, BIT.NUMC_X, BIT.NUMP_X)} ELSE 0 END
    WHEN ${match(v, `[+-]?[1-9][0-9]{0,2}(${SP}[0-9]{3})+`)} THEN ${intAll} + ${lit(BIT.GROUP_SPACE)}
    ELSE 0 END) + ${long}`;
}

/** True for a censored count such as '<5', '< 5', '>100', '≤ 3'. */
export function censoredSql(v: string): string {
  return `(list_contains([60, 62, 8804, 8805], ascii(${v})) AND ${match(v, `[<>≤≥]=?${SP}?[0-9][0-9.,]*`)})`;
}

/** The bit mask of a cleaned cell text; NULL for missing values, so aggregates skip them. */
export function maskSql(v: string): string {
  const word = `CASE WHEN strlen(${v}) > 1 THEN ${lit(BIT.BOOL_WORD)} ELSE 0 END`;
  return `CASE
    WHEN ${missingSql(v)} THEN NULL
    WHEN ascii(${v}) BETWEEN 43 AND 57 THEN ${numericBitsSql(v)}
    WHEN ${censoredSql(v)} THEN ${or(BIT.CENSORED, BIT.NUMC_X, BIT.NUMP_X)}
    WHEN strlen(${v}) <= 6 THEN CASE
      WHEN ${inList(`lower(${v})`, TRUE_WORDS)} THEN ${or(BIT.BOOL, BIT.BOOL_TRUE)} + ${word}
      WHEN ${inList(`lower(${v})`, FALSE_WORDS)} THEN ${or(BIT.BOOL, BIT.BOOL_FALSE)} + ${word}
      ELSE 0 END
    ELSE 0 END`;
}

/** Digits that count for precision: no sign, separators, exponent or leading zeros. */
export function significantDigitsSql(v: string): string {
  return `length(ltrim(regexp_replace(regexp_replace(${v}, '[eE].*$', ''), '[^0-9]', '', 'g'), '0'))`;
}

/** The DuckDB type a field is written as. */
export function duckdbType(field: SchemaField): string {
  switch (field.type) {
    case 'integer': return 'BIGINT';
    case 'number': return 'DOUBLE';
    case 'boolean': return 'BOOLEAN';
    case 'date': return 'DATE';
    case 'datetime': return 'TIMESTAMP';
    default: return 'VARCHAR';
  }
}

/**
 * A condition every non-missing cleaned value of a field planned from a sample must meet, so
 * that the full data reads as the sample did: same type, marks, groups, no leading zero, digits
 * that fit, real dates. `convertsDates`: the caller parses dates with a strict strptime, which
 * fails on 31/02 anyway, so the check leaves validity to it.
 */
export function checkSql(field: SchemaField, v: string, convertsDates = false): string | null {
  const group = field.groupChar === undefined ? null : field.groupChar === ' ' ? SP : `[${field.groupChar}]`;
  const grouped = group ? `|[1-9][0-9]{0,2}(${group}[0-9]{3}){1,5}` : '';
  switch (field.type) {
    case 'integer':
      return match(v, `[+-]?(0|[1-9][0-9]{0,17}${grouped})`);
    case 'number': {
      const d = `[${field.decimalChar ?? '.'}]`;
      return `strlen(${v}) <= 15 AND ${match(v, `[+-]?(([0-9]+${grouped})(${d}[0-9]+)?|${d}[0-9]+)${EXP}`)}`;
    }
    case 'date':
    case 'datetime': {
      const format = DATE_FORMATS.find((f) => f.format === field.format);
      if (!format) return null;
      return convertsDates ? match(v, format.regex) : `${match(v, format.regex)} AND try_strptime(${v}, ${sqlString(format.format)}) IS NOT NULL`;
    }
    default:
      return null;
  }
}

/** Raised inside a COPY when a value does not pass the check of its sample-typed field. */
export const RECHECK_MARKER = 'dataville: a value does not read as its sample';

/**
 * SQL converting a VARCHAR column of source text to the field's type. Casts are strict on purpose:
 * a value that does not convert stops the write, never goes missing. With `verify`, each value is
 * first held to checkSql() and one that fails raises RECHECK_MARKER.
 */
export function typedValueSql(field: SchemaField, column: string, pivotYear: number, verify = false): string {
  const v = `(${cleanSql(column)})`;
  if (field.type === 'string') return `nullif(${v}, '')`;
  const check = verify ? checkSql(field, v, true) : null;
  const orNull = (expr: string) =>
    `CASE WHEN ${missingSql(v)} THEN NULL ${check ? `WHEN NOT (${check}) THEN error(${sqlString(RECHECK_MARKER)}) ` : ''}ELSE ${expr} END`;
  switch (field.type) {
    case 'integer':
    case 'number': {
      let text = v;
      if (field.groupChar) {
        // replace() allocates, so the three spaces are stripped only from values that have one.
        const spaces = [' ', '\u00a0', '\u202f'];
        const strip = (chars: string[]) => chars.reduce((t, g) => `replace(${t}, '${g}', '')`, v);
        const spaced = spaces.map((c) => `contains(${v}, '${c}')`).join(' OR ');
        text = field.groupChar === ' ' ? strip(spaces) : `CASE WHEN ${spaced} THEN ${strip([field.groupChar, ...spaces])} ELSE ${strip([field.groupChar])} END`;
      }
      if (field.type === 'number' && field.decimalChar === ',') text = `replace(${text}, ',', '.')`;
      return orNull(`CAST(${text} AS ${duckdbType(field)})`);
    }
    case 'boolean':
      return `CASE WHEN ${inList(`lower(${v})`, TRUE_WORDS)} THEN true WHEN ${inList(`lower(${v})`, FALSE_WORDS)} THEN false ELSE NULL END`;
    case 'date':
    case 'datetime': {
      const format = field.format ?? '';
      let ts = `strptime(${v}, ${sqlString(format)})`;
      // DuckDB's %y reads 00-68 as 20yy; our pivot is lower, so years past it go back a century.
      if (format.includes('%y')) ts = `CASE WHEN year(${ts}) > ${2000 + pivotYear} THEN ${ts} - INTERVAL 100 YEAR ELSE ${ts} END`;
      return orNull(field.type === 'date' ? `CAST(${ts} AS DATE)` : ts);
    }
    default:
      return `nullif(${v}, '')`;
  }
}
