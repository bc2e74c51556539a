import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { openTestApp } from './helpers/backends.ts';
import { callAction } from '../src/actions/registry.ts';
import { anonymiseVersion, listPendingPrivacy, listVersionsAction, publishFile, refreshResource } from '../src/actions/index.ts';
import { exportVersion } from '../src/actions/rows.ts';
import type { AppError } from '../src/errors.ts';

/** Residents with valid national register numbers (check digits computed, 2000+ rule). */
function residents(extra = 0): string {
  const rows = ['Nom;Prénom;Numéro national;Courriel;Rue;Code postal'];
  const names = [['Peeters', 'Lina'], ['Janssens', 'Noah'], ['Dubois', 'Emma'], ['Lambert', 'Louis'], ['Maes', 'Olivia'], ['Jacobs', 'Arthur'], ['Mertens', 'Louise'], ['Willems', 'Jules'], ['Claes', 'Mila'], ['Wouters', 'Adam']];
  const streets = ['Rue de Fer', 'Rue Haute', 'Place d’Armes'];
  for (let i = 0; i < 10 + extra; i++) {
    const [nom, prenom] = names[i % names.length];
    const base = `${String(60 + (i % 30)).padStart(2, '0')}0${(i % 9) + 1}1${i % 10}00${i % 10}`.slice(0, 9);
    const nn = base + String(97 - (Number(base) % 97)).padStart(2, '0');
    rows.push(`${nom};${prenom};${nn};${prenom.toLowerCase()}.${nom.toLowerCase()}${i}@example.be;${streets[i % 3]} ${i + 1};${i % 2 ? '5000' : '5100'}`);
  }
  return rows.join('\n') + '\n';
}

describe('anonymisation recipes: preview, refusal when unsafe, publication, and the next refresh without a person', () => {
  let body = residents();
  const server = http.createServer((_q, res) => { res.writeHead(200, { 'content-type': 'text/csv' }); res.end(body); });
  let base = '';
  let app: Awaited<ReturnType<typeof openTestApp>>;
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    app = await openTestApp(undefined, { allowPrivateUrls: true });
  });
  after(async () => { await app.close(); await new Promise((r) => server.close(r)); });

  test('the DPO previews, is refused an unsafe recipe, publishes a safe one, and the refresh reuses it', async () => {
    const ctx = app.ctx({ kind: 'system' });
    const out = await callAction(publishFile, ctx, { organization: '92094', title: 'Habitants', url: `${base}/habitants.csv`, schedule: 'daily' });
    assert.equal(out.version.privacyState, 'flagged');
    const pending = (await callAction(listPendingPrivacy, ctx, {})).versions.find((p) => p.datasetId === out.dataset.id)!;
    const direct = ['Nom', 'Prénom', 'Numéro national', 'Courriel'];
    const recipe = (quasiIdentifiers: string[], threshold: number) => ({ steps: [{ op: 'drop', columns: direct }, { op: 'address-to-street', column: 'Rue' }], quasiIdentifiers, threshold });
    const safe = recipe(['Code postal'], 5);

    const preview = await callAction(anonymiseVersion, ctx, { version: pending.version.id, recipe: safe });
    assert.equal(preview.applied, false);
    assert.ok(preview.preview!.after.length > 0);
    assert.ok(!JSON.stringify(preview.preview!.after).includes('@example.be'));
    // Street and postcode together single people out in 10 rows: refused, with the reason.
    await assert.rejects(callAction(anonymiseVersion, ctx, { version: pending.version.id, recipe: recipe(['Rue', 'Code postal'], 2), apply: true }),
      (e: AppError) => e.code === 'conflict' && /not safe/.test(e.message) && /stays held/.test(e.message));

    const done = await callAction(anonymiseVersion, ctx, { version: pending.version.id, recipe: safe, apply: true, reason: 'Streets and postcodes only; postcode groups of 5 or more.' });
    assert.equal(done.applied, true);
    assert.equal(done.version!.privacyState, 'reviewed');
    const csv = fs.readFileSync((await callAction(exportVersion, app.ctx({ kind: 'anonymous' }), { dataset: out.dataset.id, format: 'csv' })).path, 'utf8');
    assert.match(csv, /^Rue,Code postal\r\n/);
    assert.ok(!csv.includes('@example.be') && !csv.includes('Peeters'));
    const publicVersions = await callAction(listVersionsAction, app.ctx({ kind: 'anonymous' }), { resource: out.resourceId });
    assert.deepEqual(publicVersions.versions.map((v) => v.number), [2], 'the raw version is withheld for good');

    // Same source, same bytes: nothing new. New residents: anonymised with the saved recipe, no person needed.
    let r = await callAction(refreshResource, ctx, { resource: out.resourceId });
    assert.equal(r.refresh?.outcome, 'unchanged');
    body = residents(4);
    r = await callAction(refreshResource, ctx, { resource: out.resourceId });
    assert.equal(r.refresh?.outcome, 'new_version', r.refresh?.message);
    assert.match(r.refresh!.message, /Anonymised with the saved recipe/);
    const after = fs.readFileSync((await callAction(exportVersion, app.ctx({ kind: 'anonymous' }), { dataset: out.dataset.id, format: 'csv' })).path, 'utf8');
    assert.equal(after.trimEnd().split('\r\n').length, 15);
    assert.ok(!after.includes('@example.be'));
    assert.deepEqual((await callAction(listVersionsAction, app.ctx({ kind: 'anonymous' }), { resource: out.resourceId })).versions.map((v) => v.number), [4, 2]);
  });
});
