import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openTableEngine, sqlIdent, sqlString, type TableEngine } from '../stores/tables/duckdb.ts';
import { tempDir } from '../../test/helpers/paths.ts';
import { defaultPivotYear, inferSchema, nameSaysCode, typedValueSql, type InferOptions } from './infer.ts';
import type { SchemaField } from './types.ts';

let engine: TableEngine;
before(async () => {
  engine = await openTableEngine({ tempDir: tempDir() });
});
after(async () => {
  await engine.close();
});

let tables = 0;

/** A temp table of VARCHAR columns, one per entry, filled row by row. */
async function makeTable(conn: DuckDBConnection, columns: Record<string, (string | null)[]>): Promise<string> {
  const table = `t${++tables}`;
  const names = Object.keys(columns);
  const n = Math.max(...names.map((k) => columns[k].length));
  await conn.run(`CREATE TEMP TABLE ${table} (${names.map((c) => `${sqlIdent(c)} VARCHAR`).join(', ')})`);
  const rows = Array.from({ length: n }, (_, r) => `(${names.map((c) => (columns[c][r] == null ? 'NULL' : sqlString(columns[c][r] as string))).join(', ')})`);
  for (let i = 0; i < rows.length; i += 1000) await conn.run(`INSERT INTO ${table} VALUES ${rows.slice(i, i + 1000).join(', ')}`);
  return table;
}

const day = (d: unknown) => (d as Date).toISOString().slice(0, 10);

async function infer(columns: Record<string, (string | null)[]>, opts: InferOptions = {}) {
  return engine.withConnection(async (conn) => {
    const table = await makeTable(conn, columns);
    const cols = Object.keys(columns).map((name, i) => ({ column: name, name, fieldNumber: i + 1 }));
    return inferSchema(conn, table, cols, { delimiter: ';', ...opts });
  });
}

async function field(values: (string | null)[], name = 'value', opts: InferOptions = {}): Promise<SchemaField> {
  return (await infer({ [name]: values }, opts)).schema.fields[0];
}

/** Converts values with typedValueSql, as the writer does. */
async function convert(f: SchemaField, values: string[]): Promise<unknown[]> {
  return engine.withConnection(async (conn) => {
    const table = await makeTable(conn, { v: values });
    const reader = await conn.runAndReadAll(`SELECT ${typedValueSql(f, 'v', defaultPivotYear())} FROM ${table} ORDER BY rowid`);
    return reader.getRowsJS().map((r) => r[0]);
  });
}

test('integers with Belgian thousands groups', async () => {
  assert.deepEqual(await field(['11.763.650', '1.234', '12', '-5']), { name: 'value', type: 'integer', groupChar: '.' });
  assert.deepEqual(await field(['1 234', '12', '1\u00a0000 000']), { name: 'value', type: 'integer', groupChar: ' ' });
  assert.deepEqual(await convert({ name: 'v', type: 'integer', groupChar: '.' }, ['11.763.650', '-1.234', '7', 'NA']), [11763650n, -1234n, 7n, null]);
});

test('0 and 1 stay integers, leading zeros and code names stay text', async () => {
  assert.equal((await field(['0', '1', '1'])).type, 'integer');
  const nis = await field(['01000', '21004', '0164']);
  assert.equal(nis.type, 'string');
  assert.match(nis['x-reason'] ?? '', /leading zeros/);
  assert.equal((await field(['1000', '4000'], 'Code postal')).type, 'string');
  assert.match((await field(['1000', '4000'], 'postcode'))['x-reason'] ?? '', /codes/);
  assert.equal((await field(['1', '2'], 'id')).type, 'string');
  assert.equal((await field(['1', '2'], 'valid')).type, 'integer');
  assert.equal(nameSaysCode('Code INS'), true);
  assert.equal(nameSaysCode('refnis'), true);
  assert.equal(nameSaysCode('Bevolking'), false);
});

test('decimal comma, decimal point and the delimiter hint for 1.234', async () => {
  assert.deepEqual(await field(['1.234,56', '3,5', '-0,5', '1e3', '12']), { name: 'value', type: 'number', decimalChar: ',', groupChar: '.' });
  assert.deepEqual(await field(['1234.56', '0.5', '12']), { name: 'value', type: 'number', decimalChar: '.' });
  assert.deepEqual(await field(['1 234,56', '7,5']), { name: 'value', type: 'number', decimalChar: ',', groupChar: ' ' });
  assert.deepEqual(await field(['1,234,567.5', '12']), { name: 'value', type: 'number', decimalChar: '.', groupChar: ',' });
  // Only ambiguous values: a ';' file writes a decimal comma, so '.' groups; a ',' file the reverse.
  assert.deepEqual(await field(['1.234', '5.678']), { name: 'value', type: 'integer', groupChar: '.' });
  assert.deepEqual(await field(['1.234', '5.678'], 'value', { delimiter: ',' }), { name: 'value', type: 'number', decimalChar: '.' });
  assert.deepEqual(await field(['1,234', '5']), { name: 'value', type: 'number', decimalChar: ',' });
  assert.deepEqual(await field(['1,234', '5'], 'value', { delimiter: ',' }), { name: 'value', type: 'integer', groupChar: ',' });
  // Evidence beats the hint: 4.3487134 can only be a decimal point.
  assert.deepEqual(await field(['4.3487134', '50.883'], 'value', { delimiter: ';' }), { name: 'value', type: 'number', decimalChar: '.' });
  // Both marks as decimals in one column: no reading holds for all, the text stays.
  assert.equal((await field(['1,5', '2.75'])).type, 'string');
  assert.deepEqual(
    await convert({ name: 'v', type: 'number', decimalChar: ',', groupChar: '.' }, ['1.234,56', '-0,5', '1e3', '1\u202f234,5', '-']),
    [1234.56, -0.5, 1000, 1234.5, null],
  );
});

test('missing-value markers do not decide a type', async () => {
  assert.deepEqual(await field(['NA', '12', '-', '', 'n.d.', null, '–', '7']), { name: 'value', type: 'integer' });
  assert.deepEqual(await field(['NA', '', null]), { name: 'value', type: 'string' });
  const r = await infer({ v: ['1'] });
  assert.ok(r.schema.missingValues.includes('NA') && r.schema.missingValues.includes(''));
});

test('booleans in French, Dutch, German and English', async () => {
  assert.deepEqual(await field(['oui', 'non', 'Oui', 'NA']), { name: 'value', type: 'boolean', trueValues: ['Oui', 'oui'], falseValues: ['non'] });
  assert.deepEqual(await field(['ja', 'nee']), { name: 'value', type: 'boolean', trueValues: ['ja'], falseValues: ['nee'] });
  assert.deepEqual(await field(['WAHR', 'falsch']), { name: 'value', type: 'boolean', trueValues: ['WAHR'], falseValues: ['falsch'] });
  assert.deepEqual(await field(['y', 'n']), { name: 'value', type: 'boolean', trueValues: ['y'], falseValues: ['n'] });
  // A column of lone 'N' is more likely an abbreviation (Nederlands) than a boolean.
  assert.equal((await field(['N', 'N'])).type, 'string');
  assert.deepEqual(await convert({ name: 'v', type: 'boolean' }, ['Vrai', 'faux', 'nd']), [true, false, null]);
});

test('dates and date-times, day first, with real calendar dates only', async () => {
  assert.deepEqual(await field(['03/02/2020', '3/2/2020', '31/12/1999']), { name: 'value', type: 'date', format: '%d/%m/%Y' });
  assert.deepEqual(await field(['2020-02-03', '1999-12-31']), { name: 'value', type: 'date', format: '%Y-%m-%d' });
  assert.deepEqual(await field(['03.02.2020']), { name: 'value', type: 'date', format: '%d.%m.%Y' });
  assert.deepEqual(await field(['03-02-20', '31-12-99']), { name: 'value', type: 'date', format: '%d-%m-%y' });
  assert.deepEqual(await field(['03/02/2020 10:05', '4/2/2020 9:00']), { name: 'value', type: 'datetime', format: '%d/%m/%Y %H:%M' });
  assert.deepEqual(await field(['2020-02-03T10:05:59']), { name: 'value', type: 'datetime', format: '%Y-%m-%dT%H:%M:%S' });
  assert.equal((await field(['31/02/2020', '01/01/2020'])).type, 'string');
  assert.equal((await field(['03/02/2020', '2020-02-03'])).type, 'string');
  assert.equal((await field(['03/02/2020 25:00'])).type, 'string');
  const [d] = await convert({ name: 'v', type: 'date', format: '%d/%m/%Y' }, ['03/02/2020']);
  assert.equal(day(d), '2020-02-03');
  const [t] = await convert({ name: 'v', type: 'datetime', format: '%d/%m/%Y %H:%M' }, ['03/02/2020 10:05']);
  assert.equal((t as Date).toISOString(), '2020-02-03T10:05:00.000Z');
});

test('two-digit years pivot on this year + 10', async () => {
  const pivot = defaultPivotYear();
  const f: SchemaField = { name: 'v', type: 'date', format: '%d/%m/%y' };
  const soon = String(pivot).padStart(2, '0');
  const later = String(pivot + 1).padStart(2, '0');
  const [a, b, c] = await convert(f, ['03/02/20', `01/01/${soon}`, `01/01/${later}`]);
  assert.equal(day(a), '2020-02-03');
  assert.equal(day(b), `20${soon}-01-01`);
  assert.equal(day(c), `19${later}-01-01`);
});

test('censored counts keep the column text and are reported once per column, with their count', async () => {
  const r = await infer({ aantal: ['12', '<5', '< 5', '>100', '40', 'NA'] });
  assert.equal(r.schema.fields[0].type, 'string');
  assert.match(r.schema.fields[0]['x-reason'] ?? '', /censored/);
  assert.equal(r.counts.get('censored-value'), 1);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0].type, 'censored-value');
  assert.equal(r.errors[0].rowNumber, 2);
  assert.equal(r.errors[0].cell, '<5');
  assert.match(r.errors[0].message, /3 censored values/);
});

test('a nearly numeric column stays text and lists the odd cells as type errors', async () => {
  const values = Array.from({ length: 200 }, (_, i) => String(i));
  values[17] = 'n/b';
  values[150] = 'twaalf';
  const r = await infer({ bedrag: values }, { rowNumber: (rowid) => rowid + 10 });
  assert.equal(r.schema.fields[0].type, 'string');
  assert.match(r.schema.fields[0]['x-reason'] ?? '', /2 values of 200/);
  assert.equal(r.counts.get('type-error'), 2);
  assert.deepEqual(r.errors.map((e) => [e.type, e.rowNumber, e.cell, e.fieldName]), [['type-error', 27, 'n/b', 'bedrag'], ['type-error', 160, 'twaalf', 'bedrag']]);
  // Far from typed: no type errors.
  const loose = await infer({ naam: ['Anderlecht', '12', 'Gent'] });
  assert.equal(loose.errors.length, 0);
});

test('integers too long for BIGINT and numbers too long for a double stay text', async () => {
  const ean = await field(['12345678901234567890', '1']);
  assert.equal(ean.type, 'string');
  assert.match(ean['x-reason'] ?? '', /18 digits/);
  assert.equal((await field(['123456789012345678', '1'])).type, 'integer');
  assert.equal((await field(['0,1234567890123456789'])).type, 'string');
});

test('a large table is planned from a sample, and values the sample missed are still found', async () => {
  const n = 150_000;
  const counts = Array.from({ length: n }, (_, i) => String(i % 1000));
  counts[n - 7] = '1,5';
  const zones = Array.from({ length: n }, (_, i) => String(10000 + (i % 80000)));
  zones[n - 3] = '01000';
  const when = Array.from({ length: n }, (_, i) => `${1 + (i % 28)}/0${1 + (i % 9)}/2021`);
  when[n - 2] = '30/02/2021';
  const plain = Array.from({ length: n }, (_, i) => String(i));
  const cols = { counts, zones, when, plain };

  const checked = await infer(cols);
  assert.deepEqual(checked.schema.fields.map((f) => f.type), ['number', 'string', 'string', 'integer']);
  assert.match(checked.schema.fields[1]['x-reason'] ?? '', /leading zeros/);
  assert.deepEqual(checked.unverified, [false, false, false, false]);
  const bad = checked.errors.find((e) => e.type === 'type-error');
  assert.equal(bad?.cell, '30/02/2021');
  assert.equal(bad?.rowNumber, n - 1);

  // Deferred: the sample's types come back unverified, for the writer to check.
  const deferred = await infer(cols, { deferChecks: true });
  assert.deepEqual(deferred.schema.fields.map((f) => f.type), ['integer', 'integer', 'date', 'integer']);
  assert.deepEqual(deferred.unverified, [true, true, true, true]);
  const again = await engine.withConnection(async (conn) => {
    const table = await makeTable(conn, cols);
    const columns = Object.keys(cols).map((name, i) => ({ column: name, name, fieldNumber: i + 1 }));
    return inferSchema(conn, table, columns, { delimiter: ';', recheck: deferred });
  });
  assert.deepEqual(again.schema.fields.map((f) => f.type), ['number', 'string', 'string', 'integer']);
  assert.deepEqual(again.unverified, [false, false, false, false]);
});
