import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frequencyConcept, licenceOf, themesOf } from './vocabularies.ts';

test('licence ids, URLs and EU codes map to the EU licence list; other texts to none', () => {
  const eu = (code: string) => `http://publications.europa.eu/resource/authority/licence/${code}`;
  for (const [raw, code] of [
    ['CC-BY-4.0', 'CC_BY_4_0'], ['cc by 4.0', 'CC_BY_4_0'], ['https://creativecommons.org/licenses/by/4.0/', 'CC_BY_4_0'],
    ['https://creativecommons.org/licenses/by/4.0/legalcode.fr', 'CC_BY_4_0'], ['CC_BY_4_0', 'CC_BY_4_0'],
    ['CC-BY-SA-4.0', 'CC_BYSA_4_0'], ['CC0-1.0', 'CC0'], ['CC0', 'CC0'], ['http://creativecommons.org/publicdomain/zero/1.0/', 'CC0'],
    ['ODbL-1.0', 'ODC_BL'], ['http://publications.europa.eu/resource/authority/licence/CC_BYNC_4_0', 'CC_BYNC_4_0'],
  ] as const) {
    assert.equal(licenceOf(raw)?.uri, eu(code), raw);
  }
  assert.deepEqual(licenceOf('CC-BY-SA-4.0')?.types, ['Attribution', 'ViralEffect-ShareAlike']);
  assert.equal(licenceOf('CC0')?.title.nl, 'Creative Commons CC0 1.0 Universeel');
  for (const raw of ['', null, undefined, 'Licence communale', 'https://example.org/my-licence', 'CC-BY-9.9']) assert.equal(licenceOf(raw), null, String(raw));
});

test('themes: EU codes, EU and Belgian URIs, names in four languages; the rest is kept apart', () => {
  assert.deepEqual(themesOf('GOVE'), { codes: ['GOVE'], unrecognised: [] });
  assert.deepEqual(themesOf('envi; TRAN, envi'), { codes: ['ENVI', 'TRAN'], unrecognised: [] });
  assert.deepEqual(themesOf('http://vocab.belgif.be/auth/datatheme/HEAL'), { codes: ['HEAL'], unrecognised: [] });
  assert.deepEqual(themesOf('http://publications.europa.eu/resource/authority/data-theme/OP_DATPRO'), { codes: ['OP_DATPRO'], unrecognised: [] });
  assert.deepEqual(themesOf('Mobilité, Milieu, Gesundheit, Economy and finance'), { codes: ['TRAN', 'ENVI', 'HEAL', 'ECON'], unrecognised: [] });
  assert.deepEqual(themesOf('Fêtes de quartier'), { codes: [], unrecognised: ['Fêtes de quartier'] });
  assert.deepEqual(themesOf(null), { codes: [], unrecognised: [] });
});

test('update frequencies map to the EU frequency list; none given is UNKNOWN', () => {
  const code = (f: string | null) => frequencyConcept(f).uri.split('/').pop();
  assert.deepEqual(['continuous', 'daily', 'weekly', 'monthly', 'quarterly', 'annual', 'irregular', 'never', 'unknown', null].map(code),
    ['CONT', 'DAILY', 'WEEKLY', 'MONTHLY', 'QUARTERLY', 'ANNUAL', 'IRREG', 'NEVER', 'UNKNOWN', 'UNKNOWN']);
});
