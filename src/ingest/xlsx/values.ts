/**
 * Cell values written the way the loader reads them: numbers with a '.' decimal mark, no grouping,
 * 15 significant digits as Excel shows them; dates `yyyy-mm-dd`, date-times `yyyy-mm-ddThh:mm:ss`;
 * booleans `true`/`false`. A cell holds a number; only its number format tells a date (a serial day
 * count since 1900 or 1904) from a count, so formats are classified here.
 */

export type NumFmtKind =
  | { kind: 'number' }
  /** A format of zeros only (`00000`): an integer is shown padded, like Statbel's NIS codes. */
  | { kind: 'pad'; width: number }
  | { kind: 'date' }
  | { kind: 'datetime' }
  /** Time of day, or an elapsed time when the hours are in brackets (`[h]:mm`). */
  | { kind: 'time'; elapsed: boolean };

const NUMBER: NumFmtKind = { kind: 'number' };
const DATE: NumFmtKind = { kind: 'date' };
const DATETIME: NumFmtKind = { kind: 'datetime' };
const TIME: NumFmtKind = { kind: 'time', elapsed: false };

/** Built-in formats (ECMA-376 18.8.30) that are dates or times; 27-36 and 50-58 are East Asian dates. */
function builtinKind(id: number): NumFmtKind | null {
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) || (id >= 50 && id <= 58)) return DATE;
  if (id === 22) return DATETIME;
  if ((id >= 18 && id <= 21) || id === 32 || id === 33 || id === 45 || id === 47) return TIME;
  if (id === 46) return { kind: 'time', elapsed: true };
  return null;
}

/** The first section of a format code (up to an unquoted ';'): the one used for positive numbers. */
function firstSection(code: string): string {
  let quoted = false;
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (ch === '\\') i++;
    else if (ch === '"') quoted = !quoted;
    else if (ch === ';' && !quoted) return code.slice(0, i);
  }
  return code;
}

/** What a number format makes of a number: date, date-time, time, zero padding or a plain number. */
export function classifyNumFmt(id: number, code: string | undefined): NumFmtKind {
  const builtin = code === undefined ? builtinKind(id) : null;
  if (builtin) return builtin;
  if (code === undefined) return NUMBER;
  // Literal text ("..." \x), padding and fill characters (_x *x) and colours/conditions/locales in brackets
  // say nothing about dates; [h] [mm] [ss] are elapsed times.
  const section = firstSection(code).replace(/"[^"]*"/g, '').replace(/\\./g, '').replace(/[_*]./g, '');
  const elapsed = /\[(h+|m+|s+)\]/i.test(section);
  const bare = section.replace(/\[[^\]]*\]/g, elapsed ? 'h' : '').trim();
  if (/^0{2,}$/.test(bare)) return { kind: 'pad', width: bare.length };
  if (/^general$/i.test(bare)) return NUMBER;
  const ampm = /(AM\/PM|A\/P)/i.test(bare);
  const letters = bare.replace(/(AM\/PM|A\/P)/gi, '').replace(/E[+-]/g, '');
  const hasTime = elapsed || ampm || /[hs]/i.test(letters);
  // 'm' is a month unless the format has hours or seconds (then it is minutes).
  const hasDate = /[yd]/i.test(letters) || (/m/i.test(letters) && !hasTime);
  if (hasDate && hasTime) return DATETIME;
  if (hasDate) return DATE;
  if (hasTime) return { kind: 'time', elapsed };
  return NUMBER;
}

const DAY_MS = 86_400_000;
/** The last serial Excel shows as a date (9999-12-31). */
const MAX_SERIAL = 2_958_465;

/**
 * Days and seconds of an Excel serial, as a UTC timestamp. In the 1900 system Excel counts a
 * 29 February 1900 that never was (serial 60, Lotus 1-2-3's bug): serials before it are one day
 * later than the plain count. Rounded to the second, as Excel stores times in binary fractions.
 */
export function serialToMs(serial: number, date1904: boolean): number | null {
  if (!Number.isFinite(serial) || serial < 0 || serial > MAX_SERIAL + 1) return null;
  const totalSeconds = Math.round(serial * 86400);
  const days = Math.floor(totalSeconds / 86400);
  const ms = (totalSeconds - days * 86400) * 1000;
  if (date1904) return Date.UTC(1904, 0, 1) + days * DAY_MS + ms;
  if (days === 60) return null;
  return (days < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30)) + days * DAY_MS + ms;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function isoDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

function timeOfDay(serial: number, elapsed: boolean): string {
  const totalSeconds = Math.round(Math.abs(serial) * 86400);
  const seconds = elapsed ? totalSeconds : totalSeconds % 86400;
  const h = Math.floor(seconds / 3600);
  return `${serial < 0 && elapsed ? '-' : ''}${pad2(h)}:${pad2(Math.floor((seconds % 3600) / 60))}:${pad2(seconds % 60)}`;
}

/**
 * A number as the loader reads it: 15 significant digits (what Excel shows; removes the float
 * noise of 0.1 + 0.2 or 30689.368861999999), '.' decimal mark, no exponent unless the number is
 * below 1e-20 or above 1e21, where the plain form would be unreadable.
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return '';
  if (x === 0) return '0';
  // Most cells are integers that print exactly: the common case skips the rounding.
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const s = String(Number(x.toPrecision(15)));
  const e = s.indexOf('e');
  if (e < 0) return s;
  const exp = Number(s.slice(e + 1));
  if (exp > 0 || exp < -20) return s;
  const negative = s.startsWith('-');
  const mantissa = s.slice(negative ? 1 : 0, e);
  const digits = mantissa.replace('.', '');
  const intLength = mantissa.includes('.') ? mantissa.indexOf('.') : mantissa.length;
  return `${negative ? '-' : ''}0.${'0'.repeat(-(intLength + exp))}${digits}`;
}

/** A numeric cell's text under its format, and whether it came out as a date/time or a number. */
export function formatNumeric(x: number, fmt: NumFmtKind, date1904: boolean): { text: string; temporal: boolean } {
  switch (fmt.kind) {
    case 'pad':
      return { text: Number.isInteger(x) && x >= 0 && x < 1e15 ? String(x).padStart(fmt.width, '0') : formatNumber(x), temporal: false };
    case 'date':
    case 'datetime': {
      const ms = serialToMs(x, date1904);
      if (ms === null) return { text: formatNumber(x), temporal: false };
      return { text: fmt.kind === 'date' ? isoDate(ms) : isoDateTime(ms), temporal: true };
    }
    case 'time':
      return { text: timeOfDay(x, fmt.elapsed), temporal: true };
    default:
      return { text: formatNumber(x), temporal: false };
  }
}

/** A cell of type `d` (an ISO 8601 text some writers use instead of a serial), under its format. */
export function formatIsoCell(text: string, fmt: NumFmtKind): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2})?))?/.exec(text.trim());
  if (!m) return text.trim();
  const time = m[2] ? (m[2].length === 5 ? `${m[2]}:00` : m[2]) : '00:00:00';
  if (fmt.kind === 'date') return m[1];
  if (fmt.kind === 'time') return time;
  if (fmt.kind === 'datetime' || time !== '00:00:00') return `${m[1]}T${time}`;
  return m[1];
}

/** Text that reads as a number or a date (a code, an amount, a year, an ISO date stored as text). */
export function looksNumeric(text: string): boolean {
  const t = text.trim();
  if (t === '') return false;
  return (
    /^[+-]?(\d+|\d{1,3}([ .,\u00a0\u202f]\d{3})+)([.,]\d+)?%?$/.test(t) ||
    /^[+-]?[.,]\d+$/.test(t) ||
    /^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2})?)?$/.test(t) ||
    /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$/.test(t)
  );
}
