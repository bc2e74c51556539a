/**
 * Deciding how a text file's bytes are encoded, from a sample of its first bytes: BOM, then strict
 * UTF-8, then UTF-16 without BOM, then chardet. Binary files (spreadsheets, archives, images) are
 * refused here with a message that says what the file seems to be.
 */
import { isAscii } from 'node:buffer';
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { AppError } from '../../errors.ts';
import type { SourceEncoding } from '../types.ts';

export interface EncodingGuess {
  encoding: SourceEncoding;
  bom: boolean;
  /** Bytes to skip at the start of the file (the BOM). */
  bomLength: number;
  method: 'bom' | 'valid-utf8' | 'detected';
  confidence: number;
}

const BOMS: { bytes: number[]; encoding: SourceEncoding }[] = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
];

const MAGIC: { bytes: (number | string)[]; what: string }[] = [
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: 'an old Excel workbook (.xls) or another Microsoft Office file' },
  { bytes: ['%PDF'], what: 'a PDF document' },
  { bytes: [0x89, 'PNG'], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: ['GIF8'], what: 'a GIF image' },
  { bytes: [0x1f, 0x8b], what: 'a gzip-compressed file' },
  { bytes: ['PAR1'], what: 'a Parquet file' },
  { bytes: ['SQLite format 3', 0], what: 'an SQLite database' },
  { bytes: ['7z', 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { bytes: ['Rar!'], what: 'a RAR archive' },
];

const HOW_TO_FIX = 'Upload the file in its own format if Dataville reads it, or export the table as CSV (in Excel: "Save as" > "CSV UTF-8").';

function startsWith(sample: Buffer, parts: (number | string)[]): boolean {
  const magic = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from([p]))));
  return sample.length >= magic.length && sample.subarray(0, magic.length).equals(magic);
}

/** What a binary sample looks like ("an XLSX workbook"), or null when it may be text. */
export function describeBinary(sample: Buffer): string | null {
  if (startsWith(sample, ['PK', 3, 4]) || startsWith(sample, ['PK', 5, 6])) {
    const names = sample.toString('latin1');
    if (names.includes('xl/')) return 'an XLSX workbook (Excel)';
    if (names.includes('opendocument.spreadsheet')) return 'an ODS spreadsheet (LibreOffice)';
    if (names.includes('word/')) return 'a Word document (.docx)';
    return 'a ZIP archive';
  }
  for (const m of MAGIC) if (startsWith(sample, m.bytes)) return m.what;
  if (utf16Order(sample)) return null;
  if (sample.includes(0)) return 'a binary file (it contains NUL bytes)';
  let controls = 0;
  for (const b of sample) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1a) controls++;
  // A few stray control characters happen in exported text; binary formats are full of them.
  if (controls > 8 && controls > sample.length * 0.01) return 'a binary file (it is full of control characters)';
  return null;
}

/**
 * UTF-16 without BOM, told by where the NUL bytes are: Latin text in UTF-16 has a NUL in every
 * other byte, on the odd positions for little-endian and the even ones for big-endian.
 */
function utf16Order(sample: Buffer): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(sample.length, 4096) & ~1;
  if (n < 4) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (sample[i] === 0) even++;
    if (sample[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  if (odd > pairs * 0.3 && even < pairs * 0.02) return 'utf-16le';
  if (even > pairs * 0.3 && odd < pairs * 0.02) return 'utf-16be';
  return null;
}

/** True when the sample is valid UTF-8, allowing a character cut by the end of the sample. */
function isValidUtf8(sample: Buffer, complete: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

/** Office software writes Windows-1252; its extra characters live where ISO-8859-1 has C1 controls. */
function hasC1Bytes(sample: Buffer): boolean {
  for (const b of sample) if (b >= 0x80 && b <= 0x9f) return true;
  return false;
}

/** Decides the encoding of a file from a sample of its first bytes; `complete` when it is the whole file. */
export function detectEncoding(sample: Buffer, complete: boolean): EncodingGuess {
  for (const bom of BOMS) {
    if (startsWith(sample, bom.bytes)) {
      return { encoding: bom.encoding, bom: true, bomLength: bom.bytes.length, method: 'bom', confidence: 1 };
    }
  }
  const binary = describeBinary(sample);
  if (binary) {
    throw new AppError('binary_file', `The file looks like ${binary}, not a CSV text file. ${HOW_TO_FIX}`, { found: binary });
  }
  const utf16 = utf16Order(sample);
  if (utf16) return { encoding: utf16, bom: false, bomLength: 0, method: 'detected', confidence: 0.9 };
  if (isValidUtf8(sample, complete)) return { encoding: 'utf-8', bom: false, bomLength: 0, method: 'valid-utf8', confidence: 1 };
  return detectWithChardet(sample);
}

/**
 * chardet guesses we read as Windows-1252. UTF-8 is among them because chardet says UTF-8 for a
 * sample that is mostly UTF-8 with a few 1252 bytes; read as 1252, its UTF-8 sequences look like
 * mojibake and the repair stage turns them back into the right characters.
 */
const READ_AS_1252 = new Set(['ISO-8859-1', 'windows-1252', 'UTF-8']);

/** Share of the visible bytes that are not ASCII: a few percent in French or Dutch, most in Japanese. */
function nonAsciiShare(sample: Buffer): number {
  let visible = 0;
  let high = 0;
  for (const b of sample) {
    if (b > 0x20) visible++;
    if (b >= 0x80) high++;
  }
  return visible ? high / visible : 0;
}

function detectWithChardet(sample: Buffer): EncodingGuess {
  const guesses = chardet.analyse(sample);
  const top = guesses[0];
  const western = guesses.find((g) => READ_AS_1252.has(g.name));
  // chardet's language statistics often rank ISO-8859-2 or 1250 first for short Dutch or French
  // samples; a Western guess close behind is the better bet for Belgian files. But chardet also
  // says windows-1252, with low confidence, for Shift_JIS: text where most bytes are high is not
  // Western whatever it says.
  const foreignText = nonAsciiShare(sample) > 0.3;
  if (!top || !western || western.confidence < top.confidence * 0.5 || foreignText) {
    const named = foreignText ? (guesses.find((g) => !READ_AS_1252.has(g.name)) ?? top) : top;
    const seen = named ? `${named.name}${named.lang ? ` (${named.lang})` : ''}` : 'no known encoding';
    throw new AppError(
      'unknown_encoding',
      `The file is not UTF-8 and its encoding looks like ${seen}, which Dataville cannot read. ` +
        'Open it in a spreadsheet or text editor and save it again as "CSV UTF-8".',
      { guesses: guesses.slice(0, 3) },
    );
  }
  return {
    encoding: hasC1Bytes(sample) ? 'windows-1252' : 'iso-8859-1',
    bom: false,
    bomLength: 0,
    method: 'detected',
    confidence: Math.round(western.confidence) / 100,
  };
}

/** Decodes chunks of a stream; `stream: true` keeps a character cut at the end for the next call. */
export interface ChunkDecoder {
  decode(chunk?: Uint8Array, options?: { stream?: boolean }): string;
}

/**
 * Windows-1252 as browsers read it: Latin-1 except 0x80-0x9F, where 1252 has € ‚ ƒ ... ’ “ ” and
 * its five undefined bytes stay the C1 control of the same value. Node's TextDecoder reads the
 * label windows-1252 as plain Latin-1 (so € would come out as U+0080), and iconv-lite turns the
 * undefined bytes into U+FFFD, which would break the repair of "”" (E2 80 9D) in a file of mixed
 * UTF-8 and 1252. The native latin1 decode plus a replace of the rare 0x80-0x9F characters is fast.
 */
const C1_TO_1252 = new Map<string, string>();
for (let b = 0x80; b <= 0x9f; b++) {
  const ch = iconv.decode(Buffer.from([b]), 'windows-1252');
  C1_TO_1252.set(String.fromCharCode(b), ch === '\ufffd' ? String.fromCharCode(b) : ch);
}

function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\x80-\x9f]/g, (c) => C1_TO_1252.get(c)!);
}

// For each byte 0x80-0xFF read as 1252: its UTF-8 bytes (3 slots) and their count; flat typed arrays keep the loop fast.
const HIGH_UTF8 = new Uint8Array(128 * 3);
const HIGH_LENGTH = new Uint8Array(128);
for (let i = 0; i < 128; i++) {
  const seq = Buffer.from(C1_TO_1252.get(String.fromCharCode(0x80 + i)) ?? String.fromCharCode(0x80 + i), 'utf8');
  HIGH_UTF8.set(seq, i * 3);
  HIGH_LENGTH[i] = seq.length;
}
const UNDEFINED_1252_BYTES = [0x81, 0x8d, 0x8f, 0x90, 0x9d];

/**
 * Windows-1252 bytes straight to UTF-8, the same bytes as Buffer.from(decodeWindows1252(bytes)),
 * without the intermediate string and its replace (most of the transcode time on files full of
 * € and ’). Also tells whether a 0x80-0x9F byte occurred and counts the undefined ones.
 */
export function windows1252ToUtf8(bytes: Buffer): { utf8: Buffer; sawC1: boolean; undefinedCount: number } {
  if (isAscii(bytes)) return { utf8: bytes, sawC1: false, undefinedCount: 0 };
  const out = Buffer.allocUnsafe(bytes.length * 3);
  let o = 0;
  let c1 = 0;
  let undefinedCount = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x80) {
      out[o++] = b;
      continue;
    }
    const h = b - 0x80;
    if (h < 0x20) c1++;
    const n = HIGH_LENGTH[h];
    out[o] = HIGH_UTF8[h * 3];
    out[o + 1] = HIGH_UTF8[h * 3 + 1];
    if (n === 3) out[o + 2] = HIGH_UTF8[h * 3 + 2];
    o += n;
  }
  if (c1 > 0) for (const u of UNDEFINED_1252_BYTES) for (let at = bytes.indexOf(u); at >= 0; at = bytes.indexOf(u, at + 1)) undefinedCount++;
  return { utf8: out.subarray(0, o), sawC1: c1 > 0, undefinedCount };
}

/**
 * A decoder for the encoding; the BOM is skipped by the caller. ISO-8859-1 is read as 1252: the
 * two differ only in 0x80-0x9F, where real files hold 1252's € ’ “ ” and never ISO's controls.
 */
export function createDecoder(encoding: SourceEncoding): ChunkDecoder {
  if (encoding === 'windows-1252' || encoding === 'iso-8859-1') return { decode: (chunk) => (chunk ? decodeWindows1252(chunk) : '') };
  return new TextDecoder(encoding, { ignoreBOM: true });
}

/** Length of the part of a UTF-8 chunk that ends on a character boundary; the rest waits for the next chunk. */
export function completeUtf8Length(chunk: Uint8Array): number {
  const n = chunk.length;
  for (let k = 1; k <= Math.min(3, n); k++) {
    const b = chunk[n - k];
    if ((b & 0xc0) === 0x80) continue;
    if (b < 0xc0) return n;
    const needs = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return k < needs ? n - k : n;
  }
  return n;
}
