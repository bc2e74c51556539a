import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { AppError } from '../../errors.ts';
import { SAMPLES_DIR, tempDir } from '../../../test/helpers/paths.ts';
import { prepareCsv, type PrepareCsvOptions } from './prepare.ts';

const dir = tempDir();
let n = 0;

const HEADER = 'code;commune;remarque\n';
const nonAscii = (text: string) => Array.from(text).filter((c) => c > '\x7f').length;
const ROWS = '62063;Liège;l’été à 5 €\n92094;Namur;“Citadelle” — Grognon\n21004;Bruxelles;Áccent, Íle, ”fin”\n';

async function prepare(bytes: Buffer | string, opts?: PrepareCsvOptions) {
  const file = path.join(dir, `in-${++n}.csv`);
  fs.writeFileSync(file, bytes);
  const result = await prepareCsv(file, path.join(dir, `work-${n}`), opts);
  return { ...result, body: fs.readFileSync(result.utf8Path, 'utf8'), bodyBytes: fs.readFileSync(result.utf8Path) };
}

async function rejects(bytes: Buffer | string, code: string, message: RegExp, opts?: PrepareCsvOptions) {
  const file = path.join(dir, `bad-${++n}.csv`);
  fs.writeFileSync(file, bytes);
  await assert.rejects(prepareCsv(file, path.join(dir, `work-${n}`), opts), (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

test('UTF-8: header read, body is the data records as they were', async () => {
  const r = await prepare(HEADER + ROWS);
  assert.deepEqual(r.encoding, { encoding: 'utf-8', bom: false, method: 'valid-utf8', confidence: 1, mojibake: null, invalidSequences: 0 });
  assert.deepEqual(r.dialect, { delimiter: ';', quoteChar: '"', doubleQuote: true, lineTerminator: '\n', header: true });
  assert.deepEqual(r.header, ['code', 'commune', 'remarque']);
  assert.equal(r.headerRowNumber, 1);
  assert.equal(r.firstDataRowNumber, 2);
  assert.deepEqual(r.skipped, []);
  assert.equal(r.body, ROWS);
  assert.equal(r.sourceBytes, Buffer.byteLength(HEADER + ROWS));
});

test('UTF-8 with BOM, UTF-16 LE and BE with BOM: body is UTF-8 without BOM', async () => {
  const bom = await prepare(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(HEADER + ROWS)]));
  assert.equal(bom.encoding.encoding, 'utf-8');
  assert.equal(bom.encoding.bom, true);
  assert.equal(bom.encoding.method, 'bom');
  assert.deepEqual(bom.header, ['code', 'commune', 'remarque']);
  assert.equal(bom.body, ROWS);
  for (const encoding of ['utf-16le', 'utf-16be'] as const) {
    const r = await prepare(iconv.encode(HEADER + ROWS, encoding, { addBOM: true }));
    assert.equal(r.encoding.encoding, encoding);
    assert.equal(r.encoding.bom, true);
    assert.deepEqual(r.header, ['code', 'commune', 'remarque']);
    assert.equal(r.body, ROWS);
    assert.notEqual(r.bodyBytes[0], 0xef);
  }
});

test('Windows-1252 (é € ’) and ISO-8859-1 are transcoded to UTF-8', async () => {
  const cp1252 = await prepare(iconv.encode(HEADER + ROWS.replace('Á', 'A').replace('Í', 'I'), 'windows-1252'));
  assert.equal(cp1252.encoding.encoding, 'windows-1252');
  assert.equal(cp1252.encoding.method, 'detected');
  assert.equal(cp1252.encoding.mojibake, null);
  assert.match(cp1252.body, /^62063;Liège;l’été à 5 €\n92094;Namur;“Citadelle” — Grognon\n/);
  const latin1Text = "code;commune;remarque\n62063;Liège;Très fréquentée\n92094;Namur;Marché le samedi\n53053;Mons;Hôtel de ville\n63023;Eupen;Bürgerbüro geöffnet\n";
  const latin1 = await prepare(iconv.encode(latin1Text, 'iso-8859-1'));
  assert.equal(latin1.encoding.encoding, 'iso-8859-1');
  assert.equal(latin1.body, latin1Text.slice(latin1Text.indexOf('\n') + 1));
});

test('ISO-8859-1 in the sample, 1252 characters further down: reported as windows-1252', async () => {
  const head = 'code;commune\n' + '62063;Liège\n'.repeat(30_000); // > 256 KiB
  const r = await prepare(iconv.encode(head + '92094;l’été\n', 'windows-1252'));
  assert.equal(r.encoding.encoding, 'windows-1252');
  assert.ok(r.body.endsWith('62063;Liège\n92094;l’été\n'));
});

test('mojibake via Windows-1252 and via Mac Roman is repaired and reported', async () => {
  const text = HEADER + ROWS;
  // Windows reads 1252's undefined bytes (Á is C3 81, ” is E2 80 9D) as C1 controls, and keeps them.
  const windowsDamage = Array.from(Buffer.from(text), (b) => ([0x81, 0x8d, 0x8f, 0x90, 0x9d].includes(b) ? String.fromCharCode(b) : iconv.decode(Buffer.from([b]), 'windows-1252'))).join('');
  const r1 = await prepare(windowsDamage);
  assert.equal(r1.encoding.encoding, 'utf-8');
  assert.deepEqual(r1.encoding.mojibake, { decodedAs: 'windows-1252', repairedCount: nonAscii(ROWS), example: { before: 'LiÃ¨ge', after: 'Liège' } });
  assert.equal(r1.body, ROWS);
  // Other programs lose those bytes as "?": still detected, the rest repaired, "Ã?" left as it is.
  const lossy = await prepare(iconv.decode(Buffer.from(text), 'windows-1252').replace(/\ufffd/g, '?'));
  assert.equal(lossy.encoding.mojibake?.repairedCount, nonAscii(ROWS) - 5);
  assert.equal(lossy.body, ROWS.replace('Á', 'Ã?').replace('Í', 'Ã?').replace(/”/g, 'â€?'));
  const viaMac = Buffer.from(iconv.decode(Buffer.from(text), 'macintosh'), 'utf8');
  const r2 = await prepare(viaMac);
  assert.equal(r2.encoding.mojibake?.decodedAs, 'macintosh');
  assert.equal(r2.encoding.mojibake?.repairedCount, nonAscii(ROWS));
  assert.deepEqual(r2.encoding.mojibake?.example, { before: 'Li√®ge', after: 'Liège' });
  assert.equal(r2.body, ROWS);
});

test('mojibake is repaired across chunk boundaries of a multi-megabyte file', async () => {
  const rows = Array.from({ length: 60_000 }, (_, i) => `${i};Liège;l’été ${i} €;Ærø`).join('\r\n') + '\r\n';
  const r = await prepare(Buffer.from(iconv.decode(Buffer.from('id;commune;note;x\r\n' + rows), 'macintosh'), 'utf8'));
  assert.equal(r.encoding.mojibake?.decodedAs, 'macintosh');
  assert.equal(r.encoding.mojibake?.repairedCount, nonAscii(rows));
  assert.equal(r.dialect.lineTerminator, '\r\n');
  assert.ok(r.body === rows, 'body repaired exactly');
});

test('a real accented UTF-8 file is not touched, byte for byte', async () => {
  const text = 'commune;province;remarque\r\nLiège;Province de Liège;l’été, « fête » à 5 €\r\nGent;Oost-Vlaanderen;coöperatie, België, ’s-Gravenbrakel\r\nÉcaussinnes;Hainaut;CAFÉ\u00a0: ouvert\r\n';
  const r = await prepare(text);
  assert.equal(r.encoding.mojibake, null);
  assert.deepEqual(r.bodyBytes, Buffer.from(text.slice(text.indexOf('\r\n') + 2)));
});

test('valid UTF-8 in the sample, Windows-1252 further down: transcode restarts as 1252 (fallback)', async () => {
  const head = 'code;commune\n' + '62063;Liège ’\n'.repeat(25_000); // > 256 KiB of valid UTF-8
  const tail = iconv.encode('92094;Namur é ’\n', 'windows-1252');
  const r = await prepare(Buffer.concat([Buffer.from(head), tail]));
  assert.equal(r.encoding.encoding, 'windows-1252');
  assert.equal(r.encoding.method, 'fallback');
  assert.equal(r.encoding.invalidSequences, 0);
  assert.equal(r.body, '62063;Liège ’\n'.repeat(25_000) + '92094;Namur é ’\n');
  // ASCII at the start: nothing to repair, plainly 1252.
  const ascii = await prepare(Buffer.concat([Buffer.from('code;commune\n' + '62063;Liege\n'.repeat(25_000)), tail]));
  assert.equal(ascii.encoding.method, 'fallback');
  assert.equal(ascii.encoding.mojibake, null);
  assert.ok(ascii.body.endsWith('62063;Liege\n92094;Namur é ’\n'));
});

test('invalid bytes in a file whose BOM says UTF-8 are replaced and counted', async () => {
  const r = await prepare(Buffer.concat([Buffer.from('\ufeffa;b\n1;x\ufffdy\n2;'), Buffer.from([0xe9, 0xff]), Buffer.from(';z\n')]));
  assert.equal(r.encoding.method, 'bom');
  assert.equal(r.encoding.invalidSequences, 2);
  assert.equal(r.body, '1;x\ufffdy\n2;\ufffd\ufffd;z\n');
});

test('delimiters ; , tab | with CRLF and LF', async () => {
  for (const delimiter of [';', ',', '\t', '|']) {
    for (const eol of ['\r\n', '\n', '\r']) {
      const rows = [['nis', 'nom', 'habitants'], ['62063', 'Liège', '197355'], ['92094', 'Namur', '113597'], ['53053', 'Mons', '96083']];
      const text = rows.map((r) => r.join(delimiter)).join(eol) + eol;
      const r = await prepare(text);
      assert.equal(r.dialect.delimiter, delimiter);
      assert.equal(r.dialect.lineTerminator, eol);
      assert.deepEqual(r.header, ['nis', 'nom', 'habitants']);
      assert.equal(r.body, text.slice(text.indexOf(eol) + eol.length));
    }
  }
});

test('a small file of mixed UTF-8 and Windows-1252 reads right in both parts', async () => {
  const r = await prepare(Buffer.concat([Buffer.from('code;commune;remarque\n62063;Liège;l’été\n'), iconv.encode('92094;Namur;Marché à 5 €\n53053;Mons;Hôtel de ville\n', 'windows-1252')]));
  assert.equal(r.encoding.encoding, 'windows-1252');
  assert.equal(r.encoding.mojibake?.decodedAs, 'windows-1252');
  assert.equal(r.body, '62063;Liège;l’été\n92094;Namur;Marché à 5 €\n53053;Mons;Hôtel de ville\n');
});

test('a header longer than the first sample: the sample grows until it holds a data row', async () => {
  const header = Array.from({ length: 500 }, (_, i) => `Colonne ${i + 1} `.padEnd(600, '.')).join(';');
  const row = Array.from({ length: 500 }, (_, i) => String(i)).join(';');
  const r = await prepare(`${header}\n${row}\n${row}\n`);
  assert.equal(r.header.length, 500);
  assert.equal(r.header[499], 'Colonne 500 '.padEnd(600, '.'));
  assert.equal(r.body, `${row}\n${row}\n`);
});

test('a quote that is never closed in the first row makes the table unreadable', async () => {
  await rejects('"code;commune\n62063;Liège\n92094;Namur\n', 'unreadable_table', /quote \(\"\) opens a cell and is never closed/);
});

test('quoted delimiters and line breaks, in the header and in the data', async () => {
  const text = '"Nom;\ncomplet";"Adresse"\r\n"Dupont; Jean";"Rue de la Gare 1\r\n4000 Liège"\r\n"Peeters";"Markt 2"\r\n';
  const r = await prepare(text);
  assert.deepEqual(r.header, ['Nom;\ncomplet', 'Adresse']);
  assert.equal(r.firstDataRowNumber, 2);
  assert.equal(r.body, '"Dupont; Jean";"Rue de la Gare 1\r\n4000 Liège"\r\n"Peeters";"Markt 2"\r\n');
});

test('title and blank rows above the header are skipped, reported and left out of the body', async () => {
  const text = 'Population au 1er janvier 2024;;;\n;;;\nnis;commune;province;population\n62063;Liège;Liège;197355\n92094;Namur;Namur;113597\n53053;Mons;Hainaut;96083\n';
  const r = await prepare(text);
  assert.deepEqual(r.header, ['nis', 'commune', 'province', 'population']);
  assert.equal(r.headerRowNumber, 3);
  assert.equal(r.firstDataRowNumber, 4);
  assert.deepEqual(r.skipped.map((e) => [e.type, e.rowNumber]), [['title-row', 1], ['blank-row', 2]]);
  assert.equal(r.body, '62063;Liège;Liège;197355\n92094;Namur;Namur;113597\n53053;Mons;Hainaut;96083\n');
});

test('a file without header gets column_1 ... and keeps its first row', async () => {
  const text = '4000;Liège;50.6326;5.5797\n5000;Namur;50.4669;4.8674\n7000;Mons;50.4542;3.9523\n';
  const r = await prepare(text);
  assert.equal(r.dialect.header, false);
  assert.deepEqual(r.header, ['column_1', 'column_2', 'column_3', 'column_4']);
  assert.equal(r.headerRowNumber, 0);
  assert.equal(r.firstDataRowNumber, 1);
  assert.equal(r.body, text);
});

test('empty, blank, binary and header-only files are refused with a message for a person', async () => {
  await rejects('', 'empty_file', /is empty \(0 bytes\)/);
  await rejects(' \r\n\t\n  ', 'empty_file', /only blank space/);
  await rejects('\ufeff', 'empty_file', /only blank space/);
  await rejects(',,,,\n,,,,\n', 'empty_file', /only blank rows/);
  await rejects(Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x06\x00\x08\x00', 'latin1'), Buffer.alloc(20), Buffer.from('[Content_Types].xml xl/workbook.xml')]), 'binary_file', /XLSX workbook/);
  await rejects(Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex'), 'binary_file', /PNG image/);
  await rejects('nis;commune;population\n', 'header_only', /header row \("nis", "commune", "population"\) but no data rows/);
  await rejects('nis;commune;population\r\n;;\r\n\r\n', 'header_only', /no data rows/);
});

test('a 50,000-column header fails fast and clearly', async () => {
  const header = Array.from({ length: 50_000 }, (_, i) => `colonne_${i + 1}`).join(';');
  const start = Date.now();
  await rejects(header + '\n' + '1;'.repeat(49_999) + '1\n', 'too_many_columns', /more than 1000 columns \(separated by ";"\); Dataville reads at most 1000/);
  assert.ok(Date.now() - start < 3000, `took ${Date.now() - start} ms`);
  await rejects('a,b,c,d\n1,2,3,4\n', 'too_many_columns', /has 4 columns/, { maxColumns: 3 });
});

// The real files in shared/data/samples, with what SOURCES.md says about each.
async function sample(name: string) {
  const result = await prepareCsv(path.join(SAMPLES_DIR, name), path.join(dir, `sample-${name}`));
  return { ...result, body: fs.readFileSync(result.utf8Path, 'utf8') };
}

test('sample statbel-refnis-2019.csv: Latin-1, ;, header Code INS ... with 9 empty labels', async () => {
  const r = await sample('statbel-refnis-2019.csv');
  // No byte in 0x80-0x9F, so the bytes are ISO-8859-1 as much as 1252; read the same either way.
  assert.equal(r.encoding.encoding, 'iso-8859-1');
  assert.equal(r.encoding.method, 'detected');
  assert.equal(r.dialect.delimiter, ';');
  assert.deepEqual(r.header, ['Code INS', 'Entités administratives', 'Langue', 'Code NIS', 'Administratieve eenheden', 'Taal', '', '', '', '', '', '', '', '', '']);
  assert.ok(r.body.startsWith('01000;ROYAUME;;01000;HET RIJK;;;;;;;;;;\n04000;RÉGION DE BRUXELLES-CAPITALE;'));
  assert.equal(r.body.split('\n').filter(Boolean).length, 638);
});

test('sample odwb-code-postaux-belge.csv: UTF-8 with BOM, ;, "lat, lon" cells', async () => {
  const r = await sample('odwb-code-postaux-belge.csv');
  assert.equal(r.encoding.encoding, 'utf-8');
  assert.equal(r.encoding.bom, true);
  assert.equal(r.dialect.delimiter, ';');
  assert.deepEqual(r.header, ['Code', 'Localite', 'Longitude', 'Latitude', 'Coordonnees', 'Municipality name (French)', 'arrondissement', 'province']);
  assert.ok(r.body.startsWith('1020;Laeken;4.3487134;50.883392;50.883392, 4.3487134;Bruxelles;'));
  assert.match(r.body, /Province d’Anvers/);
});

test('sample vgc-ecoles-primaire-maternelle-2012-flandre.csv: an empty ,,,, line above the header', async () => {
  const r = await sample('vgc-ecoles-primaire-maternelle-2012-flandre.csv');
  assert.equal(r.dialect.delimiter, ',');
  assert.equal(r.headerRowNumber, 2);
  assert.equal(r.firstDataRowNumber, 3);
  assert.deepEqual(r.skipped.map((e) => [e.type, e.rowNumber]), [['blank-row', 1]]);
  assert.equal(r.header[0], 'nummer_instelling');
  assert.equal(r.header.length, 10);
  assert.ok(r.body.startsWith('18,GO! basisschool De Kleurdoos Brussel,'));
});

test('sample police-criminal-figures-2023.csv: two title rows, no column header', async () => {
  // "Title: " and " ;2023" are dropped as title rows (the year stays in `skipped`), and the columns
  // are column_1 (area) and column_2 (facts in 2023): a label named "2023" over counts would read as
  // a number, and the first column has no label at all. The footer is the next stage's business.
  const r = await sample('police-criminal-figures-2023.csv');
  assert.equal(r.dialect.delimiter, ';');
  assert.equal(r.dialect.header, false);
  assert.deepEqual(r.header, ['column_1', 'column_2']);
  assert.equal(r.headerRowNumber, 0);
  assert.equal(r.firstDataRowNumber, 3);
  assert.deepEqual(r.skipped.map((e) => [e.type, e.rowNumber, e.cell]), [['title-row', 1, 'Title:'], ['title-row', 2, '2023']]);
  assert.ok(r.body.startsWith('Gebied: Vlaams Gewest;132235\n'));
});

test('samples fwb-ecoles-fr.csv and imio-urban-default-streets.csv have no header', async () => {
  const fwb = await sample('fwb-ecoles-fr.csv');
  assert.equal(fwb.dialect.delimiter, ',');
  assert.equal(fwb.dialect.header, false);
  assert.deepEqual(fwb.header, ['column_1', 'column_2', 'column_3', 'column_4', 'column_5', 'column_6']);
  assert.ok(fwb.body.startsWith('Ecole fondamentale libre de Lobbes,Rue de l\'Entreville 74 ,6540,503529965,42673790,Maternel ordinaire\n'));
  assert.equal(fwb.body, fs.readFileSync(path.join(SAMPLES_DIR, 'fwb-ecoles-fr.csv'), 'utf8'));
  const imio = await sample('imio-urban-default-streets.csv');
  assert.equal(imio.dialect.delimiter, ';');
  assert.equal(imio.dialect.header, false);
  assert.deepEqual(imio.header, ['column_1', 'column_2', 'column_3', 'column_4']);
  assert.equal(imio.firstDataRowNumber, 1);
  assert.ok(imio.body.startsWith('Rue des Acacias;5080;Rhisnes;1010\nRue de l\'Aérodrome;'));
});

test('sample statbel-anccom-niscodes-2013.csv: a header with a line break inside quotes, CRLF', async () => {
  const r = await sample('statbel-anccom-niscodes-2013.csv');
  assert.equal(r.dialect.delimiter, ';');
  assert.equal(r.dialect.lineTerminator, '\r\n');
  assert.equal(r.header.length, 3);
  assert.match(r.header[0], /^Naam gemeente, naam oude gemeente \(van voor de fusie\), van het district\neen asterisk/);
  assert.deepEqual(r.header.slice(1), ['NIS-code', 'Lettercode voor de oude gemeente']);
  assert.equal(r.headerRowNumber, 1);
  assert.equal(r.firstDataRowNumber, 2);
  assert.ok(r.body.startsWith('10 ADMINISTR. WIJK OF DISTRICT;11002;G   \r\n'));
});

test('the XLSX samples are refused as binary', async () => {
  for (const name of ['statbel-firstnames-prov-2017-2025-fr.xlsx', 'statbel-immo-trimestre-par-commune-fr.xlsx']) {
    await assert.rejects(sample(name), (err: unknown) => err instanceof AppError && err.code === 'binary_file' && /XLSX workbook/.test(err.message));
  }
});
