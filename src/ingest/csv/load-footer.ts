/**
 * Footer rows: what statistical exports put below a table (source, filters, URL, notes, totals).
 * Only the end of the table is searched, walking up from the last row until a real data row; rows
 * in the middle of a table are data, however they look.
 */

export interface TailRow {
  rowid: number;
  cells: (string | null)[];
}

export interface Footer {
  /** rowid of the last data row; -1 when no row is data. */
  lastData: number;
  /** Non-blank rows below the last data row, in source order, with the reason they look like a footer. */
  footers: { row: TailRow; kind: 'note' | 'total' | 'first-cell-only' }[];
  /** Blank rows below the last data row. */
  blanks: TailRow[];
}

/** Most footer rows believed: past this many, "only the first cell filled" is taken for sparse data. */
export const MAX_FOOTER_ROWS = 20;

const NOTE = /^(sources?|bron(nen)?|quellen?|filters?|filtres?|url|notes?|nota|noot|opmerking(en)?|remarques?|anmerkung(en)?|fu(ss|ß)noten?|copyright|©|\*+)(\s*:|\s|$)/iu;
const TOTAL = /^(totals?|totaal|totalen|totaux|totale|gesamt|insgesamt|summe|somme|eindtotaal|grand total)(\s*:|\s|$)/iu;

const filled = (c: string | null) => c !== null && c.trim() !== '';

/** True when every cell is empty or white space. */
export const isBlankRow = (cells: (string | null)[]) => !cells.some(filled);

function kindOf(row: TailRow, width: number): Footer['footers'][number]['kind'] | null {
  const first = row.cells.find(filled)?.trim() ?? '';
  if (NOTE.test(first)) return 'note';
  if (TOTAL.test(first)) return 'total';
  if (width >= 2 && filled(row.cells[0]) && row.cells.slice(1).every((c) => !filled(c))) return 'first-cell-only';
  return null;
}

/**
 * Finds the footer among the last rows of a table (in rowid order, the table's last row last).
 * `complete` says the rows are the whole table, so running out of rows means no data row at all.
 */
export function findFooter(rows: TailRow[], width: number, complete: boolean): Footer {
  const walk = (allowFirstCellOnly: boolean) => {
    const footers: Footer['footers'] = [];
    const blanks: TailRow[] = [];
    for (let i = rows.length - 1; i >= 0; i--) {
      const row = rows[i];
      if (isBlankRow(row.cells)) {
        blanks.unshift(row);
        continue;
      }
      const kind = kindOf(row, width);
      if (!kind || (kind === 'first-cell-only' && !allowFirstCellOnly)) return { lastData: row.rowid, footers, blanks, found: true };
      footers.unshift({ row, kind });
    }
    return { lastData: -1, footers, blanks, found: false };
  };
  let result = walk(true);
  // A long run of rows with only the first cell filled is sparse data, not a footer.
  if (!result.found || result.footers.length > MAX_FOOTER_ROWS) result = walk(false);
  const noFooter = { lastData: rows.length ? rows[rows.length - 1].rowid : -1, footers: [], blanks: [], found: true };
  if (result.footers.length > MAX_FOOTER_ROWS || (!result.found && !complete)) result = noFooter;
  const { lastData, footers, blanks } = result;
  return { lastData, footers, blanks };
}
