import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyNumFmt, formatIsoCell, formatNumber, formatNumeric, looksNumeric, serialToMs, isoDate } from './values.ts';

test('numbers are written with 15 significant digits, a decimal point and no exponent where avoidable', () => {
  assert.equal(formatNumber(0.1 + 0.2), '0.3');
  assert.equal(formatNumber(30689.368861999999), '30689.368862');
  assert.equal(formatNumber(1234567.5), '1234567.5');
  assert.equal(formatNumber(-42), '-42');
  assert.equal(formatNumber(-0), '0');
  assert.equal(formatNumber(1.5e-7), '0.00000015');
  assert.equal(formatNumber(-2.25e-10), '-0.000000000225');
  assert.equal(formatNumber(123456789012345680000), '123456789012346000000');
  assert.equal(formatNumber(1e21), '1e+21');
  assert.equal(formatNumber(1e-25), '1e-25');
  assert.equal(formatNumber(Number.NaN), '');
});

test('number formats tell dates, date-times, times and zero padding from numbers', () => {
  assert.deepEqual(classifyNumFmt(0, undefined), { kind: 'number' });
  assert.deepEqual(classifyNumFmt(3, undefined), { kind: 'number' });
  assert.deepEqual(classifyNumFmt(14, undefined), { kind: 'date' });
  assert.deepEqual(classifyNumFmt(22, undefined), { kind: 'datetime' });
  assert.deepEqual(classifyNumFmt(20, undefined), { kind: 'time', elapsed: false });
  assert.deepEqual(classifyNumFmt(46, undefined), { kind: 'time', elapsed: true });
  assert.deepEqual(classifyNumFmt(164, 'dd/mm/yyyy'), { kind: 'date' });
  assert.deepEqual(classifyNumFmt(164, 'yyyy-mm-dd hh:mm:ss'), { kind: 'datetime' });
  assert.deepEqual(classifyNumFmt(164, '[$-80C]dddd d mmmm yyyy'), { kind: 'date' });
  assert.deepEqual(classifyNumFmt(164, 'mmm-yy'), { kind: 'date' });
  assert.deepEqual(classifyNumFmt(164, 'h:mm AM/PM'), { kind: 'time', elapsed: false });
  assert.deepEqual(classifyNumFmt(164, '[h]:mm'), { kind: 'time', elapsed: true });
  assert.deepEqual(classifyNumFmt(164, '00000'), { kind: 'pad', width: 5 });
  assert.deepEqual(classifyNumFmt(164, '#,##0.00 "€";[Red]-#,##0.00 "€"'), { kind: 'number' });
  assert.deepEqual(classifyNumFmt(164, '0.00E+00'), { kind: 'number' });
  assert.deepEqual(classifyNumFmt(164, '0.0 "days"'), { kind: 'number' });
  assert.deepEqual(classifyNumFmt(164, '0%'), { kind: 'number' });
  assert.deepEqual(classifyNumFmt(164, 'General'), { kind: 'number' });
  // A custom code for a built-in id wins over the built-in meaning.
  assert.deepEqual(classifyNumFmt(14, '0.00'), { kind: 'number' });
});

test('date serials follow the 1900 system (with its phantom 29 February) and the 1904 system', () => {
  assert.equal(isoDate(serialToMs(1, false)!), '1900-01-01');
  assert.equal(isoDate(serialToMs(59, false)!), '1900-02-28');
  assert.equal(serialToMs(60, false), null);
  assert.equal(isoDate(serialToMs(61, false)!), '1900-03-01');
  assert.equal(isoDate(serialToMs(45000, false)!), '2023-03-15');
  assert.equal(isoDate(serialToMs(0, true)!), '1904-01-01');
  assert.equal(isoDate(serialToMs(45000 - 1462, true)!), '2023-03-15');
  assert.equal(serialToMs(-1, false), null);
});

test('numeric cells are written under their format', () => {
  assert.deepEqual(formatNumeric(4000, { kind: 'pad', width: 5 }, false), { text: '04000', temporal: false });
  assert.deepEqual(formatNumeric(4000.5, { kind: 'pad', width: 5 }, false), { text: '4000.5', temporal: false });
  assert.deepEqual(formatNumeric(45000.75, { kind: 'date' }, false), { text: '2023-03-15', temporal: true });
  assert.deepEqual(formatNumeric(45000.75, { kind: 'datetime' }, false), { text: '2023-03-15T18:00:00', temporal: true });
  // 0.1 s short of midnight rounds to the next day, as Excel shows it.
  assert.deepEqual(formatNumeric(45000 + (86400 - 0.1) / 86400, { kind: 'datetime' }, false), { text: '2023-03-16T00:00:00', temporal: true });
  assert.deepEqual(formatNumeric(0.5, { kind: 'time', elapsed: false }, false), { text: '12:00:00', temporal: true });
  assert.deepEqual(formatNumeric(1.5, { kind: 'time', elapsed: true }, false), { text: '36:00:00', temporal: true });
  assert.deepEqual(formatNumeric(60, { kind: 'date' }, false), { text: '60', temporal: false });
  assert.deepEqual(formatNumeric(0.1 + 0.2, { kind: 'number' }, false), { text: '0.3', temporal: false });
});

test('ISO cells (type d) and text that reads as a number', () => {
  assert.equal(formatIsoCell('2024-03-05T00:00:00Z', { kind: 'number' }), '2024-03-05');
  assert.equal(formatIsoCell('2024-03-05T10:20:30.5Z', { kind: 'number' }), '2024-03-05T10:20:30');
  assert.equal(formatIsoCell('2024-03-05T10:20:30Z', { kind: 'date' }), '2024-03-05');
  for (const t of ['123', '04000', '-1.5', '1 234,5', '1.234.567', '2024-03-05', '05/03/2024', '12%']) assert.ok(looksNumeric(t), t);
  for (const t of ['Q1', 'BE10', 'AARTSELAAR', 'n.d.', '', '12 rue Haute']) assert.ok(!looksNumeric(t), t);
});
