/**
 * A JSON file as text and as stream-json tokens, read in 64 KiB chunks (never whole).
 *
 * JSON is UTF-8 (RFC 8259). A UTF-8 BOM is tolerated; UTF-16 (with a BOM, or told by the NUL of its
 * first ASCII character, as RFC 4627 did) is read too, since Windows tools still write it. A file
 * that is not valid UTF-8 and had no valid non-ASCII UTF-8 before its first invalid byte is read
 * again as Windows-1252 (old exports of Latin-1 databases); one that mixes both is refused with the
 * byte and line where UTF-8 breaks.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { getManyValues, isMany, none } from 'stream-chain/defs.js';
import { jsonParser, type Token } from 'stream-json/parser.js';
import { jsonVerifier } from 'stream-json/utils/verifier.js';
import { AppError } from '../../errors.ts';
import { completeUtf8Length, createDecoder, describeBinary } from '../csv/encoding.ts';
import type { EncodingReport } from '../types.ts';
import { readHead } from '../head.ts';

export type { Token };

const CHUNK_BYTES = 64 * 1024;
const SAMPLE_BYTES = 64 * 1024;
const UNDEFINED_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** What stream-json's verifier throws. */
interface VerifierFault {
  line: number;
  pos: number;
  offset: number;
  message: string;
}

/** Thrown by a read in UTF-8 that meets an invalid byte before any non-ASCII character: read it as 1252. */
export class ReadAsWindows1252 extends Error {
  constructor() {
    super('not UTF-8: read again as Windows-1252');
  }
}

/** Runs a pass; a file that turns out not to be UTF-8 (with no UTF-8 text before) is read again as Windows-1252. */
export async function withFallback<T>(src: JsonSource, pass: () => Promise<T>): Promise<T> {
  try {
    return await pass();
  } catch (err) {
    if (!(err instanceof ReadAsWindows1252)) throw err;
    src.useWindows1252();
    return pass();
  }
}

export class JsonSource {
  readonly name: string;
  private encoding: TextEncoding;
  private method: EncodingReport['method'];
  private readonly bom: boolean;
  private readonly start: number;
  private sawC1 = false;
  private invalidSequences = 0;

  private constructor(readonly file: string, readonly bytes: number, guess: { encoding: TextEncoding; bomLength: number; method: EncodingReport['method'] }) {
    this.name = path.basename(file);
    this.encoding = guess.encoding;
    this.method = guess.method;
    this.bom = guess.bomLength > 0;
    this.start = guess.bomLength;
  }

  /** Opens a file, refusing empty and binary files; `what` names the expected format in messages. */
  static async open(file: string, what = 'JSON'): Promise<JsonSource> {
    const name = path.basename(file);
    const bytes = (await fs.promises.stat(file)).size;
    if (bytes === 0) throw new AppError('empty_file', `The file "${name}" is empty (0 bytes). Check that the export finished and upload it again.`);
    const sample = await readHead(file, Math.min(SAMPLE_BYTES, bytes));
    const guess = sniffEncoding(sample);
    if (!guess) {
      const binary = describeBinary(sample);
      if (binary) {
        throw new AppError('binary_file', `The file "${name}" looks like ${binary}, not ${what} text. Upload the ${what} file itself, or that file in its own format if Dataville reads it.`, { found: binary });
      }
    }
    return new JsonSource(file, bytes, guess ?? { encoding: 'utf-8', bomLength: 0, method: 'valid-utf8' });
  }

  /** After ReadAsWindows1252: the following reads decode the bytes as Windows-1252. */
  useWindows1252() {
    this.encoding = 'windows-1252';
    this.method = 'fallback';
  }

  /** The encoding as read by the last complete pass. */
  report(): EncodingReport {
    const single = this.encoding === 'windows-1252';
    return {
      encoding: single && !this.sawC1 ? 'iso-8859-1' : this.encoding,
      bom: this.bom,
      method: this.method,
      confidence: single ? 0.5 : this.method === 'detected' ? 0.9 : 1,
      mojibake: null,
      invalidSequences: this.invalidSequences,
    };
  }

  /** The text in chunks. UTF-8 is checked byte for byte; see ReadAsWindows1252. */
  async *text(): AsyncGenerator<string> {
    this.invalidSequences = 0;
    this.sawC1 = false;
    const stream = fs.createReadStream(this.file, { start: this.start, highWaterMark: CHUNK_BYTES });
    if (this.encoding === 'utf-8') {
      let carry: Buffer | null = null;
      let offset = this.start;
      let sawNonAscii = false;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        const data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
        const cut = completeUtf8Length(data);
        carry = cut < data.length ? Buffer.from(data.subarray(cut)) : null;
        const part = data.subarray(0, cut);
        if (!isUtf8(part)) {
          stream.destroy();
          const at = offset + firstInvalidUtf8(part);
          if (!sawNonAscii && !nonAsciiBefore(part, at - offset)) throw new ReadAsWindows1252();
          throw await this.notUtf8(at);
        }
        if (!sawNonAscii) sawNonAscii = !isAscii(part);
        offset += part.length;
        yield part.toString('utf8');
      }
      if (carry) {
        if (!sawNonAscii) throw new ReadAsWindows1252();
        throw await this.notUtf8(offset);
      }
      return;
    }
    if (this.encoding === 'windows-1252') {
      const decoder = createDecoder('windows-1252');
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (!isAscii(chunk)) {
          for (const b of chunk) {
            if (b >= 0x80 && b <= 0x9f) {
              this.sawC1 = true;
              if (UNDEFINED_1252.has(b)) this.invalidSequences++;
            }
          }
        }
        yield decoder.decode(chunk);
      }
      return;
    }
    const decoder = new TextDecoder(this.encoding, { ignoreBOM: true });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = decoder.decode(chunk, { stream: true });
      this.invalidSequences += countReplacements(text);
      yield text;
    }
    const rest = decoder.decode();
    this.invalidSequences += countReplacements(rest);
    if (rest) yield rest;
  }

  /**
   * The tokens (keys, strings and numbers packed; numbers as their source text) in batches, one per
   * chunk of text. Several top-level values are allowed (JSON Lines); the caller decides.
   * A syntax error becomes an AppError saying where it is.
   */
  async *tokens(): AsyncGenerator<Token[]> {
    const parse = jsonParser({ packValues: true, streamValues: false, jsonStreaming: true }) as unknown as (text: string | typeof none) => unknown;
    const batch = (out: unknown): Token[] => (isMany(out) ? (getManyValues(out) as Token[]) : []);
    try {
      for await (const text of this.text()) {
        const tokens = batch(parse(text));
        if (tokens.length) yield tokens;
      }
      const last = batch(parse(none));
      if (last.length) yield last;
    } catch (err) {
      if (err instanceof AppError || err instanceof ReadAsWindows1252 || !(err instanceof Error) || !/^Parser /.test(err.message)) throw err;
      throw await this.syntaxError(err.message);
    }
  }

  /** Runs stream-json's verifier over the text to find where the parser failed. */
  private async syntaxError(parserMessage: string): Promise<AppError> {
    const verify = jsonVerifier({ jsonStreaming: true }) as unknown as (text: string | typeof none) => unknown;
    // Characters and (UTF-8) bytes before `current`, the chunk the verifier stopped in.
    let consumed = 0;
    let bytes = this.start;
    let before = '';
    let current = '';
    let found = null as VerifierFault | null;
    let atEnd = false;
    try {
      for await (const text of this.text()) {
        try {
          verify(text);
        } catch (e) {
          found = e as VerifierFault;
          current = text;
          break;
        }
        consumed += text.length;
        if (this.encoding === 'utf-8') bytes += Buffer.byteLength(text);
        before = text.slice(-200);
      }
      if (!found) {
        try {
          verify(none);
        } catch (e) {
          found = e as VerifierFault;
          atEnd = true;
        }
      }
    } catch (err) {
      if (err instanceof AppError) return err;
      throw err;
    }
    const reason = atEnd ? 'the file ends in the middle of a value (it may be cut short)' : describeSyntax((found?.message ?? parserMessage).replace(/^ERROR at .*?: /, ''));
    if (!found || typeof found.line !== 'number') {
      return new AppError('unreadable_table', `The file "${this.name}" is not valid JSON: ${reason}. Check that the export finished and that the file is JSON.`, { reason: parserMessage });
    }
    const local = Math.max(0, Math.min(current.length, found.offset - consumed));
    const near = (before + current).slice(Math.max(0, before.length + local - 40), before.length + local + 20).replace(/\s+/g, ' ').trim();
    const byte = this.encoding === 'utf-8' ? `, byte ${bytes + Buffer.byteLength(current.slice(0, local))}` : '';
    return new AppError(
      'unreadable_table',
      `The file "${this.name}" is not valid JSON: ${reason} at line ${found.line}, column ${found.pos}${byte}${near ? ` (near ${JSON.stringify(near)})` : ''}. ` +
        'Correct the file there, or export it again: JSON needs double quotes around keys and strings, commas between items and none before } or ].',
      { line: found.line, column: found.pos },
    );
  }

  private async notUtf8(byteOffset: number): Promise<AppError> {
    const line = await lineAt(this.file, byteOffset);
    return new AppError(
      'unknown_encoding',
      `The file "${this.name}" is not valid UTF-8: the bytes at ${byteOffset} (line ${line}) are not UTF-8, while text before them is. ` +
        'JSON files must be UTF-8: export the file again as UTF-8, or fix the characters on that line.',
      { byte: byteOffset, line },
    );
  }
}

/** Encoding told by a BOM or by the NULs around JSON's first (ASCII) character; null: UTF-8 by default. */
function sniffEncoding(sample: Buffer): { encoding: TextEncoding; bomLength: number; method: EncodingReport['method'] } | null {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3, method: 'bom' };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2, method: 'bom' };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2, method: 'bom' };
  if (sample.length >= 4 && sample[0] !== 0 && sample[1] === 0 && sample[2] !== 0 && sample[3] === 0) return { encoding: 'utf-16le', bomLength: 0, method: 'detected' };
  if (sample.length >= 4 && sample[0] === 0 && sample[1] !== 0 && sample[2] === 0 && sample[3] !== 0) return { encoding: 'utf-16be', bomLength: 0, method: 'detected' };
  return null;
}


/** Position of the first byte that does not start a valid UTF-8 sequence. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  for (let i = 0; i < buf.length; ) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const n = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > buf.length) return i;
    for (let k = 1; k < n; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i;
    // Overlongs, surrogates and code points past U+10FFFF.
    if ((b === 0xe0 && buf[i + 1] < 0xa0) || (b === 0xed && buf[i + 1] > 0x9f) || (b === 0xf0 && buf[i + 1] < 0x90) || (b === 0xf4 && buf[i + 1] > 0x8f)) return i;
    i += n;
  }
  return buf.length;
}

function nonAsciiBefore(buf: Uint8Array, end: number): boolean {
  for (let i = 0; i < end; i++) if (buf[i] >= 0x80) return true;
  return false;
}

function countReplacements(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) n++;
  return n;
}

async function lineAt(file: string, byteOffset: number): Promise<number> {
  let line = 1;
  let seen = 0;
  for await (const chunk of fs.createReadStream(file, { end: Math.max(0, byteOffset - 1), highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) line++;
    seen += chunk.length;
  }
  return byteOffset === 0 || seen === 0 ? 1 : line;
}

/** The parser's reason in plain words. */
function describeSyntax(message: string): string {
  const m = message.replace(/^(Parser|Verifier) (cannot parse input|has expected)[: ]*/, '').trim();
  if (/unexpected token '[}\]]'/.test(m)) return `an unexpected "${m.match(/'(.)'/)![1]}" (often a comma before it, which JSON does not allow)`;
  if (/unexpected characters/.test(m)) return 'unexpected characters (text outside quotes, single quotes, a comment, or a value like NaN that JSON does not have)';
  if (/expected an object key/.test(m)) return 'a key was expected (keys need double quotes; a comma before "}" is not allowed)';
  if (/expected ','/.test(m)) return 'a comma or the end of the list was expected';
  if (/expected ':'/.test(m)) return 'a ":" was expected after a key';
  if (/expected a value|^a value$/.test(m)) return 'a value was expected (text outside quotes, single quotes, or a value like NaN that JSON does not have)';
  if (/escaped characters/.test(m)) return 'an invalid escape (\\) in a string';
  return m || 'the text does not follow the JSON syntax';
}
