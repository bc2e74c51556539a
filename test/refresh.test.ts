import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { backends, openTestApp } from './helpers/backends.ts';
import { runDueJobs } from './helpers/app.ts';
import { callAction } from '../src/actions/registry.ts';
import {
  approveRefresh, listJobsAction, listRefreshes, listVersionsAction, publishFile, refreshResource, rejectRefresh, rollbackVersion, setSource, showDataset,
} from '../src/actions/index.ts';
import { exportVersion } from '../src/actions/rows.ts';
import type { AppError } from '../src/errors.ts';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './helpers/paths.ts';
import { createUser, createApiToken, grantRole } from '../src/users/accounts.ts';
import { resolveOrganization } from '../src/catalog/organizations.ts';
import { actorFromToken } from '../src/users/accounts.ts';

/** A local web server whose file can be changed by the test; counts the requests it answers. */
function fileServer() {
  const state = { body: 'Rue;Nombre\nRue Haute;12\nRue Basse;7\n', type: 'text/csv; charset=utf-8', hits: 0 };
  const server = http.createServer((req, res) => {
    state.hits++;
    if (req.url === '/page') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><body>Log in to download</body></html>');
      return;
    }
    res.writeHead(200, { 'content-type': state.type });
    res.end(state.body);
  });
  return {
    state,
    async start() {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

async function csvOf(app: Awaited<ReturnType<typeof openTestApp>>, dataset: string, version?: number) {
  const out = await callAction(exportVersion, app.ctx({ kind: 'system' }), { dataset, format: 'csv', version });
  return fs.readFileSync(out.path, 'utf8');
}

for (const backend of backends()) {
  describe(`URL sources, scheduled refresh, history and rollback (${backend.name})`, () => {
    const web = fileServer();
    let base = '';
    let app: Awaited<ReturnType<typeof openTestApp>>;
    before(async () => {
      base = await web.start();
      app = await openTestApp(backend, { allowPrivateUrls: true });
    });
    after(async () => {
      await app.close();
      await web.close();
    });

    test('a scheduled URL resource: new version only on change, a schema change held for review, rollback as a new version', async () => {
      const ctx = app.ctx({ kind: 'system' });
      const out = await callAction(publishFile, ctx, { organization: '92094', title: 'Rues', url: `${base}/rues.csv`, schedule: 'daily' });
      assert.equal(out.version.number, 1);
      assert.equal(out.version.rowCount, 2);
      assert.match(out.version.note ?? '', /Fetched from http/);
      const resource = out.resourceId;
      const runs0 = await callAction(listRefreshes, ctx, { resource });
      assert.equal(runs0.source?.schedule, 'daily');
      assert.ok(runs0.source?.nextRunAt, 'the next run is planned');

      // The schedule queues a refresh when due; the same bytes make no new version.
      const due = new Date(Date.parse(runs0.source!.nextRunAt!) + 1000);
      await runDueJobs(app, due);
      const queued = await callAction(listJobsAction, ctx, { kind: 'refresh' });
      assert.equal(queued.jobs.length, 1, 'one refresh job queued by the schedule');
      assert.equal(queued.jobs[0].state, 'done');
      // The row-query files of version 1 were built by a job of their own.
      const serving = (await callAction(listJobsAction, ctx, { kind: 'serving', resource })).jobs;
      assert.equal(serving.length, 1);
      assert.equal(serving[0].state, 'done');
      const v1 = await app.stores.meta.selectFrom('versions').select('storage_key').where('resource_id', '=', resource).executeTakeFirstOrThrow();
      assert.ok(fs.existsSync(app.stores.blobs.resolve(v1.storage_key, 'search.parquet')), 'the full-text index exists');
      let runs = await callAction(listRefreshes, ctx, { resource });
      assert.equal(runs.runs[0].outcome, 'unchanged');
      assert.equal(runs.runs[0].trigger, 'schedule');
      await app.jobs.tick(due);
      assert.equal((await callAction(listJobsAction, ctx, { kind: 'refresh' })).jobs.length, 1, 'the next run is tomorrow, not again now');

      // A changed file (same columns): a new version at once.
      web.state.body = 'Rue;Nombre\nRue Haute;13\nRue Basse;7\nPlace Verte;1\n';
      let r = await callAction(refreshResource, ctx, { resource });
      assert.equal(r.refresh?.outcome, 'new_version');
      assert.equal(r.refresh?.version, 2);
      assert.match(await csvOf(app, out.dataset.id), /Place Verte,1/);

      // A renamed and an added column: held, version 2 still served, the diff shown.
      web.state.body = 'Rue;Total;Quartier\nRue Haute;13;Centre\n';
      r = await callAction(refreshResource, ctx, { resource });
      assert.equal(r.refresh?.outcome, 'held');
      assert.deepEqual(r.refresh?.diff?.renamed.map((x) => [x.from, x.to]), [['Nombre', 'Total']]);
      assert.deepEqual(r.refresh?.diff?.added.map((x) => x.name), ['Quartier']);
      assert.match(r.refresh!.message, /renamed to "Total".*waits for an editor/);
      assert.match(await csvOf(app, out.dataset.id), /^Rue,Nombre\r\n/);
      // Fetching the same held file again does not pile up held copies.
      r = await callAction(refreshResource, ctx, { resource });
      assert.equal(r.refresh?.outcome, 'unchanged');
      runs = await callAction(listRefreshes, ctx, { resource });
      const held = runs.runs.filter((x) => x.waitingForReview);
      assert.equal(held.length, 1);
      const approved = await callAction(approveRefresh, ctx, { run: held[0].id });
      assert.equal(approved.version.number, 3);
      assert.match(await csvOf(app, out.dataset.id), /^Rue,Total,Quartier\r\nRue Haute,13,Centre/);
      await assert.rejects(callAction(approveRefresh, ctx, { run: held[0].id }), (e: AppError) => e.code === 'conflict');

      // History: each version with its diff to the one before; any version downloadable; rollback.
      const history = await callAction(listVersionsAction, ctx, { resource });
      assert.deepEqual(history.versions.map((v) => v.number), [3, 2, 1]);
      assert.equal(history.versions[0].diff.changed, true);
      assert.equal(history.versions[1].diff.changed, false);
      assert.match(await csvOf(app, out.dataset.id, 1), /Rue Haute,12/);
      const back = await callAction(rollbackVersion, ctx, { resource, version: 2 });
      assert.equal(back.version.number, 4);
      assert.equal(back.version.note, 'Rollback to version 2');
      assert.match(await csvOf(app, out.dataset.id), /^Rue,Nombre\r\nRue Haute,13/);
    });

    test('an additive change is published when the dataset allows it; a rejected one is discarded', async () => {
      const ctx = app.ctx({ kind: 'system' });
      web.state.body = 'Code;Nom\n1;A\n';
      const out = await callAction(publishFile, ctx, { organization: '92094', title: 'Additif', url: `${base}/additif.csv`, allowAdditiveChanges: true });
      const resource = out.resourceId;
      web.state.body = 'Code;Nom;Extra\n1;A;x\n';
      let r = await callAction(refreshResource, ctx, { resource });
      assert.equal(r.refresh?.outcome, 'new_version');
      web.state.body = 'Code;Extra\n1;x\n';
      r = await callAction(refreshResource, ctx, { resource });
      assert.equal(r.refresh?.outcome, 'held', 'a removed column is never additive');
      await callAction(rejectRefresh, ctx, { run: r.refresh!.runId });
      const runs = await callAction(listRefreshes, ctx, { resource });
      assert.equal(runs.runs.find((x) => x.id === r.refresh!.runId)?.outcome, 'rejected');
      assert.equal((await callAction(showDataset, ctx, { dataset: out.dataset.id })).resources[0].latestVersion, 2);
    });

    test('a URL that returns a web page fails with a clear error; the previous version stays served', async () => {
      const ctx = app.ctx({ kind: 'system' });
      web.state.body = 'A;B\n1;2\n';
      const out = await callAction(publishFile, ctx, { organization: '92094', title: 'Page', url: `${base}/ab.csv` });
      await callAction(setSource, ctx, { resource: out.resourceId, url: `${base}/page` });
      await assert.rejects(callAction(refreshResource, ctx, { resource: out.resourceId }), (e: AppError) => e.code === 'fetch_failed' && /web page/.test(e.message));
      const runs = await callAction(listRefreshes, ctx, { resource: out.resourceId });
      assert.equal(runs.runs[0].outcome, 'failed');
      assert.match(await csvOf(app, out.dataset.id), /^A,B\r\n1,2/);
      const failed = (await callAction(listJobsAction, ctx, { state: 'failed', resource: out.resourceId })).jobs;
      assert.equal(failed.length, 1);
      assert.match(failed[0].error!.message, /web page/);
    });

    test('a path watched on disk: only folders the operator listed, a new version when the export changes', async () => {
      const exports = tempDir('dv-exports-');
      const a = await openTestApp(backend, { sourcePaths: exports });
      try {
        const file = path.join(exports, 'population.csv');
        fs.writeFileSync(file, 'Section;Habitants\nJambes;21000\n');
        const ctx = a.ctx({ kind: 'system' });
        const out = await callAction(publishFile, ctx, { organization: '92094', title: 'Population', sourcePath: file, schedule: 'daily' });
        let r = await callAction(refreshResource, ctx, { resource: out.resourceId });
        assert.equal(r.refresh?.outcome, 'unchanged');
        fs.writeFileSync(file, 'Section;Habitants\nJambes;21100\n');
        r = await callAction(refreshResource, ctx, { resource: out.resourceId });
        assert.equal(r.refresh?.outcome, 'new_version');
        // An editor may point a resource only into the listed folders.
        const org = await resolveOrganization(a.stores.meta, '92094', new Date());
        const ed = await createUser(a.stores.meta, { email: 'ed@namur.be', name: 'Ed', password: 'a long password here' }, new Date());
        await grantRole(a.stores.meta, ed.id, org.id, 'editor', new Date());
        const editor = a.ctx(await actorFromToken(a.stores.meta, await createApiToken(a.stores.meta, ed.id, 't', new Date()), new Date()));
        await assert.rejects(callAction(setSource, editor, { resource: out.resourceId, sourcePath: '/etc/passwd' }), (e: AppError) => e.code === 'forbidden' && /DATAVILLE_SOURCE_PATHS/.test(e.message));
        await callAction(setSource, editor, { resource: out.resourceId, sourcePath: file, schedule: 'weekly' });
      } finally {
        await a.close();
      }
    });

    test('an address on a private network is refused unless the administrator allows it; nothing is created', async () => {
      const strict = await openTestApp(backend, { allowPrivateUrls: false });
      try {
        const ctx = strict.ctx({ kind: 'system' });
        const hits = web.state.hits;
        await assert.rejects(callAction(publishFile, ctx, { organization: '92094', title: 'SSRF', url: `${base}/x.csv` }), (e: AppError) => e.code === 'url_refused' && /127\.0\.0\.1/.test(e.message));
        assert.equal(web.state.hits, hits, 'no request reached the server');
        assert.equal((await strict.stores.meta.selectFrom('datasets').select('id').execute()).length, 0);
        assert.equal((await strict.stores.meta.selectFrom('jobs').select('id').execute()).length, 0);
      } finally {
        await strict.close();
      }
    });
  });
}
