import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { sqlString } from '../stores/tables/duckdb.ts';
import { useTableEngine } from '../../test/helpers/engine.ts';
import type { EncodingReport, TableError, TableSchema } from '../ingest/types.ts';
import { auditTable, mergeErrors } from './audit.ts';

const env = useTableEngine();
const dir = env.dir;

const schema: TableSchema = {
  missingValues: [''],
  fields: [
    { name: 'straat', type: 'string' },
    { name: 'nummer', type: 'integer' },
    { name: 'sinds', type: 'date' },
  ],
};
const utf8: EncodingReport = { encoding: 'utf-8', bom: false, method: 'valid-utf8', confidence: 1, mojibake: null, invalidSequences: 0 };
const dialect = { delimiter: ';', quoteChar: '"', doubleQuote: true, lineTerminator: '\n' as const, header: true };

/** 200 data rows from source row 5 (two title rows, a blank row and the header above); row 204 repeats row 5. */
async function writeTable(file: string): Promise<string> {
  const p = path.join(dir, file);
  await env.engine.withConnection((conn) =>
    conn.run(`COPY (SELECT i::BIGINT AS _id, (i + 4)::BIGINT AS _row,
        CASE WHEN i = 200 THEN 'Straat 1' ELSE 'Straat ' || i END AS straat,
        CASE WHEN i = 200 THEN 1 ELSE i END::BIGINT AS nummer,
        DATE '2020-01-01' + (CASE WHEN i = 200 THEN 1 ELSE i END)::INTEGER AS sinds
      FROM range(1, 201) r(i)) TO ${sqlString(p)} (FORMAT parquet)`),
  );
  return p;
}

const skipped: TableError[] = [
  { type: 'title-row', rowNumber: 1, message: 'Title row "Straten van Gent".' },
  { type: 'blank-row', rowNumber: 2, message: 'Blank row above the header.' },
  { type: 'title-row', rowNumber: 3, message: 'Title row "Bron: stad".' },
];

test('assembles profile, checks and score into one report with merged, sorted, capped errors', async () => {
  const parquetPath = await writeTable('audit.parquet');
  // The loader lists 100 of its 150 short rows, the highest first (the audit sorts them).
  const missing: TableError[] = Array.from({ length: 100 }, (_, i) => ({ type: 'missing-cell', rowNumber: 180 - i, fieldNumber: 3, fieldName: 'sinds', message: 'Missing cell.' }));
  const report = await env.engine.withConnection((conn) =>
    auditTable(conn, {
      parquetPath,
      schema,
      rowCount: 200,
      loadErrors: missing,
      loadErrorSummary: [{ type: 'missing-cell', count: 150 }],
      skipped,
      encoding: utf8,
      dialect,
      format: 'csv',
    }),
  );

  assert.equal(report.format, 'csv');
  assert.equal(report.rowCount, 200);
  assert.equal(report.columnCount, 3);
  assert.deepEqual(report.schema, schema);
  assert.deepEqual(report.dialect, dialect);
  assert.deepEqual(
    report.columns.map((c) => [c.name, c.nullCount, c.distinctCount, c.min, c.max]),
    [
      ['straat', 0, 199, 'Straat 1', 'Straat 99'],
      ['nummer', 0, 199, 1, 199],
      ['sinds', 0, 199, '2020-01-02', '2020-07-18'],
    ],
  );

  const rows = report.errors.map((e) => e.rowNumber!);
  assert.deepEqual(rows.slice(0, 4), [1, 2, 3, 81]);
  assert.deepEqual([...rows].sort((a, b) => a - b), rows, 'sorted by row');
  assert.equal(report.errors.filter((e) => e.type === 'missing-cell').length, 100);
  const dup = report.errors.find((e) => e.type === 'duplicate-row')!;
  assert.equal(dup.rowNumber, 204);
  assert.match(dup.message, /repeats row 5\b/);
  assert.deepEqual(
    [...report.errorSummary].sort((a, b) => a.type.localeCompare(b.type)),
    [
      { type: 'blank-row', count: 1 },
      { type: 'duplicate-row', count: 1 },
      { type: 'missing-cell', count: 150 },
      { type: 'title-row', count: 2 },
    ],
  );

  assert.deepEqual(
    report.deductions.map((d) => [d.rule, d.points]),
    [
      ['missing-cell', 20],
      ['blank-row', 1],
      ['title-row', 5],
      ['duplicate-row', 1],
    ],
  );
  assert.equal(report.score, 100 - 27);
  assert.match(report.deductions[0].reason, /^about 150 rows \(75%\) have fewer cells than the header; the first is row 81\.$/);
  assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
});

test('a clean table scores 100', async () => {
  const parquetPath = path.join(dir, 'clean.parquet');
  await env.engine.withConnection((conn) =>
    conn.run(`COPY (SELECT i::BIGINT AS _id, (i + 1)::BIGINT AS _row, 'Straat ' || i AS straat, i::BIGINT AS nummer, DATE '2020-01-01' + i::INTEGER AS sinds
      FROM range(1, 51) r(i)) TO ${sqlString(parquetPath)} (FORMAT parquet)`),
  );
  const report = await env.engine.withConnection((conn) =>
    auditTable(conn, { parquetPath, schema, rowCount: 50, loadErrors: [], loadErrorSummary: [], skipped: [], encoding: utf8, dialect, format: 'csv' }),
  );
  assert.equal(report.score, 100);
  assert.deepEqual(report.deductions, []);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.errorSummary, []);
});

test('an error passed on by two stages counts once', () => {
  const { errors, errorSummary } = mergeErrors([
    { errors: skipped, summary: [] },
    // The loader repeats the preparer's skipped rows (worded its own way) next to its own errors.
    {
      errors: [...skipped.map((e) => ({ ...e, message: e.message.toUpperCase() })), { type: 'extra-cell', rowNumber: 9, message: 'Extra cell.' }],
      summary: [
        { type: 'title-row', count: 2 },
        { type: 'blank-row', count: 1 },
        { type: 'extra-cell', count: 1 },
      ],
    },
  ]);
  assert.deepEqual(errors.map((e) => [e.type, e.rowNumber]), [
    ['title-row', 1],
    ['blank-row', 2],
    ['title-row', 3],
    ['extra-cell', 9],
  ]);
  assert.deepEqual(errorSummary, [
    { type: 'title-row', count: 2 },
    { type: 'blank-row', count: 1 },
    { type: 'extra-cell', count: 1 },
  ]);
});

test('caps each type at 100 listed errors and keeps header-level errors first', () => {
  const many: TableError[] = Array.from({ length: 130 }, (_, i) => ({ type: 'type-error', rowNumber: 1000 - i, fieldNumber: 1, message: 'x' }));
  const { errors, errorSummary } = mergeErrors([
    { errors: [...many, { type: 'blank-header', fieldNumber: 2, message: 'Blank header.' }], summary: [{ type: 'type-error', count: 4000 }] },
  ]);
  assert.equal(errors.length, 101);
  assert.equal(errors[0].type, 'blank-header');
  assert.equal(errors[1].rowNumber, 871);
  assert.deepEqual(errorSummary, [
    { type: 'type-error', count: 4000 },
    { type: 'blank-header', count: 1 },
  ]);
});
