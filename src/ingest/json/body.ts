/**
 * The CSV body the readers hand to the loader: canonical dialect (`,`, `"` doubled, LF), no header
 * line, one line per source row. Rows are buffered and written in blocks of about 1 MiB.
 */
import { once } from 'node:events';
import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import type { CsvDialect, PreparedTable } from '../types.ts';

export const CANONICAL_DIALECT: CsvDialect = { delimiter: ',', quoteChar: '"', doubleQuote: true, lineTerminator: '\n', header: true };

/** What every JSON reader returns alike: the canonical body, one header row, no title row, no footer. */
export function canonicalTable(src: { report(): PreparedTable['encoding']; bytes: number }, utf8Path: string, header: string[]) {
  return {
    utf8Path, noFooter: true, encoding: src.report(), dialect: CANONICAL_DIALECT, header,
    headerRowNumber: 0, firstDataRowNumber: 1, skipped: [], sourceBytes: src.bytes,
  } satisfies Partial<PreparedTable>;
}

const FLUSH_CHARS = 1 << 20;
const NEEDS_QUOTES = /[",\n\r]/;

export function csvCell(v: string): string {
  return NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export class BodyWriter {
  private readonly out: fs.WriteStream;
  private parts: string[] = [];
  private size = 0;
  rows = 0;

  constructor(readonly path: string) {
    this.out = fs.createWriteStream(path);
  }

  /** Queues one row; call flush() between batches of rows. */
  add(cells: string[]) {
    const line = cells.map(csvCell).join(',') + '\n';
    this.parts.push(line);
    this.size += line.length;
    this.rows++;
  }

  get pending(): boolean {
    return this.size >= FLUSH_CHARS;
  }

  async flush() {
    if (this.parts.length === 0) return;
    const data = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.out.write(data)) await once(this.out, 'drain');
  }

  async close() {
    await this.flush();
    this.out.end();
    await finished(this.out);
  }

  /** Stops writing after an error; the caller removes the file. */
  destroy() {
    this.out.destroy();
  }
}
