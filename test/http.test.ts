import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { parse } from 'csv-parse/sync';
import { startTestApp, publishSample } from './helpers/app.ts';
import type { App } from '../src/app.ts';
import { createUser, createApiToken, grantRole } from '../src/users/accounts.ts';
import { resolveOrganization } from '../src/catalog/organizations.ts';

/** A multipart body with text fields and one file. */
function multipart(fields: Record<string, string>, file: { name: string; content: Buffer | string; type?: string }) {
  const boundary = '----dataville' + Math.random().toString(16).slice(2);
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'text/csv'}\r\n\r\n`));
  parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('HTTP API', () => {
  let app: App;
  let server: FastifyInstance;
  let close: () => Promise<void>;
  let editorToken: string;
  let viewerToken: string;

  before(async () => {
    ({ app, server, close } = await startTestApp(undefined, { maxUploadBytes: 64 * 1024 }));
    const now = new Date();
    const org = await resolveOrganization(app.stores.meta, '92094', now);
    const ed = await createUser(app.stores.meta, { email: 'ed@namur.be', name: 'Ed', password: 'a long password here' }, now);
    const vi = await createUser(app.stores.meta, { email: 'vi@namur.be', name: 'Vi', password: 'a long password here' }, now);
    await grantRole(app.stores.meta, ed.id, org.id, 'editor', now);
    await grantRole(app.stores.meta, vi.id, org.id, 'viewer', now);
    editorToken = await createApiToken(app.stores.meta, ed.id, 't', now);
    viewerToken = await createApiToken(app.stores.meta, vi.id, 't', now);
  });
  after(async () => { await close(); });

  test('publish by multipart upload, then read, query, download', async () => {
    const csv = 'nom;montant;jour\nÉcole;1.234,56;03/02/2020\n"Quai; Meuse";-5;04/02/2020\n=SUM(A1);7;05/02/2020\n';
    const mp = multipart({ organization: '92094', title: 'Upload test', keywords: '["a","b"]' }, { name: 'upload.csv', content: csv });
    const res = await server.inject({ method: 'POST', url: '/api/publish', payload: mp.payload, headers: { ...mp.headers, authorization: `Bearer ${editorToken}` } });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    const id = body.dataset.id;
    const rid = body.dataset.resources[0].id;
    assert.deepEqual(body.dataset.keywords, ['a', 'b']);

    const show = await server.inject({ url: `/api/datasets/${id}` });
    assert.equal(show.statusCode, 200);
    assert.equal(show.json().title.fr, 'Upload test');

    const rows = await server.inject({ url: `/api/resources/${rid}/rows?filters=${encodeURIComponent(JSON.stringify({ nom: 'École' }))}` });
    assert.equal(rows.statusCode, 200, rows.body);
    assert.equal(rows.json().records.length, 1);
    assert.equal(rows.json().records[0].montant, 1234.56);

    const ckan = await server.inject({ url: `/api/3/action/datastore_search?resource_id=${rid}&q=meuse` });
    assert.equal(ckan.json().success, true);
    assert.equal(ckan.json().result.records[0].nom, 'Quai; Meuse');

    const dl = await server.inject({ url: `/api/datasets/${id}/download.csv` });
    assert.equal(dl.statusCode, 200);
    assert.match(String(dl.headers['content-type']), /text\/csv/);
    assert.match(String(dl.headers['content-disposition']), /attachment; filename=".*\.csv"/);
    const etag = String(dl.headers.etag);
    assert.equal((await server.inject({ url: `/api/datasets/${id}/download.csv`, headers: { 'if-none-match': etag } })).statusCode, 304);
    assert.match(String((await server.inject({ url: `/api/datasets/${id}/download.csv?version=1` })).headers['cache-control']), /immutable/);
    const parsed = parse(dl.body, { columns: true }) as Record<string, string>[];
    assert.deepEqual(parsed.map((r) => r.nom), ['École', 'Quai; Meuse', "'=SUM(A1)"]);
    assert.deepEqual(parsed.map((r) => r.montant), ['1234.56', '-5', '7']);
    assert.deepEqual(parsed.map((r) => r.jour), ['2020-02-03', '2020-02-04', '2020-02-05']);
    for (const fmt of ['json', 'parquet', 'xlsx']) {
      const r = await server.inject({ url: `/api/datasets/${id}/download.${fmt}` });
      assert.equal(r.statusCode, 200, `${fmt}: ${r.body.slice(0, 200)}`);
      assert.ok(r.rawPayload.length > 50);
    }
    const audit = await server.inject({ url: `/api/datasets/${id}/audit` });
    assert.equal(audit.json().audit.rowCount, 3);
  });

  test('a new version by raw text/csv body', async () => {
    const { datasetId } = await publishSample(app, { title: 'Raw body' });
    const res = await server.inject({ method: 'POST', url: `/api/datasets/${datasetId}/versions?filename=v2.csv`, payload: 'a,b\n1,2\n3,4\n', headers: { 'content-type': 'text/csv', authorization: `Bearer ${editorToken}` } });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().version.number, 2);
  });

  test('errors: one JSON shape with a stable code, a message and a fitting status', async () => {
    const cases: [InjectOptions, number, string][] = [
      [{ url: '/api/datasets/nope' }, 404, 'dataset_not_found'],
      [{ url: '/api/organizations/00000' }, 404, 'organization_not_found'],
      [{ url: '/api/datasets', headers: { authorization: 'Bearer dv_wrong' } }, 401, 'invalid_token'],
      [{ url: '/api/datasets', headers: { authorization: 'Basic abc' } }, 401, 'invalid_token'],
      [{ method: 'POST', url: '/api/datasets', payload: { organization: '92094', title: 'x' } }, 401, 'unauthenticated'],
      [{ method: 'POST', url: '/api/datasets', payload: { organization: '92094', title: 'x' }, headers: { authorization: `Bearer ${viewerToken}` } }, 403, 'forbidden'],
      [{ method: 'POST', url: '/api/datasets', payload: { organization: '92094' }, headers: { authorization: `Bearer ${editorToken}` } }, 400, 'validation_failed'],
      [{ url: '/api/nothing-here' }, 404, 'not_found'],
    ];
    for (const [req, status, code] of cases) {
      const res = await server.inject(req);
      assert.equal(res.statusCode, status, `${JSON.stringify(req)} -> ${res.body}`);
      assert.equal(res.json().error.code, code);
      assert.ok(res.json().error.message.length > 20);
    }
  });

  test('an oversized upload is refused with 413 and nothing is created', async () => {
    const before = (await server.inject({ url: '/api/datasets?limit=1000' })).json().total;
    const big = 'a;b\n' + '123456789;123456789\n'.repeat(5000);
    const mp = multipart({ organization: '92094', title: 'Too big' }, { name: 'big.csv', content: big });
    const res = await server.inject({ method: 'POST', url: '/api/publish', payload: mp.payload, headers: { ...mp.headers, authorization: `Bearer ${editorToken}` } });
    assert.equal(res.statusCode, 413, res.body);
    assert.equal(res.json().error.code, 'payload_too_large');
    const raw = await server.inject({ method: 'POST', url: '/api/audit', payload: big, headers: { 'content-type': 'text/csv' } });
    assert.equal(raw.statusCode, 413);
    assert.equal((await server.inject({ url: '/api/datasets?limit=1000' })).json().total, before);
  });

  test('an uploaded empty or binary file is a 422 with a clear message', async () => {
    for (const content of [Buffer.alloc(0), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0])]) {
      const res = await server.inject({ method: 'POST', url: '/api/audit?filename=x.csv', payload: content, headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(res.statusCode, 422, res.body);
      assert.match(res.json().error.code, /empty_file|binary_file/);
    }
  });

  test('OpenAPI is served at /api/docs', async () => {
    const doc = await server.inject({ url: '/api/docs/json' });
    assert.equal(doc.statusCode, 200);
    const spec = doc.json();
    assert.ok(spec.openapi.startsWith('3'));
    assert.ok(spec.paths['/api/datasets']);
    assert.ok(spec.paths['/api/resources/{resource_id}/rows']);
    const ui = await server.inject({ url: '/api/docs' });
    assert.ok([200, 302].includes(ui.statusCode));
  });
});
