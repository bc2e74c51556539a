/**
 * Belgian identifiers in a table's columns, and the official URIs they link to: NIS (REFNIS) codes
 * of municipalities, postcodes and enterprise numbers (KBO/BCE). A column is recognised by its
 * values (checked against the reference lists, or the KBO check digits), helped by its name: a name
 * that says what the column holds lets a column with few distinct values count, and a postcode
 * column needs one, because years (2000, 2018 ...) are valid Antwerp postcodes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { communesByNis } from '../catalog/communes.ts';

export const IDENTIFIER_KINDS = ['nis', 'postcode', 'enterprise'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** URI patterns; docs/decisions/0011-stars-and-self-description.md says where each was checked. */
export const IDENTIFIER_URIS = {
  refnis2025: 'http://vocab.belgif.be/auth/refnis2025/',
  refnis2019: 'http://vocab.belgif.be/auth/refnis2019/',
  postcode: 'https://data.vlaanderen.be/id/postinfo/',
  enterprise: 'https://org.belgif.be/id/CbeRegisteredEntity/',
  establishment: 'https://org.belgif.be/id/CbeEstablishmentUnit/',
} as const;

export const IDENTIFIER_LABELS: Record<IdentifierKind, string> = {
  nis: 'NIS code of a municipality (REFNIS)',
  postcode: 'Belgian postcode',
  enterprise: 'enterprise or establishment number (KBO/BCE)',
};

const POSTCODES_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../reference/postcodes.csv');
let postcodeCache: { postcodes: Set<string>; nis2025: Set<string> } | undefined;

/** Postcodes and the 2025 municipalities (reference/postcodes.csv, read once). */
function postcodeLists() {
  if (!postcodeCache) {
    const rows = parse(fs.readFileSync(POSTCODES_FILE), { columns: true, skip_empty_lines: true }) as { postcode: string; nis_code: string }[];
    postcodeCache = { postcodes: new Set(rows.map((r) => r.postcode)), nis2025: new Set(rows.map((r) => r.nis_code)) };
  }
  return postcodeCache;
}

/** The digits of a cell that may hold a code: "21004", 21004, "21004.0" (a code read as a decimal), " 1000 ". */
function digitsOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value).trim().replace(/\.0+$/, '');
  return /^\d+$/.test(s) ? s : null;
}

/** A NIS code of a municipality of 2019–2024 or of 2025. */
export function nisCode(value: unknown): string | null {
  const d = digitsOf(value);
  if (!d || d.length !== 5) return null;
  return postcodeLists().nis2025.has(d) || communesByNis().has(d) ? d : null;
}

/** The REFNIS concept of a municipality: the 2025 list when the code still exists, else 2019 (merged away on 1 January 2025). */
export function nisUri(code: string): string {
  return (postcodeLists().nis2025.has(code) ? IDENTIFIER_URIS.refnis2025 : IDENTIFIER_URIS.refnis2019) + code;
}

export function postcode(value: unknown): string | null {
  const d = digitsOf(value);
  return d && d.length === 4 && postcodeLists().postcodes.has(d) ? d : null;
}

/**
 * KBO/BCE numbers: 10 digits, the last two 97 minus the first eight modulo 97. Written with dots,
 * spaces or a "BE" prefix, and the old 9-digit form (before the leading 0 was added).
 */
export function enterpriseNumber(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  let s = String(value).trim().replace(/^BE\s*/i, '').replace(/[\s.\-/]/g, '');
  if (!/^\d{9,10}$/.test(s)) return null;
  if (s.length === 9) s = '0' + s;
  if (!/^[0-8]/.test(s)) return null;
  return 97 - (Number(s.slice(0, 8)) % 97) === Number(s.slice(8)) ? s : null;
}

/** Enterprises start with 0 or 1; establishment units with 2 to 8. */
export function enterpriseUri(number: string): string {
  return (/^[01]/.test(number) ? IDENTIFIER_URIS.enterprise : IDENTIFIER_URIS.establishment) + number;
}

/** The code of a cell when it is an identifier of that kind, else null. */
export function identifierValue(kind: IdentifierKind, value: unknown): string | null {
  if (kind === 'nis') return nisCode(value);
  if (kind === 'postcode') return postcode(value);
  return enterpriseNumber(value);
}

/** The official URI of a cell of an identifier column, or null when the cell is not such a code. */
export function identifierUri(kind: IdentifierKind, value: unknown): string | null {
  const code = identifierValue(kind, value);
  if (!code) return null;
  if (kind === 'nis') return nisUri(code);
  if (kind === 'postcode') return IDENTIFIER_URIS.postcode + code;
  return enterpriseUri(code);
}

/** Words of a column name, lower case and accent-free: "Code_Postal" -> ["code", "postal"]. */
function words(name: string): string[] {
  return name.normalize('NFD').replace(/\p{M}/gu, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

const NAME_HINTS: Record<IdentifierKind, (w: string[], joined: string) => boolean> = {
  nis: (w, j) => w.some((x) => ['nis', 'ins', 'refnis', 'niscode', 'inscode', 'nis5', 'munty'].includes(x)) || /(^|_)cd_?(refnis|munty)/.test(j)
    || (w.includes('code') && w.some((x) => ['commune', 'gemeente', 'gemeinde', 'municipality', 'stat', 'statistique'].includes(x))),
  postcode: (w, j) => w.some((x) => ['cp', 'zip', 'zipcode', 'postcode', 'postnummer', 'postcodes', 'plz', 'postleitzahl', 'postal', 'codepostal', 'postalcode'].includes(x)) || /post_?code|code_?post/.test(j),
  enterprise: (w) => w.some((x) => ['kbo', 'bce', 'cbe', 'kbonummer', 'ondernemingsnummer', 'vat', 'tva', 'btw', 'enterprise', 'entreprise', 'onderneming', 'unternehmensnummer'].includes(x)),
};

/** Names of year columns, whose values would otherwise pass for postcodes. */
const YEAR_NAMES = new Set(['annee', 'an', 'year', 'jaar', 'jahr', 'exercice', 'boekjaar', 'millesime']);

export interface IdentifierColumn {
  column: string;
  kind: IdentifierKind;
  /** Share of the distinct values looked at that are codes of this kind (0..1). */
  share: number;
  /** Distinct non-empty values looked at. */
  distinct: number;
  /** A valid example, and its URI. */
  example: { value: string; uri: string };
  /** How it was recognised, for a person. */
  reason: string;
  /**
   * The URI of every cell is this prefix + the cell as written: set only when all the column's
   * distinct values were looked at and all are codes written plainly, so that a URI template
   * (CSVW valueUrl) is right for every row.
   */
  uriPrefix: string | null;
}

/** A column's distinct non-empty values (as text, the most frequent first) and its type. */
export interface ColumnSample {
  name: string;
  type: string;
  values: string[];
  /** False when the column has more distinct values than were looked at. */
  complete?: boolean;
}

/** Thresholds: a column counts when this share of its distinct values are codes of the kind. */
export const SHARE_WITH_NAME = 0.8;
export const SHARE_WITHOUT_NAME = 0.95;

/** The identifier kind of a column, if its values (and name) say it holds one. */
export function recognizeColumn(sample: ColumnSample): IdentifierColumn | null {
  if (!['string', 'integer', 'number'].includes(sample.type) || !sample.values.length) return null;
  const w = words(sample.name);
  const joined = w.join('_');
  let best: IdentifierColumn | null = null;
  for (const kind of IDENTIFIER_KINDS) {
    const named = NAME_HINTS[kind](w, joined);
    const valid = sample.values.filter((v) => identifierValue(kind, v) !== null);
    const share = valid.length / sample.values.length;
    if (!valid.length) continue;
    let ok: boolean;
    if (named) ok = share >= SHARE_WITH_NAME;
    else if (kind === 'postcode') {
      // Without a name, only a column of many distinct codes, none of them a plausible year.
      const years = sample.values.every((v) => /^(19|20)\d\d$/.test(v));
      ok = share >= SHARE_WITHOUT_NAME && sample.values.length >= 10 && !years && !w.some((x) => YEAR_NAMES.has(x));
    } else {
      ok = share >= SHARE_WITHOUT_NAME && sample.values.length >= 3;
    }
    if (!ok) continue;
    const code = identifierValue(kind, valid[0])!;
    const exampleUri = identifierUri(kind, code)!;
    const prefix = exampleUri.slice(0, exampleUri.length - code.length);
    const uniform = share === 1 && sample.complete !== false && valid.every((v) => identifierUri(kind, v) === prefix + v);
    const found: IdentifierColumn = {
      column: sample.name, kind, share, distinct: sample.values.length,
      example: { value: valid[0], uri: exampleUri },
      uriPrefix: uniform ? prefix : null,
      reason: `${Math.round(share * 100)}% of its ${sample.values.length} distinct values are ${kind === 'nis' ? 'NIS codes of Belgian municipalities' : kind === 'postcode' ? 'Belgian postcodes' : 'valid KBO/BCE numbers'}${named ? ', and its name says so' : ''}`,
    };
    if (!best || found.share > best.share) best = found;
  }
  return best;
}
