import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TableError } from '../ingest/types.ts';
import { describeAudit } from './describe.ts';
import { scoreAudit } from './score.ts';
import type { AuditReport } from './types.ts';

function report(over: Partial<AuditReport> = {}): AuditReport {
  const errors: TableError[] = [
    { type: 'title-row', rowNumber: 1, message: 'Title row "Straten van Gent".' },
    { type: 'missing-cell', rowNumber: 37, fieldNumber: 3, fieldName: 'sinds', message: 'Row 37 has 2 cells, the header 3.' },
    { type: 'duplicate-row', rowNumber: 204, message: 'Row 204 repeats row 5 exactly.' },
  ];
  const base: Omit<AuditReport, 'score' | 'deductions'> = {
    format: 'csv',
    encoding: {
      encoding: 'windows-1252',
      bom: false,
      method: 'detected',
      confidence: 0.87,
      mojibake: { decodedAs: 'windows-1252', repairedCount: 3, example: { before: 'Ã©', after: 'é' } },
      invalidSequences: 0,
    },
    dialect: { delimiter: ';', quoteChar: '"', doubleQuote: true, lineTerminator: '\r\n', header: true },
    schema: {
      missingValues: [''],
      fields: [
        { name: 'straat', type: 'string' },
        { name: 'nummer', type: 'integer' },
        { name: 'sinds', type: 'date' },
        { name: 'opmerking', type: 'string' },
      ],
    },
    rowCount: 1234,
    columnCount: 4,
    columns: [
      { name: 'straat', type: 'string', nullCount: 0, distinctCount: 1200, min: 'Aalmoezeniersstraat', max: 'Zwijnaardsesteenweg', topValues: [] },
      { name: 'nummer', type: 'integer', nullCount: 3, distinctCount: 120, min: 1, max: 999, topValues: [] },
      { name: 'sinds', type: 'date', nullCount: 12, distinctCount: 800, min: '1901-01-01', max: '2024-12-31', topValues: [] },
      { name: 'opmerking', type: 'string', nullCount: 1234, distinctCount: 0, min: null, max: null, topValues: [] },
    ],
    errors,
    errorSummary: [
      { type: 'title-row', count: 1 },
      { type: 'missing-cell', count: 1 },
      { type: 'duplicate-row', count: 1 },
    ],
    ...over,
  };
  return { ...base, ...scoreAudit(base) };
}

test('describes encoding, dialect, size, every column, the score with each deduction and the first errors', () => {
  const r = report();
  const lines = describeAudit(r);
  assert.equal(lines[0], 'Encoding: windows-1252 (detected, 87% confidence), converted to UTF-8; mojibake repaired (text had been read as windows-1252): 3 places, e.g. "Ã©" → "é".');
  assert.equal(lines[1], `Format: CSV, delimiter ";", quote '"', header row, CRLF line ends.`);
  assert.equal(lines[2], '1,234 rows, 4 columns.');
  for (const line of [
    '  straat: string, 0 empty, 1,200 distinct, "Aalmoezeniersstraat".."Zwijnaardsesteenweg"',
    '  nummer: integer, 3 empty, 120 distinct, 1..999',
    '  sinds: date, 12 empty, 800 distinct, 1901-01-01..2024-12-31',
    '  opmerking: string, all empty',
    `Quality score: ${r.score}/100`,
    'Problems: 1 title-row, 1 missing-cell, 1 duplicate-row.',
    '  row 1: Title row "Straten van Gent".',
    '  row 37, column 3 (sinds): Row 37 has 2 cells, the header 3.',
    '  row 204: Row 204 repeats row 5 exactly.',
  ]) {
    assert.ok(lines.includes(line), `missing line ${JSON.stringify(line)} in\n${lines.join('\n')}`);
  }
  assert.equal(r.score, 83);
  assert.ok(r.deductions.length >= 5);
  for (const d of r.deductions) assert.ok(lines.includes(`  −${d.points} ${d.rule}: ${d.reason}`), d.rule);
  assert.ok(lines.some((l) => /−1 duplicate-row: .*the first is row 204/.test(l)));
});

test('a clean spreadsheet says nothing was deducted and lists no problems', () => {
  const lines = describeAudit(
    report({
      format: 'xlsx',
      dialect: null,
      encoding: { encoding: 'utf-8', bom: false, method: 'valid-utf8', confidence: 1, mojibake: null, invalidSequences: 0 },
      columns: [],
      columnCount: 0,
      errors: [],
      errorSummary: [],
    }),
  );
  assert.deepEqual(lines, ['Encoding: UTF-8 (valid UTF-8).', 'Format: XLSX.', '1,234 rows, 0 columns.', 'Quality score: 100/100, nothing deducted.']);
});

test('shows only the first 10 errors and says how many there are', () => {
  const errors: TableError[] = Array.from({ length: 100 }, (_, i) => ({ type: 'extra-cell', rowNumber: 10 + i, message: 'Extra cell.' }));
  const lines = describeAudit(report({ errors, errorSummary: [{ type: 'extra-cell', count: 150 }], columns: [] }));
  assert.ok(lines.includes('The first 10 of 150:'));
  assert.equal(lines.filter((l) => l.endsWith(': Extra cell.')).length, 10);
  assert.ok(lines.includes('  row 19: Extra cell.'));
  assert.ok(!lines.includes('  row 20: Extra cell.'));
});

test('in French, the deductions are explained in French too', () => {
  const lines = describeAudit(report(), 'fr').map((l) => l.replace(/\s/g, ' '));
  assert.ok(lines[0].startsWith('Encodage : windows-1252 (détecté, confiance 87 %), converti en UTF-8 ; mojibake réparé'), lines[0]);
  assert.ok(lines.includes('1 234 lignes, 4 colonnes.'));
  assert.ok(lines.includes('  opmerking : string, entièrement vide'));
  assert.ok(lines.includes('Score de qualité : 83/100'));
  assert.ok(lines.includes("  −1 missing-cell : 1 ligne (< 0,1 %) a moins de cellules que l'en-tête ; première : ligne 37."), lines.join('\n'));
  assert.ok(lines.includes('  −3 empty-column : 1 colonne est entièrement vide : « opmerking ».'));
});

test('a report scored by other rules keeps its stored reasons rather than inventing new points', () => {
  const r = { ...report(), deductions: [{ rule: 'title-row', points: 7, reason: 'Stored reason.' }], score: 93 };
  const lines = describeAudit(r, 'fr');
  assert.ok(lines.includes('  −7 title-row : Stored reason.'));
  assert.ok(lines.includes('Score de qualité : 93/100'));
});
