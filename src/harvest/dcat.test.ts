import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRdf, readDcatPage, syntaxOf } from './dcat.ts';
import type { Fetched, Remote } from './remote.ts';
import type { HarvestRecord } from './types.ts';
import { AppError } from '../errors.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/harvest');

/** Local files stand in for downloads here: parsing is what is tested (test/harvest.test.ts fetches over HTTP). */
const noRemote: Remote = {
  async get(url) { throw new AppError('fetch_failed', `no remote in this test (${url})`); },
  async json(url) { throw new AppError('fetch_failed', `no remote in this test (${url})`); },
  async done() {},
};

function local(file: string, mediaType: string | null): Fetched {
  const p = path.join(FIXTURES, file);
  return { path: p, mediaType, finalUrl: 'https://data.huy.example/catalog', bytes: fs.statSync(p).size };
}

async function records(file: string, mediaType: string | null): Promise<HarvestRecord[]> {
  const store = await parseRdf(local(file, mediaType), 'https://data.huy.example/catalog', noRemote);
  const page = readDcatPage(store, { lang: 'fr' }, 'https://data.huy.example/catalog');
  return page.items.map((i) => {
    assert.ok(i.ok, i.ok ? '' : i.message);
    return i.record;
  });
}

test('the same DCAT-AP catalog in Turtle, JSON-LD and RDF/XML gives the same record', async () => {
  const ttl = await records('dcat/small.ttl', 'text/turtle');
  assert.equal(ttl.length, 1);
  const r = ttl[0];
  assert.equal(r.identifier, 'huy-cimetieres');
  assert.deepEqual(r.title, { fr: 'Cimetières', nl: 'Begraafplaatsen' });
  assert.deepEqual(r.keywords.sort(), ['cimetière', 'funérailles']);
  assert.equal(r.theme, 'SOCI');
  assert.equal(r.licence, 'CC-BY-4.0', 'the licence of the distribution');
  assert.equal(r.publisher, 'Ville de Huy');
  assert.deepEqual(r.contactPoint, { name: 'Population', email: 'population@huy.example' });
  assert.equal(r.updateFrequency, 'annual');
  assert.equal(r.landingPage, 'https://data.huy.example/dataset/cimetieres');
  assert.equal(r.modified, '2024-03-01T00:00:00.000Z');
  assert.deepEqual(r.resources, [{ name: 'Cimetières (CSV)', url: 'https://data.huy.example/files/cimetieres.csv', format: 'csv', mediaType: 'text/csv', description: null }]);
  // Declared types and sniffed content both work.
  for (const [file, type] of [['dcat/small.jsonld', 'application/ld+json'], ['dcat/small.jsonld', 'application/json'], ['dcat/small.rdf', 'application/rdf+xml'], ['dcat/small.rdf', null], ['dcat/small.ttl', 'text/plain']] as const) {
    const got = await records(file, type);
    got[0].keywords.sort();
    assert.deepEqual(got, [{ ...r, keywords: [...r.keywords].sort() }], `${file} as ${type}`);
  }
});

test('the serialisation is told by the declared type, else by the first bytes', async () => {
  assert.equal(await syntaxOf(local('dcat/small.ttl', null)), 'turtle');
  assert.equal(await syntaxOf(local('dcat/small.rdf', 'application/octet-stream')), 'rdfxml');
  assert.equal(await syntaxOf(local('dcat/small.jsonld', 'text/plain')), 'jsonld');
  assert.equal(await syntaxOf(local('dcat/small.ttl', 'application/n-triples')), 'ntriples');
});

test('a Hydra page gives its next page and total; a Turtle syntax error names the URL, the syntax and the line', async () => {
  const f = { ...local('dcat/catalog.v1.page1.ttl', 'text/turtle'), finalUrl: 'http://127.0.0.1:9/dcat/catalog.ttl' };
  const store = await parseRdf(f, f.finalUrl, noRemote);
  const page = readDcatPage(store, { lang: 'fr' }, f.finalUrl);
  assert.equal(page.next, 'http://127.0.0.1:9/dcat/catalog.ttl?page=2');
  assert.equal(page.total, 4);
  assert.deepEqual(page.items.map((i) => i.ok && i.record.identifier), ['liege-voiries', 'liege-ecoles']);

  await assert.rejects(parseRdf(local('errors/broken.ttl', 'text/turtle'), 'http://127.0.0.1:9/broken.ttl', noRemote), (e: AppError) => {
    assert.equal(e.code, 'fetch_failed');
    assert.match(e.message, /The catalog at http:\/\/127\.0\.0\.1:9\/broken\.ttl is not valid Turtle: .*line 10/);
    return true;
  });
});

test('a remote JSON-LD context is loaded through the harvest\'s own fetcher (never jsonld\'s)', async () => {
  const asked: string[] = [];
  const remote: Remote = {
    ...noRemote,
    async json(url) {
      asked.push(url);
      return { '@context': { dct: 'http://purl.org/dc/terms/', dcat: 'http://www.w3.org/ns/dcat#', title: 'dct:title', identifier: 'dct:identifier' } };
    },
  };
  const dir = fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'dcat-ctx-'));
  const file = path.join(dir, 'c.jsonld');
  fs.writeFileSync(file, JSON.stringify({ '@context': 'https://contexts.example/dcat.jsonld', '@id': 'https://x.example/d/1', '@type': 'dcat:Dataset', identifier: 'd1', title: 'Un titre' }));
  const store = await parseRdf({ path: file, mediaType: 'application/ld+json', finalUrl: 'https://x.example/c.jsonld', bytes: 1 }, 'https://x.example/c.jsonld', remote);
  const page = readDcatPage(store, { lang: 'fr' }, 'https://x.example/c.jsonld');
  assert.deepEqual(asked, ['https://contexts.example/dcat.jsonld']);
  assert.ok(page.items[0].ok && page.items[0].record.title.fr === 'Un titre');
  fs.rmSync(dir, { recursive: true, force: true });
});
