import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { startTestApp, publishSample } from './helpers/app.ts';
import { tempDir } from './helpers/paths.ts';
import type { App } from '../src/app.ts';
import { callAction } from '../src/actions/registry.ts';
import { addVersion, listPendingPrivacy, publishFile, reviewPrivacy, withholdVersion } from '../src/actions/index.ts';
import { createApiToken, createUser, grantRole, actorFromToken } from '../src/users/accounts.ts';
import { resolveOrganization } from '../src/catalog/organizations.ts';
import type { AppError } from '../src/errors.ts';

/** Valid Belgian national register numbers (the check digits are right), e-mails and names of people. */
function residents(): { csv: string; secrets: string[] } {
  const rows = [['Nom', 'Prénom', 'Numéro national', 'Courriel', 'Rue', 'Code postal']];
  const people = [
    ['Peeters', 'Lina', '85073003328', 'lina.peeters@example.be', 'Rue de Fer 12', '5000'],
    ['Janssens', 'Noah', '90022711705', 'noah.janssens@example.be', 'Rue Haute 3', '5000'],
    ['Dubois', 'Emma', '01010100194', 'emma.dubois@example.be', 'Place d’Armes 7', '5100'],
    ['Lambert', 'Louis', '72121512345', 'louis.lambert@example.be', 'Chaussée de Liège 45', '5100'],
    ['Maes', 'Olivia', '66041509876', 'olivia.maes@example.be', 'Rue de Bruxelles 9', '5000'],
  ];
  // Make the national numbers valid whatever the examples above: recompute each check (mod 97, 2000+ rule).
  for (const p of people) {
    const base = p[2].slice(0, 9);
    const born2000 = Number(base.slice(0, 2)) < 20;
    const check = 97 - (Number((born2000 ? '2' : '') + base) % 97);
    p[2] = base + String(check).padStart(2, '0');
  }
  rows.push(...people);
  return { csv: rows.map((r) => r.join(';')).join('\n') + '\n', secrets: people.flatMap((p) => [p[2], p[3], `${p[1]};${p[0]}`, p[3].split('@')[0]]) };
}

describe('the privacy gate: flagged data never leaves before the DPO acts', () => {
  let app: App;
  let server: FastifyInstance;
  let close: () => Promise<void>;
  const dir = tempDir('dv-privacy-');
  const { csv, secrets } = residents();
  let held: { datasetId: string; resourceId: string; versionId: string };
  let clear: { datasetId: string; resourceId: string };
  let dpoCtx: ReturnType<App['ctx']>;

  before(async () => {
    ({ app, server, close } = await startTestApp());
    const now = new Date();
    const org = await resolveOrganization(app.stores.meta, '92094', now);
    const dpo = await createUser(app.stores.meta, { email: 'dpo@namur.be', name: 'DPO', password: 'a long password here' }, now);
    await grantRole(app.stores.meta, dpo.id, org.id, 'dpo', now);
    dpoCtx = app.ctx(await actorFromToken(app.stores.meta, await createApiToken(app.stores.meta, dpo.id, 't', now), now));
    const file = path.join(dir, 'residents.csv');
    fs.writeFileSync(file, csv);
    const out = await callAction(publishFile, app.ctx({ kind: 'system' }), { organization: '92094', title: 'Registre des habitants', file: { path: file, name: 'residents.csv' } });
    assert.equal(out.version.privacyState, 'flagged', JSON.stringify(out.audit.privacy));
    assert.equal(out.dataset.status, 'internal', 'held at its first publish');
    held = { datasetId: out.dataset.id, resourceId: out.resourceId, versionId: out.version.id };
    // A published dataset whose second version holds personal data: version 1 stays served.
    clear = await publishSample(app, { title: 'Budget public' });
    const v2 = await callAction(addVersion, app.ctx({ kind: 'system' }), { dataset: clear.datasetId, file: { path: file, name: 'residents.csv' } });
    assert.equal(v2.version.privacyState, 'flagged');
  });
  after(async () => { await close(); });

  /** Every public address an anonymous reuser (or harvester, or CKAN client) can ask. */
  function publicUrls(): string[] {
    const d = held.datasetId, r = held.resourceId, c = clear.datasetId, cr = clear.resourceId;
    const sql = encodeURIComponent(`SELECT * FROM "${r}"`);
    const sql2 = encodeURIComponent(`SELECT * FROM "${cr}"`);
    return [
      '/', '/index.json', '/datasets', '/datasets.json', '/datasets?q=habitants', '/datasets.json?q=Peeters', '/organizations/92094', '/organizations/92094.json',
      '/api/datasets', '/api/datasets?q=habitants', '/api/datasets?q=Peeters', `/api/datasets/${d}`, '/api/organizations', '/api/organizations/92094',
      `/datasets/${d}`, `/datasets/${d}.json`, `/datasets/${c}`, `/datasets/${c}.json`,
      '/catalog.ttl', '/catalog.rdf', '/catalog.jsonld', '/catalog.nt', `/datasets/${d}.ttl`, `/datasets/${c}.ttl`,
      '/api/3/action/package_list', '/api/3/action/package_search?q=habitants', '/api/3/action/package_search?q=Peeters', `/api/3/action/package_show?id=${d}`,
      `/api/3/action/package_show?id=${c}`, `/api/3/action/resource_show?id=${r}`, `/api/3/action/resource_show?id=${cr}`, '/api/3/action/tag_list', '/api/3/action/organization_show?id=92094&include_datasets=true',
      `/api/3/action/datastore_search?resource_id=${r}`, `/api/3/action/datastore_search?resource_id=${cr}&q=Peeters`, `/api/3/action/datastore_search_sql?sql=${sql}`, `/api/3/action/datastore_search_sql?sql=${sql2}`,
      '/feeds/catalog.atom', '/feeds/organizations/92094.atom',
      `/api/datasets/${d}/download.csv`, `/api/datasets/${d}/download.json`, `/api/datasets/${d}/download.xlsx`, `/api/datasets/${d}/download.parquet`,
      `/api/datasets/${c}/download.csv?version=2`, `/api/datasets/${c}/download.json?version=2`, `/api/datasets/${c}/download.csv`,
      `/api/resources/${r}/rows`, `/api/resources/${cr}/rows?version=2`, `/api/resources/${cr}/rows?q=Peeters`,
      `/api/datasets/${d}/audit`, `/api/datasets/${c}/audit?version=2`, `/api/datasets/${c}/audit`, `/api/resources/${r}/versions`, `/api/resources/${cr}/versions`,
      `/api/datasets/${d}/stars`, `/api/datasets/${d}/metadata-score`, `/api/datasets/${d}/datapackage.json`, `/api/datasets/${d}/download.csv-metadata.json`,
      `/api/datasets/${c}/datapackage.json`, `/api/datasets/${c}/download.csv-metadata.json?version=2`, `/api/datasets/${d}/schema-org.jsonld`, '/api/organizations/92094/metadata-score',
      `/datasets/${d}/resources/${r}/rows/1`, `/datasets/${d}/resources/${r}/rows/1.ttl`, `/datasets/${c}/resources/${cr}/rows/1.ttl?version=2`, `/datasets/${c}/resources/${cr}/rows/1.jsonld`,
    ];
  }

  async function leaks(): Promise<string[]> {
    const found: string[] = [];
    for (const url of publicUrls()) {
      const res = await server.inject({ url, headers: { accept: url.endsWith('.ttl') || url.includes('.') ? '*/*' : 'text/html' } });
      assert.ok(res.statusCode < 500, `${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
      for (const s of secrets) if (res.body.includes(s)) found.push(`${url} shows ${s}`);
    }
    return found;
  }

  test('before the review: no public address shows the dataset, the version or a single value', async () => {
    assert.deepEqual(await leaks(), []);
    // The held dataset is unknown to the public; the other dataset still serves version 1.
    assert.equal((await server.inject({ url: `/api/datasets/${held.datasetId}` })).statusCode, 404);
    const versions = (await server.inject({ url: `/api/resources/${clear.resourceId}/versions` })).json();
    assert.deepEqual(versions.versions.map((v: { number: number }) => v.number), [1]);
    assert.equal((await server.inject({ url: `/api/datasets/${clear.datasetId}/download.csv?version=2` })).statusCode, 404);
  });

  test('only the DPO decides, every decision is recorded, and the dataset is published when all findings are decided', async () => {
    const pending = await callAction(listPendingPrivacy, dpoCtx, {});
    const mine = pending.versions.find((p) => p.version.id === held.versionId)!;
    assert.ok(mine.toDecide.length >= 2, JSON.stringify(mine.toDecide));
    await assert.rejects(callAction(reviewPrivacy, app.ctx({ kind: 'anonymous' }), { version: held.versionId, accept: [{ column: mine.toDecide[0], reason: 'test reason text' }] }),
      (e: AppError) => e.status === 401);
    // The other held version is refused for good.
    const other = pending.versions.find((p) => p.datasetId === clear.datasetId)!;
    await callAction(withholdVersion, dpoCtx, { version: other.version.id, reason: 'A register of residents is never open data.' });
    const first = await callAction(reviewPrivacy, dpoCtx, { version: held.versionId, accept: [{ column: mine.toDecide[0], reason: 'Published with the consent of every person, see deliberation 2024/12.' }] });
    assert.equal(first.published, mine.toDecide.length === 1);
    assert.deepEqual(await leaks(), [], 'still nothing public while a finding is open');
    const rest = mine.toDecide.slice(1).map((column) => ({ column, reason: 'Published with the consent of every person, see deliberation 2024/12.' }));
    const done = await callAction(reviewPrivacy, dpoCtx, { version: held.versionId, accept: rest });
    assert.equal(done.published, true);
    assert.equal(done.version.privacyState, 'reviewed');
    const show = await server.inject({ url: `/api/datasets/${held.datasetId}` });
    assert.equal(show.statusCode, 200);
    assert.equal(show.json().status, 'published');
    // The walk is not blind: once released, the same addresses show the values.
    assert.ok((await leaks()).length > 0, 'released data is found by the walk');
    const csvNow = await server.inject({ url: `/api/datasets/${held.datasetId}/download.csv` });
    assert.ok(csvNow.body.includes(secrets[0]));
    // The withheld version of the other dataset stays out of reach.
    assert.equal((await server.inject({ url: `/api/datasets/${clear.datasetId}/download.csv?version=2` })).statusCode, 404);
  });
});
