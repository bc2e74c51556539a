import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { DuckDBConnection } from '@duckdb/node-api';
import { useTableEngine } from '../../test/helpers/engine.ts';
import { AppError } from '../errors.ts';
import type { TableSchema } from '../ingest/types.ts';
import { sqlString } from '../stores/tables/duckdb.ts';
import { openKeyStore } from './keys.ts';
import { applyRecipe, measureRisk, parseRecipe, type AnonymiseResult, type Recipe } from './recipes.ts';

const env = useTableEngine();

// ---------------------------------------------------------------------------------------------
// 2,000 residents of Namur, generated from a fixed seed: names, addresses, postcodes, birth dates,
// sex, national register numbers (valid check digits), incomes. Erpent (5101) has exactly three.

function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = {
  F: ['Marie', 'Sophie', 'Nathalie', 'Isabelle', 'Céline', 'Julie', 'Émilie', 'Chloé', 'Anne', 'Monique', 'Léa', 'Françoise'],
  M: ['Jean', 'Luc', 'Pierre', 'Michel', 'Thomas', 'Nicolas', 'François', 'Olivier', 'André', 'Louis', 'Hugo', 'Benoît'],
};
const LAST = ['Dupont', 'Lambert', 'Dubois', 'Martin', 'Simon', 'Laurent', 'Leclercq', 'Lejeune', 'Renard', 'Gilles', 'Collard', 'Mathieu', 'Marchal', 'Henry', 'Deprez', 'Wauters', 'Claes', 'Peeters', 'Jacobs', "D'Hondt"];
const STREETS: Record<string, string[]> = {
  '5000': ['Rue de Fer', "Rue de l'Ange", 'Rue des Carmes', 'Rue Godefroid', "Boulevard d'Herbatte", 'Rue du 11 Novembre'],
  '5001': ['Chaussée de Waterloo', 'Rue Nanon'],
  '5002': ['Rue de Bricgniot', 'Rue Lucien Namêche'],
  '5020': ['Rue de la Ronce', 'Kerkstraat'],
  '5100': ['Avenue Jean Materne', 'Rue de Dave', 'Avenue Reine Astrid'],
  '5101': ['Chaussée de Marche'],
};
const POSTCODE_SHARES: [string, number][] = [['5000', 0.45], ['5001', 0.1], ['5002', 0.15], ['5020', 0.1], ['5100', 0.2]];

interface Resident {
  first_name: string; last_name: string; address: string; postcode: string; birth_date: string; sex: 'F' | 'M'; national_number: string; income: number | null;
}

function nationalNumber(birth: string, sex: 'F' | 'M', serialSeed: number): string {
  const [y, m, d] = birth.split('-');
  const serial = 2 * Math.floor(serialSeed * 498) + (sex === 'M' ? 1 : 2);
  const base = `${y.slice(2)}${m}${d}${String(serial).padStart(3, '0')}`;
  const check = 97 - Number(BigInt(Number(y) >= 2000 ? `2${base}` : base) % 97n);
  return `${base.slice(0, 2)}.${base.slice(2, 4)}.${base.slice(4, 6)}-${base.slice(6, 9)}.${String(check).padStart(2, '0')}`;
}

function residents(n: number, seed = 7): Resident[] {
  const rnd = prng(seed);
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)];
  const start = Date.UTC(1930, 0, 1);
  const span = Date.UTC(2006, 11, 31) - start;
  return Array.from({ length: n }, (_, i) => {
    let postcode = '5101';
    if (i >= 3) {
      let u = rnd();
      postcode = POSTCODE_SHARES.find(([, share]) => (u -= share) < 0)?.[0] ?? '5000';
    }
    const sex = rnd() < 0.52 ? 'F' : 'M';
    const birth = new Date(start + Math.floor((rnd() * span) / 86_400_000) * 86_400_000).toISOString().slice(0, 10);
    const number = 1 + Math.floor(rnd() * 180);
    const street = pick(STREETS[postcode]);
    const form = rnd();
    const address = form < 0.1 ? `${street} ${number} bte ${1 + Math.floor(rnd() * 12)}` : form < 0.15 ? `${street} ${number}A` : `${street} ${number}`;
    const income = rnd() < 0.03 ? null : Math.round(Math.exp(10.2 + 0.5 * (rnd() + rnd() + rnd() - 1.5)) * 100) / 100;
    return { first_name: pick(FIRST[sex]), last_name: pick(LAST), address, postcode, birth_date: birth, sex, national_number: nationalNumber(birth, sex, rnd()), income };
  });
}

const schema: TableSchema = {
  missingValues: [''],
  fields: [
    { name: 'first_name', type: 'string' },
    { name: 'last_name', type: 'string' },
    { name: 'address', type: 'string', title: 'Adresse' },
    { name: 'postcode', type: 'string' },
    { name: 'birth_date', type: 'date' },
    { name: 'sex', type: 'string' },
    { name: 'national_number', type: 'string' },
    { name: 'income', type: 'number' },
  ],
};

/** Writes residents as the loader would: `_id`, `_row` (source record number: the header is row 1), then the typed fields. */
async function writeResidents(rows: Resident[], file: string): Promise<string> {
  const csv = path.join(env.dir, `${file}.csv`);
  fs.writeFileSync(csv, stringify(rows, { header: true, columns: schema.fields.map((f) => f.name) }));
  const out = path.join(env.dir, `${file}.parquet`);
  await env.engine.withConnection((conn) =>
    conn.run(`COPY (SELECT row_number() OVER ()::BIGINT AS _id, (row_number() OVER () + 1)::BIGINT AS _row, * FROM read_csv(${sqlString(csv)}, header = true,
      columns = {'first_name': 'VARCHAR', 'last_name': 'VARCHAR', 'address': 'VARCHAR', 'postcode': 'VARCHAR', 'birth_date': 'DATE', 'sex': 'VARCHAR', 'national_number': 'VARCHAR', 'income': 'DOUBLE'}))
      TO ${sqlString(out)} (FORMAT parquet)`),
  );
  return out;
}

const people = residents(2000);
let residentsPath = '';
const keyDir = path.join(env.dir, 'keys');
const keys = openKeyStore(keyDir);

async function residentsTable(): Promise<string> {
  if (!residentsPath) residentsPath = await writeResidents(people, 'residents');
  return residentsPath;
}

let outputs = 0;
async function apply(recipe: Recipe, input?: { parquetPath: string; schema: TableSchema }): Promise<{ result: AnonymiseResult; rows: Record<string, unknown>[] }> {
  const src = input ?? { parquetPath: await residentsTable(), schema };
  const out = path.join(env.dir, `out-${++outputs}.parquet`);
  return env.engine.withConnection(async (conn) => {
    const result = await applyRecipe(conn, src, recipe, { parquetPath: out }, keys);
    return { result, rows: await readAll(conn, out) };
  });
}

async function readAll(conn: DuckDBConnection, file: string): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(file)}) ORDER BY _id`)).getRowObjectsJS();
}

/** `_id` in the order the file holds the rows (readers without ORDER BY see this order). */
async function fileOrder(file: string): Promise<number[]> {
  return env.engine.withConnection(async (conn) => (await conn.runAndReadAll(`SELECT _id FROM read_parquet(${sqlString(file)})`)).getRowsJS().map((r) => Number(r[0])));
}

async function parquetTypes(file: string): Promise<Record<string, string>> {
  return env.engine.withConnection(async (conn) =>
    Object.fromEntries((await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`)).getRowsJS().map((r) => [String(r[0]), String(r[1])])),
  );
}

const noQuasi = { quasiIdentifiers: [] as string[] };

// ---------------------------------------------------------------------------------------------

test('drop removes direct identifiers and keeps the loader layout (_id 1..n, _row, fields)', async () => {
  const { result, rows } = await apply({ steps: [{ op: 'drop', columns: ['first_name', 'last_name', 'national_number'] }], ...noQuasi });
  assert.equal(result.rowCount, 2000);
  assert.deepEqual(result.schema.fields.map((f) => f.name), ['address', 'postcode', 'birth_date', 'sex', 'income']);
  assert.deepEqual(result.schema.fields.find((f) => f.name === 'address'), { name: 'address', type: 'string', title: 'Adresse' });
  assert.deepEqual(Object.keys(rows[0]), ['_id', '_row', 'address', 'postcode', 'birth_date', 'sex', 'income']);
  assert.deepEqual(rows.map((r) => Number(r._id)), Array.from({ length: 2000 }, (_, i) => i + 1));
  assert.equal(Number(rows[41]._row), 43);
  assert.equal(rows[41].address, people[41].address);
  const types = await parquetTypes(result.parquetPath);
  assert.deepEqual(types, { _id: 'BIGINT', _row: 'BIGINT', address: 'VARCHAR', postcode: 'VARCHAR', birth_date: 'DATE', sex: 'VARCHAR', income: 'DOUBLE' });
  assert.match(result.notes[0], /Step 1 \(drop\): removed "first_name", "last_name", "national_number"/);
  // With no quasi-identifier declared the table is one group of 2,000.
  assert.equal(result.risk.k, 2000);
  assert.equal(result.risk.safe, true);
  // The preview shows the first rows before (all columns) and after.
  assert.equal(result.preview.before.length, 10);
  assert.equal(result.preview.before[0].national_number, people[0].national_number);
  assert.equal(result.preview.before[0].birth_date, people[0].birth_date);
  assert.equal(result.preview.after[0].national_number, undefined);
  assert.equal(result.preview.after[0]._id, 1);
});

test('mask replaces letters and digits, keeps separators and the asked ends; short values are masked whole', async () => {
  const { result, rows } = await apply({
    steps: [
      { op: 'mask', column: 'national_number', keepStart: 2 },
      { op: 'mask', column: 'last_name', keepStart: 1, keepEnd: 1, char: 'x' },
    ],
    ...noQuasi,
  });
  for (const [i, r] of rows.entries()) {
    assert.equal(r.national_number, `${people[i].national_number.slice(0, 2)}.**.**-***.**`);
    const name = people[i].last_name;
    const expected = name.length <= 2 ? name.replace(/[\p{L}\p{N}]/gu, 'x') : name[0] + name.slice(1, -1).replace(/[\p{L}\p{N}]/gu, 'x') + name.slice(-1);
    assert.equal(r.last_name, expected);
  }
  assert.equal(rows.find((_, i) => people[i].last_name === "D'Hondt")?.last_name, "D'xxxxt");
  assert.equal(result.schema.fields.find((f) => f.name === 'national_number')?.type, 'string');

  // A value no longer than what is kept shows nothing.
  const tiny = await smallTable('tiny', `SELECT 1 AS i, 'Ana' AS name UNION ALL SELECT 2, NULL UNION ALL SELECT 3, 'Éloïse'`, [{ name: 'name', type: 'string' }]);
  const masked = await apply({ steps: [{ op: 'mask', column: 'name', keepStart: 2, keepEnd: 2 }], ...noQuasi }, tiny);
  assert.deepEqual(masked.rows.map((r) => r.name), ['***', null, 'Él**se']);
});

test('pseudonymise: HMAC-SHA256 with the named key; same key same pseudonym, another key another, not recomputable without it', async () => {
  keys.ensure('residents-2026');
  keys.ensure('other-key');
  const recipe = (keyRef: string): Recipe => ({ steps: [{ op: 'pseudonymise', column: 'national_number', keyRef, normalise: 'digits' }], ...noQuasi });
  const a = await apply(recipe('residents-2026'));
  const b = await apply(recipe('residents-2026'));
  const c = await apply(recipe('other-key'));
  const key = keys.get('residents-2026');
  for (const [i, r] of a.rows.entries()) {
    const digits = people[i].national_number.replace(/\D/g, '');
    assert.equal(r.national_number, crypto.createHmac('sha256', key).update(digits).digest('hex').slice(0, 32));
    assert.equal(b.rows[i].national_number, r.national_number);
    assert.notEqual(c.rows[i].national_number, r.national_number);
    // A dictionary of plain hashes of all possible numbers does not find it: the key is needed.
    assert.notEqual(r.national_number, crypto.createHash('sha256').update(digits).digest('hex').slice(0, 32));
  }
  assert.equal(new Set(a.rows.map((r) => r.national_number)).size, new Set(people.map((p) => p.national_number)).size);
  assert.match(a.result.notes[0], /keyed pseudonyms \(HMAC-SHA256 with the key "residents-2026"/);
  // The key is never in the notes, the risk report or the schema.
  const hex = key.toString('hex');
  assert.ok(!JSON.stringify({ notes: a.result.notes, risk: a.result.risk, schema: a.result.schema }).includes(hex));

  // Spelling does not matter with 'digits': the same person in the next refresh, written without dots, gets the same pseudonym.
  const refreshed = people.slice(0, 50).map((p) => ({ ...p, national_number: p.national_number.replace(/\D/g, '') }));
  const next = await apply(recipe('residents-2026'), { parquetPath: await writeResidents(refreshed, 'refresh'), schema });
  assert.deepEqual(next.rows.map((r) => r.national_number), a.rows.slice(0, 50).map((r) => r.national_number));

  // A missing key is an error naming the step, not a new key.
  await assert.rejects(apply(recipe('never-made')), (err: AppError) => err.code === 'not_found' && /Step 1 \(pseudonymise\): There is no pseudonymisation key "never-made"/.test(err.message));
  assert.equal(keys.has('never-made'), false);
});

test('generalise dates to the month (text yyyy-mm) or the year (integer)', async () => {
  const month = await apply({ steps: [{ op: 'generalise-date', column: 'birth_date', to: 'month' }], ...noQuasi });
  const year = await apply({ steps: [{ op: 'generalise-date', column: 'birth_date', to: 'year', as: 'birth_year' }], ...noQuasi });
  for (let i = 0; i < 2000; i += 37) {
    assert.equal(month.rows[i].birth_date, people[i].birth_date.slice(0, 7));
    assert.equal(Number(year.rows[i].birth_year), Number(people[i].birth_date.slice(0, 4)));
  }
  assert.deepEqual(month.result.schema.fields[4], { name: 'birth_date', type: 'string' });
  assert.deepEqual(year.result.schema.fields[4], { name: 'birth_year', type: 'integer' });
  assert.equal((await parquetTypes(year.result.parquetPath)).birth_year, 'BIGINT');
  // A text column is refused with what to do.
  await assert.rejects(apply({ steps: [{ op: 'generalise-date', column: 'sex', to: 'year' }], ...noQuasi }), /Step 1 \(generalise-date\): the column "sex" holds string values, and this step needs date or datetime/);
});

test('age bands from birth dates on a reference day, with an open top band; and from a column of ages', async () => {
  const { result, rows } = await apply({ steps: [{ op: 'age-bands', column: 'birth_date', referenceDate: '2025-01-01', width: 10, top: 80 }], ...noQuasi });
  assert.deepEqual(result.schema.fields[4], { name: 'age_band', type: 'string' });
  for (const [i, r] of rows.entries()) {
    const [y, m, d] = people[i].birth_date.split('-').map(Number);
    const age = 2025 - y - (m > 1 || d > 1 ? 1 : 0);
    assert.equal(r.age_band, age >= 80 ? '80+' : `${Math.floor(age / 10) * 10}-${Math.floor(age / 10) * 10 + 9}`, `row ${i}: ${people[i].birth_date}`);
  }
  assert.match(result.notes[0], /"birth_date" turned into "age_band": ages on 2025-01-01 in bands of 10 years, 80 and over as "80\+"/);

  const ages = await smallTable('ages', `SELECT i, [0, 4, 5, 17, 18, 64, 65, 99, NULL, -1, 61][i] AS age FROM range(1, 12) r(i)`, [{ name: 'age', type: 'integer' }]);
  const banded = await apply({ steps: [{ op: 'age-bands', column: 'age', width: 5, top: 65 }], ...noQuasi }, ages);
  assert.deepEqual(banded.rows.map((r) => r.age), ['0-4', '0-4', '5-9', '15-19', '15-19', '60-64', '65+', '65+', null, null, '60-64']);
  // Below an open top band that falls inside a band, the band stops short of it.
  const sixties = await smallTable('sixties', `SELECT i, [55, 60, 61, 62, 64][i] AS age FROM range(1, 6) r(i)`, [{ name: 'age', type: 'integer' }]);
  const cut = await apply({ steps: [{ op: 'age-bands', column: 'age', width: 10, top: 62 }], ...noQuasi }, sixties);
  assert.deepEqual(cut.rows.map((r) => r.age), ['50-59', '60-61', '60-61', '62+', '62+']);
  const single = await apply({ steps: [{ op: 'age-bands', column: 'age', width: 10, top: 61 }], ...noQuasi }, sixties);
  assert.deepEqual(single.rows.map((r) => r.age), ['50-59', '60', '61+', '61+', '61+']);
  assert.ok(banded.result.notes.some((n) => /1 negative age became empty/.test(n)));
});

test('numbers to ranges: decimal numbers as [lo, hi), integers as lo-hi, with bottom and top bands', async () => {
  const { result, rows } = await apply({ steps: [{ op: 'number-ranges', column: 'income', width: 10000, top: 60000 }], ...noQuasi });
  assert.equal(result.schema.fields[7].type, 'string');
  for (const [i, r] of rows.entries()) {
    const v = people[i].income;
    const lo = v === null ? 0 : Math.floor(v / 10000) * 10000;
    assert.equal(r.income, v === null ? null : v >= 60000 ? '60000+' : `[${lo}, ${lo + 10000})`);
  }
  const ints = await smallTable('ints', `SELECT i, [3, 10, 19, 20, 250, NULL, 96][i] AS n FROM range(1, 8) r(i)`, [{ name: 'n', type: 'integer' }]);
  const ranged = await apply({ steps: [{ op: 'number-ranges', column: 'n', width: 10, bottom: 10, top: 95 }], ...noQuasi }, ints);
  assert.deepEqual(ranged.rows.map((r) => r.n), ['<10', '10-19', '10-19', '20-29', '95+', null, '95+']);
  const around = await apply({ steps: [{ op: 'number-ranges', column: 'n', width: 10, top: 95 }], ...noQuasi }, ints);
  assert.deepEqual(around.rows.map((r) => r.n), ['0-9', '10-19', '10-19', '20-29', '95+', null, '95+']);
  const signed = await smallTable('signed', `SELECT i, [-15, -1, 0, 94][i] AS n FROM range(1, 5) r(i)`, [{ name: 'n', type: 'integer' }]);
  const negative = await apply({ steps: [{ op: 'number-ranges', column: 'n', width: 10, top: 95 }], ...noQuasi }, signed);
  assert.deepEqual(negative.rows.map((r) => r.n), ['-20 to -11', '-10 to -1', '0-9', '90-94']);
});

test('address to street drops house numbers, boxes, postcodes and localities', async () => {
  const addresses = [
    'Rue de Fer 12 bte 3', 'Kerkstraat 5A', 'Rue du 11 Novembre 5, 5000 Namur', 'Avenue 14 Juillet 3', 'Rue de Fer 12/3', 'Rue de Fer',
    'Kerkstraat 5 bus 2', 'Rue de Fer, 12', 'Rue de Fer 12 5000 Namur', 'Rue de Fer n° 12', '12, rue de Fer', 'Rue de Fer, 5000 Namur', null,
  ];
  const streets = [
    'Rue de Fer', 'Kerkstraat', 'Rue du 11 Novembre', 'Avenue 14 Juillet', 'Rue de Fer', 'Rue de Fer',
    'Kerkstraat', 'Rue de Fer', 'Rue de Fer', 'Rue de Fer', 'rue de Fer', 'Rue de Fer', null,
  ];
  const values = addresses.map((a, i) => `SELECT ${i + 1} AS i, ${a === null ? 'NULL' : sqlString(a)} AS address`).join(' UNION ALL ');
  const t = await smallTable('addresses', values, [{ name: 'address', type: 'string' }]);
  const { result, rows } = await apply({ steps: [{ op: 'address-to-street', column: 'address' }], ...noQuasi }, t);
  assert.deepEqual(rows.map((r) => r.address), streets);
  assert.ok(result.notes.some((n) => /no house number was found in 2 addresses of "address"/.test(n)));

  const all = await apply({ steps: [{ op: 'address-to-street', column: 'address' }], ...noQuasi });
  const expected = new Set(Object.values(STREETS).flat());
  assert.deepEqual(new Set(all.rows.map((r) => r.address)), expected);
  assert.ok(!all.result.notes.some((n) => /no house number/.test(n)));
});

test('postcode to municipality (NIS code or name) and address to postcode, with what could not be placed', async () => {
  const nis = await apply({ steps: [{ op: 'geo-to-commune', column: 'postcode' }], ...noQuasi });
  assert.deepEqual(new Set(nis.rows.map((r) => r.postcode)), new Set(['92094']));
  assert.deepEqual(await fileOrder(nis.result.parquetPath), Array.from({ length: 2000 }, (_, i) => i + 1), 'rows stay in source order in the file');
  assert.equal(nis.result.schema.fields[3].type, 'string');
  const named = await apply({ steps: [{ op: 'geo-to-commune', column: 'postcode', output: 'name-fr', as: 'commune' }], ...noQuasi });
  assert.deepEqual(new Set(named.rows.map((r) => r.commune)), new Set(['Namur']));
  assert.equal(named.result.schema.fields[3].name, 'commune');

  const codes = await smallTable('codes', `SELECT i, ['5000', 'B-5100', '9999', '1040', 'Rue de Fer 12, 5000 Namur', NULL, '8400'][i] AS pc FROM range(1, 8) r(i)`, [{ name: 'pc', type: 'string' }]);
  const communes = await apply({ steps: [{ op: 'geo-to-commune', column: 'pc', output: 'name-nl' }], ...noQuasi }, codes);
  assert.deepEqual(communes.rows.map((r) => r.pc), ['Namen', 'Namen', null, null, 'Namen', null, 'Oostende']);
  assert.ok(communes.result.notes.some((n) => /2 values of "pc" were not postcodes of the 2025 list .* and became empty/.test(n)), communes.result.notes.join('\n'));
  const postcodes = await apply({ steps: [{ op: 'geo-to-postcode', column: 'pc' }], ...noQuasi }, codes);
  assert.deepEqual(postcodes.rows.map((r) => r.pc), ['5000', '5100', null, '1040', '5000', null, '8400']);

  const sectors = await smallTable('sectors', `SELECT i, ['92094A00-', '92094B112', 'nonsense'][i] AS sector FROM range(1, 4) r(i)`, [{ name: 'sector', type: 'string' }]);
  const bySector = await apply({ steps: [{ op: 'geo-to-commune', column: 'sector', from: 'sector' }], ...noQuasi }, sectors);
  assert.deepEqual(bySector.rows.map((r) => r.sector), ['92094', '92094', null]);
});

test('aggregate by category: a cell of 3 is suppressed at threshold 5, the others keep counts and means', async () => {
  const { result, rows } = await apply({
    steps: [{ op: 'aggregate', groupBy: ['postcode'], measures: [{ fn: 'count' }, { fn: 'mean', column: 'income' }, { fn: 'sum', column: 'income', as: 'total_income' }] }],
  });
  assert.deepEqual(result.schema.fields, [
    { name: 'postcode', type: 'string' },
    { name: 'count', type: 'integer' },
    { name: 'mean_income', type: 'number' },
    { name: 'total_income', type: 'number' },
    { name: 'suppressed', type: 'boolean' },
  ]);
  assert.deepEqual(rows.map((r) => [Number(r._id), Number(r._row), r.postcode]), [[1, 1, '5000'], [2, 2, '5001'], [3, 3, '5002'], [4, 4, '5020'], [5, 5, '5100'], [6, 6, '5101']]);
  const erpent = rows.find((r) => r.postcode === '5101')!;
  assert.deepEqual([erpent.count, erpent.mean_income, erpent.total_income, erpent.suppressed], [null, null, null, true]);
  for (const r of rows.filter((r) => r.postcode !== '5101')) {
    const group = people.filter((p) => p.postcode === r.postcode);
    const incomes = group.map((p) => p.income).filter((v): v is number => v !== null);
    assert.equal(Number(r.count), group.length);
    assert.ok(Math.abs((r.mean_income as number) - incomes.reduce((a, b) => a + b, 0) / incomes.length) < 1e-6);
    assert.equal(r.suppressed, false);
  }
  assert.equal(result.rowCount, 6);
  assert.deepEqual(await fileOrder(result.parquetPath), [1, 2, 3, 4, 5, 6]);
  assert.ok(result.notes.some((n) => /1 group of 6 groups had fewer than 5 rows \(3 rows in all\): their count and measures are empty and "suppressed" is true/.test(n)), result.notes.join('\n'));
  // The risk is measured on the published counts: the group-by columns are the quasi-identifiers, suppressed cells left out.
  assert.equal(result.risk.safe, true);
  assert.deepEqual(result.risk.quasiIdentifiers, ['postcode']);
  assert.equal(result.risk.rows, 1997);
  assert.ok(result.risk.k >= 5);
  assert.equal(result.preview.after.length, 6);

  // A count column is added when none is asked; a mean over too few values is emptied on its own.
  const sparse = await smallTable('sparse', `SELECT i, CASE WHEN i <= 6 THEN 'a' ELSE 'b' END AS grp, CASE WHEN i IN (1, 2) OR i > 6 THEN i * 100 END AS v FROM range(1, 14) r(i)`, [
    { name: 'grp', type: 'string' },
    { name: 'v', type: 'integer' },
  ]);
  const few = await apply({ steps: [{ op: 'aggregate', groupBy: ['grp'], measures: [{ fn: 'mean', column: 'v' }] }] }, sparse);
  assert.deepEqual(few.result.schema.fields.map((f) => f.name), ['grp', 'count', 'mean_v', 'suppressed']);
  assert.ok(few.result.notes.some((n) => /a "count" column was added/.test(n)));
  assert.deepEqual(few.rows.map((r) => [r.grp, Number(r.count), r.mean_v, r.suppressed]), [['a', 6, null, false], ['b', 7, 1000, false]]);
  assert.ok(few.result.notes.some((n) => /"mean_v" is empty in 1 further group, where fewer than 5 values stood behind it/.test(n)), few.result.notes.join('\n'));
});

test('a saved recipe (JSON) coarsens, then counts by commune, age band and sex; the group-by columns are the quasi-identifiers', async () => {
  const saved = JSON.stringify({
    steps: [
      { op: 'age-bands', column: 'birth_date', referenceDate: '2025-01-01', width: 20, top: 80 },
      { op: 'geo-to-commune', column: 'postcode', output: 'name-fr', as: 'commune' },
      { op: 'aggregate', groupBy: ['commune', 'age_band', 'sex'], measures: [{ fn: 'count' }, { fn: 'mean', column: 'income' }] },
    ],
    sensitive: ['income'],
  });
  const { result, rows } = await apply(parseRecipe(JSON.parse(saved)));
  assert.deepEqual(result.schema.fields.map((f) => f.name), ['commune', 'age_band', 'sex', 'count', 'mean_income', 'suppressed']);
  assert.equal(rows.reduce((n, r) => n + Number(r.count ?? 0), 0), 2000);
  assert.deepEqual(rows.slice(0, 2).map((r) => [r.commune, r.age_band, r.sex]), [['Namur', '0-19', 'F'], ['Namur', '0-19', 'M']]);
  assert.deepEqual(result.risk.quasiIdentifiers, ['commune', 'age_band', 'sex']);
  assert.deepEqual(result.risk.sensitive, [], 'a mean is not a value of one person');
  assert.ok(result.notes.some((n) => /The sensitive column "income" is not in the result/.test(n)));
  assert.equal(result.risk.safe, true);
  assert.match(result.risk.explanation, /shared by at least \d+ people/);
});

test('risk: k and l on the raw table (unsafe, with what to do) and after generalisation (k rises, safe)', async () => {
  const qi = ['postcode', 'birth_date', 'sex'];
  const source = await residentsTable();
  const raw = await env.engine.withConnection((conn) => measureRisk(conn, source, qi, ['income'], 5));
  assert.equal(raw.k, 1);
  assert.equal(raw.safe, false);
  assert.equal(raw.rows, 2000);
  assert.ok(raw.rowsBelow > 1900, String(raw.rowsBelow));
  assert.equal(raw.l, 1);
  assert.match(raw.explanation, /^Not safe to publish: [\d,]+ of 2,000 rows \([\d.]+%\) are in [\d,]+ combinations of "postcode" \+ "birth_date" \+ "sex" shared by fewer than 5 rows, the rarest by 1 \(k = 1, threshold 5\)/);
  assert.match(raw.explanation, /Make these columns coarser .* or drop one of them: without "birth_date" \d+ rows would remain in combinations shared by fewer than 5 \(the rarest by \d\)\./);
  assert.match(raw.explanation, /Also, in [\d,]+ groups of "postcode" \+ "birth_date" \+ "sex" \([\d,]+ rows\), "income" takes fewer than 2 different values \(l = 1\)/);
  // The explanation names columns and counts, never values of the table; examples sit in the confidential field.
  assert.ok(!raw.explanation.includes(people[0].birth_date));
  assert.equal(raw.smallestGroups?.length, 3);
  assert.equal(raw.smallestGroups?.[0].rows, 1);
  assert.equal(raw.withoutEach?.[0].column, 'birth_date');

  const { result } = await apply({
    steps: [
      { op: 'drop', columns: ['first_name', 'last_name', 'national_number', 'address'] },
      { op: 'age-bands', column: 'birth_date', referenceDate: '2025-01-01', width: 10, top: 80 },
      { op: 'geo-to-commune', column: 'postcode' },
      { op: 'number-ranges', column: 'income', width: 10000, top: 60000 },
    ],
    quasiIdentifiers: qi,
    sensitive: ['income'],
  });
  const risk = result.risk;
  assert.deepEqual(risk.quasiIdentifiers, ['postcode', 'age_band', 'sex']);
  assert.ok(risk.k > raw.k && risk.k >= 5, `k = ${risk.k}`);
  assert.ok(risk.l! >= 2);
  assert.equal(risk.safe, true);
  assert.match(risk.explanation, /^Every combination of "postcode" \+ "age_band" \+ "sex" is shared by at least \d+ rows \(k = \d+, threshold 5\)\. Within every group, "income" takes at least \d+ different values/);
  assert.ok(result.notes.some((n) => /The quasi-identifier "birth_date" is measured as "age_band"/.test(n)));
});

test('an unsafe recipe is reported unsafe with its explanation, and its output is still written for the DPO', async () => {
  const { result } = await apply({
    steps: [
      { op: 'drop', columns: ['first_name', 'last_name', 'national_number'] },
      { op: 'address-to-street', column: 'address' },
      { op: 'generalise-date', column: 'birth_date', to: 'month' },
    ],
    quasiIdentifiers: ['address', 'postcode', 'birth_date', 'sex'],
  });
  assert.equal(result.risk.safe, false);
  assert.ok(result.risk.k < 5);
  assert.ok(result.risk.groupsBelow > 0 && result.risk.rowsBelow > 0);
  assert.match(result.risk.explanation, /^Not safe to publish: .* "address" \+ "postcode" \+ "birth_date" \+ "sex" shared by fewer than 5 rows/);
  assert.match(result.risk.explanation, /without "birth_date"/);
  assert.ok(fs.existsSync(result.parquetPath));
  assert.equal(result.rowCount, 2000);

  // A larger threshold on a small table with no quasi-identifier: still one group, too small.
  const tiny = await smallTable('three', `SELECT i, i * 10 AS v FROM range(1, 4) r(i)`, [{ name: 'v', type: 'integer' }]);
  const small = await apply({ steps: [{ op: 'number-ranges', column: 'v', width: 100 }], quasiIdentifiers: [] }, tiny);
  assert.equal(small.result.risk.safe, false);
  assert.match(small.result.risk.explanation, /too small to publish row by row/);
});

test('recipes are validated with clear messages: shape, order, sectors, unknown columns, quasi-identifiers', async () => {
  const message = (input: unknown) => {
    try {
      parseRecipe(input);
      return 'valid';
    } catch (err) {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, 'validation_failed');
      return err.message;
    }
  };
  assert.match(message({ steps: [{ op: 'drop', columns: ['a'] }] }), /"quasiIdentifiers": A recipe that publishes rows must name its quasi-identifiers/);
  assert.match(message({ steps: [{ op: 'aggregate', groupBy: ['a'] }, { op: 'drop', columns: ['a'] }] }), /step 1: The aggregate must be the last step/);
  assert.match(message({ steps: [{ op: 'address-to-sector', column: 'address' }], quasiIdentifiers: [] }), /step 1: Statistical sectors cannot be derived here: .*Statbel's statistical sector file/);
  assert.match(message({ steps: [{ op: 'blur', column: 'a' }], quasiIdentifiers: [] }), /step 1: Each step needs an "op", one of: drop, mask, .* \(not "blur"\)/);
  assert.match(message({ steps: [{ op: 'mask', column: 'a', keepstart: 2 }], quasiIdentifiers: [] }), /step 1: Unrecognized key: "keepstart"/);
  assert.match(message({ steps: [{ op: 'pseudonymise', column: 'a', keyRef: '../etc/passwd' }], quasiIdentifiers: [] }), /step 1 "keyRef": a key name/);
  assert.match(message({ steps: [{ op: 'age-bands', column: 'a', referenceDate: '01/01/2025' }], quasiIdentifiers: [] }), /step 1 "referenceDate": a date written yyyy-mm-dd/);
  assert.equal(message(JSON.parse(JSON.stringify({ steps: [{ op: 'aggregate', groupBy: ['postcode'] }] }))), 'valid');

  await assert.rejects(apply({ steps: [{ op: 'mask', column: 'rijksregisternummer' }], ...noQuasi }), /Step 1 \(mask\) names the column "rijksregisternummer", which the table does not have at that point \(its columns: first_name, last_name, address/);
  await assert.rejects(apply({ steps: [{ op: 'drop', columns: ['sex'] }], quasiIdentifiers: ['gender'] }), /declares the quasi-identifier "gender", which is neither a column of the table/);
  await assert.rejects(apply({ steps: [{ op: 'generalise-date', column: 'birth_date', to: 'year', as: 'sex' }], ...noQuasi }), /Step 1 \(generalise-date\) writes the column "sex", which already exists/);
});

/** A small table in the loader's layout from a SELECT with an `i` column (1..n) and the fields. */
async function smallTable(file: string, select: string, fields: TableSchema['fields']): Promise<{ parquetPath: string; schema: TableSchema }> {
  const out = path.join(env.dir, `${file}.parquet`);
  const cols = fields.map((f) => `"${f.name}"`).join(', ');
  await env.engine.withConnection((conn) => conn.run(`COPY (SELECT i::BIGINT AS _id, (i + 1)::BIGINT AS _row, ${cols} FROM (${select}) ORDER BY i) TO ${sqlString(out)} (FORMAT parquet)`));
  return { parquetPath: out, schema: { fields, missingValues: [''] } };
}
