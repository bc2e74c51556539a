import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { startTestApp, publishSample } from './helpers/app.ts';
import { html, raw } from '../src/http/pages/html.ts';
import { chooseLang } from '../src/http/pages/i18n.ts';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const XSS_TITLE = '<script>alert(1)</script>';

/** The URL in a Link header with rel="alternate" and type application/json. */
function jsonAlternate(link: unknown): string {
  const m = /<([^>]+)>;\s*rel="alternate";\s*type="application\/json"/.exec(String(link ?? ''));
  assert.ok(m, `no JSON alternate in Link header: ${link}`);
  return m[1];
}

/** Decodes the entities the templates produce, to compare page text with JSON values. */
const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

describe('pages and their JSON twins', () => {
  let server: FastifyInstance;
  let close: () => Promise<void>;
  let budget: { datasetId: string; resourceId: string };
  let xss: { datasetId: string; resourceId: string };
  let secret: { datasetId: string; resourceId: string };

  const get = (url: string, headers: Record<string, string> = BROWSER) => server.inject({ method: 'GET', url, headers });

  /** Fetches a page as a browser, checks the accessible skeleton and that its advertised twin answers JSON. */
  async function pageAndTwin(url: string, headers: Record<string, string> = BROWSER) {
    const page = await get(url, headers);
    assert.equal(page.statusCode, 200, page.body);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    const body = page.body;
    assert.equal(body.match(/<h1[\s>]/g)?.length, 1, 'exactly one h1');
    assert.match(body, /<html lang="(fr|nl|de|en)">/);
    assert.match(body, /<a class="skip-link" href="#main">/);
    assert.match(body, /<main id="main"/);
    const twinUrl = jsonAlternate(page.headers.link);
    assert.ok(body.includes(`<link rel="alternate" type="application/json" href="${twinUrl.replace(/&/g, '&amp;')}">`), 'the head links the twin');
    const twin = await get(twinUrl);
    assert.equal(twin.statusCode, 200, twin.body);
    assert.match(String(twin.headers['content-type']), /^application\/json/);
    return { text: unescape(body), body, json: twin.json(), twinUrl };
  }

  before(async () => {
    const started = await startTestApp();
    ({ server, close } = started);
    budget = await publishSample(started.app);
    xss = await publishSample(started.app, { title: XSS_TITLE, encoding: 'utf-8' });
    secret = await publishSample(started.app, { title: 'Registre interne confidentiel', status: 'internal' });
    await publishSample(started.app, { title: 'Begroting Gent', nis: '44021' });
  });
  after(async () => { await close(); });

  test('home: what the portal is, a search box, organizations with counts, latest datasets; /index.json is its data', async () => {
    const { text, body, json, twinUrl } = await pageAndTwin('/');
    assert.equal(twinUrl, '/index.json');
    assert.match(body, /<form[^>]*role="search"[^>]*action="\/datasets"/);
    assert.match(body, /<label for="q">[^<]+<\/label>/);
    assert.equal(json.datasetCount, 3, 'the internal dataset is not counted anonymously');
    assert.ok(json.latestDatasets.length >= 3);
    for (const d of json.latestDatasets) assert.ok(text.includes(d.title.fr ?? d.title.nl), `home shows ${JSON.stringify(d.title)}`);
    const namur = json.organizations.find((o: { nisCode: string }) => o.nisCode === '92094');
    assert.equal(namur.datasetCount, 2);
    assert.match(text, /Namur<\/a> <span class="meta">2 jeux de données<\/span>/);
    assert.ok(!text.includes('Registre interne confidentiel'));
    const viaFormat = await get('/?format=json');
    assert.deepEqual(viaFormat.json(), json);
  });

  test('search: full text over the metadata, with pagination; the twin holds the same results', async () => {
    const { text, json, twinUrl } = await pageAndTwin('/datasets?q=budget');
    assert.equal(twinUrl, '/datasets.json?q=budget');
    assert.equal(json.total, 1);
    assert.equal(json.datasets[0].title.fr, 'Budget communal 2024');
    assert.ok(text.includes('Budget communal 2024'));
    assert.ok(text.includes('1 résultat'));
    assert.ok(!text.includes('Begroting Gent'));
    assert.deepEqual((await get('/datasets?q=budget&format=json')).json(), json);

    const all = await pageAndTwin('/datasets');
    assert.equal(all.json.total, 3);
    for (const d of all.json.datasets) assert.ok(all.text.includes(d.title.fr ?? d.title.nl));

    const byOrg = await pageAndTwin('/datasets?organization=44021');
    assert.equal(byOrg.json.total, 1);
    assert.equal(byOrg.json.organization.slug, 'gand-44021');
    assert.match(byOrg.body, /<option value="gand-44021" selected>/);

    const page2 = (await get('/datasets.json?page=2')).json();
    assert.equal(page2.page, 2);
    assert.equal(page2.datasets.length, 0);
    assert.equal((await get('/datasets?page=0')).statusCode, 400);
  });

  test('organization: names in three languages, NIS code, province, region, population, its datasets', async () => {
    const { text, json, twinUrl } = await pageAndTwin('/organizations/92094');
    assert.equal(twinUrl, '/organizations/92094.json');
    assert.equal(json.organization.nisCode, '92094');
    assert.equal(json.datasetCount, 2);
    for (const s of ['Namur', 'Namen', '92094', 'Province de Namur', 'Région wallonne', json.organization.name.nl]) assert.ok(text.includes(s), s);
    assert.ok(text.includes(new Intl.NumberFormat('fr-BE').format(json.organization.population)));
    for (const d of json.datasets) assert.ok(text.includes(d.title.fr));
    assert.equal((await pageAndTwin(`/organizations/${json.organization.slug}`)).json.organization.id, json.organization.id);
  });

  test('dataset: metadata, a typed preview of the first rows, the audit in words, downloads and API links', async () => {
    const { text, body, json, twinUrl } = await pageAndTwin(`/datasets/${budget.datasetId}`);
    assert.equal(twinUrl, `/datasets/${budget.datasetId}.json`);
    assert.equal(json.dataset.title.fr, 'Budget communal 2024');
    assert.ok(text.includes('<h1>Budget communal 2024</h1>'));
    for (const s of ['CC-BY-4.0', 'Publié', 'Mots-clés', 'Licence']) assert.ok(text.includes(s), s);
    const r = json.resources[0];
    assert.ok(r.preview.records.length > 0 && r.preview.records.length <= 20);
    assert.ok(text.includes('Frais de bureau'), 'a preview row');
    assert.match(body, /<th scope="col">Montant <span class="type">[^<]+<\/span><\/th>/);
    assert.ok(text.includes(`Score : ${r.audit.score} sur 100`));
    for (const d of r.audit.deductions) assert.ok(text.includes(d.reason), d.reason);
    assert.ok(text.includes(r.audit.encoding.encoding));
    for (const f of ['csv', 'json', 'parquet', 'xlsx']) assert.ok(body.includes(`href="/api/datasets/${budget.datasetId}/download.${f}"`), f);
    assert.ok(body.includes(`href="/api/resources/${budget.resourceId}/rows"`));
    assert.ok(body.includes(`href="/api/datasets/${budget.datasetId}/audit"`));
    const download = await get(r.links.downloads.csv, {});
    assert.equal(download.statusCode, 200);
    const audit = await get(r.links.audit, {});
    assert.equal(audit.json().audit.score, r.audit.score);

    const bySlug = await pageAndTwin('/datasets/namur-92094/budget-communal-2024');
    assert.equal(bySlug.twinUrl, '/datasets/namur-92094/budget-communal-2024.json');
    // The CSV downloaded above now states its size (metadata score, schema.org contentSize): all else is the same.
    assert.deepEqual({ ...bySlug.json, metadataScore: null, schemaOrg: null }, { ...json, metadataScore: null, schemaOrg: null });
    assert.ok(bySlug.json.metadataScore.points >= json.metadataScore.points);
  });

  test('?lang= and Accept-Language choose the UI language', async () => {
    const nl = await pageAndTwin('/?lang=nl');
    assert.match(nl.body, /<html lang="nl">/);
    assert.ok(nl.text.includes('Gemeenten') && nl.text.includes('2 datasets'));
    assert.ok(!nl.text.includes('Jeux de données'));
    assert.equal(nl.twinUrl, '/index.json', 'the data does not depend on the language');
    assert.ok(nl.body.includes('href="/datasets?lang=nl"'), 'links keep the chosen language');

    const de = await get('/organizations/92094', { ...BROWSER, 'accept-language': 'de-BE,de;q=0.9,fr;q=0.5' });
    assert.match(de.body, /<html lang="de">/);
    assert.ok(de.body.includes('Einwohner') && de.body.includes('Provinz Namur'));
    const en = await get(`/datasets/${budget.datasetId}?lang=en`);
    assert.ok(en.body.includes('Quality check') && en.body.includes('out of 100'));

    assert.deepEqual(chooseLang(undefined, 'en-US,en;q=0.9'), { lang: 'en', explicit: false });
    assert.deepEqual(chooseLang('xx', 'es, nl;q=0.5'), { lang: 'nl', explicit: false });
    assert.deepEqual(chooseLang(undefined, undefined), { lang: 'fr', explicit: false });
  });

  test('an unknown dataset is a 404 page for a browser and 404 JSON for the twin', async () => {
    const page = await get('/datasets/no-such-dataset');
    assert.equal(page.statusCode, 404);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    const twin = await get('/datasets/no-such-dataset.json');
    assert.equal(twin.statusCode, 404);
    assert.match(String(twin.headers['content-type']), /^application\/json/);
    assert.equal(twin.json().error.code, 'dataset_not_found');
    assert.equal((await get('/organizations/00000.json')).statusCode, 404);
    assert.equal((await get('/datasets/namur-92094/nothing-here')).statusCode, 404);
  });

  test('titles are escaped: a dataset titled <script> is shown as text', async () => {
    const { body, json } = await pageAndTwin(`/datasets/${xss.datasetId}`);
    assert.equal(json.dataset.title.fr, XSS_TITLE);
    assert.ok(!body.includes(XSS_TITLE));
    assert.ok(body.includes('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>'));
    assert.ok(!(await get('/')).body.includes(XSS_TITLE));
    assert.ok(!(await get('/datasets?q=%3Cscript%3E')).body.includes('<script>'));
  });

  test('a dataset that is not published is invisible anonymously', async () => {
    assert.equal((await get(`/datasets/${secret.datasetId}`)).statusCode, 404);
    assert.equal((await get(`/datasets/${secret.datasetId}.json`)).statusCode, 404);
    const search = (await get('/datasets.json?q=registre')).json();
    assert.equal(search.total, 0);
    const org = (await get('/organizations/92094.json')).json();
    assert.ok(!org.datasets.some((d: { id: string }) => d.id === secret.datasetId));
    assert.ok(!(await get('/organizations/92094')).body.includes('Registre interne'));
  });

  test('the style sheet is served with a validator', async () => {
    const css = await get('/static/site.css', {});
    assert.equal(css.statusCode, 200);
    assert.match(String(css.headers['content-type']), /^text\/css/);
    assert.equal((await get('/static/site.css', { 'if-none-match': String(css.headers.etag) })).statusCode, 304);
    assert.equal((await get('/?format=xml')).statusCode, 400);
  });
});

test('html escapes every interpolation unless raw() says otherwise', () => {
  const title = `"><img src=x onerror=alert(1)>`;
  assert.equal(html`<a title="${title}">${title}</a>`.toString(), '<a title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</a>');
  assert.equal(html`<ul>${['a&b', html`<li>ok</li>`, null, false, undefined, 0]}</ul>`.toString(), '<ul>a&amp;b<li>ok</li>0</ul>');
  assert.equal(html`${raw('<b>trusted</b>')}`.toString(), '<b>trusted</b>');
});
