/**
 * The XLSX reader: a workbook becomes one PreparedTable per table found on its sheets, each a UTF-8
 * body CSV in the canonical dialect, so the CSV loader, the audit and the storage work unchanged.
 *
 * Per sheet: one streaming pass over its XML writes every row to a raw temp file and keeps the first
 * rows (sheet.ts); the tables are then decided (layout.ts); a second pass over the raw file writes
 * the bodies, one line per sheet row from the first data row (an empty row is an empty line).
 * Memory holds the shared strings, the first rows and a few counters per column, whatever the
 * number of rows. Decisions and limits: docs/decisions/0005-xlsx-reader.md.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import readline from 'node:readline';
import { AppError } from '../../errors.ts';
import type { CsvDialect, EncodingReport, PreparedTable } from '../types.ts';
import { planSheet, type SheetPlan, type TablePlan } from './layout.ts';
import { cellName, isLabelText, scanSheet, type SheetScan } from './sheet.ts';
import { readWorkbook, type SheetEntry, type WorkbookInfo } from './workbook.ts';
import { checkContainer, DEFAULT_ZIP_LIMITS, SafeZip } from './zip.ts';

export interface XlsxReadOptions {
  /** Which sheet(s): a sheet name, a 1-based position among visible sheets, or 'all' (default: 'all'). */
  sheet?: string | number | 'all';
  /** Refuse tables wider than this (default 1000). */
  maxColumns?: number;
  /** Refuse sheets longer than this (default 2,000,000). */
  maxRows?: number;
  /** ZIP bomb guard: refuse workbooks whose XML parts unpack to more than this (default 4 GiB). */
  maxUncompressedBytes?: number;
  /** ZIP bomb guard: refuse XML parts over 1 MiB compressed more than this many times (default 100). */
  maxCompressionRatio?: number;
}

export interface XlsxSheetInfo {
  name: string;
  state: 'visible' | 'hidden' | 'veryHidden';
  /** Tables read from the sheet. */
  tables: number;
  /** Rows of the sheet holding at least one value (0 when the sheet was not read). */
  rows: number;
  /** What happened to the sheet when it is not simply read (hidden, empty, table of contents ...). */
  note?: string;
}

const DIALECT: CsvDialect = { delimiter: ',', quoteChar: '"', doubleQuote: true, lineTerminator: '\n', header: true };
const ENCODING: EncodingReport = { encoding: 'utf-8', bom: false, method: 'container', confidence: 1, mojibake: null, invalidSequences: 0 };
/** Rows kept in memory per sheet for header detection. */
const SAMPLE_ROWS = 100;
const FLUSH_CHARS = 1 << 20;

/** Reads the tables of a workbook into body CSV files in workDir. */
export async function readXlsx(sourcePath: string, workDir: string, opts: XlsxReadOptions = {}): Promise<{ tables: PreparedTable[]; sheets: XlsxSheetInfo[] }> {
  const displayName = path.basename(sourcePath);
  const maxColumns = opts.maxColumns ?? 1000;
  const maxRows = opts.maxRows ?? 2_000_000;
  const choice = opts.sheet ?? 'all';
  const sourceBytes = await checkContainer(sourcePath, displayName);
  const zip = await SafeZip.open(sourcePath, displayName, {
    maxUncompressedBytes: opts.maxUncompressedBytes ?? DEFAULT_ZIP_LIMITS.maxUncompressedBytes,
    maxCompressionRatio: opts.maxCompressionRatio ?? DEFAULT_ZIP_LIMITS.maxCompressionRatio,
  });
  try {
    const wb = await readWorkbook(zip, displayName);
    if (wb.sheets.length === 0) {
      throw new AppError('empty_file', `The workbook "${displayName}" has no sheets. Open it in Excel, check that it holds the table, save it and upload it again.`);
    }
    const chosen = chooseSheets(wb.sheets, choice, displayName);
    const all = choice === 'all';
    await fs.promises.mkdir(workDir, { recursive: true });

    const sheets: XlsxSheetInfo[] = [];
    const tables: PreparedTable[] = [];
    const workbookNotes: string[] = [];
    for (const [index, entry] of wb.sheets.entries()) {
      const info: XlsxSheetInfo = { name: entry.name, state: entry.state, tables: 0, rows: 0 };
      sheets.push(info);
      if (!chosen.has(index)) {
        if (all) {
          info.note = `Hidden in the workbook (${entry.state}); not read. Choose it by name to read it.`;
          workbookNotes.push(`Sheet "${entry.name}" is hidden in the workbook and was not read.`);
        } else {
          info.note = 'Not read: another sheet was chosen.';
        }
        continue;
      }
      const read = await readSheet(zip, wb, entry, index, { workDir, displayName, maxColumns, maxRows, all, sourceBytes });
      info.rows = read.rows;
      info.tables = read.tables.length;
      if (read.note) info.note = read.note;
      if (read.skipNote) workbookNotes.push(read.skipNote);
      tables.push(...read.tables);
    }

    if (tables.length === 0) {
      const why = sheets.map((s) => `"${s.name}": ${s.note ?? 'no table'}`).join('; ');
      throw new AppError(
        'empty_file',
        `The workbook "${displayName}" holds no table on ${all ? 'a visible sheet' : 'the chosen sheet'} (${why}). ` +
          'Put the table on a visible sheet, with its header row above the data, save the workbook and upload it again.',
        { sheets },
      );
    }
    if (all && workbookNotes.length) for (const t of tables) t.notes = [...(t.notes ?? []), ...workbookNotes];
    return { tables, sheets };
  } finally {
    zip.close();
  }
}

/** Indexes of the sheets to read. An explicit name may pick a hidden sheet; a position counts visible ones. */
function chooseSheets(sheets: SheetEntry[], choice: string | number, displayName: string): Set<number> {
  let position = typeof choice === 'number' ? choice : NaN;
  const visible = sheets.map((s, i) => ({ s, i })).filter(({ s }) => s.state === 'visible');
  if (choice === 'all') return new Set(visible.map(({ i }) => i));
  const listing = sheets.map((s) => `"${s.name}"${s.state === 'visible' ? '' : ' (hidden)'}`).join(', ');
  if (typeof choice === 'string') {
    const exact = sheets.findIndex((s) => s.name === choice);
    if (exact >= 0) return new Set([exact]);
    const folded = sheets.findIndex((s) => s.name.trim().toLowerCase() === choice.trim().toLowerCase());
    if (folded >= 0) return new Set([folded]);
    if (!/^\d+$/.test(choice.trim())) {
      throw new AppError(
        'bad_request',
        `The workbook "${displayName}" has no sheet named "${choice}". Its sheets are: ${listing}. ` +
          `Choose one of these names, its position among the visible sheets (1 to ${visible.length}), or all sheets.`,
        { sheets: sheets.map((s) => s.name) },
      );
    }
    position = Number(choice.trim());
  }
  const picked = Number.isInteger(position) ? visible[position - 1] : undefined;
  if (!picked) {
    throw new AppError(
      'bad_request',
      `The workbook "${displayName}" has ${visible.length} visible sheet${visible.length === 1 ? '' : 's'}, so there is no sheet number ${position}. ` +
        `Its sheets are: ${listing}. Choose a position from 1 to ${visible.length}, or a sheet by name.`,
      { sheets: sheets.map((s) => s.name) },
    );
  }
  return new Set([picked.i]);
}

interface SheetContext {
  workDir: string;
  displayName: string;
  maxColumns: number;
  maxRows: number;
  /** Every visible sheet is read (table-of-contents and notes sheets are then skipped). */
  all: boolean;
  sourceBytes: number;
}

interface SheetResult {
  tables: PreparedTable[];
  rows: number;
  note?: string;
  /** Set when the sheet was skipped: a note for the tables of the other sheets. */
  skipNote?: string;
}

async function readSheet(zip: SafeZip, wb: WorkbookInfo, entry: SheetEntry, index: number, ctx: SheetContext): Promise<SheetResult> {
  const where = `Sheet "${entry.name}" of "${ctx.displayName}"`;
  if (entry.kind !== 'worksheet' || !entry.part) {
    const what = entry.kind === 'chartsheet' ? 'is a chart sheet: it holds a chart, not cells' : 'holds no cells Dataville can read (a dialog or macro sheet, or a missing part)';
    if (!ctx.all) throw new AppError('empty_file', `${where} ${what}. Choose the sheet that holds the table.`);
    return { tables: [], rows: 0, note: `Not read: it ${what}.`, skipNote: `Sheet "${entry.name}" ${what}; it was not read.` };
  }
  const rawPath = path.join(ctx.workDir, `.xlsx-raw-${process.pid}-${index + 1}.jsonl`);
  try {
    const scan = await scanSheet(zip, entry.part, {
      sharedStrings: wb.sharedStrings, styles: wb.styles, date1904: wb.date1904, maxRows: ctx.maxRows,
      sampleRows: SAMPLE_ROWS, sheetName: entry.name, displayName: ctx.displayName,
    }, rawPath);
    const hiddenNote = entry.state === 'visible' ? [] : [`Sheet "${entry.name}" is hidden in the workbook; it was read because it was chosen by name.`];

    if (scan.valueRows === 0) {
      const what = scan.merges.length
        ? `holds no values, only ${scan.merges.length} merged cell${scan.merges.length > 1 ? 's' : ''} without text`
        : 'is empty';
      if (!ctx.all) throw new AppError('empty_file', `${where} ${what}: it holds no table. Choose the sheet that holds the table, or fill this one and upload the workbook again.`);
      return { tables: [], rows: 0, note: `Not read: it ${what}, no table.`, skipNote: `Sheet "${entry.name}" ${what}; it holds no table.` };
    }
    if (ctx.all && isTableOfContents(scan)) {
      const what = 'is a table of contents (its cells are links to the other sheets)';
      return { tables: [], rows: scan.valueRows, note: `Not read: it ${what}.`, skipNote: `Sheet "${entry.name}" ${what}; it was not published as a table.` };
    }
    if (ctx.all && isNotes(scan)) {
      const what = 'holds notes (lines of text, one cell per row), not a table';
      return { tables: [], rows: scan.valueRows, note: `Not read: it ${what}. Choose it by name to read it as a one-column table.`, skipNote: `Sheet "${entry.name}" ${what}; it was not published as a table.` };
    }

    const plan = planSheet(scan);
    for (const t of plan.tables) {
      if (t.cols.length > ctx.maxColumns) {
        throw new AppError(
          'too_many_columns',
          `${where} has a table of ${t.cols.length} columns (${t.span}); Dataville reads at most ${ctx.maxColumns}. ` +
            'Check that the table is not transposed (one column per row), or split it into narrower tables.',
          { maxColumns: ctx.maxColumns, sheet: entry.name },
        );
      }
    }
    if (plan.tables.length === 0) {
      const headerOnly = plan.skippedTables.find((s) => s.reason === 'header-only');
      const what = headerOnly
        ? `has a header row (row ${headerOnly.headerRow}: ${headerOnly.header.slice(0, 5).map((h) => `"${h}"`).join(', ')}${headerOnly.header.length > 5 ? ', ...' : ''}) but no data rows below it`
        : 'holds no table (no rows of data)';
      if (!ctx.all) throw new AppError(headerOnly ? 'header_only' : 'empty_file', `${where} ${what}. Add the data rows, or choose the sheet that holds them, and upload the workbook again.`);
      return { tables: [], rows: scan.valueRows, note: `Not read: it ${what}.`, skipNote: `Sheet "${entry.name}" ${what}; it was not published.` };
    }

    const split = plan.tables.length > 1;
    const bodies = await writeBodies(scan, plan, ctx.workDir, index);
    const sheetNotes = [...plan.notes];
    if (bodies.unused.count) {
      const first = bodies.unused.first.map((u) => `${cellName(u.r, u.c)} ${JSON.stringify(u.text.length > 40 ? u.text.slice(0, 37) + '...' : u.text)}`).join(', ');
      sheetNotes.push(`${bodies.unused.count} cell${bodies.unused.count > 1 ? 's' : ''} outside the table${split ? 's' : ''} ${bodies.unused.count > 1 ? 'were' : 'was'} not read (${first}${bodies.unused.count > 3 ? ', ...' : ''}).`);
    }
    for (const s of plan.skippedTables) {
      sheetNotes.push(`Columns ${s.span} ${s.reason === 'header-only' ? `hold a header (row ${s.headerRow}) without data rows` : 'hold no rows of data'}; they were not read.`);
    }
    const tables = plan.tables.map((t, i): PreparedTable => {
      const notes = [...hiddenNote, ...sheetNotes, ...t.notes];
      if (bodies.filled[i]) {
        notes.push(`${bodies.filled[i]} merged cell range${bodies.filled[i] > 1 ? 's' : ''} inside the data ${bodies.filled[i] > 1 ? 'were' : 'was'} filled: every cell a merged cell covers takes its value.`);
      }
      return {
        utf8Path: bodies.paths[i],
        encoding: ENCODING,
        dialect: { ...DIALECT, header: t.headerRows.length > 0 },
        header: t.header,
        headerRowNumber: t.headerRows.at(-1) ?? 0,
        firstDataRowNumber: t.firstDataRow,
        skipped: t.skipped,
        sourceBytes: ctx.sourceBytes,
        name: split ? `${entry.name} (${t.span})` : entry.name,
        origin: { format: 'xlsx', sheet: entry.name, range: t.range },
        notes,
      };
    });
    return {
      tables,
      rows: scan.valueRows,
      note: split ? plan.notes[0] : entry.state !== 'visible' ? 'Hidden in the workbook; read because it was chosen by name.' : undefined,
    };
  } finally {
    await fs.promises.rm(rawPath, { force: true });
  }
}

/** Most cells are links to places inside the workbook: an index of the sheets, not data. */
function isTableOfContents(scan: SheetScan): boolean {
  return scan.valueCells <= 5000 && scan.internalLinkCells >= 0.5 * scan.valueCells;
}

/**
 * One value per row (almost always), few rows, mostly sentences: explanations, not a table. A list
 * of names in one column has short values; it stays a table.
 */
function isNotes(scan: SheetScan): boolean {
  if (scan.valueRows > 500 || scan.multiRows > 0.1 * scan.valueRows) return false;
  const texts = scan.sample.flatMap((s) => [...s.cells.values()]).filter(isLabelText).map((c) => c.v.trim());
  if (texts.length === 0) return false;
  const lengths = texts.map((t) => t.length).sort((a, b) => a - b);
  const sentences = texts.filter((t) => t.split(/\s+/).length >= 6).length;
  return lengths[Math.floor(lengths.length / 2)] >= 40 && sentences >= texts.length / 2;
}

interface Bodies {
  paths: string[];
  /** Merged ranges filled in the data, per table. */
  filled: number[];
  unused: { count: number; first: { r: number; c: number; text: string }[] };
}

const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

class BodyWriter {
  readonly out: fs.WriteStream;
  private readonly closed: Promise<unknown>;
  private buffer: string[] = [];
  private chars = 0;
  /** The next sheet row to write. */
  next: number;
  readonly pos = new Map<number, number>();
  readonly fillsAt = new Map<number, TablePlan['fills']>();
  active: { r2: number; c1: number; c2: number; v: string }[] = [];
  filled = 0;

  constructor(readonly t: TablePlan, readonly file: string) {
    this.out = fs.createWriteStream(file);
    this.closed = once(this.out, 'close');
    this.closed.catch(() => {});
    this.next = t.firstDataRow;
    t.cols.forEach((c, i) => this.pos.set(c, i));
    for (const m of t.fills) {
      const list = this.fillsAt.get(m.r1) ?? [];
      list.push(m);
      this.fillsAt.set(m.r1, list);
    }
  }

  /** Writes sheet row r (and empty lines for the rows without values before it). */
  row(r: number, values: (string | number)[]): void {
    while (this.next < r) this.push('');
    const fields: string[] = new Array(this.t.cols.length).fill('');
    let any = false;
    for (let i = 1; i < values.length; i += 2) {
      const p = this.pos.get(values[i] as number);
      if (p === undefined) continue;
      fields[p] = values[i + 1] as string;
      any = true;
    }
    const starts = this.fillsAt.get(r);
    if (starts) {
      for (const m of starts) {
        const p = this.valueAt(values, m.c1);
        if (p !== undefined) {
          this.active.push({ r2: m.r2, c1: m.c1, c2: m.c2, v: p });
          this.filled++;
        }
      }
    }
    if (this.active.length) {
      this.active = this.active.filter((a) => a.r2 >= r);
      for (const a of this.active) {
        for (let c = a.c1; c <= a.c2; c++) {
          const p = this.pos.get(c);
          if (p !== undefined && fields[p] === '') {
            fields[p] = a.v;
            any = true;
          }
        }
      }
    }
    this.push(any ? fields.map(csvField).join(',') : '');
  }

  private valueAt(values: (string | number)[], c: number): string | undefined {
    for (let i = 1; i < values.length; i += 2) if (values[i] === c) return values[i + 1] as string;
    return undefined;
  }

  private push(line: string): void {
    this.buffer.push(line, '\n');
    this.chars += line.length + 1;
    this.next++;
  }

  get full(): boolean {
    return this.chars >= FLUSH_CHARS;
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const text = this.buffer.join('');
    this.buffer = [];
    this.chars = 0;
    if (!this.out.write(text)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await this.closed;
  }
}

/** Second pass: the raw rows to one body file per table. */
async function writeBodies(scan: SheetScan, plan: SheetPlan, workDir: string, index: number): Promise<Bodies> {
  const split = plan.tables.length > 1;
  const writers = plan.tables.map((t) => new BodyWriter(t, path.join(workDir, `sheet${index + 1}${split ? `-${t.span.replace(':', '-')}` : ''}.csv`)));
  const unused: Bodies['unused'] = { count: 0, first: [] };
  const areas = plan.tables.map((t) => ({ top: t.top, bottom: t.lastRow, cols: new Set(t.cols) }));
  try {
    const lines = readline.createInterface({ input: fs.createReadStream(scan.rawPath, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line) continue;
      const values = JSON.parse(line) as (string | number)[];
      const r = values[0] as number;
      for (const w of writers) if (r >= w.t.firstDataRow && r <= w.t.lastRow) w.row(r, values);
      for (let i = 1; i < values.length; i += 2) {
        const c = values[i] as number;
        if (areas.some((a) => r >= a.top && r <= a.bottom && a.cols.has(c))) continue;
        if (++unused.count <= 3) unused.first.push({ r, c, text: values[i + 1] as string });
      }
      for (const w of writers) if (w.full) await w.flush();
    }
  } finally {
    for (const w of writers) await w.close();
  }
  return { paths: writers.map((w) => w.file), filled: writers.map((w) => w.filled), unused };
}

