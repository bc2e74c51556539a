import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { backends, openTestApp } from './helpers/backends.ts';
import { publishSample } from './helpers/app.ts';
import { REPO_ROOT } from './helpers/paths.ts';
import { callAction } from '../src/actions/registry.ts';
import { showDataset } from '../src/actions/datasets.ts';
import {
  createHarvestSource, deleteHarvestSource, listHarvestRuns, listHarvestSources, runHarvest, showHarvestSource, updateHarvestSource,
} from '../src/actions/harvest.ts';
import { JOB_HANDLERS } from '../src/work/index.ts';
import { harvestTicker, runHarvestJob } from '../src/work/harvest.ts';
import { harvestCommand } from '../src/cli/harvest.ts';
import { resolveOrganization } from '../src/catalog/organizations.ts';
import { actorFromToken, createApiToken, createUser, grantRole } from '../src/users/accounts.ts';
import type { AppError } from '../src/errors.ts';
import type { Ctx } from '../src/context.ts';

// Until src/work/index.ts lists it, the app's runner learns the harvest handler here (the same object it reads).
JOB_HANDLERS.harvest ??= runHarvestJob;

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/harvest');
const fixture = (p: string) => fs.readFileSync(path.join(FIXTURES, p), 'utf8');
const BIG = Number(process.env.DATAVILLE_HARVEST_BIG ?? 100_000);

/**
 * A local server answering as the portals do, from recorded answers: CKAN 2.10's package_search
 * (paged by rows/start), a paged DCAT-AP catalog in Turtle, OpenDataSoft's Explore API v2.1
 * (paged by limit/offset); plus a web page, a server that never answers, broken answers, and a
 * generated CKAN listing of BIG datasets. `version` switches the recorded answers to the second run's.
 */
function portalServer() {
  const state = { version: 1, flaky: false, requests: [] as string[] };
  const held: http.ServerResponse[] = [];
  const json = (res: http.ServerResponse, body: string) => { res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' }); res.end(body); };
  const ckanSlice = (file: string, q: URLSearchParams) => {
    const body = JSON.parse(fixture(file));
    const start = Number(q.get('start') ?? 0);
    const rows = Number(q.get('rows') ?? 10);
    body.result.results = body.result.results.slice(start, start + rows);
    return JSON.stringify(body);
  };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    const q = u.searchParams;
    state.requests.push(`${u.pathname}${u.search}`);
    const p = u.pathname;
    if (p === '/ckan/api/3/action/package_search') return json(res, ckanSlice(`ckan/package_search.v${state.version}.json`, q));
    // Other portals answering the first recorded listing: /ckan-b, /ckan-c …
    if (/^\/ckan-[a-z]+\/api\/3\/action\/package_search$/.test(p)) return json(res, ckanSlice('ckan/package_search.v1.json', q));
    if (p === '/flaky/api/3/action/package_search') {
      if (state.flaky && Number(q.get('start')) > 0) return json(res, fixture('errors/broken.json'));
      return json(res, ckanSlice(`ckan/package_search.v${state.version}.json`, q));
    }
    if (p === '/html/api/3/action/package_search') { res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }); return res.end(fixture('errors/portal.html')); }
    if (p === '/broken/api/3/action/package_search') return json(res, fixture('errors/broken.json'));
    if (p.startsWith('/slow/')) { held.push(res); return; }
    if (p === '/dcat/catalog.ttl') {
      res.writeHead(200, { 'content-type': 'text/turtle; charset=utf-8' });
      return res.end(fixture(`dcat/catalog.v${state.version}.page${q.get('page') ?? '1'}.ttl`));
    }
    if (p === '/dcat-broken.ttl') { res.writeHead(200, { 'content-type': 'text/turtle' }); return res.end(fixture('errors/broken.ttl')); }
    if (/^\/ods\d*\/api\/explore\/v2\.1\/catalog\/datasets$/.test(p)) {
      const body = JSON.parse(fixture(`ods/catalog_datasets.v${state.version}.json`));
      const offset = Number(q.get('offset') ?? 0);
      body.results = body.results.slice(offset, offset + Number(q.get('limit') ?? 10));
      return json(res, JSON.stringify(body));
    }
    if (p === '/big/api/3/action/package_search') {
      const start = Number(q.get('start'));
      const rows = Number(q.get('rows'));
      const results = [];
      for (let i = start; i < Math.min(start + rows, BIG); i++) {
        const id = `big-${String(i).padStart(6, '0')}`;
        results.push({
          id, name: id, title: `Jeu de données ${i}`, notes: `Description ${i}`, state: 'active', private: false, type: 'dataset', license_id: 'cc-by',
          metadata_created: '2024-01-01T00:00:00.000000', metadata_modified: '2024-01-02T00:00:00.000000', tags: [{ name: 'test' }], groups: [], extras: [],
          organization: { name: 'region', title: 'Région' },
          resources: [{ id: `${id}-r`, name: 'CSV', url: `https://big.example/${id}.csv`, format: 'CSV', mimetype: 'text/csv' }],
        });
      }
      return json(res, JSON.stringify({ help: 'x', success: true, result: { count: BIG, sort: 'id asc', facets: {}, results } }));
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  return {
    state,
    async start() {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

for (const backend of backends()) {
  describe(`harvest (${backend.name})`, () => {
    const web = portalServer();
    let base = '';
    let app: Awaited<ReturnType<typeof openTestApp>>;
    let ctx: Ctx;
    before(async () => {
      base = await web.start();
      app = await openTestApp(backend, { allowPrivateUrls: true });
      ctx = app.ctx({ kind: 'system' });
    });
    after(async () => {
      await app.close();
      await web.close();
    });

    const datasetsOf = (sourceId: string) => app.stores.meta.selectFrom('datasets').selectAll().where('harvest_source_id', '=', sourceId).orderBy('harvest_identifier').execute();
    const add = (kind: 'ckan' | 'dcat' | 'ods', url: string, extra: Record<string, unknown> = {}) =>
      callAction(createHarvestSource, ctx, { organization: '92094', kind, url, ...extra });
    const run = async (source: string) => (await callAction(runHarvest, ctx, { source })).run!;
    const failing = async (source: string): Promise<AppError> => {
      try {
        await callAction(runHarvest, ctx, { source });
      } catch (e) {
        return e as AppError;
      }
      throw new Error('the harvest was expected to fail');
    };

    test('CKAN: the first run adds, an unchanged run writes nothing, the second applies changes and removals; a local dataset and another source are untouched', async () => {
      web.state.version = 1;
      const local = await publishSample(app, { title: 'Budget communal 2024' });
      const a = await add('ckan', `${base}/ckan/api/3/action/package_search`, { name: 'Portail de Namur' });
      assert.equal(a.url, `${base}/ckan`, 'the portal\'s base address is kept');
      const b = await add('ckan', `${base}/ckan-b`);

      const r1 = await run(a.id);
      assert.equal(r1.outcome, 'done');
      assert.deepEqual([r1.added, r1.updated, r1.removed, r1.unchanged, r1.failed], [3, 0, 0, 0, 0]);
      assert.ok(r1.warnings >= 2, 'an unknown licence and an unknown theme are warnings');
      assert.ok(web.state.requests.some((r) => r.startsWith('/ckan/api/3/action/package_search?') && r.includes('rows=1000') && r.includes('start=0')));

      let rows = await datasetsOf(a.id);
      assert.deepEqual(rows.map((d) => d.harvest_identifier), ['7a1f3c2e-0b7c-4c55-9a3e-1d2f3a4b5c01', '7a1f3c2e-0b7c-4c55-9a3e-1d2f3a4b5c02', '7a1f3c2e-0b7c-4c55-9a3e-1d2f3a4b5c03']);
      const budget = await callAction(showDataset, ctx, { dataset: rows[0].id });
      assert.deepEqual(budget.title, { fr: 'Budget communal 2024', nl: 'Gemeentebegroting 2024' });
      assert.equal(budget.slug, 'budget-communal-2024-2', 'the local dataset keeps its slug');
      assert.equal(budget.status, 'published');
      assert.equal(budget.theme, 'ECON');
      assert.equal(budget.licence, 'CC-BY-4.0');
      assert.equal(budget.updateFrequency, 'annual');
      assert.deepEqual(budget.temporal, { start: '2024-01-01', end: '2024-12-31' });
      assert.deepEqual(budget.contactPoint, { name: 'Service Finances', email: 'finances@namur.example' });
      assert.equal(budget.publisher, 'Ville de Namur');
      assert.equal(budget.landingPage, `${base}/ckan/dataset/budget-communal-2024`);
      assert.equal(budget.updatedAt, '2024-01-10T08:00:00.000Z', 'modified at the source');
      assert.deepEqual(budget.harvested, { sourceId: a.id, identifier: '7a1f3c2e-0b7c-4c55-9a3e-1d2f3a4b5c01' });
      assert.deepEqual(budget.resources.map((r) => [r.name, r.format, r.latestVersion, r.url]), [
        ['Budget 2024 (CSV)', 'csv', null, 'https://opendata.namur.example/dataset/7a1f/resource/r-budget-csv/download/budget-2024.csv'],
        ['Budget 2024 (Excel)', 'xlsx', null, 'https://opendata.namur.example/dataset/7a1f/resource/r-budget-xlsx/download/budget-2024.xlsx'],
      ]);
      const parking = rows[2];
      assert.equal(parking.licence, 'Licence communale de réutilisation', 'an unknown licence is kept as given');
      assert.equal(parking.theme, null);
      const runs1 = await callAction(listHarvestRuns, ctx, { source: a.id });
      assert.ok(runs1.runs[0].warnings.some((w) => w.identifier === parking.harvest_identifier && /Licence communale de réutilisation/.test(w.message)));
      assert.ok(runs1.runs[0].warnings.some((w) => /"divers", "Divers" could not be mapped/.test(w.message)));

      // The other source lists the same identifiers: its own datasets, never A's.
      const rb = await run(b.id);
      assert.equal(rb.added, 3);
      const bBefore = await datasetsOf(b.id);
      assert.ok(bBefore.every((d) => !rows.some((x) => x.id === d.id)));

      const again = await run(a.id);
      assert.deepEqual([again.added, again.updated, again.removed, again.unchanged], [0, 0, 0, 3]);
      assert.deepEqual((await datasetsOf(a.id)).map((d) => d.updated_at), rows.map((d) => d.updated_at), 'unchanged records are not written');

      web.state.version = 2;
      const r2 = await run(a.id);
      assert.equal(r2.outcome, 'done');
      assert.deepEqual([r2.added, r2.updated, r2.removed, r2.unchanged, r2.failed], [1, 1, 1, 1, 0]);
      rows = await datasetsOf(a.id);
      assert.deepEqual(rows.map((d) => d.harvest_identifier), ['7a1f3c2e-0b7c-4c55-9a3e-1d2f3a4b5c01', '7a1f3c2e-0b7c-4c55-9a3e-1d2f3a4b5c02', '7a1f3c2e-0b7c-4c55-9a3e-1d2f3a4b5c04']);
      const budget2 = await callAction(showDataset, ctx, { dataset: rows[0].id });
      assert.equal(budget2.id, budget.id, 'a changed dataset keeps its id');
      assert.equal(budget2.slug, budget.slug, 'and its slug');
      assert.equal(budget2.title.fr, 'Budget communal 2024 (après modification budgétaire n°1)');
      assert.equal(budget2.resources.length, 1, 'its links replaced');
      const waste = await callAction(showDataset, ctx, { dataset: rows[2].id });
      assert.equal(waste.licence, 'CC0-1.0');
      assert.equal(waste.updateFrequency, 'weekly');
      assert.equal(waste.theme, 'ENVI');
      assert.equal((await app.stores.meta.selectFrom('resources').select('id').where('dataset_id', '=', parking.id).execute()).length, 0, 'a removed dataset takes its links');

      const bAfter = await datasetsOf(b.id);
      assert.deepEqual(bAfter.map((d) => [d.id, d.harvest_hash, d.title]), bBefore.map((d) => [d.id, d.harvest_hash, d.title]), 'the other source is untouched');
      const mine = await callAction(showDataset, ctx, { dataset: local.datasetId });
      assert.equal(mine.title.fr, 'Budget communal 2024');
      assert.equal(mine.resources[0].latestVersion, 1, 'the local dataset keeps its data');
      assert.equal(mine.harvested, null);

      const shown = await callAction(showHarvestSource, ctx, { source: a.id });
      assert.equal(shown.datasets, 3);
      assert.deepEqual(shown.runs.map((r) => r.outcome), ['done', 'done', 'done']);
      assert.equal(shown.runs[0].trigger, 'manual');
      assert.ok(shown.runs[0].jobId);
    });

    test('DCAT-AP: a Turtle catalog paged with Hydra; multilingual texts, EU themes and licences; a duplicate identifier recorded; changes and removals', async () => {
      web.state.version = 1;
      const s = await add('dcat', `${base}/dcat/catalog.ttl`);
      const r1 = await run(s.id);
      assert.ok(web.state.requests.includes('/dcat/catalog.ttl?page=2'), 'the next page was followed');
      assert.equal(r1.outcome, 'partial', 'a duplicate identifier is an error of the run');
      assert.deepEqual([r1.added, r1.failed], [3, 1]);
      const runs = await callAction(listHarvestRuns, ctx, { source: s.id });
      assert.match(runs.runs[0].errors[0].message, /The identifier "liege-voiries" appears more than once/);
      assert.equal(runs.runs[0].errors[0].identifier, 'liege-voiries');
      assert.ok(runs.runs[0].warnings.some((w) => w.identifier === 'liege-budget' && /https:\/\/data\.liege\.example\/licences\/licence-liege/.test(w.message)));
      assert.ok(runs.runs[0].warnings.some((w) => w.identifier === 'liege-budget' && /could not be mapped to an EU data theme/.test(w.message)));

      let rows = await datasetsOf(s.id);
      assert.deepEqual(rows.map((d) => d.harvest_identifier), ['liege-budget', 'liege-ecoles', 'liege-voiries']);
      const roads = await callAction(showDataset, ctx, { dataset: rows[2].id });
      assert.deepEqual(roads.title, { fr: 'Voiries communales', nl: 'Gemeentewegen', en: 'Municipal roads' }, 'the first of the duplicates was kept');
      assert.equal(roads.theme, 'TRAN');
      assert.equal(roads.licence, 'CC-BY-4.0');
      assert.equal(roads.updateFrequency, 'monthly');
      assert.equal(roads.temporal.start, '2020-01-01');
      assert.equal(roads.landingPage, 'https://data.liege.example/dataset/voiries');
      assert.deepEqual(roads.contactPoint, { name: 'Service Mobilité', email: 'mobilite@liege.example' });
      assert.deepEqual(roads.resources.map((r) => [r.format, r.url]), [['geojson', 'https://data.liege.example/files/voiries.geojson']]);
      const schools = rows[1];
      assert.equal(schools.licence, 'CC0-1.0');
      assert.equal(rows[0].licence, 'https://data.liege.example/licences/licence-liege');

      web.state.version = 2;
      const r2 = await run(s.id);
      assert.deepEqual([r2.added, r2.updated, r2.removed, r2.unchanged, r2.failed], [1, 1, 1, 1, 1]);
      rows = await datasetsOf(s.id);
      assert.deepEqual(rows.map((d) => d.harvest_identifier), ['liege-budget', 'liege-piscines', 'liege-voiries']);
      assert.equal(JSON.parse(rows[2].title).fr, 'Voiries communales et régionales');
      const runs2 = await callAction(listHarvestRuns, ctx, { source: s.id });
      assert.ok(runs2.runs[0].warnings.some((w) => w.identifier === 'liege-piscines' && /gives no licence/.test(w.message)));
    });

    test('OpenDataSoft: Explore API v2.1 paged by limit/offset; exports as links (GeoJSON when the dataset has geometry), attachments, HTML descriptions as text', async () => {
      web.state.version = 1;
      const s = await add('ods', `${base}/ods/explore/`, { options: { pageSize: 2 } });
      assert.equal(s.url, `${base}/ods`);
      const r1 = await run(s.id);
      assert.deepEqual([r1.outcome, r1.added, r1.failed], ['done', 3, 0]);
      assert.ok(web.state.requests.includes('/ods/api/explore/v2.1/catalog/datasets?limit=2&offset=2'), 'the second page was read');
      let rows = await datasetsOf(s.id);
      assert.deepEqual(rows.map((d) => d.harvest_identifier), ['documents-conseil', 'points-de-collecte', 'population-par-commune']);
      const pop = await callAction(showDataset, ctx, { dataset: rows[2].id });
      assert.equal(pop.description.fr, 'Population au 1er janvier, par secteur statistique.\n\n- Source : Statbel\n- Mise à jour annuelle');
      assert.equal(pop.theme, 'SOCI');
      assert.equal(pop.licence, 'CC-BY-4.0');
      assert.deepEqual(pop.temporal, { start: '2015-01-01', end: '2024-01-01' });
      assert.equal(pop.landingPage, `${base}/ods/explore/dataset/population-par-commune/`);
      assert.deepEqual(pop.resources.map((r) => r.url), [`${base}/ods/api/explore/v2.1/catalog/datasets/population-par-commune/exports/csv`]);
      const bulles = await callAction(showDataset, ctx, { dataset: rows[1].id });
      assert.deepEqual(bulles.resources.map((r) => r.format), ['csv', 'geojson']);
      assert.equal(bulles.licence, 'etalab-2.0');
      assert.equal(bulles.updateFrequency, 'monthly');
      assert.deepEqual(bulles.contactPoint, { name: 'Service Environnement', email: 'environnement@namur.example' });
      const pv = await callAction(showDataset, ctx, { dataset: rows[0].id });
      assert.deepEqual(pv.resources.map((r) => [r.format, r.url]), [['pdf', 'https://data.namur.example/api/explore/v2.1/catalog/datasets/documents-conseil/attachments/pv_2024_01_pdf']]);
      assert.equal(pv.theme, null);
      assert.equal(pv.licence, 'Licence spéciale de la Ville');

      web.state.version = 2;
      const r2 = await run(s.id);
      assert.deepEqual([r2.added, r2.updated, r2.removed, r2.unchanged], [1, 1, 1, 1]);
      rows = await datasetsOf(s.id);
      assert.deepEqual(rows.map((d) => d.harvest_identifier), ['budget-2025', 'points-de-collecte', 'population-par-commune']);
      assert.equal(rows[0].theme, 'GOVE');
    });

    test('bad answers: a web page, a timeout, broken JSON, broken Turtle — a clear error naming the URL, recorded; nothing already harvested is lost', async () => {
      web.state.version = 1;
      const html = await add('ckan', `${base}/html`);
      let e = await failing(html.id);
      assert.equal(e.code, 'fetch_failed');
      assert.match(e.message, new RegExp(`The address ${base}/html/api/3/action/package_search\\?.* answered a web page \\(HTML\\), not the JSON of the CKAN Action API`));
      let runs = await callAction(listHarvestRuns, ctx, { source: html.id });
      assert.equal(runs.runs[0].outcome, 'failed');
      assert.match(runs.runs[0].message, /The harvest stopped: The address .* answered a web page/);
      assert.match(runs.runs[0].errors[0].message, /web page/);

      const slow = await add('ckan', `${base}/slow`, { options: { timeoutMs: 1000 } });
      e = await failing(slow.id);
      assert.equal(e.code, 'fetch_timeout');
      assert.match(e.message, /timed out after 1(\.0)? s/);
      runs = await callAction(listHarvestRuns, ctx, { source: slow.id });
      assert.equal(runs.runs[0].outcome, 'failed');

      const broken = await add('ckan', `${base}/broken`);
      e = await failing(broken.id);
      assert.match(e.message, /is not valid JSON .*so it is not the JSON of the CKAN Action API/);

      const ttl = await add('dcat', `${base}/dcat-broken.ttl`);
      e = await failing(ttl.id);
      assert.match(e.message, /is not valid Turtle: Expected punctuation .* on line 10/);

      // A source that worked, then breaks on its second page: what was there stays, nothing is removed.
      const flaky = await add('ckan', `${base}/flaky`, { options: { pageSize: 2 } });
      assert.equal((await run(flaky.id)).added, 3);
      const before = await datasetsOf(flaky.id);
      web.state.flaky = true;
      web.state.version = 2;
      try {
        e = await failing(flaky.id);
      } finally {
        web.state.flaky = false;
      }
      assert.match(e.message, /start=2.* is not valid JSON/);
      runs = await callAction(listHarvestRuns, ctx, { source: flaky.id });
      assert.equal(runs.runs[0].outcome, 'failed');
      assert.equal(runs.runs[0].removed, 0);
      assert.equal(runs.runs[0].updated, 1, 'the first page was applied before the failure');
      const afterRows = await datasetsOf(flaky.id);
      assert.deepEqual(afterRows.map((d) => d.id), before.map((d) => d.id), 'the dataset gone from page 1 is not removed by a failed run');
      // The job records the failure too, with the reason.
      const job = await app.stores.meta.selectFrom('jobs').selectAll().where('kind', '=', 'harvest').orderBy('created_at', 'desc').limit(1).executeTakeFirstOrThrow();
      assert.equal(job.state, 'failed');
      assert.match(job.error_message!, /is not valid JSON/);
      web.state.version = 1;
    });

    test('the schedule queues a harvest job once; actions check roles; deleting a source needs confirmation and removes only its datasets', async () => {
      web.state.version = 1;
      const s = await add('ckan', `${base}/ckan-c`, { name: 'Planifiée', schedule: 'daily', options: { organization: 'ville-de-namur' } });
      assert.ok(s.nextRunAt);
      await assert.rejects(add('ckan', `${base}/ckan-c/api/3/action/package_search`, {}), /already harvests/);
      const due = new Date(Date.parse(s.nextRunAt!) + 1000);
      const tick = harvestTicker(() => app.ctx({ kind: 'system' }));
      await tick(due);
      await tick(due);
      const jobs = await app.stores.meta.selectFrom('jobs').selectAll().where('kind', '=', 'harvest').where('state', '=', 'queued').execute();
      assert.equal(jobs.length, 1, 'queued once');
      // Other queued jobs (row-query files of the sample published above) may take the worker first: tick until ours ran.
      for (let i = 0; i < 100; i++) {
        await app.jobs.tick(due);
        const j = await app.stores.meta.selectFrom('jobs').select('state').where('id', '=', jobs[0].id).executeTakeFirstOrThrow();
        if (j.state === 'done' || j.state === 'failed') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const waited = await app.jobs.waitFor(jobs[0].id, 30_000);
      assert.equal(waited.job.state, 'done');
      const runs = await callAction(listHarvestRuns, ctx, { source: s.id });
      assert.equal(runs.runs[0].trigger, 'schedule');
      assert.equal(runs.runs[0].added, 3);
      assert.ok(web.state.requests.some((r) => r.startsWith('/ckan-c/') && r.includes('fq=organization%3Aville-de-namur')));

      const org = await resolveOrganization(app.stores.meta, '92094', new Date());
      const actor = async (email: string, role: 'admin' | 'editor' | null) => {
        const u = await createUser(app.stores.meta, { email, name: email, password: 'a long password here' }, new Date());
        if (role) await grantRole(app.stores.meta, u.id, org.id, role, new Date());
        return app.ctx(await actorFromToken(app.stores.meta, await createApiToken(app.stores.meta, u.id, 't', new Date()), new Date()));
      };
      const editor = await actor(`ed-${backend.name}@namur.be`, 'editor');
      const admin = await actor(`ad-${backend.name}@namur.be`, 'admin');
      const stranger = await actor(`x-${backend.name}@liege.be`, null);
      await assert.rejects(callAction(createHarvestSource, editor, { organization: '92094', kind: 'ods', url: `${base}/ods` }), (err: AppError) => err.code === 'forbidden' && /role admin/.test(err.message));
      await assert.rejects(callAction(createHarvestSource, admin, { organization: '92094', kind: 'ods', url: `${base}/ods`, options: { organization: 'x' } }), /"organization" is for ckan sources/);
      await assert.rejects(callAction(createHarvestSource, admin, { organization: '92094', kind: 'ckan', url: `${base}/ckan-b`, schedule: '* * * * *' }), /at least 5 minutes apart/);
      await assert.rejects(callAction(showHarvestSource, stranger, { source: s.id }), (err: AppError) => err.code === 'forbidden');
      assert.equal((await callAction(listHarvestSources, stranger, {})).sources.length, 0);
      assert.ok((await callAction(listHarvestSources, editor, {})).sources.some((x) => x.id === s.id && x.datasets === 3));
      await assert.rejects(callAction(updateHarvestSource, editor, { source: s.id, enabled: false }), (err: AppError) => err.code === 'forbidden');
      const paused = await callAction(updateHarvestSource, admin, { source: s.id, enabled: false, schedule: null });
      assert.deepEqual([paused.enabled, paused.schedule, paused.nextRunAt], [false, null, null]);

      const others = await app.stores.meta.selectFrom('datasets').select('id').where((eb) => eb.or([eb('harvest_source_id', 'is', null), eb('harvest_source_id', '!=', s.id)])).execute();
      await assert.rejects(callAction(deleteHarvestSource, admin, { source: s.id }), /also removes the 3 datasets imported from it.*confirm=true/);
      const del = await callAction(deleteHarvestSource, admin, { source: s.id, confirm: true });
      assert.equal(del.datasetsRemoved, 3);
      assert.equal((await datasetsOf(s.id)).length, 0);
      const left = await app.stores.meta.selectFrom('datasets').select('id').execute();
      assert.deepEqual(left.map((d) => d.id).sort(), others.map((d) => d.id).sort(), 'every other dataset is still there');
      assert.equal((await app.stores.meta.selectFrom('harvest_runs').select('id').where('source_id', '=', s.id).execute()).length, 0);
    });

    test(`a CKAN portal listing ${BIG} datasets is read page by page (1000 at a time) and kept in sync`, async () => {
      const s = await add('ckan', `${base}/big`);
      const t0 = Date.now();
      const r = await run(s.id);
      const took = Date.now() - t0;
      assert.deepEqual([r.outcome, r.added, r.failed], ['done', BIG, 0]);
      assert.equal(web.state.requests.filter((x) => x.startsWith('/big/')).length, Math.ceil(BIG / 1000));
      const n = await app.stores.meta.selectFrom('datasets').select((eb) => eb.fn.countAll<number>().as('n')).where('harvest_source_id', '=', s.id).executeTakeFirstOrThrow();
      assert.equal(Number(n.n), BIG);
      // A cap below the listing: what fits is imported, nothing is removed, the run says why.
      await callAction(updateHarvestSource, ctx, { source: s.id, options: { maxRecords: 1500 } });
      const capped = await run(s.id);
      assert.equal(capped.outcome, 'partial');
      assert.deepEqual([capped.unchanged, capped.removed], [1500, 0]);
      assert.match(capped.message, /Removals were skipped/);
      const runs = await callAction(listHarvestRuns, ctx, { source: s.id, limit: 1 });
      assert.match(runs.runs[0].errors[0].message, new RegExp(`more than 1500 datasets \\(the limit set for this source; it announces ${BIG}\\)`));
      process.stderr.write(`# harvest of ${BIG} CKAN datasets on ${backend.name}: ${took} ms\n`);
    });

    test('the CLI adds, lists, runs and shows the runs of a source', async () => {
      if (backend.name !== 'sqlite') return;
      const lines: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string) => { lines.push(String(chunk)); return true; }) as typeof process.stdout.write;
      try {
        await harvestCommand(app.config, ['add', '--org', '92094', '--kind', 'ods', '--url', `${base}/ods2`, '--name', 'ODWB', '--option', 'pageSize=50', '--json']);
        const added = JSON.parse(lines.pop()!);
        assert.deepEqual(added.options, { pageSize: 50 });
        await harvestCommand(app.config, ['run', added.id]);
        assert.match(lines.pop()!, /^done: 3 records read from .*: 3 added/);
        await harvestCommand(app.config, ['runs', added.id]);
        assert.match(lines.pop()!, /manual\s+done\s+\+3 ~0 -0 =0 !0/);
        await harvestCommand(app.config, ['list']);
        assert.match(lines.pop()!, /ods\s+ODWB/);
      } finally {
        process.stdout.write = write;
      }
    });
  });
}
