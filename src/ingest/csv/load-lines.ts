/**
 * Byte-level looks at a CSV body, for what DuckDB's reader does not tell.
 *
 * Empty lines: the reader skips them without a trace, yet each one is a record of the source:
 * record numbers after it shift by one, and it is a blank row to report. A quick byte search rules
 * them out in almost every file; only files where one may exist get the quote-aware scan (an empty
 * line inside a quoted cell is text, not a record). Also: mixed line endings, which the strict
 * reader refuses, and whether the file ends where the last row read ends.
 */
import fs from 'node:fs';
import type { CsvDialect } from '../types.ts';

export interface EmptyLines {
  /** Non-empty records seen: must equal DuckDB's row count for the positions to be trusted. */
  records: number;
  /** For each empty line, in order, the number of non-empty records before it. */
  before: number[];
}

const CHUNK = 4 << 20;
const LF = 0x0a;
const CR = 0x0d;

async function* chunks(file: string): AsyncGenerator<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** True when the file may hold an empty line: a line break right after another, or at its start. */
export async function mayHaveEmptyLines(file: string): Promise<boolean> {
  let carry = Buffer.alloc(0);
  let first = true;
  for await (const chunk of chunks(file)) {
    if (first && (chunk[0] === LF || chunk[0] === CR)) return true;
    first = false;
    // Two bytes of the previous chunk catch a pattern cut in two.
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    if (buf.indexOf('\n\n') >= 0 || buf.indexOf('\r\r') >= 0 || buf.indexOf('\n\r\n') >= 0) return true;
    carry = Buffer.from(buf.subarray(Math.max(0, buf.length - 2)));
  }
  return false;
}

/** Finds the empty lines outside quoted cells, reading the dialect the way DuckDB does (RFC 4180). */
export async function scanEmptyLines(file: string, dialect: CsvDialect): Promise<EmptyLines> {
  const quote = dialect.quoteChar ? dialect.quoteChar.charCodeAt(0) : -1;
  const delimiter = dialect.delimiter.charCodeAt(0);
  const backslash = !dialect.doubleQuote;
  const before: number[] = [];
  let records = 0;
  let inQuotes = false;
  let quoteSeen = false; // inside quotes, a quote that may close them or be the first of a pair
  let escaped = false;
  let fieldStart = true;
  let lineEmpty = true;
  let afterCR = false;
  const endLine = () => {
    if (lineEmpty) before.push(records);
    else records++;
    lineEmpty = true;
    fieldStart = true;
  };
  for await (const buf of chunks(file)) {
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i];
      if (inQuotes) {
        if (escaped) escaped = false;
        else if (quoteSeen) {
          quoteSeen = false;
          if (b !== quote) {
            inQuotes = false;
            i--; // the byte after a closing quote is read as outside quotes
          }
        } else if (backslash && b === 0x5c) escaped = true;
        else if (b === quote) quoteSeen = true;
        continue;
      }
      if (b === LF) {
        if (!afterCR) endLine();
        afterCR = false;
        continue;
      }
      if (b === CR) {
        endLine();
        afterCR = true;
        continue;
      }
      afterCR = false;
      lineEmpty = false;
      if (b === quote && fieldStart) inQuotes = true;
      fieldStart = b === delimiter;
    }
  }
  if (!lineEmpty || inQuotes) records++;
  return { records, before };
}

/** True when some lines end with CRLF and others with a bare LF: DuckDB's strict reader refuses that. */
export async function hasMixedLineEndings(file: string): Promise<boolean> {
  let crlf = false;
  let lf = false;
  let previous = 0;
  for await (const buf of chunks(file)) {
    for (let at = buf.indexOf(LF); at >= 0; at = buf.indexOf(LF, at + 1)) {
      const before = at > 0 ? buf[at - 1] : previous;
      if (before === CR) crlf = true;
      else lf = true;
      if (crlf && lf) return true;
    }
    previous = buf[buf.length - 1];
  }
  return false;
}

/**
 * True when the file ends with the given last cell, as text or quoted. DuckDB's serial reader
 * drops a last record whose quote never closes without an error; then the file ends elsewhere.
 */
export async function endsWithCell(file: string, cell: string, quote: string): Promise<boolean> {
  const { size } = await fs.promises.stat(file);
  const length = Math.min(size, Buffer.byteLength(cell) + 4096);
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, size - length);
    const end = buf.toString('utf8').replace(/[\r\n]+$/, '');
    // A quoted last cell ends with the quote, however its inner quotes were escaped.
    return end.endsWith(cell) || (quote !== '' && end.endsWith(quote));
  } finally {
    await fh.close();
  }
}

/** True when the file holds anything but white space. */
export async function hasText(file: string): Promise<boolean> {
  for await (const buf of chunks(file)) {
    for (const b of buf) if (b !== 0x20 && b !== 0x09 && b !== LF && b !== CR) return true;
  }
  return false;
}
