/**
 * First pass over a worksheet: one streaming read of its XML. Every row holding a value goes to a
 * raw temp file (one JSON array per row: row number, then column and text of each value), the first
 * rows are kept in memory for header detection, and each column gets a few counters for table-block
 * detection. Merged cells and hyperlinks come after the cells in the XML, so layout decisions wait
 * for the end of the pass; a second pass over the raw file writes the bodies (read.ts).
 */
import fs from 'node:fs';
import { once } from 'node:events';
import { AppError } from '../../errors.ts';
import { decodeEscapes } from './workbook.ts';
import { formatIsoCell, formatNumeric, looksNumeric, type NumFmtKind } from './values.ts';
import { attr, parsePart } from './xml.ts';
import type { SafeZip } from './zip.ts';

/** Text, number, date/time, boolean: how the workbook typed the cell. */
export type Kind = 's' | 'n' | 'd' | 'b';

export interface Cell {
  v: string;
  k: Kind;
}

export interface SampleRow {
  r: number;
  cells: Map<number, Cell>;
}

export interface ColStats {
  /** Cells holding a value. */
  count: number;
  /** Of those, cells in rows with two values or more (a lone title or note does not make a column). */
  multi: number;
  minRow: number;
  maxRow: number;
  /** Values below the sample, and how many of them are label text (not a number, date or numeric text). */
  beyondCount: number;
  beyondText: number;
}

export interface Range {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

export interface CellRef {
  r: number;
  c: number;
  text: string;
}

export interface SheetScan {
  rawPath: string;
  /** Rows holding at least one value, and the last of them. */
  valueRows: number;
  valueCells: number;
  /** Rows holding two values or more. */
  multiRows: number;
  lastRow: number;
  maxCol: number;
  sample: SampleRow[];
  /** Every row with a value is in the sample. */
  sampleComplete: boolean;
  cols: ColStats[];
  merges: Range[];
  hiddenCols: Set<number>;
  /** Rows holding values that are hidden in the workbook (by hand or by a filter). */
  hiddenRows: number[];
  hiddenRowCount: number;
  /** Excel error values (#N/A, #DIV/0! ...), written as empty cells; the first ones, and the count. */
  errorCells: CellRef[];
  errorCount: number;
  /** Formulas saved without their result. */
  noResultCells: CellRef[];
  noResultCount: number;
  /** Cells that are links to a place inside the workbook (a table of contents). */
  internalLinkCells: number;
}

export interface ScanContext {
  sharedStrings: string[];
  styles: NumFmtKind[];
  date1904: boolean;
  maxRows: number;
  sampleRows: number;
  sheetName: string;
  displayName: string;
}

/** Excel's limits: 16,384 columns (XFD); more is a damaged or crafted file. */
export const MAX_SHEET_COLUMNS = 16384;
const LISTED_CELLS = 1000;
const FLUSH_CHARS = 1 << 20;
const NUMBER_FORMAT: NumFmtKind = { kind: 'number' };

/** The column of a reference's leading capitals: "AB" or "AB12" -> 28. */
export function columnIndex(letters: string): number {
  let n = 0;
  for (let i = 0; i < letters.length; i++) {
    const code = letters.charCodeAt(i);
    if (code < 65 || code > 90) break;
    n = n * 26 + (code - 64);
  }
  return n;
}

export function columnLetters(index: number): string {
  let s = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Splits "AB12" into column 28, row 12 (either may be 0 when absent). */
export function parseRef(ref: string): { c: number; r: number } {
  const m = /^\$?([A-Za-z]{1,3})?\$?(\d+)?$/.exec(ref.trim());
  if (!m) return { c: 0, r: 0 };
  return { c: m[1] ? columnIndex(m[1].toUpperCase()) : 0, r: m[2] ? Number(m[2]) : 0 };
}

export function parseRange(ref: string): Range | null {
  const [a, b = a] = ref.split(':');
  const p = parseRef(a);
  const q = parseRef(b);
  if (!p.c || !p.r || !q.c || !q.r) return null;
  return { r1: Math.min(p.r, q.r), c1: Math.min(p.c, q.c), r2: Math.max(p.r, q.r), c2: Math.max(p.c, q.c) };
}

export const cellName = (r: number, c: number) => `${columnLetters(c)}${r}`;

/** Label text: a text cell that does not read as a number or a date. */
export const isLabelText = (cell: Cell) => cell.k === 's' && !looksNumeric(cell.v);

function newStats(): ColStats {
  return { count: 0, multi: 0, minRow: Infinity, maxRow: 0, beyondCount: 0, beyondText: 0 };
}

/** Reads a worksheet part once, writing its rows to `rawPath`. */
export async function scanSheet(zip: SafeZip, part: string, ctx: ScanContext, rawPath: string): Promise<SheetScan> {
  const scan: SheetScan = {
    rawPath, valueRows: 0, valueCells: 0, multiRows: 0, lastRow: 0, maxCol: 0, sample: [], sampleComplete: true, cols: [],
    merges: [], hiddenCols: new Set(), hiddenRows: [], hiddenRowCount: 0, errorCells: [], errorCount: 0,
    noResultCells: [], noResultCount: 0, internalLinkCells: 0,
  };
  const out = fs.createWriteStream(rawPath);
  const outClosed = once(out, 'close');
  outClosed.catch(() => {});
  let pending: string[] = [];
  let pendingChars = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    pendingChars = 0;
    if (!out.write(text)) await once(out, 'drain');
  };

  // Row and cell state of the XML walk.
  let rowNumber = 0;
  let rowHidden = false;
  let rowCells: [number, Cell][] = [];
  let col = 0;
  let cellType = 'n';
  let cellStyle = 0;
  let hasFormula = false;
  let hasValue = false;
  let collect: 'v' | 't' | null = null;
  let inInline = false;
  let inPhonetic = false;
  let valueText = '';
  let inlineText = '';

  const note = (list: CellRef[], text: string) => {
    if (list.length < LISTED_CELLS) list.push({ r: rowNumber, c: col, text });
  };

  const endCell = () => {
    let cell: Cell | null = null;
    switch (cellType) {
      case 's': {
        const text = ctx.sharedStrings[Number(valueText)];
        if (text !== undefined) cell = { v: text, k: 's' };
        break;
      }
      case 'str':
        if (hasValue) cell = { v: decodeEscapes(valueText), k: 's' };
        break;
      case 'inlineStr':
        cell = { v: decodeEscapes(inlineText), k: 's' };
        break;
      case 'b':
        if (hasValue) cell = { v: valueText.trim() === '1' || valueText.trim() === 'true' ? 'true' : 'false', k: 'b' };
        break;
      case 'e':
        scan.errorCount++;
        note(scan.errorCells, valueText.trim());
        return;
      case 'd':
        if (hasValue) cell = { v: formatIsoCell(valueText, ctx.styles[cellStyle] ?? NUMBER_FORMAT), k: 'd' };
        break;
      default: {
        const trimmed = valueText.trim();
        if (!hasValue || trimmed === '') break;
        const x = Number(trimmed);
        if (Number.isNaN(x)) {
          cell = { v: trimmed, k: 's' };
          break;
        }
        const { text, temporal } = formatNumeric(x, ctx.styles[cellStyle] ?? NUMBER_FORMAT, ctx.date1904);
        cell = { v: text, k: temporal ? 'd' : 'n' };
      }
    }
    if (cell === null) {
      if (hasFormula) {
        scan.noResultCount++;
        note(scan.noResultCells, '');
      }
      return;
    }
    // Text of spaces only shows as an empty cell; it is one.
    if (cell.k === 's' && cell.v.trim() === '') return;
    rowCells.push([col, cell]);
  };

  const endRow = () => {
    if (rowCells.length === 0) return;
    const r = rowNumber;
    if (r > ctx.maxRows) {
      throw new AppError(
        'payload_too_large',
        `Sheet "${ctx.sheetName}" of "${ctx.displayName}" has data in row ${r}; Dataville reads sheets of at most ${ctx.maxRows.toLocaleString('en')} rows. ` +
          'Split the table over several sheets or files, or publish it as CSV.',
        { sheet: ctx.sheetName, maxRows: ctx.maxRows },
      );
    }
    scan.valueRows++;
    scan.valueCells += rowCells.length;
    scan.lastRow = Math.max(scan.lastRow, r);
    if (rowHidden) {
      scan.hiddenRowCount++;
      if (scan.hiddenRows.length < LISTED_CELLS) scan.hiddenRows.push(r);
    }
    const inSample = scan.sample.length < ctx.sampleRows;
    if (!inSample) scan.sampleComplete = false;
    const multi = rowCells.length > 1;
    if (multi) scan.multiRows++;
    const parts: (number | string)[] = [r];
    for (const [c, cell] of rowCells) {
      const s = (scan.cols[c] ??= newStats());
      s.count++;
      if (multi) s.multi++;
      if (r < s.minRow) s.minRow = r;
      if (r > s.maxRow) s.maxRow = r;
      if (!inSample) {
        s.beyondCount++;
        if (isLabelText(cell)) s.beyondText++;
      }
      if (c > scan.maxCol) scan.maxCol = c;
      parts.push(c, cell.v);
    }
    if (inSample) scan.sample.push({ r, cells: new Map(rowCells) });
    const line = JSON.stringify(parts) + '\n';
    pending.push(line);
    pendingChars += line.length;
  };

  const damaged = (what: string) =>
    new AppError('unreadable_table', `Sheet "${ctx.sheetName}" of "${ctx.displayName}" is damaged: ${what}. Open the workbook in Excel or LibreOffice, save it again as .xlsx, and upload that file.`);

  try {
    await parsePart(zip, part, {
      open(name, attrs) {
        switch (name) {
          case 'row': {
            const r = attrs.r ? Number(attrs.r) : rowNumber + 1;
            if (!(r > rowNumber)) throw damaged(`row ${attrs.r ?? r} comes after row ${rowNumber}`);
            rowNumber = r;
            rowHidden = attrs.hidden === '1' || attrs.hidden === 'true';
            rowCells = [];
            col = 0;
            break;
          }
          case 'c': {
            const ref = attrs.r ? columnIndex(attrs.r) : 0;
            col = ref || col + 1;
            if (col > MAX_SHEET_COLUMNS) throw damaged(`cell ${attrs.r ?? ''} lies beyond column XFD, the last one Excel has`);
            cellType = attrs.t ?? 'n';
            cellStyle = attrs.s ? Number(attrs.s) : 0;
            hasFormula = false;
            hasValue = false;
            valueText = '';
            inlineText = '';
            break;
          }
          case 'v':
            collect = 'v';
            hasValue = true;
            break;
          case 'f':
            hasFormula = true;
            break;
          case 'is':
            inInline = true;
            break;
          case 'rPh':
            inPhonetic = true;
            break;
          case 't':
            if (inInline && !inPhonetic) collect = 't';
            break;
          case 'mergeCell': {
            const range = parseRange(attrs.ref ?? '');
            if (range) scan.merges.push(range);
            break;
          }
          case 'hyperlink': {
            const range = parseRange(attrs.ref ?? '');
            if (range && attrs.location && !attr(attrs, 'id')) {
              scan.internalLinkCells += Math.min(1e6, (range.r2 - range.r1 + 1) * (range.c2 - range.c1 + 1));
            }
            break;
          }
          case 'col':
            if (attrs.hidden === '1' || attrs.hidden === 'true') {
              const max = Math.min(Number(attrs.max ?? attrs.min), MAX_SHEET_COLUMNS);
              for (let c = Number(attrs.min); c <= max; c++) scan.hiddenCols.add(c);
            }
            break;
        }
      },
      text(t) {
        if (collect === 'v') valueText += t;
        else if (collect === 't') inlineText += t;
      },
      close(name) {
        switch (name) {
          case 'v':
          case 't':
            collect = null;
            break;
          case 'is':
            inInline = false;
            break;
          case 'rPh':
            inPhonetic = false;
            break;
          case 'c':
            endCell();
            break;
          case 'row':
            endRow();
            break;
        }
      },
    }, ctx.displayName, async () => {
      if (pendingChars >= FLUSH_CHARS) await flush();
    });
    await flush();
  } finally {
    out.end();
    await outClosed;
  }
  return scan;
}
