import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enterpriseNumber, enterpriseUri, identifierUri, nisCode, nisUri, postcode, recognizeColumn } from './identifiers.ts';
import { knownLicence } from './licences.ts';
import { checkValueTemplate, expandProperty, fillTemplate } from './mappings.ts';

test('NIS codes: communes of 2019–2024 and of 2025, each linked to the REFNIS list it exists in', () => {
  assert.equal(nisCode('92094'), '92094');
  assert.equal(nisCode(62063), '62063');
  assert.equal(nisCode('62063.0'), '62063');
  assert.equal(nisCode('99999'), null);
  assert.equal(nisCode('1000'), null);
  assert.equal(nisUri('62063'), 'http://vocab.belgif.be/auth/refnis2025/62063');
  // Bastogne 82003 merged into 82039 on 1 January 2025: the 2019 list still has it.
  assert.equal(nisUri('82003'), 'http://vocab.belgif.be/auth/refnis2019/82003');
  assert.equal(nisUri('82039'), 'http://vocab.belgif.be/auth/refnis2025/82039');
});

test('postcodes: 4-digit codes of the bpost list only', () => {
  assert.equal(postcode('5000'), '5000');
  assert.equal(postcode(' 1000 '), '1000');
  assert.equal(postcode('0000'), null);
  assert.equal(postcode('50000'), null);
  assert.equal(identifierUri('postcode', 9000), 'https://data.vlaanderen.be/id/postinfo/9000');
});

test('KBO/BCE numbers: mod-97 check, dots, BE prefix, old 9-digit form; enterprises and establishment units', () => {
  assert.equal(enterpriseNumber('0123.456.749'), '0123456749');
  assert.equal(enterpriseNumber('BE 0123 456 749'), '0123456749');
  assert.equal(enterpriseNumber('123456749'), '0123456749');
  assert.equal(enterpriseNumber('0123.456.748'), null);
  assert.equal(enterpriseNumber('abc'), null);
  assert.equal(enterpriseUri('0123456749'), 'https://org.belgif.be/id/CbeRegisteredEntity/0123456749');
  const unit = '2' + '1992994'.padStart(7, '0');
  const check = String(97 - (Number(unit) % 97)).padStart(2, '0');
  assert.equal(enterpriseUri(enterpriseNumber(unit + check)!), `https://org.belgif.be/id/CbeEstablishmentUnit/${unit}${check}`);
});

test('columns are recognised by values, helped by the name; years are never postcodes', () => {
  const nis = recognizeColumn({ name: 'Code INS', type: 'integer', values: ['92094', '82003'], complete: true });
  assert.equal(nis?.kind, 'nis');
  assert.equal(nis?.uriPrefix, null, '82003 is only in REFNIS 2019, 92094 in 2025: no single URI template fits both');
  assert.equal(recognizeColumn({ name: 'nis', type: 'integer', values: ['92094'], complete: false })?.uriPrefix, null, 'values not all looked at');
  const nisPlain = recognizeColumn({ name: 'commune', type: 'integer', values: ['92094', '62063', '21004'], complete: true });
  assert.equal(nisPlain?.kind, 'nis');
  assert.equal(nisPlain?.uriPrefix, 'http://vocab.belgif.be/auth/refnis2025/');
  // One code: only a name makes it an identifier column.
  assert.equal(recognizeColumn({ name: 'montant', type: 'integer', values: ['21004'] }), null);
  assert.equal(recognizeColumn({ name: 'Code postal', type: 'integer', values: ['5000', '5100', '5020'] })?.kind, 'postcode');
  // All of these are Antwerp or Brussels-area postcodes, and all are years too.
  const years = ['1950', '1970', '1980', '1981', '1982', '2000', '2018', '2020', '2030', '2040', '2050', '2060', '2070'];
  assert.equal(recognizeColumn({ name: 'periode', type: 'integer', values: years }), null);
  assert.equal(recognizeColumn({ name: 'annee', type: 'integer', values: years.slice(0, 3) }), null);
  const codes = ['1000', '1020', '1030', '1040', '1050', '1060', '1070', '1080', '1090', '1120'];
  assert.equal(recognizeColumn({ name: 'localite', type: 'integer', values: codes })?.kind, 'postcode');
  assert.equal(recognizeColumn({ name: 'montant', type: 'integer', values: ['1234', '2500', '7000', '12', '99'] }), null);
  assert.equal(recognizeColumn({ name: 'Libellé', type: 'string', values: ['Frais', 'Voirie'] }), null);
  assert.equal(recognizeColumn({ name: 'entreprise', type: 'string', values: ['0123.456.749'] })?.kind, 'enterprise');
  assert.equal(recognizeColumn({ name: 'date', type: 'date', values: ['2024-01-01'] }), null);
});

test('licences: ids, URLs and EU URIs are recognised; NC is not open', () => {
  assert.equal(knownLicence('CC-BY-4.0')?.euUri, 'http://publications.europa.eu/resource/authority/licence/CC_BY_4_0');
  assert.equal(knownLicence('https://creativecommons.org/licenses/by/4.0/deed.fr')?.id, 'CC-BY-4.0');
  assert.equal(knownLicence('http://publications.europa.eu/resource/authority/licence/CC0')?.id, 'CC0-1.0');
  assert.equal(knownLicence('cc by-nc 4.0')?.open, false);
  assert.equal(knownLicence('Modellicentie Gratis Hergebruik')?.open, true);
  assert.equal(knownLicence('Modellicentie Gratis Hergebruik')?.euUri, null);
  assert.equal(knownLicence('my own terms'), null);
});

test('mappings: prefixed names expand, templates need {value} once, values are encoded into one segment', () => {
  assert.equal(expandProperty('schema:name', 'Nom'), 'https://schema.org/name');
  assert.equal(expandProperty('adres:Straatnaam', 'Rue'), 'https://data.vlaanderen.be/ns/adres#Straatnaam');
  assert.equal(expandProperty('https://example.org/p', 'x'), 'https://example.org/p');
  assert.throws(() => expandProperty('foo:bar', 'Rue'), /neither an absolute http\(s\) IRI nor a known prefix/);
  assert.throws(() => expandProperty('https://example.org/a b', 'Rue'), /Rue/);
  assert.throws(() => checkValueTemplate('https://example.org/id', 'Rue'), /\{value\}/);
  assert.equal(fillTemplate('https://example.org/id/{value}', 'a/b c'), 'https://example.org/id/a%2Fb%20c');
  assert.equal(fillTemplate('https://example.org/id/{value}', '  '), null);
});
