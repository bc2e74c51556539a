/**
 * The rare questions of type inference, answered in one more scan over the columns that raise
 * them: numbers too long to be exact, boolean spellings, censored counts, and the cells that keep
 * a nearly typed column text.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { BIT, DATE_FORMATS, TRUE_WORDS, censoredSql, significantDigitsSql } from './infer-sql.ts';
import type { InferColumn } from './infer.ts';
import type { SchemaField, TableError } from './types.ts';

export interface ColumnStats {
  /** Non-missing values. */
  n: number;
  all: bigint;
  any: bigint;
  /** Values that read as a number (either decimal mark) or a censored count. */
  numeric: number;
  /** Values that read as a date or date-time of some format. */
  dates: number;
}

/** Questions about one column. */
export interface Pending {
  index: number;
  longLimit?: number;
  booleans?: boolean;
  censored?: boolean;
  near?: boolean;
}

export interface FollowUpContext {
  columns: InferColumn[];
  commaHint: boolean;
  cap: number;
  report: (e: TableError, count?: number) => void;
  rowNumber: (rowid: number) => number;
  /** A subquery of the rows with __rowid, __vI for the masked and cleaned column indexes, and __mI for the masked. */
  rows: (masked: number[], cleaned?: number[]) => string;
}

const NEARLY = 0.9;
const has = (mask: bigint, bit: bigint) => (mask & bit) !== 0n;

/** Aggregates answering questions in some scan, and how to read their values back. */
export interface Questions {
  aggs: string[];
  /** Columns whose masks (__mI) the aggregates read; the others read only the text (__vI). */
  masked: number[];
  cleaned: number[];
  read: (values: unknown[], fields: SchemaField[]) => Promise<void>;
}

/** Builds the aggregates for the questions; each question adds a few, read back in the same order. */
export function questions(conn: DuckDBConnection, ctx: FollowUpContext, stats: ColumnStats[], pending: Pending[]): Questions {
  const aggs: string[] = [];
  const readers: ((values: unknown[], fields: SchemaField[]) => Promise<void> | void)[] = [];
  for (const p of pending) {
    const i = p.index;
    const [m, v] = [`__m${i}`, `__v${i}`];
    const col = ctx.columns[i];
    if (p.longLimit) {
      const at = aggs.length;
      aggs.push(`count_if(${m} & ${BIT.LONG} <> 0 AND ${significantDigitsSql(v)} > ${p.longLimit})`);
      readers.push((r, fields) => {
        const tooLong = Number(r[at]);
        if (tooLong === 0) return;
        const f = fields[i];
        const kind = f.type === 'integer' ? 'integers with more than 18 digits (too large for a 64-bit integer)' : 'numbers with more than 15 significant digits (not exact as a double)';
        fields[i] = { name: f.name, type: 'string', ...(f.title ? { title: f.title } : {}), 'x-reason': `${tooLong} ${kind}` };
      });
    }
    if (p.booleans) {
      const at = aggs.length;
      aggs.push(`list(DISTINCT ${v}) FILTER (WHERE ${m} & ${BIT.BOOL} <> 0)`);
      readers.push((r, fields) => {
        if (fields[i].type !== 'boolean') return;
        const values = ((r[at] as string[] | null) ?? []).slice().sort();
        const isTrue = (x: string) => TRUE_WORDS.includes(x.toLowerCase());
        fields[i] = { ...fields[i], trueValues: values.filter(isTrue), falseValues: values.filter((x) => !isTrue(x)) };
      });
    }
    if (p.censored) {
      const at = aggs.length;
      const censored = censoredSql(v);
      aggs.push(`count_if(${censored})`, `min(__rowid) FILTER (WHERE ${censored})`, `arg_min(${v}, __rowid) FILTER (WHERE ${censored})`);
      readers.push((r) => {
        const count = Number(r[at]);
        const example = String(r[at + 2]);
        ctx.report({
          type: 'censored-value', fieldNumber: col.fieldNumber, fieldName: col.name, rowNumber: ctx.rowNumber(Number(r[at + 1])), cell: example,
          message: `Column "${col.name}" holds ${count} censored value${count === 1 ? '' : 's'} such as "${example}" among its numbers, so it was kept as text to lose nothing. ` +
            'To publish numbers, leave the value empty where it is censored and add a column that says so (for instance "censored" = true, or the bound "<5" as text).',
        });
      });
    }
    if (p.near) {
      const at = aggs.length;
      aggs.push(`count_if(${m} & ${BIT.NUMC_X} <> 0)`, `count_if(${m} & ${BIT.NUMP_X} <> 0)`, ...DATE_FORMATS.map((f) => `count_if(${m} & ${f.bit} <> 0)`));
      readers.push((r, fields) => reportNear(conn, ctx, i, stats[i], fields, r.slice(at, at + 2 + DATE_FORMATS.length).map(Number)));
    }
  }
  // Censored counts need only the text; the other questions read masks.
  const masked = [...new Set(pending.filter((p) => p.longLimit || p.booleans || p.near).map((p) => p.index))];
  const cleaned = [...new Set(pending.map((p) => p.index))].filter((i) => !masked.includes(i));
  return {
    aggs, masked, cleaned,
    read: async (values, fields) => {
      for (const read of readers) await read(values, fields);
    },
  };
}

/** Answers the questions in one scan, updating `fields` and reporting errors. */
export async function followUp(conn: DuckDBConnection, ctx: FollowUpContext, fields: SchemaField[], stats: ColumnStats[], pending: Pending[]) {
  const q = questions(conn, ctx, stats, pending);
  const values = (await conn.runAndReadAll(`SELECT ${q.aggs.join(', ')} FROM ${ctx.rows(q.masked, q.cleaned)}`)).getRowsJS()[0];
  await q.read(values, fields);
}

/** Lists the cells that keep a nearly typed column text, as type errors. */
async function reportNear(conn: DuckDBConnection, ctx: FollowUpContext, i: number, s: ColumnStats, fields: SchemaField[], counts: number[]) {
  const [commaCount, pointCount, ...formatCounts] = counts;
  const numeric = Math.max(commaCount, pointCount);
  const k = formatCounts.indexOf(Math.max(...formatCounts));
  const format = DATE_FORMATS[k];
  const dateCount = formatCounts[k];
  const best = Math.max(numeric, dateCount);
  if (best < NEARLY * s.n) return;
  let okBit: bigint;
  let what: string;
  if (numeric >= dateCount) {
    const comma = commaCount === pointCount ? ctx.commaHint : commaCount > pointCount;
    okBit = comma ? BIT.NUMC_X : BIT.NUMP_X;
    what = has(s.any, BIT.CENSORED) ? 'a number (or a censored count such as <5)' : 'a number';
  } else {
    okBit = format.bit;
    what = `a ${format.type === 'date' ? 'date' : 'date and time'} written ${format.format}`;
  }
  const col = ctx.columns[i];
  const bad = s.n - best;
  const share = Math.floor((best / s.n) * 1000) / 10;
  fields[i] = { ...fields[i], 'x-reason': `${bad} value${bad === 1 ? '' : 's'} of ${s.n} ${bad === 1 ? 'is' : 'are'} not ${what}` };
  const listed = await conn.runAndReadAll(`SELECT __rowid, __v${i} FROM ${ctx.rows([i])} WHERE __m${i} IS NOT NULL AND __m${i} & ${okBit} = 0 LIMIT ${ctx.cap}`);
  const rows = listed.getRowsJS().map(([rowid, cell]) => [Number(rowid), String(cell)] as const).sort((a, b) => a[0] - b[0]);
  rows.forEach(([rowid, cell], j) => {
    ctx.report({
      type: 'type-error', rowNumber: ctx.rowNumber(rowid), fieldNumber: col.fieldNumber, fieldName: col.name, cell,
      message: `"${cell}" in column "${col.name}" is not ${what}, unlike ${share}% of the column, so the column was kept as text. ` +
        'Correct the value at the source, or leave the cell empty if the value is missing.',
    }, j === 0 ? bad - rows.length + 1 : 1);
  });
}
