import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { charsetWarning, checkContent, extensionFor, looksLikeHtml, parseContentType, sniff, SNIFF_BYTES } from './content.ts';

const b = (s: string) => Buffer.from(s, 'latin1');

test('Content-Type is parsed to a lower-case media type and charset', () => {
  assert.deepEqual(parseContentType('Text/CSV; Charset="ISO-8859-1"; header=present'), { mediaType: 'text/csv', charset: 'iso-8859-1' });
  assert.deepEqual(parseContentType('application/json'), { mediaType: 'application/json', charset: null });
  assert.equal(parseContentType('csv'), null);
  assert.equal(parseContentType(undefined), null);
});

test('web pages are told by their start, after a BOM, white space, comments or an XML declaration', () => {
  for (const page of ['<!DOCTYPE html><html>', '\uFEFF  \n<HTML lang="nl">', '<head><title>x</title>', '<!-- generated -->\n<!doctype html>',
    '<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">', '<body>\n']) {
    assert.equal(looksLikeHtml(Buffer.from(page)), true, page);
  }
  for (const data of ['<?xml version="1.0"?><gml:FeatureCollection>', 'html;head\n1;2\n', '<htmlish/>', '{"html": 1}']) {
    assert.equal(looksLikeHtml(Buffer.from(data)), false, data);
  }
});

test('the bytes are sniffed by their signature', () => {
  assert.equal(sniff(Buffer.alloc(0)).kind, 'empty');
  assert.equal(sniff(b('%PDF-1.4\n')).kind, 'pdf');
  assert.equal(sniff(b('PK\x03\x04....xl/workbook.xml')).what, 'an XLSX workbook (Excel)');
  assert.equal(sniff(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0])).kind, 'xls');
  assert.equal(sniff(Buffer.from([0x1f, 0x8b, 8, 0])).kind, 'gzip');
  assert.equal(sniff(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a])).kind, 'image');
  assert.equal(sniff(b(' [{"a":1}]')).kind, 'json');
  assert.equal(sniff(b('<?xml version="1.0"?><root/>')).kind, 'xml');
  assert.equal(sniff(b('a;b\n1;2\n')).kind, 'text');
  assert.equal(sniff(iconv.encode('a;b\n1;2\n', 'utf-16le', { addBOM: false })).kind, 'text');
  assert.equal(sniff(Buffer.from([1, 2, 3, 0, 4, 5, 6, 7, 0, 0, 0, 9])).kind, 'binary');
});

test('checks: refusals only when a table is expected, warnings in both modes', () => {
  const csv = parseContentType('text/csv');
  assert.match(checkContent(b('<html><body>'), true, csv, 'table', 'u').error?.message ?? '', /web page/);
  assert.equal(checkContent(b('<html><body>'), true, csv, 'any', 'u').error, null);
  assert.equal(checkContent(Buffer.alloc(0), true, csv, 'table', 'u').error?.code, 'empty_file');
  // Not known to be empty before the end of the file.
  assert.equal(checkContent(Buffer.alloc(0), false, csv, 'table', 'u').error, null);
  assert.equal(checkContent(b('GIF89a'), true, null, 'table', 'u').error?.code, 'unsupported_format');
  // Generic and unknown types agree with anything.
  assert.deepEqual(checkContent(b('a;b\n'), true, parseContentType('application/octet-stream'), 'table', 'u').warnings, []);
  assert.deepEqual(checkContent(b('a;b\n'), true, parseContentType('application/x-whatever'), 'table', 'u').warnings, []);
  assert.match(checkContent(b('a;b\n'), true, parseContentType('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'), 'any', 'u').warnings[0], /ZIP-based file .* look like CSV or other text/);
  assert.match(checkContent(b('{"a":1}'), true, parseContentType('application/xml'), 'any', 'u').warnings[0], /says the file is XML .* look like JSON/);
});

test('charset: warned when the bytes say otherwise, never for plain ASCII', () => {
  const fr = 'Liège;Très fréquentée;Bürgerbüro\n';
  assert.match(charsetWarning(Buffer.from(fr), true, 'iso-8859-1') ?? '', /valid UTF-8.*reads UTF-8/);
  assert.match(charsetWarning(Buffer.from(fr), true, 'windows-1252') ?? '', /valid UTF-8/);
  assert.equal(charsetWarning(iconv.encode(fr, 'latin1'), true, 'iso-8859-1'), null);
  assert.match(charsetWarning(iconv.encode(fr, 'latin1'), true, 'utf-8') ?? '', /not valid UTF-8/);
  assert.equal(charsetWarning(Buffer.from(fr), true, 'utf-8'), null);
  assert.equal(charsetWarning(b('a;b\n1;2\n'), true, 'iso-8859-1'), null);
  assert.match(charsetWarning(Buffer.from(fr), true, 'us-ascii') ?? '', /non-ASCII bytes.*UTF-8/);
  assert.match(charsetWarning(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('a;b', 'utf-16le')]), true, 'utf-8') ?? '', /UTF-16 byte order mark/);
  assert.match(charsetWarning(b('a;b\n'), true, 'utf-16') ?? '', /not UTF-16/);
  assert.equal(charsetWarning(b('a;b\n'), true, 'shift_jis'), null);
  // A character cut by the end of the sample is not a fault of the file.
  const cut = Buffer.from('é'.repeat(SNIFF_BYTES / 2 + 1)).subarray(0, SNIFF_BYTES - 1);
  assert.equal(charsetWarning(cut, false, 'utf-8'), null);
  assert.match(charsetWarning(cut, true, 'utf-8') ?? '', /not valid UTF-8/);
});

test('extensions follow the declared type when the bytes agree, else the bytes', () => {
  assert.equal(extensionFor(sniff(b('a;b\n')), parseContentType('text/csv')), '.csv');
  assert.equal(extensionFor(sniff(b('a\tb\n')), parseContentType('text/tab-separated-values')), '.tsv');
  assert.equal(extensionFor(sniff(b('{"type":"FeatureCollection"}')), parseContentType('application/geo+json')), '.geojson');
  assert.equal(extensionFor(sniff(b('a;b\n')), parseContentType('application/json')), '.csv');
  assert.equal(extensionFor(sniff(b('a;b\n')), parseContentType('text/plain')), '.txt');
  assert.equal(extensionFor(sniff(b('PK\x03\x04 xl/')), parseContentType('application/octet-stream')), '.xlsx');
  assert.equal(extensionFor(sniff(b('a;b\n')), null), '.csv');
});
