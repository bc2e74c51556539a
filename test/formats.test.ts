import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openTestApp } from './helpers/backends.ts';
import { releaseHeld } from './helpers/app.ts';
import { SAMPLES_DIR, tempDir } from './helpers/paths.ts';
import { callAction } from '../src/actions/registry.ts';
import { publishFile, queryRows, showDataset } from '../src/actions/index.ts';
import type { AppError } from '../src/errors.ts';

const sys = { kind: 'system' } as const;

describe('JSON and GeoJSON publish through the same pipeline', () => {
  let app: Awaited<ReturnType<typeof openTestApp>>;
  const dir = tempDir('dv-formats-');
  before(async () => { app = await openTestApp(); });
  after(async () => { await app.close(); });

  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return { path: p, name };
  };

  test('JSON under a key, nested objects flattened with dotted names, typed, the sparse last record kept', async () => {
    const src = file('ecoles.json', JSON.stringify({ data: [
      { nom: 'École Saint-Joseph', adresse: { rue: 'Rue de Fer', cp: '5000' }, eleves: 312, ouverte: true, depuis: '1998-09-01' },
      { nom: 'Athénée royal', adresse: { rue: 'Place Saint-Aubain', cp: '5000' }, eleves: 1204.5, ouverte: false },
      { nom: 'Les Tilleuls' },
    ] }));
    const out = await callAction(publishFile, app.ctx(sys), { organization: '92094', title: 'Écoles', file: src });
    assert.equal(out.version.rowCount, 3);
    const fields = Object.fromEntries(out.audit.schema.fields.map((f) => [f.name, f.type]));
    assert.deepEqual(fields, { nom: 'string', 'adresse.rue': 'string', 'adresse.cp': 'string', eleves: 'number', ouverte: 'boolean', depuis: 'date' });
    const rows = await callAction(queryRows, app.ctx(sys), { resource_id: out.resourceId, records_format: 'objects' });
    assert.equal((rows.records as Record<string, unknown>[])[2].nom, 'Les Tilleuls');
  });

  test('JSON that is not an array of objects is refused with a clear error and nothing is created', async () => {
    const before = (await app.stores.meta.selectFrom('datasets').select('id').execute()).length;
    await assert.rejects(callAction(publishFile, app.ctx(sys), { organization: '92094', title: 'Bad', file: file('n.json', '[1, 2, 3]') }),
      (e: AppError) => e.status === 422 && e.message.length > 40);
    await assert.rejects(callAction(publishFile, app.ctx(sys), { organization: '92094', title: 'Bad', file: file('s.json', '{"a": ') }),
      (e: AppError) => e.status === 422 && /line|byte|position/i.test(e.message));
    assert.equal((await app.stores.meta.selectFrom('datasets').select('id').execute()).length, before);
  });

  test('GeoJSON points: properties as columns, geometry kept, lat/lon columns, bounding box on the dataset', async () => {
    const fc = { type: 'FeatureCollection', features: [
      { type: 'Feature', id: 'b1', properties: { nom: 'Bulle à verre', vidage: 'lundi' }, geometry: { type: 'Point', coordinates: [4.8671, 50.4669] } },
      { type: 'Feature', id: 'b2', properties: { nom: 'Bulle à textile', vidage: 'jeudi' }, geometry: { type: 'Point', coordinates: [4.8392, 50.4581] } },
    ] };
    const out = await callAction(publishFile, app.ctx(sys), { organization: '92094', title: 'Bulles', file: file('bulles.geojson', JSON.stringify(fc)) });
    const types = Object.fromEntries(out.audit.schema.fields.map((f) => [f.name, f.type]));
    assert.equal(types.geometry, 'geojson');
    assert.equal(types.latitude, 'number');
    assert.equal(types.longitude, 'number');
    assert.equal(out.audit.spatial?.kind, 'geometry');
    const d = await callAction(showDataset, app.ctx(sys), { dataset: out.dataset.id });
    assert.deepEqual(d.spatialBbox, [4.8392, 50.4581, 4.8671, 50.4669]);
  });

  test('GeoJSON with coordinates out of range is refused, naming the feature', async () => {
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', id: 'x9', properties: {}, geometry: { type: 'Point', coordinates: [450, 50] } }] };
    await assert.rejects(callAction(publishFile, app.ctx(sys), { organization: '92094', title: 'Bad geo', file: file('bad.geojson', JSON.stringify(fc)) }),
      (e: AppError) => e.status === 422 && /x9|feature 1/i.test(e.message));
  });

  test('a CSV with Lambert 72 x/y is recognised as spatial', async () => {
    const src = file('bornes.csv', 'nom;x;y\nGrand-Place;148855;170700\nAtomium;148300;176800\n');
    const out = await callAction(publishFile, app.ctx(sys), { organization: '92094', title: 'Bornes', file: src });
    assert.equal(out.audit.spatial?.kind, 'lambert72');
    const [w, s, e, n] = out.audit.spatial!.bbox;
    // Grand-Place (4.3525, 50.8467) is a corner point of the two: on the box's edge, within a metre or so.
    const eps = 1e-4;
    assert.ok(w <= 4.3525 + eps && e >= 4.3525 - eps && s <= 50.8467 + eps && n >= 50.8467 - eps && n > 50.89, `${out.audit.spatial!.bbox}`);
  });

  test('the Statbel real-estate workbook: three header rows under merged cells, spacer columns dropped, one table', async () => {
    const name = 'statbel-immo-trimestre-par-commune-fr.xlsx';
    const out = await callAction(publishFile, app.ctx(sys), { organization: '92094', title: 'Immo', file: { path: path.join(SAMPLES_DIR, name), name } });
    assert.equal(out.tables.length, 1);
    assert.equal(out.version.rowCount, 33698);
    const fields = out.audit.schema.fields;
    assert.deepEqual(fields.slice(0, 4).map((f) => [f.name, f.type]), [['refnis', 'string'], ['localité', 'string'], ['année', 'integer'], ['période', 'string']]);
    assert.match(fields[4].name, /^ventes de biens immobiliers - Toutes les maisons .* - nombre transactions$/);
    assert.ok(out.audit.notes?.some((n) => /spacer columns E, J, O, T/.test(n)), 'the dropped spacer columns are reported');
    const rows = await callAction(queryRows, app.ctx(sys), { resource_id: out.resourceId, filters: { localité: 'AARTSELAAR' }, limit: 1, sort: 'année, période', records_format: 'objects' });
    const first = (rows.records as Record<string, unknown>[])[0];
    assert.equal(first.refnis, '11001');
    assert.equal(first['année'], 2010);
  });

  test('the Statbel first-names workbook: every visible data sheet a resource, codes kept with their leading zero', async () => {
    const name = 'statbel-firstnames-prov-2017-2025-fr.xlsx';
    const out = await callAction(publishFile, app.ctx(sys), { organization: '92094', title: 'Prénoms', file: { path: path.join(SAMPLES_DIR, name), name } });
    assert.equal(out.tables.length, 18, 'F_PROV and M_PROV for 2017-2025; the Contenu index is not a table');
    // A column of first names is asked about by the privacy guard (here they are statistics, not people).
    await releaseHeld(app, out.dataset.id);
    const t2017 = out.tables.find((t) => t.table === 'F_PROV2017')!;
    assert.equal(t2017.rowCount, 2412);
    const d = await callAction(showDataset, app.ctx(sys), { dataset: out.dataset.id });
    assert.equal(d.resources.length, 18);
    assert.deepEqual(out.audit.schema.fields.map((f) => [f.name, f.type]), [['Rang', 'integer'], ['Refnis', 'string'], ['NUTS2', 'string'], ['Province/région', 'string'], ['Prénom', 'string'], ['Nombre', 'integer']]);
    // 2017 stores Refnis as the number 4000 shown as 00000, 2025 as the text "04000": the same code in both.
    for (const table of ['F_PROV2017', 'F_PROV2025']) {
      const rid = out.tables.find((t) => t.table === table)!.resourceId;
      const rows = await callAction(queryRows, app.ctx(sys), { resource_id: rid, filters: { Refnis: '04000' }, limit: 1, records_format: 'objects' });
      assert.ok((rows.total ?? 0) > 0, `${table} has rows with Refnis 04000`);
    }
  });

  test('a truncated workbook is refused with a clear error', async () => {
    const full = fs.readFileSync(path.join(SAMPLES_DIR, 'statbel-firstnames-prov-2017-2025-fr.xlsx'));
    const cut = file('cut.xlsx', '');
    fs.writeFileSync(cut.path, full.subarray(0, full.length / 2));
    await assert.rejects(callAction(publishFile, app.ctx(sys), { organization: '92094', title: 'Cut', file: cut }),
      (e: AppError) => e.status === 422 && /damaged|incomplete|cut off/i.test(e.message));
  });
});
