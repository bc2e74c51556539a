/**
 * The second ingest stage for CSV: load the UTF-8 body into a DuckDB temp table of VARCHAR
 * columns (one CSV read), check its structure and infer the schema (a sample, then one aggregate
 * scan), and write typed Parquet (one COPY, which also checks the values of columns typed from
 * the sample; when one does not fit, those columns are inferred from all rows and written again).
 * JavaScript only sees the last rows (footer), the few rows listed as errors and, when the file
 * may have any, its empty lines.
 *
 * Choices:
 * - Extra cells (a row longer than the header) are kept: the table gets columns `field_N` for
 *   their positions, and each such row is reported as 'extra-cell' with the extra text. Empty
 *   extra cells (a trailing delimiter) hold nothing and add neither a column nor an error.
 * - Missing cells are NULL and reported once per row ('missing-cell').
 * - Every cell is trimmed of surrounding white space (spaces, tabs, no-break spaces, line
 *   breaks): exports pad text ("Rue Haute 12   "), and padded values break filters and joins.
 *   Inner text is kept exactly. An empty cell of a text column is NULL; other missing-value
 *   markers ('NA', '-') stay text there, as they may be real values ('-' as a name).
 */
import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { AppError } from '../../errors.ts';
import { sqlIdent, sqlString } from '../../stores/tables/duckdb.ts';
import { inferSchema, typedValueSql, type InferColumn, type InferResult } from '../infer.ts';
import { fieldNamesFromLabels, uniqueName, type FieldNames } from '../labels.ts';
import type { LoadedTable, PreparedTable, SchemaField } from '../types.ts';
import { findFooter, type Footer } from './load-footer.ts';
import { endsWithCell, hasMixedLineEndings, hasText, mayHaveEmptyLines, scanEmptyLines, type EmptyLines } from './load-lines.ts';
import { countAtOrBelowSql, StepFunction } from './load-steps.ts';
import {
  ERROR_CAP, ErrorList, blankError, blankRowids, blankSql, cellSql, footerError, listStructureErrors, range, readStructure, rowText, rows, structureAggregates,
} from './load-structure.ts';

export interface LoadOptions {
  /** Called with the duration of each step, for benchmarks. */
  onTiming?: (step: string, ms: number) => void;
}

/** Rows read from the end of the table to look for a footer. */
const TAIL_ROWS = 200;
/** Columns declared past the header, more each time a row turns out longer still. */
const EXTRA_STEPS = [4, 60, 1000];
// A null string that never occurs, so an empty cell ('') stays apart from a missing one (NULL).
const NEVER = '\u0001\u0002dataville-null\u0003';

let loads = 0;

/** Loads a prepared CSV body, checks its structure, infers a Table Schema and writes typed Parquet. */
export async function loadCsvTable(conn: DuckDBConnection, input: PreparedTable, outParquetPath: string, opts: LoadOptions = {}): Promise<LoadedTable> {
  const time = timer(opts.onTiming);
  const id = `${process.pid}_${++loads}`;
  const table = sqlIdent(`__load_csv_${id}`);
  const offsets = sqlIdent(`__load_offsets_${id}`);
  const labels = fieldNamesFromLabels(input.header, input.headerRowNumber);
  const width = Math.max(1, input.header.length);
  // Runs while DuckDB reads the file: only files where an empty line may exist get the full scan.
  const emptyLinesScan = mayHaveEmptyLines(input.utf8Path).then((may) => (may ? scanEmptyLines(input.utf8Path, input.dialect) : null));
  emptyLinesScan.catch(() => {});
  try {
    const declared = await readIntoTable(conn, table, input, width);
    const n = Number((await rows(conn, `SELECT count(*) FROM ${table}`))[0][0]);
    time('read');

    const emptyBefore = emptyLinesAt(await emptyLinesScan, n);
    const lineSteps = new StepFunction(emptyBefore);
    const rowNumber = (rowid: number) => input.firstDataRowNumber + rowid + lineSteps.countAtOrBelow(rowid);
    const footer = await readFooter(conn, table, input, declared, width, n);
    const lastData = footer.lastData;
    time('tail');

    const columns = inferColumns(labels, width, declared);
    const inferOptions = { where: `rowid <= ${lastData}`, delimiter: input.dialect.delimiter, rowNumber, errorCap: ERROR_CAP };
    // The checks of sample-typed columns run in the COPY that converts their values: one pass less.
    let inferred = forceTypes(await inferSchema(conn, table, columns, { ...inferOptions, extraAggregates: structureAggregates(width, declared), deferChecks: true }), input.fieldTypes);
    const structure = readStructure(inferred.extra);
    const kept = width + structure.extraColumns;
    time('infer');

    const errors = new ErrorList();
    for (const e of labels.errors) errors.add(e);
    const blanks = await blankRowids(conn, structure, table, declared, lastData);
    emptyBefore.forEach((before, j) => errors.add(blankError(input.firstDataRowNumber + before + j)));
    for (const rowid of [...blanks, ...footer.blanks.map((r) => r.rowid)]) errors.add(blankError(rowNumber(rowid)));
    for (const { row, kind } of footer.footers) errors.add(footerError(rowNumber(row.rowid), rowText(row.cells, input.dialect.delimiter), kind));
    const listing = { table, width, declared, lastData, delimiter: input.dialect.delimiter, rowNumber };
    await listStructureErrors(conn, structure, { ...listing, fields: fieldsOf(inferred, width, kept) }, errors);
    time('errors');

    const idSteps = new StepFunction(blanks);
    const dense = idSteps.size > StepFunction.MAX_SQL || lineSteps.size > StepFunction.MAX_SQL;
    if (dense) await writeOffsets(conn, offsets, n, idSteps, lineSteps);
    const target = { table, offsets: dense ? offsets : null, blanks, emptyBefore, declared, lastData, firstRow: input.firstDataRowNumber, out: outParquetPath };
    try {
      await writeParquet(conn, target, fieldsOf(inferred, width, kept), inferred.unverified, inferred.pivotYear);
    } catch (err) {
      // A value the sample did not foresee (or a date like 31/02): those columns are inferred from every row, and written again.
      if (!inferred.unverified.some(Boolean)) throw err;
      inferred = forceTypes(await inferSchema(conn, table, columns, { ...inferOptions, recheck: inferred }), input.fieldTypes);
      await writeParquet(conn, target, fieldsOf(inferred, width, kept), [], inferred.pivotYear);
    }
    time('write');

    for (const e of inferred.errors) errors.add(e, 0);
    for (const [type, count] of inferred.counts) errors.count(type, count);
    const { list, summary } = errors.result();
    return {
      parquetPath: outParquetPath,
      schema: { fields: fieldsOf(inferred, width, kept), missingValues: inferred.schema.missingValues },
      rowCount: Math.max(0, lastData + 1 - blanks.length),
      errors: list,
      errorSummary: summary,
    };
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${table}; DROP TABLE IF EXISTS ${offsets}`);
  }
}

/** Reads the body into `table` (c1..cN, VARCHAR), declaring more columns while a row has more cells. */
async function readIntoTable(conn: DuckDBConnection, table: string, input: PreparedTable, width: number): Promise<number> {
  let strict = true;
  let bigLines = false;
  for (let step = 0; ; ) {
    const declared = width + EXTRA_STEPS[step];
    const { delimiter, quoteChar, doubleQuote } = input.dialect;
    const options = [
      `delim = ${sqlString(delimiter)}`, `quote = ${sqlString(quoteChar)}`, `escape = ${sqlString(quoteChar ? (doubleQuote ? quoteChar : '\\') : '')}`,
      'header = false', 'auto_detect = false', `nullstr = ${sqlString(NEVER)}`, 'null_padding = true',
      `columns = {${range(declared).map((k) => `${sqlString(`c${k}`)}: 'VARCHAR'`).join(', ')}}`,
      // Null padding cannot run in parallel with line breaks inside quotes, which many files have.
      'parallel = false', `strict_mode = ${strict}`,
      ...(bigLines ? ['max_line_size = 67108864', 'buffer_size = 134217728'] : []),
    ];
    try {
      await conn.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM read_csv(${sqlString(input.utf8Path)}, ${options.join(', ')})`);
      // Without strict mode DuckDB drops cells past the last column silently: look whether it had to.
      const full = !strict && Number((await rows(conn, `SELECT count(*) FROM ${table} WHERE ${cellSql(declared)} IS NOT NULL`))[0][0]) > 0;
      if (!full) return declared;
      if (step + 1 === EXTRA_STEPS.length) throw unreadable('Expected Number of Columns exceeded', input);
      step++;
    } catch (err) {
      if (err instanceof AppError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      if (/Expected Number of Columns/i.test(message) && step + 1 < EXTRA_STEPS.length) step++;
      else if (/maximum line size/i.test(message) && !bigLines) bigLines = true;
      else if (strict && /invalid state/i.test(message) && (await hasMixedLineEndings(input.utf8Path))) strict = false; // the lenient reader takes them
      else throw unreadable(message, input);
    }
  }
}

function unreadable(message: string, input: PreparedTable): AppError {
  const line = /CSV Error on Line: (\d+)/.exec(message);
  const after = /after row (\d+)/.exec(message);
  const where = line ? `near row ${input.firstDataRowNumber + Number(line[1]) - 1}` : after ? `after row ${after[1]}` : 'in its data';
  const original = /Original Line: ?(.*)/.exec(message)?.[1]?.slice(0, 200);
  const quote = input.dialect.quoteChar || '"';
  const reason = /unterminated quote/i.test(message) ? `a quote (${quote}) opens a cell and is not closed where it should be`
    : /Expected Number of Columns/i.test(message) ? 'a row has far more cells than the header'
    : /maximum line size/i.test(message) ? 'a row is longer than 64 MB'
    : /unicode|utf-?8/i.test(message) ? 'the text is not valid UTF-8'
    : 'the rows do not split into cells consistently';
  return new AppError(
    'unreadable_table',
    `The table could not be read ${where}: ${reason}${original ? ` (the row starts ${JSON.stringify(original)})` : ''}. ` +
      `Enclose cells that contain the delimiter "${input.dialect.delimiter}", quotes or line breaks in ${quote}, double the quotes inside such cells, and export the file again.`,
    { reason: message.split('\n')[0] },
  );
}

/** Positions of the empty lines, when the scan agrees with DuckDB on the number of records. */
function emptyLinesAt(scan: EmptyLines | null, n: number): number[] {
  return scan && scan.records === n ? scan.before : [];
}

/** Reads the last rows, makes sure the file was read to its end, and finds the footer among them. */
async function readFooter(conn: DuckDBConnection, table: string, input: PreparedTable, declared: number, width: number, n: number): Promise<Footer> {
  const tail = (await rows(conn, `SELECT rowid, ${range(declared).map(cellSql).join(', ')} FROM ${table} WHERE rowid >= ${Math.max(0, n - TAIL_ROWS)} ORDER BY rowid`))
    .map(([rowid, ...cells]) => ({ rowid: Number(rowid), cells: cells as (string | null)[] }));
  const last = tail.length ? tail[tail.length - 1].cells.filter((c) => c !== null).pop() ?? '' : null;
  const complete = last === null ? !(await hasText(input.utf8Path)) : await endsWithCell(input.utf8Path, last, input.dialect.quoteChar);
  if (!complete) {
    throw unreadable(`Value with unterminated quote found after row ${input.firstDataRowNumber + n - 1}`, input);
  }
  const found = findFooter(tail, width, n <= TAIL_ROWS);
  if (!input.noFooter || !found.footers.length) return found;
  // Records of JSON are all data: the rows taken for a footer go back to the table.
  return { lastData: Math.max(found.lastData, ...found.footers.map((f) => f.row.rowid)), footers: [], blanks: found.blanks.filter((b) => b.rowid > Math.max(...found.footers.map((f) => f.row.rowid))) };
}

/**
 * Applies the types a reader knows better than inference. Only text-like types are forced (a
 * GeoJSON geometry is text to the loader); a reader's numeric or date types must be earned by
 * the values, as in any other table, so they are left to inference.
 */
function forceTypes(inferred: InferResult, types: PreparedTable['fieldTypes']): InferResult {
  if (!types?.some((t) => t === 'geojson' || t === 'string')) return inferred;
  const fields = inferred.schema.fields.map((f, i): SchemaField => {
    const t = types[i];
    return t === 'geojson' || t === 'string' ? { name: f.name, type: t, ...(f.title !== undefined && { title: f.title }) } : f;
  });
  const unverified = inferred.unverified.map((u, i) => (types[i] === 'geojson' || types[i] === 'string' ? false : u));
  const errors = inferred.errors.filter((e) => !(e.fieldNumber && (types[e.fieldNumber - 1] === 'geojson' || types[e.fieldNumber - 1] === 'string')));
  return { ...inferred, schema: { ...inferred.schema, fields }, unverified, errors };
}

/** The columns to infer: the header's, then those past it, named field_N. */
function inferColumns(labels: FieldNames, width: number, declared: number): InferColumn[] {
  return range(declared).map((k) => ({
    column: `c${k}`,
    name: k <= width ? labels.names[k - 1] ?? uniqueName(`field_${k}`, labels.taken) : uniqueName(`field_${k}`, labels.taken),
    title: k <= width ? labels.titles[k - 1] : `Cells past the header (column ${k})`,
    fieldNumber: k,
  }));
}

/** The published fields: the header's and the columns past it up to the last that holds text. */
function fieldsOf(inferred: InferResult, width: number, kept: number): SchemaField[] {
  return inferred.schema.fields.slice(0, Math.max(width, kept));
}

interface WriteTarget {
  table: string;
  offsets: string | null;
  blanks: number[];
  emptyBefore: number[];
  declared: number;
  lastData: number;
  firstRow: number;
  out: string;
}

/** One COPY to `out.tmp`, renamed to `out` once complete. */
async function writeParquet(conn: DuckDBConnection, t: WriteTarget, fields: SchemaField[], verify: boolean[], pivotYear: number) {
  const rowid = `${t.table}.rowid`;
  const idOff = t.offsets ? 'o.id_off' : countAtOrBelowSql(rowid, t.blanks);
  const rowOff = t.offsets ? 'o.row_off' : countAtOrBelowSql(rowid, t.emptyBefore);
  const select = [
    `CAST(${rowid} + 1 - ${idOff} AS BIGINT) AS _id`,
    `CAST(${rowid} + ${t.firstRow} + ${rowOff} AS BIGINT) AS _row`,
    ...fields.map((f, i) => `${typedValueSql(f, cellSql(i + 1), pivotYear, verify[i] ?? false)} AS ${sqlIdent(f.name)}`),
  ];
  const where = `${rowid} <= ${t.lastData}${t.blanks.length ? ` AND NOT ${blankSql(t.declared)}` : ''}`;
  const tmp = `${t.out}.tmp`;
  try {
    await conn.run(
      `COPY (SELECT ${select.join(', ')} FROM ${t.table}${t.offsets ? ` POSITIONAL JOIN ${t.offsets} o` : ''} WHERE ${where}) ` +
        `TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000)`,
    );
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  await fs.promises.rename(tmp, t.out);
}

/** Dense per-row offsets for files with many blank rows or empty lines, joined by position. */
async function writeOffsets(conn: DuckDBConnection, table: string, n: number, ids: StepFunction, lines: StepFunction) {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${table} (id_off INTEGER, row_off INTEGER)`);
  const appender = await conn.createAppender(table.slice(1, -1), 'main', 'temp');
  const id = ids.cursor();
  const line = lines.cursor();
  for (let rowid = 0; rowid < n; rowid++) {
    appender.appendInteger(id(rowid));
    appender.appendInteger(line(rowid));
    appender.endRow();
  }
  appender.closeSync();
}

function timer(onTiming?: (step: string, ms: number) => void) {
  let last = performance.now();
  return (step: string) => {
    const now = performance.now();
    onTiming?.(step, now - last);
    last = now;
  };
}
