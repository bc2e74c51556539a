import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { startTestApp, publishSample, runDueJobs } from './helpers/app.ts';
import type { App } from '../src/app.ts';
import { memberToken } from './helpers/users.ts';

/** The session cookie a sign-in answer sets. */
function cookieOf(res: { headers: Record<string, unknown> }): string {
  const set = String(res.headers['set-cookie'] ?? '');
  const m = /dv_session=([^;]+)/.exec(set);
  assert.ok(m, `a session cookie is set: ${set}`);
  return `dv_session=${m[1]}`;
}

describe('jobs, sources and history over HTTP and on the pages', () => {
  let app: App;
  let server: FastifyInstance;
  let close: () => Promise<void>;
  let token: string;
  let viewerToken: string;
  let web: http.Server;
  let base = '';
  let csv = 'Rue;Nombre\nRue Haute;12\n';

  before(async () => {
    ({ app, server, close } = await startTestApp(undefined, { allowPrivateUrls: true, jobPollMs: 50 }));
    token = await memberToken(app, 'ed@namur.be', 'editor');
    viewerToken = await memberToken(app, 'vi@namur.be', 'viewer');
    web = http.createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/csv' }); res.end(csv); });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  });
  after(async () => {
    await close();
    await new Promise((r) => web.close(r));
  });

  test('publish from a URL with a JSON body; the version history lists both versions with their changes', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const res = await server.inject({ method: 'POST', url: '/api/publish', headers: auth, payload: { organization: '92094', title: 'Rues', url: `${base}/rues.csv`, schedule: 'weekly' } });
    assert.equal(res.statusCode, 201, res.body);
    const { dataset, resourceId } = res.json();
    csv = 'Rue;Nombre;Quartier\nRue Haute;12;Centre\n';
    const held = await server.inject({ method: 'POST', url: `/api/resources/${resourceId}/refresh`, headers: auth });
    assert.equal(held.statusCode, 200, held.body);
    assert.equal(held.json().refresh.outcome, 'held');
    const source = await server.inject({ url: `/api/resources/${resourceId}/source`, headers: auth });
    assert.equal(source.json().source.schedule, 'weekly');
    const run = source.json().runs.find((r: { waitingForReview: boolean }) => r.waitingForReview);
    const approved = await server.inject({ method: 'POST', url: `/api/refreshes/${run.id}/approve`, headers: auth });
    assert.equal(approved.statusCode, 200, approved.body);
    const versions = await server.inject({ url: `/api/resources/${resourceId}/versions` });
    const list = versions.json().versions;
    assert.deepEqual(list.map((v: { number: number }) => v.number), [2, 1]);
    assert.deepEqual(list[0].diff.added.map((a: { name: string }) => a.name), ['Quartier']);
    const old = await server.inject({ url: list[1].download });
    assert.equal(old.statusCode, 200);
    assert.equal(old.body, 'Rue,Nombre\r\nRue Haute,12\r\n');

    // The dataset page shows the history to anyone, the rollback button to editors only.
    const page = await server.inject({ url: `/datasets/${dataset.id}?lang=en` });
    assert.match(page.body, /Version history/);
    assert.doesNotMatch(page.body, /Serve this version again/);
    const login = await server.inject({ method: 'POST', url: '/login', payload: 'email=ed%40namur.be&password=a+long+password+here&next=%2Fjobs', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(login.statusCode, 303);
    const cookie = cookieOf(login);
    const mine = await server.inject({ url: `/datasets/${dataset.id}?lang=en`, headers: { cookie } });
    assert.match(mine.body, /Serve this version again/);
    assert.match(mine.body, /Automatic refreshes/);
    const rolled = await server.inject({ method: 'POST', url: `/resources/${resourceId}/versions/1/rollback`, headers: { cookie, referer: `http://localhost:80/datasets/${dataset.id}` } });
    assert.equal(rolled.statusCode, 303);
    assert.equal(rolled.headers.location, `/datasets/${dataset.id}`);
    assert.equal((await server.inject({ url: `/api/resources/${resourceId}/versions` })).json().latest, 3);
  });

  test('an asynchronous publish answers 202 with its job; a failed job shows its reason in the API and on the jobs page', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const queued = await server.inject({ method: 'POST', url: '/api/publish/jobs?filename=vide.csv&organization=92094&title=Vide', headers: { ...auth, 'content-type': 'text/csv' }, payload: '' });
    assert.equal(queued.statusCode, 202, queued.body);
    const jobId = queued.json().job.id;
    assert.equal(queued.json().job.state, 'queued');
    await runDueJobs(app);
    await assert.rejects(app.jobs.waitFor(jobId, 30_000));
    const job = await server.inject({ url: `/api/jobs/${jobId}`, headers: auth });
    assert.equal(job.statusCode, 200);
    assert.equal(job.json().state, 'failed');
    assert.match(job.json().error.message, /empty/);

    assert.equal((await server.inject({ url: '/api/jobs' })).statusCode, 401);
    assert.equal((await server.inject({ url: '/api/jobs', headers: { authorization: `Bearer ${viewerToken}` } })).json().total, 0, 'viewers do not see jobs');
    assert.equal((await server.inject({ url: `/api/jobs/${jobId}`, headers: { authorization: `Bearer ${viewerToken}` } })).statusCode, 403);

    const anonymous = await server.inject({ url: '/jobs?lang=en' });
    assert.equal(anonymous.statusCode, 200);
    assert.match(anonymous.body, /Sign in to see the jobs/);
    const login = await server.inject({ method: 'POST', url: '/login', payload: 'email=ed%40namur.be&password=a+long+password+here', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const cookie = cookieOf(login);
    const page = await server.inject({ url: '/jobs?lang=en', headers: { cookie } });
    assert.match(page.body, /failed/);
    assert.match(page.body, /is empty/);
    const twin = await server.inject({ url: '/jobs.json', headers: { cookie } });
    assert.ok(twin.json().jobs.some((j: { id: string }) => j.id === jobId));
    const wrong = await server.inject({ method: 'POST', url: '/login', payload: 'email=ed%40namur.be&password=nope', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(wrong.statusCode, 303);
    assert.match(String(wrong.headers.location), /failed=1/);
    assert.equal(wrong.headers['set-cookie'], undefined);
  });

  test('the synchronous publish still answers 201 with the dataset; an uploaded file cannot get a schedule', async () => {
    await publishSample(app);
    const res = await server.inject({ method: 'POST', url: '/api/publish?filename=x.csv&organization=92094&title=X&schedule=daily', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, payload: 'a;b\n1;2\n' });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().error.message, /schedule needs a source Dataville can fetch again/);
  });

  test("no one but the command line names a file on the server's disk: a JSON \"file\" is ignored, a user's path is refused", async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { callAction } = await import('../src/actions/registry.ts');
    const { publishFile } = await import('../src/actions/versions.ts');
    const { auditFile } = await import('../src/actions/audit.ts');
    const { actorFromToken } = await import('../src/users/accounts.ts');
    const secret = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dataville-secret-')), 'secret.csv');
    fs.writeFileSync(secret, 'password;hash\nadmin;x\n');
    const before = (await server.inject({ url: '/api/datasets?organization=92094&limit=100' })).json().total;
    for (const url of ['/api/publish', '/api/publish/jobs']) {
      const res = await server.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: { organization: '92094', title: 'Secret', file: { path: secret, name: 'secret.csv' } } });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.json().error.message, /Give the data: upload a file, or give a url/);
    }
    assert.equal((await server.inject({ url: '/api/datasets?organization=92094&limit=100' })).json().total, before, 'nothing was published');
    // The actions refuse it too, whatever adapter would pass it on.
    const ctx = app.ctx(await actorFromToken(app.stores.meta, token, new Date()));
    await assert.rejects(callAction(publishFile, ctx, { organization: '92094', title: 'Secret', file: { path: secret, name: 'secret.csv' } }), (e: { code: string; message: string }) => e.code === 'forbidden' && /sent as an upload/.test(e.message));
    await assert.rejects(callAction(auditFile, app.ctx({ kind: 'anonymous' }), { file: { path: secret, name: 'secret.csv' } }), (e: { code: string }) => e.code === 'forbidden');
    // The command line (the system actor) reads the operator's own files.
    const report = await callAction(auditFile, app.ctx({ kind: 'system' }), { file: { path: secret, name: 'secret.csv' } });
    assert.equal(report.rowCount, 1);
  });
});
