/**
 * Dates of birth. A date is only a date of birth by its context: tables are full of dates
 * (publication, opening, accident), so a column of dates counts when its name or a neighbour's says
 * birth (naissance, geboortedatum, Geburtsdatum …), and a date in a text when "né le", "geboren op",
 * "°" (the Belgian sign for "born") or similar stands just before it.
 */
import { clamp01, type Match, type ValueInput } from './match.ts';

const MONTHS: Record<string, number> = {
  janvier: 1, fevrier: 2, février: 2, mars: 3, avril: 4, mai: 5, juin: 6, juillet: 7, aout: 8, août: 8, septembre: 9, octobre: 10, novembre: 11, decembre: 12, décembre: 12,
  januari: 1, februari: 2, maart: 3, april: 4, mei: 5, juni: 6, juli: 7, augustus: 8, september: 9, oktober: 10, december: 12,
  januar: 1, februar: 2, märz: 3, maerz: 3, dezember: 12,
  january: 1, february: 2, march: 3, may: 5, june: 6, july: 7, august: 8, october: 10,
};

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?Z?)?$/;
const DMY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$/;
const WORDS = /^(\d{1,2})(?:er|e)?\.?\s+([\p{L}]+)\.?\s+(\d{4})$/u;

/** The date a value writes (day first, as in Belgium), or null; two-digit years only when asked. */
export function parseDate(value: string, allowShortYear = false): { y: number; m: number; d: number } | null {
  let y: number, mo: number, d: number;
  let m = ISO.exec(value);
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = DMY.exec(value))) {
    if (m[3].length === 2 && !allowShortYear) return null;
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (m[3].length === 2) y += y > new Date().getFullYear() % 100 ? 1900 : 2000;
  } else if ((m = WORDS.exec(value))) {
    const month = MONTHS[m[2].toLowerCase()];
    if (!month) return null;
    [d, mo, y] = [Number(m[1]), month, Number(m[3])];
  } else return null;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCMonth() !== mo - 1) return null;
  return { y, m: mo, d };
}

/** A plausible birth date: a real date, not in the future, not before 1900. */
function plausibleBirth(p: { y: number; m: number; d: number }): boolean {
  const t = Date.UTC(p.y, p.m - 1, p.d);
  return p.y >= 1900 && t <= Date.now();
}

export function dateOfBirth({ value, ctx }: ValueInput): Match | null {
  if (value.length > 24) return null;
  const p = parseDate(value, ctx.boost['date-of-birth'] >= 0.2);
  if (!p || !plausibleBirth(p)) return null;
  // Without context any past date scores low; the column's name is what makes it a date of birth.
  const confidence = clamp01(0.15 + ctx.boost['date-of-birth'] * 1.8);
  return { category: 'date-of-birth', confidence, text: value, reason: ctx.boost['date-of-birth'] > 0 ? 'a date in a birth-date column' : 'a past date' };
}

const DATE_TEXT = String.raw`(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}(?:er|e)?\.?\s+\p{L}+\.?\s+\d{4})`;
const BIRTH_IN_TEXT = new RegExp(
  String.raw`(?:\b(?:née?|geboren|geb\.|born|date de naissance|geboortedatum|geburtsdatum|date of birth|ddn|dob)|°)\s*(?:le|op|am|on|:)?\s*` + DATE_TEXT,
  'giu',
);

export function scanBirthDates(text: string): Match[] {
  const out: Match[] = [];
  for (const m of text.matchAll(BIRTH_IN_TEXT)) {
    const p = parseDate(m[1].trim());
    if (p && plausibleBirth(p)) out.push({ category: 'date-of-birth', confidence: 0.85, text: m[1], reason: 'a date after "né le" / "geboren op" / "°"' });
  }
  return out;
}
