import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatOf, isoTimestamp, mapFrequency, mapLicence, mapThemes, plainText, recordHash, textsByLang, themeCode } from './normalise.ts';
import { ckanBase, ckanRecord } from './ckan.ts';
import { odsBase, odsRecord } from './ods.ts';
import type { HarvestRecord } from './types.ts';

test('themes: EU IRIs, codes, and the words portals use map to the 13 EU data themes; others warn', () => {
  assert.equal(themeCode('http://publications.europa.eu/resource/authority/data-theme/ENVI'), 'ENVI');
  assert.equal(themeCode('http://vocab.belgif.be/auth/datatheme/TRAN'), 'TRAN');
  assert.equal(themeCode('GOVE'), 'GOVE');
  assert.equal(themeCode('Administration, Gouvernement, Finances publiques, Citoyenneté'), 'GOVE');
  assert.equal(themeCode('Aménagement du territoire, Urbanisme, Bâtiments, Equipements, Logement'), 'REGI');
  assert.equal(themeCode('Mobilité'), 'TRAN');
  assert.equal(themeCode('Economie en werk'), 'ECON');
  assert.equal(themeCode('Culture, Patrimoine'), 'EDUC');
  assert.equal(themeCode('Société'), 'SOCI');
  assert.equal(themeCode('environnement'), 'ENVI');
  const none = mapThemes(['Divers', 'Autres']);
  assert.equal(none.theme, null);
  assert.match(none.warning!, /"Divers", "Autres" could not be mapped to an EU data theme/);
  assert.deepEqual(mapThemes(['Divers', 'Santé']), { theme: 'HEAL', warning: null });
  assert.deepEqual(mapThemes([]), { theme: null, warning: null });
});

test('licences: ids, URLs and portal spellings map to known ids; an unknown one is kept as text with a warning', () => {
  assert.equal(mapLicence(['http://www.opendefinition.org/licenses/cc-by', 'cc-by']).licence, 'CC-BY-4.0');
  assert.equal(mapLicence(['https://creativecommons.org/licenses/by/4.0/']).licence, 'CC-BY-4.0');
  assert.equal(mapLicence(['http://publications.europa.eu/resource/authority/licence/CC_BY_4_0']).licence, 'CC-BY-4.0');
  assert.equal(mapLicence(['CC BY 4.0']).licence, 'CC-BY-4.0');
  assert.equal(mapLicence(['odc-odbl']).licence, 'ODbL-1.0');
  assert.equal(mapLicence(['Open Database License (ODbL)']).licence, 'ODbL-1.0');
  assert.equal(mapLicence(['Licence Ouverte v2.0 (Etalab)']).licence, 'etalab-2.0');
  assert.equal(mapLicence(['cc-zero']).licence, 'CC0-1.0');
  // Another version is another licence: kept as given.
  const v3 = mapLicence(['CC BY 3.0']);
  assert.equal(v3.licence, 'CC BY 3.0');
  assert.match(v3.warning!, /not one Dataville recognises/);
  const unknown = mapLicence(['', 'Licence communale de réutilisation']);
  assert.equal(unknown.licence, 'Licence communale de réutilisation');
  assert.match(unknown.warning!, /kept as given text/);
  assert.deepEqual(mapLicence([null, 'notspecified']).licence, null);
});

test('update frequencies, dates, formats and HTML descriptions', () => {
  assert.equal(mapFrequency('http://publications.europa.eu/resource/authority/frequency/MONTHLY'), 'monthly');
  assert.equal(mapFrequency('http://purl.org/cld/freq/weekly'), 'weekly');
  assert.equal(mapFrequency('Mensuelle'), 'monthly');
  assert.equal(mapFrequency('jaarlijks'), 'annual');
  assert.equal(mapFrequency('P1D'), 'daily');
  assert.equal(mapFrequency('whenever'), null);
  assert.equal(isoTimestamp('2023-02-01T09:58:12.345678'), '2023-02-01T09:58:12.345Z', 'CKAN times without a zone are UTC');
  assert.equal(isoTimestamp('2024-02-15T10:11:12+01:00'), '2024-02-15T09:11:12.000Z');
  assert.equal(isoTimestamp('2021-06-01'), '2021-06-01T00:00:00.000Z');
  assert.equal(isoTimestamp('hier'), null);
  assert.equal(formatOf('http://publications.europa.eu/resource/authority/file-type/GEOJSON', null, 'https://x.example/a'), 'geojson');
  assert.equal(formatOf('CSV', null, 'https://x.example/a'), 'csv');
  assert.equal(formatOf(null, 'https://www.iana.org/assignments/media-types/text/csv', 'https://x.example/a'), 'csv');
  assert.equal(formatOf(null, null, 'https://x.example/files/b.xlsx'), 'xlsx');
  assert.equal(formatOf(null, null, 'https://x.example/download?id=3'), 'link');
  assert.equal(plainText('<p>Population au 1<sup>er</sup> janvier &amp; plus.</p><ul><li>Source : Statbel</li></ul>'), 'Population au 1er janvier & plus.\n\n- Source : Statbel');
  assert.deepEqual(textsByLang([{ value: 'Titel', lang: 'nl-BE' }, { value: 'Titre' }, { value: 'Titolo', lang: 'it' }], 'fr'), { nl: 'Titel', fr: 'Titre' });
  assert.deepEqual(textsByLang([{ value: 'Titolo', lang: 'it' }], 'fr'), { fr: 'Titolo' });
});

test('the hash changes with the content, not with the order of object keys', () => {
  const r: HarvestRecord = {
    identifier: 'a', title: { fr: 'A', nl: 'A' }, description: {}, keywords: ['x'], theme: null, licence: null, publisher: null, contactPoint: null,
    updateFrequency: null, temporalStart: null, temporalEnd: null, landingPage: null, issued: null, modified: null, resources: [],
  };
  const same = { ...r, title: { nl: 'A', fr: 'A' } };
  assert.equal(recordHash(r), recordHash(same));
  assert.notEqual(recordHash(r), recordHash({ ...r, keywords: ['y'] }));
});

test('CKAN and OpenDataSoft records: translations, links, landing pages; bad records refused with the reason', () => {
  assert.equal(ckanBase('https://opendata.example.be/api/3/action/package_search?q=x'), 'https://opendata.example.be');
  assert.equal(ckanBase('https://portal.example.be/data/dataset/budget'), 'https://portal.example.be/data');
  assert.equal(odsBase('https://www.odwb.be/explore/?sort=modified'), 'https://www.odwb.be');
  assert.equal(odsBase('https://www.odwb.be/api/explore/v2.1/catalog/datasets'), 'https://www.odwb.be');

  const item = ckanRecord({
    id: 'id-1', name: 'budget', title: 'Budget', title_translated: { fr: 'Budget', nl: 'Begroting' }, notes: 'Le budget', state: 'active',
    tags: [{ name: 'finances' }], groups: [{ name: 'economie' }], license_id: 'cc-by',
    resources: [{ name: 'CSV', url: 'https://p.example/budget.csv', format: 'CSV' }, { name: 'FTP', url: 'ftp://p.example/budget.csv' }],
  }, 'fr', 'https://p.example');
  assert.ok(item && item.ok);
  assert.deepEqual(item.record.title, { fr: 'Budget', nl: 'Begroting' });
  assert.equal(item.record.theme, 'ECON');
  assert.equal(item.record.landingPage, 'https://p.example/dataset/budget');
  assert.equal(item.record.resources.length, 1);
  assert.match(item.warnings.join(' '), /resource "FTP" has no http\(s\) link/);
  assert.equal(ckanRecord({ id: 'x', state: 'deleted', title: 'Gone' }, 'fr', 'https://p.example'), null, 'a deleted dataset is not listed');
  const untitled = ckanRecord({ id: 'x', title: '', name: '' }, 'fr', 'https://p.example');
  assert.ok(untitled && !untitled.ok);
  assert.match(untitled.message, /has no title/);

  const ods = odsRecord({
    dataset_id: 'arbres', has_records: true, features: ['geo'],
    metas: { default: { title: 'Arbres', description: '<p>Les <b>arbres</b></p>', theme: ['Environnement'], keyword: ['arbres'], license: 'ODbL', language: 'fr' } },
  }, 'fr', 'https://www.odwb.be');
  assert.ok(ods.ok);
  assert.equal(ods.record.description.fr, 'Les arbres');
  assert.deepEqual(ods.record.resources.map((r) => r.format), ['csv', 'geojson']);
  assert.equal(ods.record.resources[1].url, 'https://www.odwb.be/api/explore/v2.1/catalog/datasets/arbres/exports/geojson');
  assert.equal(ods.record.licence, 'ODbL-1.0');
  assert.equal(ods.record.landingPage, 'https://www.odwb.be/explore/dataset/arbres/');
});
