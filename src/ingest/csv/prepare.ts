/**
 * The first ingest stage for CSV: sniff the encoding, mojibake, dialect and header on a sample,
 * then stream the whole file into UTF-8 (no BOM) starting at the first data record.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../errors.ts';
import type { CsvDialect, EncodingReport, PreparedCsv, SourceEncoding, TableError } from '../types.ts';
import { locateHeader, sniffDialect } from './dialect.ts';
import { completeUtf8Length, createDecoder, detectEncoding, windows1252ToUtf8, type EncodingGuess } from './encoding.ts';
import { detectMojibake, MojibakeRepairer, type MojibakeCharset } from './mojibake.ts';
import { readHead } from '../head.ts';

export interface PrepareCsvOptions {
  /** Files with more columns are refused (default 1000). */
  maxColumns?: number;
}

const SAMPLE_BYTES = 256 * 1024;
const CHUNK_BYTES = 1024 * 1024;
/** The sample grows (x4) while it holds no complete header and data row, up to this size. */
const MAX_SAMPLE_BYTES = 16 * 1024 * 1024;

interface Sniffed {
  guess: EncodingGuess;
  mojibake: MojibakeCharset | null;
  dialect: CsvDialect;
  header: string[];
  headerRowNumber: number;
  firstDataRowNumber: number;
  skipped: TableError[];
  /** UTF-8 bytes of decoded text above the first data record. */
  skipBytes: number;
}

/** Sniffs a CSV file and writes its data records as UTF-8 to `workDir/body.csv`. */
export async function prepareCsv(sourcePath: string, workDir: string, opts: PrepareCsvOptions = {}): Promise<PreparedCsv> {
  const maxColumns = opts.maxColumns ?? 1000;
  const sourceBytes = (await fs.promises.stat(sourcePath)).size;
  const name = path.basename(sourcePath);
  if (sourceBytes === 0) throw new AppError('empty_file', `The file "${name}" is empty (0 bytes). Check that the export finished and upload it again.`);
  const s = await sniff(sourcePath, sourceBytes, maxColumns);

  const utf8Path = path.join(workDir, 'body.csv');
  await fs.promises.mkdir(workDir, { recursive: true });
  const plan = {
    encoding: s.guess.encoding,
    startByte: s.guess.bomLength,
    repairs: s.mojibake ? [{ decodedAs: s.mojibake }] : [],
    skipBytes: s.skipBytes,
    fallbackOnInvalid: s.guess.method === 'valid-utf8',
  };
  let method: EncodingReport['method'] = s.guess.method;
  let result;
  try {
    result = await transcodeToUtf8(sourcePath, utf8Path, plan);
  } catch (err) {
    if (!(err instanceof NeedsFallback)) throw err;
    // Valid UTF-8 at the start, Windows-1252 further down. Read as 1252, the UTF-8 part comes out as
    // 1252 mojibake, which a first repair pass undoes, so the start reads exactly as sniffed.
    method = 'fallback';
    const repairs: Repair[] = err.sawNonAscii ? [{ decodedAs: 'windows-1252', everySequence: true }, ...plan.repairs] : plan.repairs;
    result = await transcodeToUtf8(sourcePath, utf8Path, { ...plan, encoding: 'windows-1252', repairs, fallbackOnInvalid: false });
  }

  const encoding: SourceEncoding = method === 'fallback' || (s.guess.encoding === 'iso-8859-1' && result.sawC1) ? 'windows-1252' : s.guess.encoding;
  // Report the file's own mojibake (the last repair); the fallback's 1252 pass when it is all there is.
  const reported = result.repairers.at(-1);
  return {
    utf8Path,
    encoding: {
      encoding,
      bom: s.guess.bom,
      method,
      confidence: method === 'fallback' ? 0.5 : s.guess.confidence,
      mojibake: reported && reported.repairedCount > 0 ? { decodedAs: reported.decodedAs, repairedCount: reported.repairedCount, example: reported.example } : null,
      invalidSequences: result.invalidSequences,
    },
    dialect: s.dialect,
    header: s.header,
    headerRowNumber: s.headerRowNumber,
    firstDataRowNumber: s.firstDataRowNumber,
    skipped: s.skipped,
    sourceBytes,
  };
}


async function sniff(file: string, sourceBytes: number, maxColumns: number): Promise<Sniffed> {
  const name = path.basename(file);
  for (let size = SAMPLE_BYTES; ; size *= 4) {
    const sample = await readHead(file, Math.min(size, sourceBytes));
    const complete = sample.length >= sourceBytes;
    const canGrow = !complete && size < MAX_SAMPLE_BYTES;
    const guess = detectEncoding(sample, complete);
    let text = createDecoder(guess.encoding).decode(sample.subarray(guess.bomLength), { stream: !complete });
    if (text.trim() === '') {
      if (canGrow) continue;
      throw new AppError('empty_file', `The file "${name}" contains only blank space, no table. Check that the export finished and upload it again.`);
    }
    // Text read as 1252 because its bytes were not all UTF-8 may still hold UTF-8 pasted in.
    const mojibake = detectMojibake(text, { mixed: guess.method === 'detected' && !guess.encoding.startsWith('utf-16') });
    if (mojibake) {
      const repairer = new MojibakeRepairer(mojibake);
      text = repairer.write(text) + (complete ? repairer.end() : '');
    }

    const parsed = sniffDialect(text, complete);
    const { delimiter } = parsed.dialect;
    const first = parsed.records.find((r) => r.fields.some((f) => f.trim() !== ''));
    const columns = Math.max(parsed.width, first ? first.fields.length : parsed.maxFields);
    if (columns > maxColumns) {
      throw new AppError(
        'too_many_columns',
        `The file "${name}" has ${parsed.records.length ? columns : `more than ${maxColumns}`} columns (separated by ${describe(delimiter)}); ` +
          `Dataville reads at most ${maxColumns}. Check that the table is not transposed (one column per row), or split it into narrower tables.`,
        { maxColumns, delimiter },
      );
    }
    if (parsed.records.length === 0) {
      if (canGrow) continue;
      throw new AppError(
        'unreadable_table',
        complete
          ? `The first row of "${name}" never ends: a quote (") opens a cell and is never closed, so the whole file reads as one cell. Close the quote or remove it, and upload the file again.`
          : `The first row of "${name}" does not end within the first ${Math.round(sample.length / 1048576)} MiB. ` +
              'Look for a quote (") that opens a cell and is never closed, or for line breaks that were lost.',
      );
    }

    const loc = locateHeader(parsed.records);
    if (loc.kind === 'blank') {
      if (canGrow) continue;
      throw new AppError('empty_file', `The file "${name}" contains only blank rows (empty cells separated by ${describe(delimiter)}), no data.`);
    }
    if (!loc.hasData) {
      if (canGrow) continue;
      if (complete) {
        const labels = parsed.records[loc.headerIndex!].fields.map((f) => f.trim());
        throw new AppError(
          'header_only',
          `The file "${name}" has a header row (${preview(labels)}) but no data rows below it. Add the data rows and upload it again.`,
        );
      }
    }

    const header = loc.headerIndex === null ? Array.from({ length: loc.width }, (_, i) => `column_${i + 1}`) : parsed.records[loc.headerIndex].fields.map((f) => f.trim());
    const headerRow = loc.headerIndex === null ? null : parsed.records[loc.headerIndex];
    const firstData = parsed.records[loc.dataIndex];
    const above = loc.dataIndex > 0 ? parsed.records[loc.dataIndex - 1] : null;
    return {
      guess,
      mojibake,
      dialect: { ...parsed.dialect, header: headerRow !== null },
      header,
      headerRowNumber: headerRow ? headerRow.number : 0,
      firstDataRowNumber: firstData ? firstData.number : (above?.number ?? 0) + 1,
      skipped: loc.skipped,
      skipBytes: above ? above.end : 0,
    };
  }
}

function describe(delimiter: string): string {
  return delimiter === '\t' ? 'tabs' : `"${delimiter}"`;
}

function preview(labels: string[]): string {
  const shown = labels.slice(0, 5).map((l) => `"${l}"`).join(', ');
  return labels.length > 5 ? `${shown}, ...` : shown;
}

interface Repair {
  decodedAs: MojibakeCharset;
  everySequence?: boolean;
}

interface TranscodePlan {
  encoding: SourceEncoding;
  /** Where the text starts in the file (after the BOM). */
  startByte: number;
  /** Mojibake repairs to apply, in order. */
  repairs: Repair[];
  /** UTF-8 bytes of decoded text to drop: the title rows and the header. */
  skipBytes: number;
  /** Stop with NeedsFallback at the first invalid UTF-8 sequence instead of replacing it. */
  fallbackOnInvalid: boolean;
}

interface TranscodeResult {
  invalidSequences: number;
  repairers: MojibakeRepairer[];
  /** A character of 1252's 0x80-0x9F range was seen (the file is 1252, not ISO-8859-1). */
  sawC1: boolean;
}

/** Thrown when a file that started as valid UTF-8 turns out not to be. */
class NeedsFallback extends Error {
  constructor(readonly sawNonAscii: boolean) {
    super('invalid UTF-8 after a valid start');
  }
}

/** A multibyte UTF-8 sequence, seen byte per byte. */
const UTF8_MULTIBYTE = /[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}/;
const REPLACEMENT = /\uFFFD/g;
const RAW_REPLACEMENT = Buffer.from('\uFFFD', 'utf8');
/** What 1252 makes of 0x80-0x9F (€ ’ “ ...), and the C1 controls its undefined bytes stay. */
const C1_RANGE_1252 = new RegExp(`[${createDecoder('windows-1252').decode(Buffer.from(Array.from({ length: 32 }, (_, i) => 0x80 + i)))}]`);
const UNDEFINED_1252 = /[\u0081\u008d\u008f\u0090\u009d]/g;

function countMatches(text: string, re: RegExp): number {
  return text.match(re)?.length ?? 0;
}

function countRaw(buf: Buffer, needle: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(needle); i >= 0; i = buf.indexOf(needle, i + needle.length)) n++;
  return n;
}

/**
 * One streaming pass: decode, repair, drop the preamble, write UTF-8. Valid UTF-8 without repairs
 * is copied byte for byte (checked per chunk by the native isUtf8), the common and fast case.
 */
async function transcodeToUtf8(source: string, dest: string, plan: TranscodePlan): Promise<TranscodeResult> {
  const repairers = plan.repairs.map((r) => new MojibakeRepairer(r.decodedAs, r));
  const result: TranscodeResult = { invalidSequences: 0, repairers, sawC1: false };
  let toSkip = plan.skipBytes;
  let sawNonAscii = false;

  const drop = (out: Buffer): Buffer | null => {
    if (toSkip >= out.length) {
      toSkip -= out.length;
      return null;
    }
    const kept = toSkip > 0 ? out.subarray(toSkip) : out;
    toSkip = 0;
    return kept;
  };
  const singleByte = plan.encoding === 'windows-1252' || plan.encoding === 'iso-8859-1';
  // For 1252, counted after the repairs: a UTF-8 sequence read as 1252 may hold an undefined byte (Á is C3 81).
  const countUndefined1252 = (text: string) => {
    if (singleByte) result.invalidSequences += countMatches(text, UNDEFINED_1252);
    return text;
  };
  const repair = (text: string): string => {
    for (const r of repairers) text = r.write(text);
    return countUndefined1252(text);
  };
  const flushRepairs = (): string => {
    let text = '';
    for (const r of repairers) text = r.write(text) + r.end();
    return countUndefined1252(text);
  };

  const utf8 = new TextDecoder('utf-8');
  let carry: Buffer | null = null;
  const fromUtf8 = (chunk: Buffer | null): Buffer => {
    const data = carry && chunk ? Buffer.concat([carry, chunk]) : (chunk ?? carry ?? Buffer.alloc(0));
    // A character cut at the end of a chunk waits for the next one; at the end of the file it is invalid.
    const cut = chunk ? completeUtf8Length(data) : data.length;
    carry = cut < data.length ? Buffer.from(data.subarray(cut)) : null;
    const part = data.subarray(0, cut);
    const valid = isUtf8(part);
    if (!valid && plan.fallbackOnInvalid) throw new NeedsFallback(sawNonAscii || UTF8_MULTIBYTE.test(part.toString('latin1')));
    if (valid && !sawNonAscii) sawNonAscii = !isAscii(part);
    if (valid && repairers.length === 0) return part;
    const text = utf8.decode(part);
    if (!valid) result.invalidSequences += countMatches(text, REPLACEMENT) - countRaw(part, RAW_REPLACEMENT);
    return Buffer.from(repair(text), 'utf8');
  };

  const decoder = createDecoder(plan.encoding);
  const fromOther = (chunk: Buffer | null): Buffer => {
    if (singleByte && repairers.length === 0 && chunk) {
      // No repairs to run on text: straight from bytes, same output, counts and C1 flag.
      const direct = windows1252ToUtf8(chunk);
      if (direct.sawC1) result.sawC1 = true;
      result.invalidSequences += direct.undefinedCount;
      return direct.utf8;
    }
    const text = chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    if (singleByte && !result.sawC1) result.sawC1 = C1_RANGE_1252.test(text);
    if (!singleByte) result.invalidSequences += countMatches(text, REPLACEMENT);
    return Buffer.from(repair(text), 'utf8');
  };

  const convertChunk = plan.encoding === 'utf-8' ? fromUtf8 : fromOther;
  async function* convert(chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) {
      const kept = drop(convertChunk(chunk));
      if (kept?.length) yield kept;
    }
    const last = drop(Buffer.concat([convertChunk(null), Buffer.from(flushRepairs(), 'utf8')]));
    if (last?.length) yield last;
  }

  await pipeline(
    fs.createReadStream(source, { start: plan.startByte, highWaterMark: CHUNK_BYTES }),
    convert,
    fs.createWriteStream(dest, { highWaterMark: CHUNK_BYTES }),
  );
  return result;
}
