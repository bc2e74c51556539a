import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TableError, TableErrorType } from '../ingest/types.ts';
import { proportionalPoints, scoreAudit, type ScoreInput } from './score.ts';
import type { ColumnProfile } from './types.ts';

function column(name: string, over: Partial<ColumnProfile> = {}): ColumnProfile {
  return { name, type: 'string', nullCount: 0, distinctCount: 500, min: 'a', max: 'z', topValues: [{ value: 'a', count: 3 }], ...over };
}

/** A clean 1000-row, 4-column UTF-8 CSV. */
function clean(over: Partial<ScoreInput> = {}): ScoreInput {
  return {
    encoding: { encoding: 'utf-8', bom: false, method: 'valid-utf8', confidence: 1, mojibake: null, invalidSequences: 0 },
    dialect: { delimiter: ';', quoteChar: '"', doubleQuote: true, lineTerminator: '\r\n', header: true },
    schema: { missingValues: [''], fields: ['a', 'b', 'c', 'd'].map((name) => ({ name, type: 'string' as const })) },
    rowCount: 1000,
    columns: ['a', 'b', 'c', 'd'].map((n) => column(n)),
    errors: [],
    errorSummary: [],
    ...over,
  };
}

/** Errors of one type at the given rows, with a summary that may count more than are listed. */
function withErrors(type: TableErrorType, rows: number[], count = rows.length, extra: Partial<TableError> = {}): Partial<ScoreInput> {
  return {
    errors: rows.map((rowNumber) => ({ type, rowNumber, message: `${type} at ${rowNumber}`, ...extra })),
    errorSummary: [{ type, count }],
  };
}

function only(input: ScoreInput) {
  const result = scoreAudit(input);
  assert.equal(result.deductions.length, 1, JSON.stringify(result.deductions));
  assert.equal(result.score, 100 - result.deductions[0].points);
  return result.deductions[0];
}

test('a clean file scores 100 with nothing deducted', () => {
  assert.deepEqual(scoreAudit(clean()), { score: 100, deductions: [] });
});

test('points per started percent: at least 1, capped, no floating point surprises', () => {
  assert.equal(proportionalPoints(0.000001, 1, 20), 1);
  assert.equal(proportionalPoints(0.07, 1, 20), 7);
  assert.equal(proportionalPoints(0.071, 1, 20), 8);
  assert.equal(proportionalPoints(0.5, 1, 20), 20);
  assert.equal(proportionalPoints(0.025, 2, 20), 6);
  assert.equal(proportionalPoints(0.0001, 2, 20), 2);
});

test('missing cells: 1 point per started percent of rows, counted by row, first position named', () => {
  // Four cells missing in three rows (row 37 twice): 0.3% of 1000 rows.
  const d = only(clean({ ...withErrors('missing-cell', [37, 37, 120, 512]) }));
  assert.equal(d.rule, 'missing-cell');
  assert.equal(d.points, 1);
  assert.equal(d.reason, '3 rows (0.3%) have fewer cells than the header; the first is row 37.');
});

test('extra cells on a quarter of the rows hit the cap of 20', () => {
  const rows = Array.from({ length: 100 }, (_, i) => 10 + i);
  const d = only(clean({ ...withErrors('extra-cell', rows, 250) }));
  assert.equal(d.points, 20);
  // Only 100 of 250 are listed: the row count is an estimate and says so.
  assert.match(d.reason, /^about 250 rows \(25%\) have more cells than the header; the first is row 10\.$/);
});

test('type errors: 2 points per started percent of cells, naming columns and the first cell', () => {
  const input = clean({
    errors: [
      { type: 'type-error', rowNumber: 40, fieldNumber: 3, fieldName: 'c', cell: '31/02/2020', message: 'not a date' },
      { type: 'type-error', rowNumber: 12, fieldNumber: 2, fieldName: 'b', cell: 'twelve', message: 'not an integer' },
    ],
    errorSummary: [{ type: 'type-error', count: 60 }],
  });
  const d = only(input);
  // 60 of 4000 cells = 1.5% -> 2 started percents x 2 points.
  assert.equal(d.points, 4);
  assert.equal(d.reason, `60 cells (1.5% of all cells) do not match the column's type (columns "b", "c"); the first is row 12, column "b": "twelve".`);
});

test('blank rows cost 1 point per started percent, at most 5', () => {
  assert.equal(only(clean(withErrors('blank-row', [5, 6]))).points, 1);
  const d = only(clean(withErrors('blank-row', [5], 300)));
  assert.equal(d.points, 5);
  assert.match(d.reason, /^300 blank rows \(30%\); the first is row 5\.$/);
});

test('no header row costs 10', () => {
  const d = only(clean({ dialect: { delimiter: ',', quoteChar: '"', doubleQuote: true, lineTerminator: '\n', header: false } }));
  assert.deepEqual([d.rule, d.points], ['no-header', 10]);
  assert.match(d.reason, /no header row/);
});

test('blank and repeated column names cost 5 per column, at most 15', () => {
  const blank = only(
    clean({
      errors: [
        { type: 'blank-header', fieldNumber: 3, message: 'blank' },
        { type: 'blank-header', fieldNumber: 7, message: 'blank' },
      ],
      errorSummary: [{ type: 'blank-header', count: 2 }],
    }),
  );
  assert.deepEqual([blank.rule, blank.points, blank.reason], ['blank-header', 10, '2 columns have no name in the header (columns 3, 7).']);

  const dup = only(
    clean({
      errors: [1, 2, 3, 4].map((i) => ({ type: 'duplicate-label' as const, fieldNumber: 4 + i, cell: 'datum', message: 'repeated' })),
      errorSummary: [{ type: 'duplicate-label', count: 4 }],
    }),
  );
  assert.deepEqual([dup.rule, dup.points], ['duplicate-label', 15]);
  assert.equal(dup.reason, '4 column names repeat an earlier one ("datum" in column 5).');
});

test('title and footer rows cost 5 each, whatever their number', () => {
  const title = only(clean(withErrors('title-row', [1, 2, 3])));
  assert.deepEqual([title.rule, title.points], ['title-row', 5]);
  assert.equal(title.reason, '3 rows of title or notes above the header (rows 1–3); software expects the header on the first row.');
  const footer = only(clean(withErrors('footer-row', [1204])));
  assert.deepEqual([footer.rule, footer.points], ['footer-row', 5]);
  assert.match(footer.reason, /^1 row of notes or totals below the data \(row 1204\)/);
});

test('undecodable bytes cost 5 plus 1 per started percent of rows, at most 15', () => {
  const enc = { encoding: 'windows-1252' as const, bom: false, method: 'detected' as const, confidence: 0.9, mojibake: null, invalidSequences: 25 };
  const { deductions, score } = scoreAudit(clean({ encoding: enc, ...withErrors('encoding-error', [88]) }));
  const d = deductions.find((x) => x.rule === 'encoding-error')!;
  assert.equal(d.points, 5 + 3);
  assert.equal(d.reason, '25 byte sequences could not be read as windows-1252 and were replaced by "�"; the first is row 88.');
  // Not UTF-8 at the source is its own, small deduction.
  const n = deductions.find((x) => x.rule === 'not-utf8')!;
  assert.equal(n.points, 3);
  assert.match(n.reason, /windows-1252 \(detected with 90% confidence\), not UTF-8/);
  assert.equal(score, 100 - 8 - 3);
  const worst = scoreAudit(clean({ encoding: { ...enc, encoding: 'utf-8', invalidSequences: 5000 } })).deductions;
  assert.deepEqual(worst.map((x) => [x.rule, x.points]), [['encoding-error', 15]]);
});

test('repaired mojibake costs 3 plus 1 per started percent of rows, at most 10', () => {
  const d = only(
    clean({
      encoding: {
        encoding: 'utf-8',
        bom: false,
        method: 'valid-utf8',
        confidence: 1,
        mojibake: { decodedAs: 'windows-1252', repairedCount: 42, example: { before: 'CafÃ©', after: 'Café' } },
        invalidSequences: 0,
      },
    }),
  );
  assert.deepEqual([d.rule, d.points], ['mojibake-repaired', 3 + 5]);
  assert.match(d.reason, /read as windows-1252 and saved again as UTF-8 \(mojibake\); 42 places were repaired, e\.g\. "CafÃ©" → "Café"/);
});

test('a spreadsheet (no dialect) is not charged for its encoding', () => {
  const r = scoreAudit(clean({ dialect: null, encoding: { encoding: 'windows-1252', bom: false, method: 'fallback', confidence: 0, mojibake: null, invalidSequences: 0 } }));
  assert.deepEqual(r, { score: 100, deductions: [] });
});

test('duplicate rows: 1 point per started percent of rows, at most 10', () => {
  const d = only(clean(withErrors('duplicate-row', [40, 41, 77], 15)));
  assert.deepEqual([d.rule, d.points], ['duplicate-row', 2]);
  assert.match(d.reason, /^about 15 rows \(1\.5%\) repeat an earlier row exactly; the first is row 40\.$/);
  assert.equal(only(clean(withErrors('duplicate-row', [2], 900))).points, 10);
});

test('censored values: 1 point per started percent of cells, at most 5', () => {
  const d = only(clean(withErrors('censored-value', [9, 10], 50, { fieldName: 'aantal', cell: '<5' })));
  // 50 of 4000 cells = 1.25%.
  assert.deepEqual([d.rule, d.points], ['censored-value', 2]);
  assert.equal(d.reason, '50 cells hold censored values such as "<5" (column "aantal"); the first is row 9; they cannot be used as numbers.');
});

test('empty columns cost 3 each (at most 15), constant columns 1 each (at most 5)', () => {
  const columns = [
    column('a', { nullCount: 1000, distinctCount: 0, min: null, max: null, topValues: [] }),
    column('b', { nullCount: 1000, distinctCount: 0, min: null, max: null, topValues: [] }),
    column('gemeente', { distinctCount: 1, min: 'Gent', max: 'Gent', topValues: [{ value: 'Gent', count: 1000 }] }),
    // One value plus blanks is a flag column, not a constant one.
    column('vlag', { nullCount: 600, distinctCount: 1, min: 'x', max: 'x', topValues: [{ value: 'x', count: 400 }] }),
  ];
  const { score, deductions } = scoreAudit(clean({ columns }));
  assert.deepEqual(deductions, [
    { rule: 'empty-column', points: 6, reason: '2 columns are entirely empty: "a", "b".' },
    { rule: 'constant-column', points: 1, reason: '1 column holds the same value in every row: "gemeente" ("Gent").' },
  ]);
  assert.equal(score, 93);
  const many = scoreAudit(clean({ columns: Array.from({ length: 9 }, (_, i) => column(`e${i}`, { nullCount: 1000, distinctCount: 0 })) }));
  assert.equal(many.deductions[0].points, 15);
});

test('an error type without its own rule still costs points and is explained', () => {
  // A type a later loader may add, unknown to this rule set.
  const weird = 'weird-thing' as TableErrorType;
  const input = clean({ errors: [{ type: weird, rowNumber: 12, message: 'Something odd.' }], errorSummary: [{ type: weird, count: 30 }] });
  const d = scoreAudit(input).deductions.find((x) => x.rule === 'weird-thing')!;
  assert.equal(d.points, 3);
  assert.equal(d.reason, '30 problems of type "weird-thing"; the first is row 12: Something odd.');
});

test('the score never goes below 0 and every deduction is a positive integer with a reason', () => {
  const everything = clean({
    rowCount: 10,
    dialect: { delimiter: ',', quoteChar: '"', doubleQuote: true, lineTerminator: '\n', header: false },
    encoding: { encoding: 'windows-1252', bom: false, method: 'fallback', confidence: 0, mojibake: { decodedAs: 'macintosh', repairedCount: 9 }, invalidSequences: 9 },
    columns: [column('a', { nullCount: 10, distinctCount: 0 })],
    errors: [],
    errorSummary: (['missing-cell', 'extra-cell', 'type-error', 'blank-row', 'duplicate-row', 'title-row', 'footer-row', 'blank-header', 'duplicate-label', 'censored-value'] as TableErrorType[]).map(
      (type) => ({ type, count: 9 }),
    ),
  });
  const { score, deductions } = scoreAudit(everything);
  assert.equal(score, 0);
  assert.ok(deductions.reduce((s, d) => s + d.points, 0) > 100);
  for (const d of deductions) {
    assert.ok(Number.isInteger(d.points) && d.points > 0, d.rule);
    assert.ok(d.reason.length > 10, d.rule);
  }
});

test('an empty table does not divide by zero', () => {
  const r = scoreAudit(clean({ rowCount: 0, columns: [], ...withErrors('missing-cell', [2]) }));
  assert.equal(r.deductions[0].points, 20);
  assert.ok(Number.isInteger(r.score));
});

test('reasons can be written in French with the same points', () => {
  const input = clean({ ...withErrors('missing-cell', [37, 120, 512]) });
  const [fr] = scoreAudit(input, 'fr').deductions;
  assert.equal(fr.points, scoreAudit(input).deductions[0].points);
  // Intl puts a no-break space before the French % sign (which one depends on the ICU version).
  assert.equal(fr.reason.replace(/\s/g, ' '), "3 lignes (0,3 %) ont moins de cellules que l'en-tête ; première : ligne 37.");
});
