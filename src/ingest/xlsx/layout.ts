/**
 * Where the tables are on a sheet, decided after the first pass (sheet.ts): table blocks separated
 * by empty columns, which blocks continue one table, and for each table its title rows, header rows
 * (one label per column, joined from several rows and merged cells) and first data row.
 *
 * Header detection looks at the first rows only (the sample); block detection also uses counters
 * kept over every row. The rules are described in docs/decisions/0005-xlsx-reader.md.
 */
import { cleanLabel } from '../labels.ts';
import type { TableError } from '../types.ts';
import { cellName, columnLetters, isLabelText, type Cell, type Range, type SheetScan } from './sheet.ts';

export interface TablePlan {
  /** Sheet columns of the table, in order (spacer columns left out). */
  cols: number[];
  /** First row of the table's area (title rows included). */
  top: number;
  headerRows: number[];
  firstDataRow: number;
  lastRow: number;
  header: string[];
  /** Title and blank rows above the data. */
  skipped: TableError[];
  notes: string[];
  /** "B:E": the columns the table spans. */
  span: string;
  /** A1-style range from the first header row (or first data row) to the last row. */
  range: string;
  /** Merged cells inside the data: each covered cell takes the merged value. */
  fills: Range[];
}

export interface SkippedTable {
  span: string;
  reason: 'header-only' | 'no-data';
  header: string[];
  headerRow: number;
}

export interface SheetPlan {
  tables: TablePlan[];
  skippedTables: SkippedTable[];
  /** About the sheet as a whole (side-by-side tables). */
  notes: string[];
}

/** Title and blank rows are looked for only this far: office layouts put a few at most. */
const PREAMBLE_LIMIT = 50;
const MAX_HEADER_ROWS = 10;
/** A column is typed below a row when this share of its values are numbers, dates or numeric text. */
const TYPED_SHARE = 0.6;
const BLANK_ERRORS = 20;
/** Cells of the first rows mapped to the merged cell covering them. */
const MAX_MAPPED_CELLS = 2_000_000;

const letters = columnLetters;

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function quote(text: string, max = 80): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return `"${t.length > max ? t.slice(0, max - 3) + '...' : t}"`;
}

export function describeColumns(cols: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < cols.length; ) {
    let j = i;
    while (j + 1 < cols.length && cols[j + 1] === cols[j] + 1) j++;
    runs.push(i === j ? letters(cols[i]) : `${letters(cols[i])}:${letters(cols[j])}`);
    i = j + 1;
  }
  return runs.length > 1 ? `${runs.slice(0, -1).join(', ')} and ${runs[runs.length - 1]}` : runs[0] ?? '';
}

/** "Column B" or "Columns B:D and F". */
const columnsWord = (cols: number[], capital = true) => `${capital ? 'C' : 'c'}olumn${cols.length > 1 ? 's' : ''} ${describeColumns(cols)}`;

/** The first rows of a sheet with their merged cells: what a person sees at the top. */
export class Grid {
  readonly lastSampled: number;
  private readonly rows = new Map<number, Map<number, Cell>>();
  /** Merge covering each cell of the sample area (the top-left cell included). */
  private readonly mergeOf = new Map<number, Range>();

  constructor(private readonly scan: SheetScan) {
    for (const row of scan.sample) this.rows.set(row.r, row.cells);
    this.lastSampled = scan.sampleComplete ? scan.lastRow : (scan.sample.at(-1)?.r ?? 0);
    let mapped = 0;
    for (const m of scan.merges) {
      if (m.r1 > this.lastSampled) continue;
      const r2 = Math.min(m.r2, this.lastSampled);
      const c2 = Math.min(m.c2, scan.maxCol);
      // Merges over whole empty areas of a sparse sheet are layout only; the map stays bounded.
      mapped += (r2 - m.r1 + 1) * Math.max(0, c2 - m.c1 + 1);
      if (mapped > MAX_MAPPED_CELLS) break;
      for (let r = m.r1; r <= r2; r++) for (let c = m.c1; c <= c2; c++) this.mergeOf.set(this.key(r, c), m);
    }
  }

  private key(r: number, c: number): number {
    return r * 20000 + c;
  }

  own(r: number, c: number): Cell | undefined {
    return this.rows.get(r)?.get(c);
  }

  merge(r: number, c: number): Range | undefined {
    return this.mergeOf.get(this.key(r, c));
  }

  /** The cell's own value, or the value of the merged cell covering it. */
  shown(r: number, c: number): Cell | undefined {
    const own = this.own(r, c);
    if (own) return own;
    const m = this.merge(r, c);
    return m ? this.own(m.r1, m.c1) : undefined;
  }

  /** Sampled rows (those holding a value somewhere on the sheet) in [from, to]. */
  sampledRows(from: number, to: number): number[] {
    return this.scan.sample.filter((s) => s.r >= from && s.r <= to).map((s) => s.r);
  }

  /** How the values of column c below row r (within the table) are typed, from the sample. */
  profile(c: number, r: number, bottom: number): { n: number; typed: number; years: number; dates: number; values: Set<string> } {
    let n = 0;
    let typed = 0;
    let years = 0;
    let dates = 0;
    const values = new Set<string>();
    for (const s of this.scan.sample) {
      if (s.r <= r || s.r > bottom) continue;
      const cell = s.cells.get(c);
      if (!cell) continue;
      n++;
      if (!isLabelText(cell)) typed++;
      if (isYear(cell)) years++;
      if (cell.k === 'd') dates++;
      values.add(cell.v);
    }
    return { n, typed, years, dates, values };
  }
}

const isYear = (cell: Cell) => (cell.k === 'n' || cell.k === 's') && /^(19|20)\d\d$/.test(cell.v.trim());

interface RowInfo {
  /** Own values in the table's columns. */
  own: number;
  /** Columns showing a value (own or from a merged cell). */
  shown: number;
  /** Every own value is label text. */
  allText: boolean;
  firstOwn: number;
  text: string;
}

export interface Detection {
  skipped: TableError[];
  headerRows: number[];
  firstDataRow: number;
}

/** Title rows, header rows and the first data row of a table spanning `cols`, rows top..bottom. */
export function detectHeader(grid: Grid, cols: number[], top: number, bottom: number): Detection {
  const end = Math.min(bottom, grid.lastSampled);
  const width = cols.length;
  const info = (r: number): RowInfo => {
    let own = 0;
    let shown = 0;
    let allText = true;
    let firstOwn = 0;
    const texts: string[] = [];
    for (const c of cols) {
      const o = grid.own(r, c);
      if (o) {
        own++;
        if (!firstOwn) firstOwn = c;
        if (!isLabelText(o)) allText = false;
        texts.push(o.v);
      }
      if (o || grid.shown(r, c)) shown++;
    }
    return { own, shown, allText, firstOwn, text: texts.join(' | ') };
  };
  const sampled = grid.sampledRows(top, end);
  const typical = median(sampled.map((r) => info(r).shown).filter((n) => n > 0));
  const threshold = width <= 1 ? 1 : Math.max(2, Math.ceil(typical * 0.6));

  const isTitle = (r: number, inf: RowInfo): boolean => {
    if (width <= 1 || !inf.allText || inf.own === 0) return false;
    if (inf.shown < threshold) return true;
    // One merged cell across the table's width: a title, however wide.
    const m = inf.own === 1 ? grid.merge(r, inf.firstOwn) : undefined;
    return !!m && m.c1 <= cols[0] && m.c2 >= cols[cols.length - 1];
  };

  const isHeaderRow = (r: number, first: boolean): boolean => {
    let score = 0;
    let allLabels = true;
    for (const c of cols) {
      const cell = grid.shown(r, c);
      if (!cell) continue;
      const label = isLabelText(cell);
      if (!label) allLabels = false;
      const below = grid.profile(c, r, bottom);
      if (below.n === 0) continue;
      const typedShare = below.typed / below.n;
      if (label) {
        if (typedShare >= TYPED_SHARE) score++;
        else if (typedShare <= 1 - TYPED_SHARE && below.values.has(cell.v)) score--;
      } else if ((isYear(cell) && below.years / below.n < 0.5) || (cell.k === 'd' && below.dates / below.n < 0.5)) {
        // Years or dates as column labels over counts (Commune | 2019 | 2020): labels, though typed.
        score++;
      } else if (typedShare >= TYPED_SHARE) {
        score--;
      }
    }
    return score > 0 || (first && score === 0 && allLabels);
  };

  const skipped: TableError[] = [];
  let blanks = 0;
  const blankRow = (r: number, where = 'above the table') => {
    if (++blanks <= BLANK_ERRORS) skipped.push({ type: 'blank-row', rowNumber: r, message: `Row ${r} is blank and sits ${where}; it was skipped.` });
  };

  let r = top;
  let preamble = 0;
  for (; r <= end; r++) {
    const inf = info(r);
    if (inf.shown === 0) {
      blankRow(r);
      continue;
    }
    // Covered by a merged title cell above.
    if (inf.own === 0) continue;
    if (preamble >= PREAMBLE_LIMIT || !isTitle(r, inf)) break;
    preamble++;
    skipped.push({
      type: 'title-row', rowNumber: r, cell: inf.text,
      message: `Row ${r} (${quote(inf.text)}) looks like a title above the table, not data; it was skipped. Put titles and notes in the dataset description instead.`,
    });
  }

  let headerRows: number[] = [];
  if (r <= end && isHeaderRow(r, true)) {
    const first = r;
    headerRows.push(r);
    r++;
    while (r <= end) {
      const inf = info(r);
      if (inf.shown === 0) break;
      if (inf.own > 0 && !isHeaderRow(r, false)) break;
      if (headerRows.length === MAX_HEADER_ROWS) {
        // Label after label: the data cannot be told from the header; keep the first row only.
        headerRows = [first];
        r = first + 1;
        break;
      }
      headerRows.push(r);
      r++;
    }
    for (; r <= end && info(r).shown === 0; r++) blankRow(r, 'between the header and the data');
  }
  return { skipped, headerRows, firstDataRow: r };
}

/** Whether column c holds label text in most of its values from row `from` on (a key or a name). */
function isTextColumn(scan: SheetScan, c: number, from: number, bottom: number): boolean {
  const stats = scan.cols[c];
  if (!stats) return false;
  let n = stats.beyondCount;
  let t = stats.beyondText;
  for (const s of scan.sample) {
    if (s.r < from || s.r > bottom) continue;
    const cell = s.cells.get(c);
    if (!cell) continue;
    n++;
    if (isLabelText(cell)) t++;
  }
  return n > 0 && t / n >= 0.5;
}

/**
 * Stub heads: a merged cell over several header rows and several leading text columns that each
 * have a label of their own below it. It captions the header rows beside it ("Catégories ..." above
 * refnis | localité | année | période), so it is not part of those columns' names.
 */
function stubHeads(grid: Grid, cols: number[], headerRows: number[], firstDataRow: number, bottom: number, merges: Range[]): Range[] {
  if (headerRows.length < 2) return [];
  const first = headerRows[0];
  const last = headerRows[headerRows.length - 1];
  const inTable = new Set(cols);
  return merges.filter((m) => {
    if (m.r1 < first || m.r2 >= last || m.r2 === m.r1 || m.c2 === m.c1) return false;
    const covered = cols.filter((c) => c >= m.c1 && c <= m.c2);
    if (covered.length < 2 || covered.some((c) => !inTable.has(c))) return false;
    return covered.every((c) => {
      const labelledBelow = headerRows.some((h) => h > m.r2 && grid.own(h, c));
      const data = grid.sampledRows(firstDataRow, bottom).map((r) => grid.own(r, c)).filter((x) => x !== undefined);
      return labelledBelow && data.length > 0 && data.every((x) => x!.k === 's');
    });
  });
}

function buildHeader(grid: Grid, cols: number[], det: Detection, bottom: number, scan: SheetScan, notes: string[]): string[] {
  if (det.headerRows.length === 0) return cols.map((_, i) => `column_${i + 1}`);
  const firstHeader = det.headerRows[0];
  const stubs = stubHeads(grid, cols, det.headerRows, det.firstDataRow, bottom, scan.merges);
  for (const m of stubs) {
    const text = grid.own(m.r1, m.c1)?.v ?? '';
    notes.push(
      `The merged cell ${cellName(m.r1, m.c1)}:${cellName(m.r2, m.c2)} (${quote(text)}) captions the header rows beside it; ` +
        `it was left out of the names of columns ${describeColumns(cols.filter((c) => c >= m.c1 && c <= m.c2))}, which have labels of their own.`,
    );
  }
  return cols.map((c) => {
    const parts: string[] = [];
    for (const h of det.headerRows) {
      const cell = grid.shown(h, c);
      if (!cell) continue;
      const m = grid.merge(h, c);
      if (m && (m.r1 < firstHeader || stubs.includes(m))) continue;
      const text = cleanLabel(cell.v);
      if (text && !parts.includes(text)) parts.push(text);
    }
    return parts.join(' - ');
  });
}

interface Block {
  cols: number[];
  top: number;
  bottom: number;
}

interface Group {
  blocks: Block[];
  firstDataRow: number;
  bottom: number;
  hasText: boolean;
}

/** Decides the tables of a scanned sheet. */
export function planSheet(scan: SheetScan): SheetPlan {
  const grid = new Grid(scan);
  const anyMulti = scan.cols.some((s) => s && s.multi > 0);
  const occupied = (c: number) => {
    const s = scan.cols[c];
    return !!s && (anyMulti ? s.multi > 0 : s.count > 0);
  };

  const blocks: Block[] = [];
  for (let c = 1; c <= scan.maxCol; c++) {
    if (!occupied(c)) continue;
    const prev = blocks[blocks.length - 1];
    const s = scan.cols[c];
    if (prev && prev.cols[prev.cols.length - 1] === c - 1) {
      prev.cols.push(c);
      prev.top = Math.min(prev.top, s.minRow);
      prev.bottom = Math.max(prev.bottom, s.maxRow);
    } else {
      blocks.push({ cols: [c], top: s.minRow, bottom: s.maxRow });
    }
  }

  // Blocks continuing the table on their left: no text column of their own (numbers beside the
  // keys, as Statbel's spacer-separated groups), alongside its data rows and ending with them.
  const groups: Group[] = [];
  for (const b of blocks) {
    const g = groups[groups.length - 1];
    if (g) {
      const tolerance = Math.max(10, Math.round(0.1 * (g.bottom - g.firstDataRow + 1)));
      const blockText = b.cols.some((c) => isTextColumn(scan, c, g.firstDataRow, g.bottom));
      if (b.top <= g.firstDataRow && Math.abs(b.bottom - g.bottom) <= tolerance && (!blockText || !g.hasText)) {
        g.blocks.push(b);
        g.bottom = Math.max(g.bottom, b.bottom);
        g.hasText ||= blockText;
        continue;
      }
    }
    const det = detectHeader(grid, b.cols, b.top, b.bottom);
    groups.push({
      blocks: [b],
      firstDataRow: det.firstDataRow,
      bottom: b.bottom,
      hasText: b.cols.some((c) => isTextColumn(scan, c, det.firstDataRow, b.bottom)),
    });
  }

  const plan: SheetPlan = { tables: [], skippedTables: [], notes: [] };
  for (const g of groups) {
    const cols = g.blocks.flatMap((b) => b.cols);
    const top = Math.min(...g.blocks.map((b) => b.top));
    const bottom = g.bottom;
    const det = detectHeader(grid, cols, top, bottom);
    const notes: string[] = [];
    const header = buildHeader(grid, cols, det, bottom, scan, notes);
    const span = `${letters(cols[0])}:${letters(cols[cols.length - 1])}`;
    if (det.firstDataRow > bottom) {
      plan.skippedTables.push({ span, reason: det.headerRows.length ? 'header-only' : 'no-data', header, headerRow: det.headerRows.at(-1) ?? 0 });
      continue;
    }
    if (g.blocks.length > 1) {
      const spacers: number[] = [];
      for (let c = cols[0]; c <= cols[cols.length - 1]; c++) if (!cols.includes(c)) spacers.push(c);
      notes.push(
        `${columnsWord(g.blocks.slice(1).flatMap((b) => b.cols))} continue${g.blocks.length === 2 && g.blocks[1].cols.length === 1 ? 's' : ''} the table of ${columnsWord(g.blocks[0].cols, false)} ` +
          `(same rows, no text column of their own): one table was read; the empty spacer column${spacers.length > 1 ? 's' : ''} ` +
          `${describeColumns(spacers)} between them ${spacers.length > 1 ? 'were' : 'was'} dropped.`,
      );
    }
    const hidden = cols.filter((c) => scan.hiddenCols.has(c));
    if (hidden.length) {
      notes.push(`Column${hidden.length > 1 ? 's' : ''} ${describeColumns(hidden)} ${hidden.length > 1 ? 'are' : 'is'} hidden in the workbook; ${hidden.length > 1 ? 'they were' : 'it was'} read like the others.`);
    }
    const firstDataRow = det.firstDataRow;
    const inTable = (r: number, c: number) => r >= firstDataRow && r <= bottom && cols.includes(c);
    const hiddenRows = scan.hiddenRows.filter((r) => r >= firstDataRow && r <= bottom).length;
    if (hiddenRows) {
      const more = scan.hiddenRowCount > scan.hiddenRows.length ? 'At least ' : '';
      notes.push(`${more}${hiddenRows} row${hiddenRows > 1 ? 's' : ''} of the table ${hiddenRows > 1 ? 'are' : 'is'} hidden in the workbook (by hand or by a filter); ${hiddenRows > 1 ? 'they were' : 'it was'} read like the others.`);
    }
    const errors = scan.errorCells.filter((e) => inTable(e.r, e.c));
    if (errors.length) {
      const more = scan.errorCount > scan.errorCells.length ? 'at least ' : '';
      const shown = errors.slice(0, 5).map((e) => `${e.text || 'error'} in ${cellName(e.r, e.c)}`).join(', ');
      notes.push(
        `${more}${errors.length} cell${errors.length > 1 ? 's' : ''} hold${errors.length > 1 ? '' : 's'} an Excel error (${shown}${errors.length > 5 ? ', ...' : ''}) ` +
          'and were written as empty cells. Correct the formulas in the workbook if these values matter.',
      );
    }
    const noResult = scan.noResultCells.filter((e) => inTable(e.r, e.c));
    if (noResult.length) {
      notes.push(
        `${noResult.length} formula cell${noResult.length > 1 ? 's' : ''} (${noResult.slice(0, 5).map((e) => cellName(e.r, e.c)).join(', ')}${noResult.length > 5 ? ', ...' : ''}) ` +
          'had no saved result and were written as empty cells. Open the workbook in Excel or LibreOffice, let it recalculate, save it and upload it again.',
      );
    }
    const fills = scan.merges.filter((m) => m.r1 >= firstDataRow && m.r1 <= bottom && m.c2 >= cols[0] && m.c1 <= cols[cols.length - 1]);
    const firstRow = det.headerRows[0] ?? firstDataRow;
    plan.tables.push({
      cols, top, headerRows: det.headerRows, firstDataRow, lastRow: bottom, header, skipped: det.skipped, notes, span, fills,
      range: `${letters(cols[0])}${firstRow}:${letters(cols[cols.length - 1])}${bottom}`,
    });
  }
  if (plan.tables.length > 1) {
    plan.notes.push(
      `The sheet holds ${plan.tables.length} tables side by side (columns ${plan.tables.map((t) => t.span).join(', ')}), separated by empty columns; ` +
        'each was read as a table of its own.',
    );
  }
  return plan;
}
