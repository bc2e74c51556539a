import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseFileName, dispositionFileName, safeFileName } from './name.ts';

test('Content-Disposition: filename* (RFC 5987) wins, quoted names may hold ; and escapes', () => {
  assert.equal(dispositionFileName(`attachment; filename="fallback.csv"; filename*=UTF-8''Li%C3%A8ge%20%E2%82%AC.csv`), 'Liège €.csv');
  assert.equal(dispositionFileName(`attachment; filename*=iso-8859-1'fr'Li%E8ge.csv`), 'Liège.csv');
  assert.equal(dispositionFileName('attachment; filename="a;b \\"c\\".csv"'), 'a;b "c".csv');
  assert.equal(dispositionFileName('inline; filename=data.csv'), 'data.csv');
  assert.equal(dispositionFileName('attachment'), null);
  // Raw UTF-8 in filename="…" arrives as Latin-1 characters from Node.
  assert.equal(dispositionFileName(`attachment; filename="${Buffer.from('Liège.csv').toString('latin1')}"`), 'Liège.csv');
});

test('names are one safe path segment', () => {
  assert.equal(safeFileName('../../etc/passwd'), 'passwd');
  assert.equal(safeFileName('C:\\Users\\x\\data.csv'), 'data.csv');
  assert.equal(safeFileName('..'), null);
  assert.equal(safeFileName('.hidden.csv'), 'hidden.csv');
  assert.equal(safeFileName('a\u0000b<>:"|?*.csv'), 'a_b_______.csv');
  const long = safeFileName(`${'x'.repeat(500)}.xlsx`) ?? '';
  assert.equal(long.length, 200);
  assert.ok(long.endsWith('.xlsx'));
});

test('the name: disposition, else the URL, else "download"; an extension added when missing', () => {
  const url = new URL('https://data.example/api/v1/communes/export?format=csv');
  assert.equal(chooseFileName('attachment; filename="../x.csv"', url, '.csv', false), 'x.csv');
  assert.equal(chooseFileName(null, url, '.csv', false), 'export.csv');
  assert.equal(chooseFileName(null, new URL('https://data.example/'), '.json', false), 'download.json');
  assert.equal(chooseFileName(null, new URL('https://data.example/files/budget%202026.xlsx'), '.xlsx', false), 'budget 2026.xlsx');
  assert.equal(chooseFileName(null, new URL('https://data.example/files/v1.2'), '.csv', false), 'v1.2');
  assert.equal(chooseFileName(null, new URL('https://data.example/f/data.csv.gz'), '.csv', true), 'data.csv');
  assert.equal(chooseFileName(null, new URL('https://data.example/f/data.csv.gz'), '.gz', false), 'data.csv.gz');
});
