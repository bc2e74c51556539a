/**
 * Mojibake: UTF-8 text that was once decoded as Windows-1252 or Mac Roman and saved again as UTF-8,
 * so "é" became "Ã©" (1252) or "√©" (Mac Roman). A repair maps each suspicious run of characters
 * back to the bytes of that charset and decodes them as UTF-8.
 *
 * Why per sequence and not the whole text at once: files are often only partly damaged (cells fixed
 * by hand, rows appended later), and a single character the charset cannot encode would otherwise
 * block the repair of everything else. Detection still looks at the whole sample and only says yes
 * when the repairable sequences account for nearly all non-ASCII text, so a real "Liège" is never
 * touched.
 */
import { Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import iconv from 'iconv-lite';

export type MojibakeCharset = 'windows-1252' | 'macintosh';

export interface MojibakeRepair {
  text: string;
  repairedCount: number;
  example?: { before: string; after: string };
}

const CANDIDATES: MojibakeCharset[] = ['windows-1252', 'macintosh'];

/** Share of the sample's non-ASCII characters that repairable sequences must cover. */
const MIN_COVERAGE = 0.8;

interface CharsetTable {
  byteOf: Map<string, number>;
  /** The start of a sequence whose next byte the damaging program replaced with "?" or U+FFFD. */
  lost: RegExp | null;
  /** Decoded sequences; a damaged file repeats the same few thousands times. */
  cache: Map<string, string | null>;
  pattern: RegExp;
  leadNeeds: Map<string, number>;
  isContinuation: Set<string>;
}

const tables = new Map<MojibakeCharset, CharsetTable>();

function tableFor(charset: MojibakeCharset): CharsetTable {
  let table = tables.get(charset);
  if (table) return table;
  const byteOf = new Map<string, number>();
  for (let b = 0x80; b <= 0xff; b++) {
    const ch = iconv.decode(Buffer.from([b]), charset);
    if (ch !== '\ufffd') byteOf.set(ch, b);
  }
  if (charset === 'windows-1252') {
    // Bytes 0x81 0x8D 0x8F 0x90 0x9D are undefined in 1252; Windows and browsers decode them as the
    // C1 control of the same value, which is what ends up in mojibake of "Á", "Í", "Ï", "Ð", "Ý".
    for (const b of [0x81, 0x8d, 0x8f, 0x90, 0x9d]) byteOf.set(String.fromCharCode(b), b);
  } else {
    // Mac OS 8.5 replaced the currency sign at 0xDB with the euro sign; both are seen in the wild.
    byteOf.set('€', 0xdb);
  }
  const group = (lo: number, hi: number) => {
    const chars: string[] = [];
    for (const [ch, b] of byteOf) if (b >= lo && b <= hi) chars.push(ch);
    return chars;
  };
  const cls = (chars: string[]) => '[' + chars.map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).join('') + ']';
  const cont = cls(group(0x80, 0xbf));
  const pattern = new RegExp(`${cls(group(0xc2, 0xdf))}${cont}|${cls(group(0xe0, 0xef))}${cont}{2}|${cls(group(0xf0, 0xf4))}${cont}{3}`, 'g');
  // Only 1252 has undefined bytes; they follow Ã, Å (Á Í Ï Ð Ý, Ł ...) or the € of "â€" (” ‍ ‏ ‐).
  const lost = charset === 'windows-1252' ? new RegExp(`([ÃÅ]|${cls(group(0xe0, 0xef))}${cont})[?\\ufffd]`, 'g') : null;
  const leadNeeds = new Map<string, number>();
  for (const c of group(0xc2, 0xdf)) leadNeeds.set(c, 1);
  for (const c of group(0xe0, 0xef)) leadNeeds.set(c, 2);
  for (const c of group(0xf0, 0xf4)) leadNeeds.set(c, 3);
  table = { byteOf, lost, cache: new Map(), pattern, leadNeeds, isContinuation: new Set(group(0x80, 0xbf)) };
  tables.set(charset, table);
  return table;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The text a mojibake sequence stood for, or null when its bytes are not valid UTF-8. */
function decodeSequence(seq: string, table: CharsetTable): string | null {
  let decoded = table.cache.get(seq);
  if (decoded === undefined) {
    decoded = decodeBytes(seq, table);
    if (table.cache.size < 10_000) table.cache.set(seq, decoded);
  }
  return decoded;
}

function decodeBytes(seq: string, table: CharsetTable): string | null {
  const bytes = new Uint8Array(seq.length);
  for (let i = 0; i < seq.length; i++) bytes[i] = table.byteOf.get(seq[i])!;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null; // overlong forms, surrogates, beyond U+10FFFF
  }
}

/**
 * Characters a Belgian table plausibly contains. A "repair" into anything else (IPA, Armenian, CJK
 * ...) means the sequence was real text, e.g. "É" followed by a no-break space (C9 A0 in 1252).
 */
function isPlausible(text: string): boolean {
  const cp = text.codePointAt(0)!;
  return (
    (cp >= 0xa0 && cp <= 0x24f) || // Latin-1 and Latin Extended
    (cp >= 0x300 && cp <= 0x36f) || // combining accents of decomposed text (e + U+0301)
    (cp >= 0x370 && cp <= 0x4ff) || // Greek, Cyrillic
    (cp >= 0x1e00 && cp <= 0x1eff) ||
    (cp >= 0x2000 && cp <= 0x22ff) || // punctuation, currency, letterlike, arrows, maths
    (cp >= 0x2500 && cp <= 0x27bf) ||
    (cp >= 0x1f300 && cp <= 0x1faff) // emoji
  );
}

/**
 * Which charset, if any, the text was wrongly decoded with before being saved as UTF-8. With
 * `mixed`, the text was decoded as 1252 from bytes that were not valid UTF-8: a valid UTF-8
 * sequence in such bytes is UTF-8 pasted into a 1252 file, so one is enough.
 */
export function detectMojibake(text: string, opts: { mixed?: boolean } = {}): MojibakeCharset | null {
  const nonAscii = text.match(/[^\x00-\x7f]/g)?.length ?? 0;
  if (nonAscii === 0) return null;
  let best: { charset: MojibakeCharset; covered: number } | null = null;
  for (const charset of opts.mixed ? (['windows-1252'] as const) : CANDIDATES) {
    const table = tableFor(charset);
    let covered = 0;
    let repairable = 0;
    for (const m of text.matchAll(table.pattern)) {
      const decoded = decodeSequence(m[0], table);
      if (decoded !== null && isPlausible(decoded)) {
        covered += m[0].length;
        repairable++;
      }
    }
    // "Ã?" and "â€?" are damage too (Á, ” went through 1252's undefined bytes), though beyond repair.
    if (table.lost) for (const m of text.matchAll(table.lost)) covered += m[1].length;
    const enough = opts.mixed ? repairable > 0 : covered / nonAscii >= MIN_COVERAGE;
    if (enough && (!best || covered > best.covered)) best = { charset, covered };
  }
  return best?.charset ?? null;
}

/** Repairs every mojibake sequence of the given charset in a complete text. */
export function repairMojibake(text: string, decodedAs: MojibakeCharset): MojibakeRepair {
  const repairer = new MojibakeRepairer(decodedAs);
  const out = repairer.write(text) + repairer.end();
  return { text: out, repairedCount: repairer.repairedCount, example: repairer.example };
}

/** Incremental repair: holds back a sequence cut at a chunk boundary until the next chunk. */
export class MojibakeRepairer {
  repairedCount = 0;
  example?: { before: string; after: string };
  private readonly table: CharsetTable;
  private pending = '';

  /**
   * `everySequence` repairs any valid UTF-8 sequence, plausible or not: for text known to be UTF-8
   * that was read as 1252 on purpose (the fallback for files of mixed UTF-8 and 1252).
   */
  constructor(
    readonly decodedAs: MojibakeCharset,
    private readonly opts: { everySequence?: boolean } = {},
  ) {
    this.table = tableFor(decodedAs);
  }

  private decode(seq: string): string | null {
    const decoded = decodeSequence(seq, this.table);
    return decoded !== null && (this.opts.everySequence || isPlausible(decoded)) ? decoded : null;
  }

  /** Repairs a chunk; the tail that may be the start of a sequence is kept for the next call. */
  write(chunk: string): string {
    const text = this.pending + chunk;
    const cut = this.incompleteTailStart(text);
    this.pending = text.slice(cut);
    return this.repair(text.slice(0, cut));
  }

  /** Flushes the held-back tail. */
  end(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }

  private repair(text: string): string {
    return text.replace(this.table.pattern, (seq: string, offset: number) => {
      const decoded = this.decode(seq);
      if (decoded === null) return seq;
      if (this.repairedCount++ === 0) {
        const [start, end] = wordAround(text, offset, offset + seq.length);
        const before = text.slice(start, end);
        const after = before.replace(this.table.pattern, (s: string) => this.decode(s) ?? s);
        this.example = { before, after };
      }
      return decoded;
    });
  }

  private incompleteTailStart(text: string): number {
    let i = text.length - 1;
    while (i >= 0 && i >= text.length - 3 && this.table.isContinuation.has(text[i])) i--;
    if (i < 0) return text.length;
    const needs = this.table.leadNeeds.get(text[i]);
    return needs !== undefined && text.length - 1 - i < needs ? i : text.length;
  }
}

/** A string-to-string stream that repairs mojibake across chunk boundaries. */
export function createMojibakeRepairStream(decodedAs: MojibakeCharset): Transform & { repairer: MojibakeRepairer } {
  const repairer = new MojibakeRepairer(decodedAs);
  const bytes = new StringDecoder('utf8');
  const stream = new Transform({
    decodeStrings: false,
    encoding: 'utf8',
    transform(chunk: string | Buffer, _enc, done) {
      done(null, repairer.write(typeof chunk === 'string' ? chunk : bytes.write(chunk)));
    },
    flush(done) {
      done(null, repairer.write(bytes.end()) + repairer.end());
    },
  });
  return Object.assign(stream, { repairer });
}

/** Where the word around a position starts and ends, for a readable example in the report. */
function wordAround(text: string, start: number, end: number): [number, number] {
  const stop = /[\s;,\t|"]/;
  while (start > 0 && !stop.test(text[start - 1]) && end - start < 40) start--;
  while (end < text.length && !stop.test(text[end]) && end - start < 60) end++;
  return [start, end];
}
