import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import jsonld from 'jsonld';
import n3 from 'n3';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import { Validator } from 'shacl-engine';
import { openTestApp } from './helpers/backends.ts';
import { SHARED_DIR, tempDir } from './helpers/paths.ts';
import type { App } from '../src/app.ts';
import { callAction } from '../src/actions/registry.ts';
import { createDataset, updateDataset } from '../src/actions/datasets.ts';
import { updateOrganization } from '../src/actions/organizations.ts';
import { exportVersion } from '../src/actions/rows.ts';
import { publishFile } from '../src/actions/versions.ts';
import { publishedCatalog, type CatalogDataset } from '../src/actions/catalog.ts';
import { buildServer, sendError } from '../src/http/server.ts';
import { registerPages } from '../src/http/pages/index.ts';
import { registerDcatRoutes } from '../src/http/api/dcat.ts';
import { DEMO_NIS, seedDemo } from '../src/demo/seed.ts';
import { communesByNis } from '../src/catalog/communes.ts';
import { buildCatalogGraph, catalogQuads, type OrganizationView } from '../src/dcat/graph.ts';
import { RDF_FORMATS, serializeQuads, type RdfFormat } from '../src/dcat/serialize.ts';

const STANDARDS = path.join(SHARED_DIR, 'standards/dcat-ap');
const missingShapes = !fs.existsSync(path.join(STANDARDS, '3.0.1/shapes.ttl')) && `the DCAT-AP shapes are not in ${STANDARDS} (shared/standards/dcat-ap)`;
const BASE = 'https://data.namur.example';
const FORMATS = Object.keys(RDF_FORMATS) as RdfFormat[];

const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const HYDRA = 'http://www.w3.org/ns/hydra/core#';

// ---- SHACL --------------------------------------------------------------------------------------

/** The DCAT-AP 3.0.1 set data.gov.be runs, with the import lists the set names (they only declare owl:imports). */
const DCAT_AP_301 = ['3.0.1/shapes.ttl', '3.0.1/shapes_recommended.ttl', '3.0.1/range.ttl', '3.0.1/mdr-vocabularies.shape.ttl', '3.0.1/deprecateduris.ttl', '3.0.1/imports.ttl', '3.0.1/mdr_imports.ttl'];
const BE_PROFILE = ['be/bedcatap2.shacl'];

interface Finding { severity: string; focus: string; path: string; component: string; value: string; message: string }

/** The RDF/JS factory the engine builds its report with: N3.js terms, and an N3 store as dataset. */
const SHACL_FACTORY = { ...n3.DataFactory, dataset: (quads?: n3.Quad[]) => new n3.Store(quads) };

const validators = new Map<string, Validator>();
function validatorFor(files: string[]): Validator {
  const key = files.join();
  let v = validators.get(key);
  if (!v) {
    const shapes = new n3.Store();
    for (const f of files) shapes.addQuads(new n3.Parser().parse(fs.readFileSync(path.join(STANDARDS, f), 'utf8')));
    v = new Validator(shapes, { factory: SHACL_FACTORY });
    validators.set(key, v);
  }
  return v;
}

/** Runs a real SHACL engine (shacl-engine) and lists its results. */
async function shacl(data: n3.Store, files: string[]): Promise<Finding[]> {
  const report = await validatorFor(files).validate({ dataset: data });
  return report.results.map((r) => ({
    severity: String(r.severity?.value ?? '').split('#')[1],
    focus: r.focusNode?.term?.value ?? r.focusNode?.value ?? '',
    path: (r.path ?? []).map((p) => p.predicates.map((q) => q.value).join('|')).join('/'),
    component: String(r.constraintComponent?.value ?? '').split('#')[1],
    value: r.value?.term?.value ?? r.value?.value ?? '',
    message: (r.message ?? []).map((m) => m.value).join('; '),
  }));
}

const show = (fs: Finding[]) => fs.map((f) => `${f.severity} ${f.focus} ${f.path} ${f.component} ${f.value} ${f.message}`).join('\n');

/**
 * The warnings no commune can avoid (docs/decisions/0009-dcat-ap.md): a municipality is not in the
 * EU corporate-body list, and Belgian communes have no GeoNames mapping here, so places are REFNIS.
 */
function isUnavoidableWarning(f: Finding): boolean {
  if (f.severity !== 'Warning') return false;
  if (f.path === `${DCT}publisher` && f.message.includes('CorporateBodyRestriction')) return true;
  return f.path === `${DCT}spatial` && f.component === 'NodeConstraintComponent' && f.value.startsWith('http://vocab.belgif.be/auth/refnis2019/');
}

/** Checks a catalog graph against DCAT-AP 3.0.1 and the Belgian profile; returns the BE violations. */
async function assertValid(store: n3.Store, label: string): Promise<Finding[]> {
  const results = await shacl(store, DCAT_AP_301);
  const violations = results.filter((f) => f.severity === 'Violation');
  assert.equal(violations.length, 0, `${label}: DCAT-AP 3.0.1 violations:\n${show(violations)}`);
  // A harvested link (no download here) says what its source said: availability, sometimes the format, may be unknown.
  const isLink = (iri: string) => store.getQuads(iri, RDF_TYPE, `${DCAT}Distribution`, null).length > 0 && !store.getQuads(iri, `${DCAT}downloadURL`, null, null).length;
  const fromSource = (f: Finding) => f.severity === 'Warning' && isLink(f.focus) && [`http://data.europa.eu/r5r/availability`, `${DCT}format`].includes(f.path);
  const avoidable = results.filter((f) => !isUnavoidableWarning(f) && !fromSource(f));
  assert.equal(avoidable.length, 0, `${label}: results a commune could avoid:\n${show(avoidable)}`);
  // One unavoidable warning per use of the publisher and per place (catalog, datasets, services).
  const uses = (p: string) => store.getQuads(null, p, null, null).filter((q) => p !== `${DCT}publisher` || store.getQuads(q.subject, RDF_TYPE, null, null).some((t) => [`${DCAT}Catalog`, `${DCAT}Dataset`, `${DCAT}DataService`].includes(t.object.value))).length;
  assert.equal(results.filter((f) => f.path === `${DCT}publisher`).length, uses(`${DCT}publisher`), `${label}: one publisher warning per use`);
  return (await shacl(store, BE_PROFILE)).filter((f) => f.severity === 'Violation');
}

/**
 * The Belgian profile's violations we accept (docs/dcat-ap-be-vs-3.md): dcat:byteSize typed as
 * DCAT-AP 3.0.1 says (xsd:nonNegativeInteger, BE wants xsd:decimal); foaf:mbox of a publisher
 * whose organization has no e-mail address yet (an admin sets it); dct:format of a harvested link
 * whose source named no format we know.
 */
function assertBeViolations(store: n3.Store, violations: Finding[], label: string): void {
  const byteSizes = store.getQuads(null, `${DCAT}byteSize`, null, null).map((q) => q.subject.value).sort();
  const agentsWithoutMail = store.getQuads(null, RDF_TYPE, 'http://xmlns.com/foaf/0.1/Organization', null)
    .filter((q) => !store.getQuads(q.subject, 'http://xmlns.com/foaf/0.1/mbox', null, null).length).map((q) => q.subject.value).sort();
  const linksWithoutFormat = store.getQuads(null, RDF_TYPE, `${DCAT}Distribution`, null)
    .filter((q) => !store.getQuads(q.subject, `${DCT}format`, null, null).length).map((q) => q.subject.value);
  const expected = [
    ...byteSizes.map((s) => `${s} ${DCAT}byteSize DatatypeConstraintComponent`),
    ...linksWithoutFormat.map((s) => `${s} ${DCT}format MinCountConstraintComponent`),
    ...agentsWithoutMail.map((s) => `${s} http://xmlns.com/foaf/0.1/mbox MinCountConstraintComponent`),
  ].sort();
  assert.deepEqual(violations.map((f) => `${f.focus} ${f.path} ${f.component}`).sort(), expected, `${label}: Belgian profile violations:\n${show(violations)}`);
}

// ---- Parsing back -------------------------------------------------------------------------------

async function parse(text: string, format: RdfFormat): Promise<n3.Store> {
  const store = new n3.Store();
  if (format === 'turtle' || format === 'ntriples') {
    store.addQuads(new n3.Parser({ format: format === 'turtle' ? 'Turtle' : 'N-Triples' }).parse(text));
  } else if (format === 'jsonld') {
    const nquads = await jsonld.toRDF(JSON.parse(text), { format: 'application/n-quads' }) as unknown as string;
    store.addQuads(new n3.Parser({ format: 'N-Quads' }).parse(nquads));
  } else {
    await new Promise<void>((resolve, reject) => {
      const p = new RdfXmlParser();
      p.on('data', (q) => store.addQuad(q));
      p.on('error', reject);
      p.on('end', resolve);
      p.write(text);
      p.end();
    });
  }
  return store;
}

/** The graph as sorted N-Triples lines (no blank nodes in a catalog graph, so equal lines mean equal graphs). */
function canonical(store: n3.Store): string[] {
  return new n3.Writer({ format: 'N-Triples' }).quadsToString(store.getQuads(null, null, null, null)).split('\n').filter(Boolean).sort();
}

// ---- The app ------------------------------------------------------------------------------------

/** The portal pages and the catalog routes, as the server registers them (the pages own /datasets/:dataset and its .json twin). */
async function serverFor(app: App): Promise<FastifyInstance> {
  const server = Fastify({ logger: false });
  server.setErrorHandler((err, req, reply) => sendError(err, req, reply));
  await registerPages(server, app);
  registerDcatRoutes(server, app);
  await server.ready();
  return server;
}

function csvFile(name: string, text: string): { path: string; name: string } {
  const dir = tempDir('dataville-dcat-');
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return { path: file, name };
}

describe('DCAT-AP catalog of the demo commune', { skip: missingShapes }, () => {
  let app: App;
  let server: FastifyInstance;
  let hidden: { internal: string; planned: string };

  before(async () => {
    app = await openTestApp(undefined, { publicUrl: BASE });
    await seedDemo(app);
    const system = app.ctx({ kind: 'system' });
    hidden = {
      internal: (await callAction(createDataset, system, { organization: DEMO_NIS, title: { fr: 'Registre interne des plaintes' }, status: 'internal' })).id,
      planned: (await callAction(createDataset, system, { organization: DEMO_NIS, title: { fr: 'Plan des égouts (prévu)' }, status: 'planned' })).id,
    };
    // A download made once has a size the catalog gives (dcat:byteSize).
    const first = (await callAction(publishedCatalog, system, { limit: 1 })).datasets[0];
    await callAction(exportVersion, system, { dataset: first.id, format: 'csv' });
    server = await serverFor(app);
  });
  after(async () => {
    await server?.close();
    await app?.close();
  });

  test('/catalog.ttl is one Turtle document starting with a prefix declaration, without internal or planned datasets', async () => {
    const res = await server.inject('/catalog.ttl');
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^text\/turtle; charset=utf-8/);
    assert.ok(res.body.startsWith('@prefix'), `data.gov.be recognises Turtle only by its first characters: ${res.body.slice(0, 40)}`);
    const store = await parse(res.body, 'turtle');
    const datasets = store.getQuads(null, RDF_TYPE, `${DCAT}Dataset`, null);
    assert.equal(datasets.length, (await callAction(publishedCatalog, app.ctx({ kind: 'anonymous' }), {})).total);
    assert.ok(datasets.length >= 4);
    for (const id of Object.values(hidden)) assert.ok(!res.body.includes(id), `a dataset that is not published appears: ${id}`);
    assert.ok(!res.body.includes('Registre interne') && !res.body.includes('égouts'));
    // Even a signed-in operator gets the published catalog only.
    const all = await callAction(publishedCatalog, app.ctx({ kind: 'system' }), { limit: 1000 });
    assert.ok(all.datasets.every((d) => d.status === 'published'));
    // The hidden datasets are not found one by one either.
    for (const id of Object.values(hidden)) assert.equal((await server.inject(`/datasets/${id}.ttl`)).statusCode, 404);
  });

  test('an organization without an enterprise number: publisher is its portal URI; every serialisation validates', async () => {
    const bodies = Object.fromEntries(await Promise.all(FORMATS.map(async (f) => {
      const res = await server.inject(`/catalog.${RDF_FORMATS[f].extension}`);
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), new RegExp(`^${RDF_FORMATS[f].mediaType.replace('+', '\\+')}`));
      return [f, res.body] as const;
    }))) as Record<RdfFormat, string>;
    assert.ok(bodies.rdfxml.startsWith('<?xml'));
    assert.ok(bodies.jsonld.startsWith('{'));
    const reference = await parse(bodies.turtle, 'turtle');
    const publisher = `${BASE}/organizations/${DEMO_NIS}#organization`;
    assert.equal(reference.getQuads(`${BASE}/catalog`, `${DCT}publisher`, null, null)[0].object.value, publisher);
    assert.ok(reference.getQuads(publisher, RDF_TYPE, 'http://xmlns.com/foaf/0.1/Agent', null).length);
    assert.ok(reference.getQuads(publisher, 'http://xmlns.com/foaf/0.1/name', null, null).length >= 3);
    assert.equal(reference.getQuads(publisher, `${DCT}type`, null, null)[0].object.value, 'http://purl.org/adms/publishertype/LocalAuthority');
    assert.ok(reference.getQuads(null, `${DCAT}byteSize`, null, null).length >= 1, 'the download made gives its size');
    for (const f of FORMATS) {
      const store = await parse(bodies[f], f);
      assert.deepEqual(canonical(store), canonical(reference), `${f} carries the same graph as Turtle`);
      assertBeViolations(store, await assertValid(store, f), f);
    }
  });

  test('with its enterprise number and e-mail set by an admin, the publisher is the Belgian organization URI and the federal profile is met', async () => {
    await callAction(updateOrganization, app.ctx({ kind: 'system' }), { organization: DEMO_NIS, enterpriseNumber: '0207.362.739', email: 'opendata@namur.example', homepage: 'https://www.namur.example/' });
    try {
      const res = await server.inject('/catalog.rdf');
      const store = await parse(res.body, 'rdfxml');
      const publisher = 'https://org.belgif.be/id/CbeRegisteredEntity/0207362739';
      assert.equal(store.getQuads(`${BASE}/catalog`, `${DCT}publisher`, null, null)[0].object.value, publisher);
      assert.equal(store.getQuads(publisher, 'http://xmlns.com/foaf/0.1/mbox', null, null)[0].object.value, 'mailto:opendata@namur.example');
      const be = await assertValid(store, 'with enterprise number');
      assertBeViolations(store, be, 'with enterprise number');
      assert.ok(be.every((f) => f.path === `${DCAT}byteSize`), 'only the byteSize contradiction is left');
    } finally {
      await callAction(updateOrganization, app.ctx({ kind: 'system' }), { organization: DEMO_NIS, enterpriseNumber: null, email: null, homepage: null });
    }
  });

  test('?organization= restricts the catalog to one organization', async () => {
    const res = await server.inject(`/catalog.ttl?organization=${DEMO_NIS}`);
    assert.equal(res.statusCode, 200, res.body);
    assert.ok((await parse(res.body, 'turtle')).getQuads(null, RDF_TYPE, `${DCAT}Dataset`, null).length >= 4);
    const none = await server.inject({ url: '/catalog.ttl?organization=00000', headers: { accept: 'application/json' } });
    assert.equal(none.statusCode, 404);
    assert.equal(none.json().error.code, 'organization_not_found');
  });

  test('/catalog negotiates the format from Accept', async () => {
    const cases: [string | undefined, string][] = [
      [undefined, 'text/turtle'],
      ['*/*', 'text/turtle'],
      ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'text/turtle'],
      ['application/rdf+xml', 'application/rdf+xml'],
      ['application/ld+json', 'application/ld+json'],
      ['application/json', 'application/ld+json'],
      ['application/n-triples', 'application/n-triples'],
      ['text/turtle;q=0.5, application/rdf+xml;q=0.9', 'application/rdf+xml'],
      ['application/*', 'application/rdf+xml'],
      ['application/json;q=0.9, application/n-triples', 'application/n-triples'],
    ];
    for (const [accept, type] of cases) {
      const res = await server.inject({ url: '/catalog', headers: accept ? { accept } : {} });
      assert.equal(res.statusCode, 200);
      assert.equal(String(res.headers['content-type']).split(';')[0], type, `Accept: ${accept}`);
      assert.match(String(res.headers.vary), /Accept/);
      assert.match(String(res.headers.link), /catalog\.ttl>; rel="alternate"; type="text\/turtle"/);
    }
  });

  test('?page=N&pageSize=M gives Hydra-paged documents that each validate', async () => {
    const total = (await callAction(publishedCatalog, app.ctx({ kind: 'anonymous' }), {})).total;
    const size = 2;
    const last = Math.ceil(total / size);
    assert.ok(last >= 2);
    const seen = new Set<string>();
    for (let n = 1; n <= last; n++) {
      const res = await server.inject(`/catalog.ttl?page=${n}&pageSize=${size}`);
      assert.equal(res.statusCode, 200, res.body);
      assert.ok(res.body.startsWith('@prefix'));
      const store = await parse(res.body, 'turtle');
      const view = `${BASE}/catalog.ttl?page=${n}&pageSize=${size}`;
      const one = (p: string) => store.getQuads(view, `${HYDRA}${p}`, null, null).map((q) => q.object.value);
      assert.ok(store.getQuads(view, RDF_TYPE, `${HYDRA}PartialCollectionView`, null).length);
      assert.deepEqual(store.getQuads(`${BASE}/catalog`, `${HYDRA}view`, null, null).map((q) => q.object.value), [view]);
      assert.equal(store.getQuads(`${BASE}/catalog`, `${HYDRA}totalItems`, null, null)[0].object.value, String(total));
      assert.deepEqual(one('first'), [`${BASE}/catalog.ttl?page=1&pageSize=${size}`]);
      assert.deepEqual(one('last'), [`${BASE}/catalog.ttl?page=${last}&pageSize=${size}`]);
      assert.deepEqual(one('next'), n < last ? [`${BASE}/catalog.ttl?page=${n + 1}&pageSize=${size}`] : []);
      assert.deepEqual(one('previous'), n > 1 ? [`${BASE}/catalog.ttl?page=${n - 1}&pageSize=${size}`] : []);
      const datasets = store.getQuads(`${BASE}/catalog`, `${DCAT}dataset`, null, null).map((q) => q.object.value);
      assert.equal(datasets.length, n < last ? size : total - size * (last - 1));
      for (const d of datasets) seen.add(d);
      await assertValid(store, `page ${n}`);
    }
    assert.equal(seen.size, total, 'the pages together hold every dataset once');
    const beyond = await server.inject({ url: `/catalog.ttl?page=${last + 1}&pageSize=${size}`, headers: { accept: 'application/json' } });
    assert.equal(beyond.statusCode, 404);
    assert.match(beyond.json().error.message, new RegExp(`${last} pages`));
    const bad = await server.inject({ url: '/catalog.nt?pageSize=5000', headers: { accept: 'application/json' } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /pageSize/);
  });

  test('per dataset: /datasets/{id}.ttl|.rdf|.jsonld|.nt beside the page and its .json twin', async () => {
    const d = (await callAction(publishedCatalog, app.ctx({ kind: 'anonymous' }), { limit: 1 })).datasets[0];
    for (const f of FORMATS) {
      const res = await server.inject(`/datasets/${d.id}.${RDF_FORMATS[f].extension}`);
      assert.equal(res.statusCode, 200, res.body);
      const store = await parse(res.body, f);
      assert.deepEqual(store.getQuads(null, RDF_TYPE, `${DCAT}Dataset`, null).map((q) => q.subject.value), [`${BASE}/datasets/${d.id}#dataset`]);
      await assertValid(store, `dataset ${f}`);
    }
    const twin = await server.inject(`/datasets/${d.id}.json`);
    assert.equal(twin.statusCode, 200);
    assert.equal(twin.json().dataset.id, d.id);
    const page = await server.inject({ url: `/datasets/${d.id}`, headers: { accept: 'text/html' } });
    assert.match(String(page.headers['content-type']), /text\/html/);
    const org = (await callAction(publishedCatalog, app.ctx({ kind: 'anonymous' }), { limit: 1 })).organizations[0];
    const bySlug = await server.inject(`/datasets/${org.slug}/${d.slug}.nt`);
    assert.equal(bySlug.statusCode, 200, bySlug.body);
    assert.ok(bySlug.body.includes(`<${BASE}/datasets/${d.id}#dataset>`));
    assert.equal((await server.inject({ url: '/datasets/no-such-dataset.ttl', headers: { accept: 'text/html' } })).statusCode, 404);
  });

  test('without DATAVILLE_PUBLIC_URL, URIs come from the request', async () => {
    const other = await openTestApp();
    try {
      const s = await serverFor(other);
      const res = await s.inject({ url: '/catalog.nt', headers: { host: 'opendata.commune.example:8443' } });
      assert.ok(res.body.includes('<http://opendata.commune.example:8443/catalog> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/dcat#Catalog>'), res.body.slice(0, 500));
      await s.close();
    } finally {
      await other.close();
    }
  });
});

test('the server serves the catalog (buildServer calls registerDcatRoutes)', async () => {
  const app = await openTestApp();
  try {
    const server = await buildServer(app);
    await server.ready();
    const res = await server.inject('/catalog.ttl');
    assert.equal(res.statusCode, 200, 'add registerDcatRoutes(server, app) to buildServer in src/http/server.ts');
    assert.ok(res.body.startsWith('@prefix'));
    await server.close();
  } finally {
    await app.close();
  }
});

describe('DCAT-AP catalog of datasets published with odd metadata', { skip: missingShapes }, () => {
  test('titles in four languages with quotes, <, &, emoji, newlines and control characters; no description, keywords or theme', async () => {
    const app = await openTestApp(undefined, { publicUrl: BASE });
    try {
      const system = app.ctx({ kind: 'system' });
      const odd = {
        fr: 'Dépenses « 2024 » <brutes> & "nettes" 😀\r\nsuite\u0001',
        nl: "Uitgaven 'bruto' <&> \u{1F3DB}\ttab",
        de: 'Ausgaben — „brutto“ & <netto>',
        en: 'Spending </rdf:RDF> ]]> "}\\',
      };
      const published = await callAction(publishFile, system, { organization: '71002', title: odd, file: csvFile('données étranges.csv', 'a;b\n1;x\n2;y\n') });
      const id = published.dataset.id;
      await callAction(updateDataset, system, { dataset: id, licence: 'Licence communale <libre> & gratuite', updateFrequency: 'weekly', temporalStart: '2023-02', spatial: '71002 99999 junk' });
      const server = await serverFor(app);
      for (const f of FORMATS) {
        const res = await server.inject(`/catalog.${RDF_FORMATS[f].extension}`);
        assert.equal(res.statusCode, 200, res.body);
        const store = await parse(res.body, f);
        const titles = store.getQuads(`${BASE}/datasets/${id}#dataset`, `${DCT}title`, null, null).map((q) => `${(q.object as n3.Literal).language}:${q.object.value}`).sort();
        assert.deepEqual(titles, [
          'de:Ausgaben — „brutto“ & <netto>', 'en:Spending </rdf:RDF> ]]> "}\\',
          'fr:Dépenses « 2024 » <brutes> & "nettes" 😀\nsuite', "nl:Uitgaven 'bruto' <&> \u{1F3DB}\ttab",
        ], f);
        // The commune's name is 2 letters: the contact says "Gemeente As" to meet the federal profile's 3 characters.
        assert.ok(store.getQuads(null, 'http://www.w3.org/2006/vcard/ns#organization-name', n3.DataFactory.literal('Gemeente As', 'nl'), null).length);
        assertBeViolations(store, await assertValid(store, f), f);
      }
      const ttl = (await server.inject(`/datasets/${id}.ttl`)).body;
      assert.match(ttl, /dct:description "Données publiées par As : « données étranges\.csv » \(2 lignes, 2 colonnes\)\."@fr/);
      assert.match(ttl, /dcat:startDate "2023-02-01"\^\^xsd:date/);
      assert.match(ttl, /frequency\/WEEKLY/);
      await server.close();
    } finally {
      await app.close();
    }
  });
});

// ---- Random catalogs ----------------------------------------------------------------------------

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const ODD = ['"', "'", '<', '>', '&', '😀', '\n', '\r\n', '\t', '\u0000', '\u0007', '\uD800', ']]>', '\\', '{', '}', '@fr', '^^', '—', 'ß', 'ë', '\u202E', ' '];
const WORDS = ['budget', 'arbres', 'parkings', 'Straßen', 'vergunningen', 'écoles', 'wijk', 'población', '数据', 'Ρ', 'x'];

function randomCatalog(seed: number): { organizations: OrganizationView[]; datasets: CatalogDataset[] } {
  const r = rng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const text = (min = 3) => {
    let s = '';
    const n = 1 + Math.floor(r() * 8);
    for (let i = 0; i < n; i++) s += r() < 0.4 ? pick(ODD) : `${pick(WORDS)} `;
    // Titles of at least a few visible characters (the federal profile asks 3).
    return `${pick(WORDS)}${pick(WORDS)}${s}`.padEnd(min, 'x');
  };
  const i18n = (chance: number) => Object.fromEntries((['fr', 'nl', 'de', 'en'] as const).filter(() => r() < chance).map((l) => [l, text()]));
  const communes = ['92094', '71002', '63023', '21004', '11002', '44021'];
  const orgCount = r() < 0.3 ? 2 : 1;
  const organizations: OrganizationView[] = Array.from({ length: orgCount }, (_, i) => {
    const nis = communes[(seed + i) % communes.length];
    const c = communesByNis().get(nis)!;
    return {
      id: `org-${i}`, slug: `${c.name_fr.toLowerCase()}-${nis}`, nisCode: nis, name: { fr: c.name_fr, nl: c.name_nl, de: c.name_de },
      province: c.province || null, region: c.region, population: c.population,
      enterpriseNumber: r() < 0.5 ? '0207362739' : null, email: r() < 0.5 ? `open+data${i}@commune.example` : null, phone: null,
      homepage: r() < 0.5 ? pick(['https://www.commune.example/', 'https://commune.example/a b?x=<1>', 'not a url']) : null,
      createdAt: '2024-01-0' + (1 + i) + 'T00:00:00.000Z',
    };
  });
  const datasets: CatalogDataset[] = Array.from({ length: 1 + Math.floor(r() * 4) }, (_, i) => {
    const title = i18n(0.5);
    if (!Object.keys(title).length) title[pick(['fr', 'nl', 'de', 'en'])] = text();
    const period = () => pick(['2020', '2021-07', '2022-02-28', '1999']);
    const harvested = r() < 0.25;
    const resources = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, j) => ({
      id: `00000000-0000-4000-8000-${String(seed).padStart(6, '0')}${String(i).padStart(3, '0')}${String(j).padStart(3, '0')}`,
      name: r() < 0.5 ? text(1) : `fichier ${j}.csv`, format: pick(['csv', 'xlsx', 'json', 'geojson']), position: j,
      firstPublishedAt: '2024-03-01T10:00:00.000Z',
      latest: { number: 1 + Math.floor(r() * 5), createdAt: '2025-06-01T10:00:00.000Z', rowCount: Math.floor(r() * 3), columnCount: 1 + Math.floor(r() * 3) },
      downloadBytes: { csv: r() < 0.5 ? Math.floor(r() * 1e6) : null, json: null, parquet: r() < 0.3 ? 0 : null, xlsx: null },
    }));
    return {
      id: `ds-${seed}-${i}`, slug: `ds-${i}`, organization: { id: organizations[0].id }, organizationId: pick(organizations).id,
      title, description: r() < 0.5 ? i18n(0.6) : {}, keywords: r() < 0.5 ? Array.from({ length: Math.floor(r() * 4) }, () => text(1)) : [],
      theme: pick([null, 'ENVI', 'envi, TRAN', 'Mobilité', 'http://vocab.belgif.be/auth/datatheme/HEAL', 'zzz <&>', '']),
      licence: pick(['CC-BY-4.0', 'CC0-1.0', 'https://creativecommons.org/licenses/by-sa/4.0/', 'ODbL-1.0', 'Licence libre « communale » & co', 'https://example.org/licence?a=1&b=2', 'CC_BYNC_4_0']),
      publisher: null, contactPoint: pick([null, { name: text(1) }, { email: 'contact@commune.example' }, { name: 'Service <IT>', email: 'it@commune.example' }]),
      updateFrequency: pick([null, 'continuous', 'daily', 'weekly', 'monthly', 'quarterly', 'annual', 'irregular', 'never', 'unknown']),
      spatial: pick([null, '', organizations[0].nisCode, '92094, 44021', '99999', 'Namur centre']),
      spatialBbox: null, allowAdditiveChanges: false,
      temporal: { start: r() < 0.5 ? period() : null, end: r() < 0.5 ? period() : null },
      status: 'published', createdAt: '2024-03-01T10:00:00.000Z', updatedAt: pick(['2025-06-01T10:00:00.000Z', '2024-03-01T09:59:59.999Z']),
      resources: harvested ? [] : resources,
      landingPage: harvested ? pick(['https://www.odwb.be/explore/dataset/x/', 'not a url']) : null,
      links: harvested ? resources.map((res, j) => ({
        id: res.id, name: res.name, format: pick(['CSV', 'geojson', 'PDF', '', 'weird']), url: pick(['https://files.example/a.csv?x=1&y=2', 'ftp://old.example/f', 'https://x.example/{bad}']),
        mediaType: pick([null, 'text/csv', 'application/octet-stream; charset=binary', 'nonsense']), description: j % 2 ? text(1) : null,
        createdAt: '2024-03-01T10:00:00.000Z', updatedAt: '2025-01-01T10:00:00.000Z',
      })) : [],
    } as CatalogDataset;
  });
  return { organizations, datasets };
}

describe('random catalogs', { skip: missingShapes }, () => {
  test('odd characters, missing optional fields, one to four languages: zero violations, only unavoidable warnings, in every serialisation', async () => {
    for (let seed = 1; seed <= 24; seed++) {
      const { organizations, datasets } = randomCatalog(seed);
      const store = buildCatalogGraph({ base: 'https://open.gemeente.example/portal/', organizations, datasets, firstCreatedAt: '2024-03-01T10:00:00.000Z', lastUpdatedAt: '2025-06-01T10:00:00.000Z' });
      const quads = catalogQuads(store);
      const reference = canonical(store);
      for (const f of FORMATS) {
        const text = await serializeQuads(quads, f);
        const back = await parse(text, f);
        assert.deepEqual(canonical(back), reference, `seed ${seed}: ${f} carries the graph`);
      }
      const be = await assertValid(store, `seed ${seed}`);
      assertBeViolations(store, be, `seed ${seed}`);
    }
  });
});

describe('the validation itself', { skip: missingShapes }, () => {
  test('a broken catalog gives the violations DCAT-AP 3.0.1 defines (the checks are not vacuous)', async () => {
    const base = 'https://open.gemeente.example';
    const { organizations, datasets } = randomCatalog(7);
    const store = buildCatalogGraph({ base, organizations, datasets, firstCreatedAt: null, lastUpdatedAt: null });
    const { namedNode, literal } = n3.DataFactory;
    store.removeQuads(store.getQuads(`${base}/catalog`, `${DCT}title`, null, null));
    const distribution = store.getQuads(null, RDF_TYPE, `${DCAT}Distribution`, null)[0].subject;
    store.removeQuads(store.getQuads(distribution, `${DCAT}accessURL`, null, null));
    store.removeQuads(store.getQuads(distribution, `${DCAT}byteSize`, null, null));
    store.addQuad(distribution, namedNode(`${DCAT}byteSize`), literal('12.5', namedNode('http://www.w3.org/2001/XMLSchema#decimal')));
    const found = (await shacl(store, DCAT_AP_301)).filter((f) => f.severity === 'Violation').map((f) => `${f.focus} ${f.path} ${f.component}`).sort();
    assert.deepEqual(found, [
      `${base}/catalog ${DCT}title MinCountConstraintComponent`,
      `${distribution.value} ${DCAT}accessURL MinCountConstraintComponent`,
      `${distribution.value} ${DCAT}byteSize DatatypeConstraintComponent`,
    ].sort());
    // Without issued and modified, the catalog misses two recommended properties: avoidable warnings.
    const warnings = (await shacl(store, DCAT_AP_301)).filter((f) => f.severity === 'Warning' && f.focus === `${base}/catalog` && !isUnavoidableWarning(f)).map((f) => f.path).sort();
    assert.deepEqual(warnings, [`${DCT}issued`, `${DCT}modified`]);
  });
});
