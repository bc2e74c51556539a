import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locateHeader, sniffDialect, type SampleRecord } from './dialect.ts';

const TABLE = [
  ['code', 'commune', 'population', 'superficie'],
  ['62063', 'Liège', '197355', '69,39'],
  ['92094', 'Namur', '113597', '175,69'],
  ['53053', 'Mons', '96083', '146,56'],
  ['21004', 'Bruxelles', '196828', '32,61'],
];

function join(rows: string[][], delimiter: string, eol = '\n'): string {
  return rows.map((r) => r.join(delimiter)).join(eol) + eol;
}

function fields(records: SampleRecord[]): string[][] {
  return records.map((r) => r.fields);
}

test('each delimiter is found: ; , tab |', () => {
  for (const delimiter of [';', '\t', '|']) {
    const sniff = sniffDialect(join(TABLE, delimiter), true);
    assert.equal(sniff.dialect.delimiter, delimiter);
    assert.deepEqual(fields(sniff.records), TABLE);
  }
  // Decimal commas quoted, as a comma-separated export writes them.
  const comma = TABLE.map((r) => r.map((c) => (c.includes(',') ? `"${c}"` : c)));
  const sniff = sniffDialect(join(comma, ','), true);
  assert.equal(sniff.dialect.delimiter, ',');
  assert.deepEqual(fields(sniff.records), TABLE);
});

test('a ; file with "lat, lon" cells and decimal commas is still ;-separated', () => {
  const text = 'Code;Localite;Coordonnees;Surface\n1020;Laeken;50.883392, 4.3487134;1,5\n1430;Rebecq;50.67355825, 4.1350275503194;2,25\n5080;Rhisnes;50.5, 4.8;3,1\n';
  const sniff = sniffDialect(text, true);
  assert.equal(sniff.dialect.delimiter, ';');
  assert.equal(sniff.width, 4);
});

test('quoted delimiters, doubled quotes and line breaks inside quotes', () => {
  const text = 'id;texte;note\r\n1;"a; b";"il dit ""bonjour"""\r\n2;"ligne 1\r\nligne 2";x\r\n3;"c";"d"\r\n';
  const sniff = sniffDialect(text, true);
  assert.deepEqual(sniff.dialect, { delimiter: ';', quoteChar: '"', doubleQuote: true, lineTerminator: '\r\n' });
  assert.deepEqual(fields(sniff.records), [
    ['id', 'texte', 'note'],
    ['1', 'a; b', 'il dit "bonjour"'],
    ['2', 'ligne 1\r\nligne 2', 'x'],
    ['3', 'c', 'd'],
  ]);
  assert.deepEqual(sniff.records.map((r) => r.number), [1, 2, 3, 4]);
  // Offsets are UTF-8 bytes after each record and its terminator.
  assert.equal(sniff.records[0].end, Buffer.byteLength('id;texte;note\r\n'));
  assert.equal(sniff.records[3].end, Buffer.byteLength(text));
});

test('line terminators: CRLF, LF, CR', () => {
  assert.equal(sniffDialect(join(TABLE, ';', '\r\n'), true).dialect.lineTerminator, '\r\n');
  assert.equal(sniffDialect(join(TABLE, ';', '\n'), true).dialect.lineTerminator, '\n');
  const cr = sniffDialect(join(TABLE, ';', '\r'), true);
  assert.equal(cr.dialect.lineTerminator, '\r');
  assert.deepEqual(fields(cr.records), TABLE);
});

test('a sample cut mid-record leaves the cut record out but still counts its fields', () => {
  const text = join(TABLE, ';') + '44021;Gen';
  const sniff = sniffDialect(text, false);
  assert.deepEqual(fields(sniff.records), TABLE);
  const huge = Array.from({ length: 5000 }, (_, i) => `col${i}`).join(',');
  const cut = sniffDialect(huge.slice(0, 20_000), false);
  assert.equal(cut.records.length, 0);
  assert.equal(cut.dialect.delimiter, ',');
  assert.ok(cut.maxFields > 2000);
});

test('title and blank rows above the header are skipped and reported', () => {
  const text = 'Population au 1er janvier 2024;;;\n;;;\nSource : Statbel;;;\n' + join(TABLE, ';');
  const loc = locateHeader(sniffDialect(text, true).records);
  assert.equal(loc.kind, 'table');
  if (loc.kind !== 'table') return;
  assert.equal(loc.headerIndex, 3);
  assert.equal(loc.dataIndex, 4);
  assert.deepEqual(
    loc.skipped.map(({ type, rowNumber, cell }) => ({ type, rowNumber, cell })),
    [
      { type: 'title-row', rowNumber: 1, cell: 'Population au 1er janvier 2024' },
      { type: 'blank-row', rowNumber: 2, cell: undefined },
      { type: 'title-row', rowNumber: 3, cell: 'Source : Statbel' },
    ],
  );
  assert.match(loc.skipped[0].message, /Row 1 .*Population au 1er janvier 2024.*title/);
});

test('a first row that is already data means there is no header', () => {
  const data = TABLE.slice(1);
  const loc = locateHeader(sniffDialect(join(data, ';'), true).records);
  assert.ok(loc.kind === 'table' && loc.headerIndex === null && loc.dataIndex === 0);
  // All text, but the first row's values come back below: data too.
  const streets = [
    ['Rue des Acacias', 'Rhisnes'],
    ['Rue de la Gare', 'Rhisnes'],
    ['Rue du Moulin', 'Bovesse'],
    ['Chemin Vert', 'Rhisnes'],
  ];
  const noHeader = locateHeader(sniffDialect(join(streets, ';'), true).records);
  assert.ok(noHeader.kind === 'table' && noHeader.headerIndex === null);
});

test('an all-text table with distinct first-row labels keeps its header', () => {
  const rows = [
    ['nom', 'ville'],
    ['Dupont', 'Liège'],
    ['Peeters', 'Gent'],
    ['Janssens', 'Brugge'],
  ];
  const loc = locateHeader(sniffDialect(join(rows, ','), true).records);
  assert.ok(loc.kind === 'table' && loc.headerIndex === 0);
});

test('years as column labels are a header, not data', () => {
  const rows = [
    ['commune', '2019', '2020', '2021'],
    ['Liège', '197355', '196623', '195968'],
    ['Namur', '110939', '111432', '112233'],
    ['Mons', '95299', '95613', '95716'],
  ];
  const loc = locateHeader(sniffDialect(join(rows, ';'), true).records);
  assert.ok(loc.kind === 'table' && loc.headerIndex === 0);
  const one = locateHeader(sniffDialect(join(rows.map((r) => r.slice(0, 2)), ';'), true).records);
  assert.ok(one.kind === 'table' && one.headerIndex === 0, 'Commune;2019');
  // A column of years below a year is data.
  const built = [['Maison', '1985', '250000'], ['Villa', '1992', '410000'], ['Ferme', '1870', '320000']];
  const data = locateHeader(sniffDialect(join(built, ';'), true).records);
  assert.ok(data.kind === 'table' && data.headerIndex === null);
});

test('a single-column file and a file of blank rows', () => {
  const single = locateHeader(sniffDialect('nom\nDupont\nPeeters\nJanssens\n', true).records);
  assert.ok(single.kind === 'table' && single.headerIndex === 0 && single.width === 1);
  assert.deepEqual(locateHeader(sniffDialect(',,,\n,,,\n', true).records), { kind: 'blank' });
});
