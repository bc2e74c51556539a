import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { AppError } from '../../errors.ts';
import { SAMPLES_DIR } from '../../../test/helpers/paths.ts';
import { completeUtf8Length, createDecoder, describeBinary, detectEncoding } from './encoding.ts';

const FR = 'commune;rue;remarque\nLiège;Rue de la Cité;Très fréquentée\nNamur;Place d’Armes;Marché le samedi\nMons;Grand-Place;Hôtel de ville\n';
const LATIN1 = "commune;rue;remarque\nLiège;Rue de la Cité;Très fréquentée\nNamur;Place d'Armes;Marché le samedi\nMons;Grand-Place;Hôtel de ville\nEupen;Rathausplatz;Bürgerbüro geöffnet\n";

function rejects(fn: () => unknown, code: string, message: RegExp) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AppError, 'an AppError');
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

test('a BOM decides: UTF-8, UTF-16 LE, UTF-16 BE', () => {
  const utf8 = detectEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(FR)]), true);
  assert.deepEqual(utf8, { encoding: 'utf-8', bom: true, bomLength: 3, method: 'bom', confidence: 1 });
  const le = detectEncoding(iconv.encode(FR, 'utf-16le', { addBOM: true }), true);
  assert.equal(le.encoding, 'utf-16le');
  assert.equal(le.bomLength, 2);
  const be = detectEncoding(iconv.encode(FR, 'utf-16be', { addBOM: true }), true);
  assert.equal(be.encoding, 'utf-16be');
  assert.equal(be.method, 'bom');
});

test('UTF-16 without BOM is told by where its NUL bytes are', () => {
  assert.equal(detectEncoding(iconv.encode(FR, 'utf-16le'), true).encoding, 'utf-16le');
  assert.equal(detectEncoding(iconv.encode(FR, 'utf-16be'), true).encoding, 'utf-16be');
});

test('valid UTF-8 is UTF-8, even with a character cut by the end of the sample', () => {
  const bytes = Buffer.from(FR + 'Liège');
  const cut = bytes.subarray(0, bytes.length - 3); // inside the "è" of the last "Liège"
  assert.equal(cut[cut.length - 1], 0xc3);
  assert.deepEqual(detectEncoding(cut, false), { encoding: 'utf-8', bom: false, bomLength: 0, method: 'valid-utf8', confidence: 1 });
  // The same bytes as a whole file end in a broken character: not valid UTF-8 any more.
  assert.notEqual(detectEncoding(cut, true).method, 'valid-utf8');
});

test('Windows-1252 with € and ’ is windows-1252; plain Latin-1 text is iso-8859-1', () => {
  const cp1252 = detectEncoding(iconv.encode(FR + 'Eupen;Rathausplatz;Prix 5 € l’heure\n', 'windows-1252'), true);
  assert.equal(cp1252.encoding, 'windows-1252');
  assert.equal(cp1252.method, 'detected');
  assert.ok(cp1252.confidence > 0 && cp1252.confidence <= 1);
  const latin1 = detectEncoding(iconv.encode(LATIN1, 'iso-8859-1'), true);
  assert.equal(latin1.encoding, 'iso-8859-1');
  // Both are read the 1252 way, which differs from ISO-8859-1 only where 1252 has € ’ “ ”.
  assert.equal(createDecoder('iso-8859-1').decode(iconv.encode('5 € l’été', 'windows-1252')), '5 € l’été');
});

test('statbel-refnis-2019.csv is Latin-1 text with no 0x80-0x9F byte, so reported as iso-8859-1', () => {
  const bytes = fs.readFileSync(path.join(SAMPLES_DIR, 'statbel-refnis-2019.csv'));
  const guess = detectEncoding(bytes, true);
  assert.equal(guess.encoding, 'iso-8859-1');
  assert.equal(guess.method, 'detected');
  assert.match(createDecoder(guess.encoding).decode(bytes), /^Code INS;Entités administratives;/);
});

test('spreadsheets, archives, images and NUL-filled files are refused as binary, saying what they look like', () => {
  const zip = (name: string) => Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x06\x00', 'latin1'), Buffer.alloc(22), Buffer.from(name, 'latin1')]);
  rejects(() => detectEncoding(zip('[Content_Types].xml xl/workbook.xml'), true), 'binary_file', /XLSX workbook.*not a CSV/);
  rejects(() => detectEncoding(zip('mimetypeapplication/vnd.oasis.opendocument.spreadsheet'), true), 'binary_file', /ODS spreadsheet/);
  rejects(() => detectEncoding(zip('data/report.txt'), true), 'binary_file', /ZIP archive/);
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
  rejects(() => detectEncoding(png, true), 'binary_file', /PNG image/);
  rejects(() => detectEncoding(Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), true), 'binary_file', /PDF document/);
  rejects(() => detectEncoding(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), true), 'binary_file', /old Excel workbook/);
  rejects(() => detectEncoding(Buffer.from('a;b\n1;2\x00\x00\x07\n3;4\n'), true), 'binary_file', /NUL bytes/);
  const controls = Buffer.from(Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? 0x02 : 0x41)));
  rejects(() => detectEncoding(controls, true), 'binary_file', /control characters/);
  assert.equal(describeBinary(Buffer.from('a;b\r\n1;2\f\n')), null);
});

test('the real XLSX samples are refused as XLSX workbooks', () => {
  for (const name of ['statbel-firstnames-prov-2017-2025-fr.xlsx', 'statbel-immo-trimestre-par-commune-fr.xlsx']) {
    const head = fs.readFileSync(path.join(SAMPLES_DIR, name)).subarray(0, 256 * 1024);
    rejects(() => detectEncoding(head, false), 'binary_file', /looks like an XLSX workbook/);
  }
});

test('an encoding Dataville cannot read is refused with what chardet saw', () => {
  const ru = 'Имя;Город;Улица\nИван Петров;Москва;Тверская улица\nАнна Смирнова;Санкт-Петербург;Невский проспект\n';
  rejects(() => detectEncoding(iconv.encode(ru.repeat(3), 'koi8-r'), true), 'unknown_encoding', /KOI8-R.*save it again as "CSV UTF-8"/);
  const ja = '名前;住所;電話番号\n山田太郎;東京都千代田区;03-1234-5678\n鈴木花子;大阪府大阪市北区;06-9876-5432\n';
  // chardet's first guess for this Shift_JIS text is windows-1252; the share of high bytes says otherwise.
  rejects(() => detectEncoding(iconv.encode(ja.repeat(3), 'Shift_JIS'), true), 'unknown_encoding', /not UTF-8/);
});

test('completeUtf8Length keeps a cut character for the next chunk', () => {
  const euro = Buffer.from('a€', 'utf8'); // 61 e2 82 ac
  assert.equal(completeUtf8Length(euro), 4);
  assert.equal(completeUtf8Length(euro.subarray(0, 3)), 1);
  assert.equal(completeUtf8Length(euro.subarray(0, 2)), 1);
  assert.equal(completeUtf8Length(Buffer.from('abc')), 3);
  assert.equal(completeUtf8Length(Buffer.from([0x61, 0xf0, 0x9f, 0x98])), 1);
  assert.equal(completeUtf8Length(Buffer.from([0x61, 0xe9])), 1); // a lone 1252 "é" is held back, then found invalid
});
