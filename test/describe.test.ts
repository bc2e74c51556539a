import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { parse } from 'csv-parse/sync';
import { Parser } from 'n3';
import jsonld from 'jsonld';
import { SaxesParser } from 'saxes';
import { startTestApp, publishSample } from './helpers/app.ts';
import type { App } from '../src/app.ts';
import { callAction } from '../src/actions/registry.ts';
import { updateDataset } from '../src/actions/datasets.ts';
import { datasetMetadataScore, datasetStars, organizationMetadataScore, setColumnMappingsAction, getColumnMappings } from '../src/actions/describe.ts';
import { jsonLdScript, renderMetadataScore, renderStars } from '../src/http/pages/stars.ts';
import { pageEnv } from '../src/http/pages/layout.ts';
import { memberToken } from './helpers/users.ts';
import { isAppError } from '../src/errors.ts';

const NIS_CSV = 'Commune;Code INS;Population\r\nNamur;92094;113000\r\nLiège;62063;195000\r\nGent;44021;265000\r\n';
const POSTCODE_CSV = 'Localité;Code postal;Habitants\r\nNamur;5000;30000\r\nJambes;5100;20000\r\nSaint-Servais;5002;10000\r\n';
const POINTS_CSV = 'Nom;Latitude;Longitude;Ouvert\r\nHôtel de ville;50,4669;4,8675;true\r\nCitadelle;50,4597;4,8602;false\r\nGare;50,4683;4,8622;true\r\n';

/** Table Schema field types and the text each takes in Dataville's CSV download. */
const CELL_PATTERNS: Record<string, RegExp> = {
  string: /^[\s\S]*$/, integer: /^-?\d+$/, number: /^-?(\d+(\.\d+)?([eE][+-]?\d+)?|nan|inf|-inf)$/i,
  boolean: /^(true|false)$/, date: /^\d{4}-\d{2}-\d{2}$/, datetime: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/,
  geojson: /^\{[\s\S]*\}$/,
};

/**
 * Checks a datapackage.json against the Data Package v1 / Tabular Data Package / Table Schema
 * rules it claims (no maintained npm validator exists; these are the spec's MUSTs), and each
 * resource's CSV against its schema.
 */
async function checkDataPackage(server: FastifyInstance, dp: Record<string, any>) {
  assert.equal(dp.profile, 'tabular-data-package');
  assert.match(dp.name, /^[a-z0-9._/-]+$/, 'name: lower case, digits, - _ . /');
  assert.ok(Array.isArray(dp.resources) && dp.resources.length > 0, 'resources: a non-empty array');
  for (const l of dp.licenses ?? []) assert.ok(l.name || l.path, 'a licence has a name or a path');
  const names = new Set<string>();
  for (const r of dp.resources) {
    assert.equal(r.profile, 'tabular-data-resource');
    assert.match(r.name, /^[a-z0-9._/-]+$/);
    assert.ok(!names.has(r.name), 'resource names are unique');
    names.add(r.name);
    assert.match(r.path, /^https?:\/\//, 'path: a fully qualified URL');
    assert.equal(r.format, 'csv');
    assert.equal(r.mediatype, 'text/csv');
    assert.deepEqual(Object.keys(r.dialect).sort(), ['delimiter', 'doubleQuote', 'header', 'lineTerminator', 'quoteChar', 'skipInitialSpace']);
    assert.ok(Array.isArray(r.schema.fields) && r.schema.fields.length);
    for (const f of r.schema.fields) {
      assert.equal(typeof f.name, 'string');
      assert.ok(f.type in CELL_PATTERNS, `type ${f.type} is a Table Schema type`);
      if (f.format !== undefined) assert.ok(f.type === 'datetime' && f.format === 'any', 'only datetimes carry a format');
      if (f.rdfType !== undefined) assert.match(f.rdfType, /^https?:\/\//);
    }
    // The file the resource points at has exactly these columns, and its cells these types.
    const url = new URL(r.path);
    const res = await server.inject({ url: url.pathname + url.search });
    assert.equal(res.statusCode, 200, res.body);
    const rows = parse(res.body, { bom: true }) as string[][];
    assert.deepEqual(rows[0], r.schema.fields.map((f: { name: string }) => f.name));
    assert.equal(rows.length - 1, r['x-dataville-rows']);
    for (const row of rows.slice(1)) {
      r.schema.fields.forEach((f: { name: string; type: string }, i: number) => {
        if (!r.schema.missingValues.includes(row[i])) assert.match(row[i], CELL_PATTERNS[f.type], `${f.name}: "${row[i]}" is a ${f.type}`);
      });
    }
  }
}

/** Checks CSVW metadata (W3C Metadata Vocabulary for Tabular Data) and returns the row URI it gives row 1. */
async function checkCsvw(server: FastifyInstance, meta: Record<string, any>): Promise<string> {
  assert.equal(meta['@context'], 'http://www.w3.org/ns/csvw');
  assert.match(meta.url, /^https?:\/\/.+\/download\.csv\?/);
  const cols = meta.tableSchema.columns as Record<string, any>[];
  const names = new Set<string>();
  for (const c of cols) {
    assert.match(c.name, /^([A-Za-z0-9]|%[0-9A-F]{2})([A-Za-z0-9_]|%[0-9A-F]{2})*$/, 'name: an RFC 6570 varname not starting with _');
    assert.ok(!names.has(c.name));
    names.add(c.name);
    const base = typeof c.datatype === 'string' ? c.datatype : c.datatype.base;
    assert.ok(['string', 'integer', 'double', 'boolean', 'date', 'dateTime', 'json'].includes(base), `datatype ${base}`);
    assert.match(c.propertyUrl, /^https?:\/\//);
    if (c.valueUrl) assert.ok(c.valueUrl.includes(`{${c.name}}`), 'valueUrl names its own column');
  }
  const url = new URL(meta.url);
  const csv = await server.inject({ url: url.pathname + url.search });
  const rows = parse(csv.body, { bom: true }) as string[][];
  assert.deepEqual(rows[0], cols.map((c) => c.titles), 'titles are the CSV header');
  assert.match(meta.tableSchema.aboutUrl, /\{_row\}$/);
  return meta.tableSchema.aboutUrl.replace('{_row}', '1');
}

function parseXmlTexts(xml: string): Map<string, string[]> {
  const parser = new SaxesParser({ xmlns: true });
  const texts = new Map<string, string[]>();
  let current = '';
  parser.on('error', (e) => { throw e; });
  parser.on('opentag', () => { current = ''; });
  parser.on('text', (t) => { current += t; });
  parser.on('closetag', (t) => { texts.set(t.local, [...(texts.get(t.local) ?? []), current]); current = ''; });
  parser.write(xml).close();
  return texts;
}

describe('stars, metadata score and self-describing downloads', () => {
  let app: App;
  let server: FastifyInstance;
  let close: () => Promise<void>;
  let editorToken: string;
  let viewerToken: string;
  const sys = () => app.ctx({ kind: 'system' });
  const anon = () => app.ctx({ kind: 'anonymous' });
  let plain: { datasetId: string; resourceId: string };
  let nis: { datasetId: string; resourceId: string };
  let postcodes: { datasetId: string; resourceId: string };
  let points: { datasetId: string; resourceId: string };

  before(async () => {
    ({ app, server, close } = await startTestApp(undefined, { publicUrl: 'https://data.example.be' }));
    editorToken = await memberToken(app, 'ed@namur.be', 'editor');
    viewerToken = await memberToken(app, 'vi@namur.be', 'viewer');
    plain = await publishSample(app);
    nis = await publishSample(app, { csv: NIS_CSV, title: 'Population par commune', encoding: 'utf-8' });
    postcodes = await publishSample(app, { csv: POSTCODE_CSV, title: 'Habitants par code postal', encoding: 'utf-8' });
    points = await publishSample(app, { csv: POINTS_CSV, title: 'Lieux', encoding: 'utf-8' });
  });
  after(async () => { await close(); });

  test('a plain commune CSV gets 4 stars with no action, and the 5th star says what earns it', async () => {
    const s = await callAction(datasetStars, anon(), { dataset: plain.datasetId });
    assert.equal(s.stars, 4);
    assert.deepEqual(s.levels.map((l) => l.code), ['open_licence', 'structured', 'open_format', 'row_uris', 'not_linked']);
    assert.match(s.levels[4].step!, new RegExp(`/api/resources/${plain.resourceId}/column-mappings`));
    assert.match(s.levels[3].reason, new RegExp(`/datasets/${plain.datasetId}/resources/${plain.resourceId}/rows/1`));
  });

  test('a CSV with a NIS code column or a postcode column gets 5 stars', async () => {
    const a = await callAction(datasetStars, anon(), { dataset: nis.datasetId });
    assert.equal(a.stars, 5, JSON.stringify(a.levels[4]));
    assert.match(a.levels[4].reason, /Code INS/);
    const b = await callAction(datasetStars, anon(), { dataset: postcodes.datasetId });
    assert.equal(b.stars, 5, JSON.stringify(b.levels[4]));
    assert.match(b.levels[4].reason, /Code postal/);
  });

  test('an internal dataset or a non-open licence loses stars, with the reason', async () => {
    const internal = await publishSample(app, { title: 'Brouillon', status: 'internal' });
    const s = await callAction(datasetStars, sys(), { dataset: internal.datasetId });
    assert.equal(s.stars, 0);
    assert.equal(s.levels[0].code, 'not_published');
    await assert.rejects(callAction(datasetStars, anon(), { dataset: internal.datasetId }), (e) => isAppError(e) && e.code === 'dataset_not_found');

    const nc = await publishSample(app, { title: 'Non commercial' });
    await callAction(updateDataset, sys(), { dataset: nc.datasetId, licence: 'CC-BY-NC-4.0' });
    const t = await callAction(datasetStars, anon(), { dataset: nc.datasetId });
    assert.equal(t.stars, 0);
    assert.equal(t.levels[0].code, 'licence_not_open');
    assert.match(t.levels[0].step!, /open licence/);
  });

  test('column mappings: editors set them (the 5th star follows), viewers may not, typos are named', async () => {
    const rid = plain.resourceId;
    const cols = await callAction(getColumnMappings, anon(), { resource: rid });
    assert.ok(cols.columns.some((c) => c.column === 'Libellé'));
    const res = await server.inject({ method: 'PUT', url: `/api/resources/${rid}/column-mappings`, headers: { authorization: `Bearer ${viewerToken}` }, payload: { mappings: [{ column: 'Libellé', property: 'schema:name' }] } });
    assert.equal(res.statusCode, 403, res.body);
    const typo = await server.inject({ method: 'PUT', url: `/api/resources/${rid}/column-mappings`, headers: { authorization: `Bearer ${editorToken}` }, payload: { mappings: [{ column: 'Libelle', property: 'schema:name' }] } });
    assert.equal(typo.statusCode, 400);
    assert.match(typo.json().error.message, /no column "Libelle".*"Libellé"/);
    const ok = await server.inject({ method: 'PUT', url: `/api/resources/${rid}/column-mappings`, headers: { authorization: `Bearer ${editorToken}` }, payload: { mappings: [{ column: 'Libellé', property: 'schema:name' }] } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().columns.find((c: { column: string }) => c.column === 'Libellé').property, 'https://schema.org/name');
    assert.equal((await callAction(datasetStars, anon(), { dataset: plain.datasetId })).stars, 5);
    // Removing the mapping takes the star back.
    await callAction(setColumnMappingsAction, sys(), { resource: rid, mappings: [{ column: 'Libellé' }] });
    assert.equal((await callAction(datasetStars, anon(), { dataset: plain.datasetId })).stars, 4);
    // A wrongly recognised column can be refused.
    await callAction(setColumnMappingsAction, sys(), { resource: postcodes.resourceId, mappings: [{ column: 'Code postal', identifier: 'none' }] });
    assert.equal((await callAction(datasetStars, anon(), { dataset: postcodes.datasetId })).stars, 4);
    await callAction(setColumnMappingsAction, sys(), { resource: postcodes.resourceId, mappings: [{ column: 'Code postal', identifier: null }] });
  });

  test('metadata score: figures per dimension, band and to-dos; an organization scores the mean', async () => {
    const s = await callAction(datasetMetadataScore, anon(), { dataset: plain.datasetId });
    assert.equal(s.max, 405);
    assert.equal(s.dimensions.findability.points, 20, 'spatial is set (the commune) but not keywords, theme or period');
    assert.equal(s.dimensions.accessibility.points, 100);
    assert.equal(s.dimensions.reusability.points, 55, 'no contact point');
    assert.deepEqual(s.todos.map((t) => t.indicator), ['keywords', 'categories', 'dcatApCompliance', 'temporal', 'contactPoint', 'byteSize']);
    // The size of a download is known once it is made.
    assert.equal((await server.inject({ url: `/api/datasets/${plain.datasetId}/download.csv` })).statusCode, 200);
    assert.match(s.todos.find((t) => t.indicator === 'dcatApCompliance')!.todo, /a description/);
    assert.equal(s.points, Object.values(s.dimensions).reduce((a, d) => a + d.points, 0));
    assert.equal(s.band, s.points >= 351 ? 'excellent' : s.points >= 221 ? 'good' : 'sufficient');

    await callAction(updateDataset, sys(), { dataset: plain.datasetId, description: 'Le budget communal 2024.', keywords: ['budget'], theme: 'GOVE', temporalStart: '2024', temporalEnd: '2024', contactPoint: { email: 'finances@namur.be' } });
    const after = await callAction(datasetMetadataScore, anon(), { dataset: plain.datasetId });
    assert.equal(after.points, 405);
    assert.equal(after.band, 'excellent');
    assert.deepEqual(after.todos, []);

    const org = await callAction(organizationMetadataScore, anon(), { organization: '92094' });
    const published = await app.stores.meta.selectFrom('datasets').select('id').where('status', '=', 'published').execute();
    assert.equal(org.datasets, published.length);
    const each = await Promise.all(published.map((d) => callAction(datasetMetadataScore, anon(), { dataset: d.id })));
    assert.ok(Math.abs(org.points - each.reduce((a, x) => a + x.points, 0) / each.length) < 0.1);
    const http = await server.inject({ url: '/api/organizations/92094/metadata-score' });
    assert.equal(http.statusCode, 200);
    assert.equal(http.json().points, org.points);
  });

  test('datapackage.json: a Tabular Data Package whose schema matches its CSV', async () => {
    const res = await server.inject({ url: `/api/datasets/${nis.datasetId}/datapackage.json` });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const dp = res.json();
    await checkDataPackage(server, dp);
    assert.equal(dp.id, `https://data.example.be/datasets/${nis.datasetId}#dataset`);
    assert.equal(dp.homepage, `https://data.example.be/datasets/${nis.datasetId}`);
    assert.deepEqual(dp.licenses[0], { name: 'CC-BY-4.0', path: 'https://creativecommons.org/licenses/by/4.0/', title: 'Creative Commons Attribution 4.0 International' });
    const code = dp.resources[0].schema.fields.find((f: { name: string }) => f.name === 'Code INS');
    assert.equal(code.rdfType, 'http://www.w3.org/2004/02/skos/core#Concept');
    // The budget sample: source decimal commas and d/m/Y dates must not leak into the download's schema.
    const budget = (await server.inject({ url: `/api/datasets/${plain.datasetId}/datapackage.json` })).json();
    await checkDataPackage(server, budget);
    assert.ok(budget.resources[0].schema.fields.every((f: Record<string, unknown>) => !('decimalChar' in f) && !('groupChar' in f)));
  });

  test('CSVW metadata beside the CSV: titles are the header, row URIs and NIS links match the RDF views', async () => {
    const res = await server.inject({ url: `/api/datasets/${nis.datasetId}/download.csv-metadata.json` });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^application\/csvm\+json/);
    const meta = res.json();
    const row1 = await checkCsvw(server, meta);
    const code = meta.tableSchema.columns.find((c: { titles: string }) => c.titles === 'Code INS');
    assert.equal(code.valueUrl, `http://vocab.belgif.be/auth/refnis2025/{${code.name}}`);
    assert.equal(row1, `https://data.example.be/datasets/${nis.datasetId}/resources/${nis.resourceId}/rows/1`);
    const same = await server.inject({ url: `/api/datasets/${nis.datasetId}/csvw.json?resource=${nis.resourceId}` });
    assert.deepEqual(same.json(), meta);
    // The CSV points at its description (CSVW's Link header discovery).
    const csv = await server.inject({ url: `/api/datasets/${nis.datasetId}/download.csv` });
    assert.equal(csv.headers.link, `</api/datasets/${nis.datasetId}/download.csv-metadata.json>; rel="describedby"; type="application/csvm+json"`);
    // The ordinary downloads still answer beside these addresses.
    assert.equal((await server.inject({ url: `/api/datasets/${nis.datasetId}/download.csv` })).statusCode, 200);
    assert.equal((await server.inject({ url: `/api/datasets/${nis.datasetId}/download.json` })).statusCode, 200);
  });

  test('row URIs: Turtle and JSON-LD from the Table Schema, by suffix and by content negotiation', async () => {
    const path = `/datasets/${nis.datasetId}/resources/${nis.resourceId}/rows/2`;
    const ttl = await server.inject({ url: `${path}.ttl` });
    assert.equal(ttl.statusCode, 200, ttl.body);
    assert.match(String(ttl.headers['content-type']), /^text\/turtle/);
    assert.ok(ttl.body.startsWith('@prefix'));
    const quads = new Parser().parse(ttl.body);
    const subject = `https://data.example.be${path}`;
    assert.ok(quads.every((q) => q.subject.value === subject));
    assert.ok(quads.some((q) => q.object.value === 'http://vocab.belgif.be/auth/refnis2025/62063'), 'the NIS code is a link');
    assert.ok(quads.some((q) => q.object.value === 'Liège'));
    assert.ok(quads.some((q) => q.object.termType === 'Literal' && q.object.value === '195000' && q.object.datatype.value === 'http://www.w3.org/2001/XMLSchema#integer'));

    const ld = await server.inject({ url: path, headers: { accept: 'application/ld+json' } });
    assert.equal(ld.statusCode, 200);
    assert.match(String(ld.headers['content-type']), /^application\/ld\+json/);
    assert.match(String(ld.headers.vary), /Accept/);
    const nquads = await jsonld.toRDF(ld.json(), { format: 'application/n-quads' }) as unknown as string;
    assert.equal(new Parser({ format: 'N-Quads' }).parse(nquads).length, quads.length);

    assert.match(String((await server.inject({ url: path, headers: { accept: 'text/turtle;q=0.9, application/ld+json;q=0.5' } })).headers['content-type']), /turtle/);
    const page = await server.inject({ url: path, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /refnis2025\/62063/);

    const missing = await server.inject({ url: `/datasets/${nis.datasetId}/resources/${nis.resourceId}/rows/99.ttl` });
    assert.equal(missing.statusCode, 404);
    assert.match(missing.json().error.message, /rows are numbered 1 to 3/);
    const wrong = await server.inject({ url: `/datasets/${plain.datasetId}/resources/${nis.resourceId}/rows/1.ttl` });
    assert.equal(wrong.statusCode, 404, 'a resource of another dataset');

    // The properties dereference: the table's vocabulary.
    const vocab = await server.inject({ url: `/datasets/${nis.datasetId}/resources/${nis.resourceId}/schema`, headers: { accept: 'text/turtle' } });
    assert.equal(vocab.statusCode, 200, vocab.body);
    const vq = new Parser().parse(vocab.body);
    assert.ok(vq.some((q) => q.subject.value.endsWith('/schema#Code%20INS') && q.object.value === 'Code INS'));
  });

  test('GeoJSON download of a spatial table; a table without coordinates has none', async () => {
    const res = await server.inject({ url: `/api/datasets/${points.datasetId}/download.geojson` });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/geo+json');
    const fc = res.json();
    assert.equal(fc.type, 'FeatureCollection');
    assert.equal(fc.features.length, 3);
    assert.deepEqual(fc.features[0].geometry, { type: 'Point', coordinates: [4.8675, 50.4669] });
    assert.equal(fc.features[0].properties.Nom, 'Hôtel de ville');
    assert.equal(fc.features[0].properties.Ouvert, true);
    assert.equal(fc.bbox.length, 4);
    const none = await server.inject({ url: `/api/datasets/${plain.datasetId}/download.geojson` });
    assert.equal(none.statusCode, 415);
    assert.match(none.json().error.message, /no coordinates/);
    const dp = (await server.inject({ url: `/api/datasets/${points.datasetId}/schema-org.jsonld` })).json();
    assert.ok(dp.distribution.some((d: { encodingFormat: string }) => d.encodingFormat === 'application/geo+json'));
  });

  test('Atom feeds of the catalog and of an organization are well-formed and list published datasets only', async () => {
    const res = await server.inject({ url: '/feeds/catalog.atom' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/atom\+xml/);
    const texts = parseXmlTexts(res.body);
    assert.ok(texts.get('title')!.includes('Population par commune'));
    assert.ok(!texts.get('title')!.includes('Brouillon'), 'internal datasets are not in feeds');
    assert.ok(texts.get('id')!.includes(`https://data.example.be/datasets/${nis.datasetId}`));
    const org = await server.inject({ url: '/feeds/organizations/92094.atom' });
    assert.equal(org.statusCode, 200, org.body);
    parseXmlTexts(org.body);
    assert.equal((await server.inject({ url: '/feeds/organizations/99999.atom' })).statusCode, 404);
  });

  test('schema.org JSON-LD and the page parts render; the script cannot be closed by a title', async () => {
    const sd = (await server.inject({ url: `/api/datasets/${nis.datasetId}/schema-org.jsonld` })).json();
    assert.equal(sd['@type'], 'Dataset');
    assert.equal(sd['@context'], 'https://schema.org/');
    assert.equal(sd.license, 'https://creativecommons.org/licenses/by/4.0/');
    assert.ok(sd.distribution.some((d: { encodingFormat: string; contentUrl: string }) => d.encodingFormat === 'text/csv' && d.contentUrl.startsWith('https://data.example.be/')));
    assert.equal(sd.spatialCoverage.sameAs, 'http://vocab.belgif.be/auth/refnis2025/92094');
    const script = jsonLdScript({ name: 'x</script><script>alert(1)</script>' }).toString();
    assert.ok(!script.slice(0, -'</script>'.length).includes('</script>'));
    assert.deepEqual(JSON.parse(script.replace(/^<script type="application\/ld\+json">|<\/script>$/g, '')), { name: 'x</script><script>alert(1)</script>' });

    const stars = await callAction(datasetStars, anon(), { dataset: nis.datasetId });
    const score = await callAction(datasetMetadataScore, anon(), { dataset: nis.datasetId });
    for (const lang of ['fr', 'nl', 'de', 'en'] as const) {
      const env = pageEnv(`/datasets/${nis.datasetId}`, {}, lang, false, '/x.json');
      const h = renderStars(env, stars).toString() + renderMetadataScore(env, score).toString();
      assert.match(h, /★★★★★/);
      assert.match(h, /\/ 100/);
    }
    const plainStars = await callAction(datasetStars, anon(), { dataset: postcodes.datasetId });
    assert.match(renderStars(pageEnv('/', {}, 'nl', false, '/x.json'), { ...plainStars, stars: 4, levels: plainStars.levels.map((l, i) => (i === 4 ? { ...l, earned: false, code: 'not_linked' as const, step: 'x' } : l)) }).toString(), /Koppel een kolom/);
  });

});
