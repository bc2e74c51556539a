import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openTestApp } from './helpers/backends.ts';
import { tempDir } from './helpers/paths.ts';
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
});
