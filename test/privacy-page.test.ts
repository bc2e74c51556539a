import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestApp } from './helpers/app.ts';
import { tempDir } from './helpers/paths.ts';
import { callAction } from '../src/actions/registry.ts';
import { publishFile } from '../src/actions/index.ts';
import { createUser, grantRole } from '../src/users/accounts.ts';
import { resolveOrganization } from '../src/catalog/organizations.ts';

test('the DPO page: sign in, see what was found, publish without the personal columns in one click', async () => {
  const { app, server, close } = await startTestApp();
  try {
    const now = new Date();
    const org = await resolveOrganization(app.stores.meta, '92094', now);
    const dpo = await createUser(app.stores.meta, { email: 'dpo@namur.be', name: 'DPO', password: 'a long password here' }, now);
    await grantRole(app.stores.meta, dpo.id, org.id, 'dpo', now);
    const rows = ['Courriel;Quartier;Inscrits'];
    for (let i = 0; i < 30; i++) rows.push(`habitant${i}.nom${i}@example.be;${['Centre', 'Jambes', 'Salzinnes'][i % 3]};${i % 4}`);
    const file = path.join(tempDir('dv-dpo-'), 'inscriptions.csv');
    fs.writeFileSync(file, rows.join('\n') + '\n');
    const out = await callAction(publishFile, app.ctx({ kind: 'system' }), { organization: '92094', title: 'Inscriptions', file: { path: file, name: 'inscriptions.csv' } });
    assert.equal(out.version.privacyState, 'flagged');

    const anonymous = await server.inject({ url: '/privacy?lang=en' });
    assert.match(anonymous.body, /Sign in with a data-protection officer account/);
    const login = await server.inject({ method: 'POST', url: '/login', payload: 'email=dpo%40namur.be&password=a+long+password+here', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const cookie = /dv_session=[^;]+/.exec(String(login.headers['set-cookie']))![0];
    const page = await server.inject({ url: '/privacy?lang=en', headers: { cookie } });
    assert.match(page.body, /Personal data to review/);
    assert.match(page.body, /<strong>Courriel<\/strong>: email/);
    assert.ok(!page.body.includes('habitant1.nom1@example.be'), 'examples are masked');
    const click = await server.inject({ method: 'POST', url: `/privacy/versions/${out.version.id}/drop-personal`, headers: { cookie } });
    assert.equal(click.statusCode, 303, click.body);
    const csv = await server.inject({ url: `/api/datasets/${out.dataset.id}/download.csv` });
    assert.equal(csv.statusCode, 200);
    assert.match(csv.body, /^Quartier,Inscrits\r\n/);
    assert.ok(!csv.body.includes('@example.be'));
    assert.match((await server.inject({ url: '/privacy?lang=en', headers: { cookie } })).body, /Nothing to review/);
  } finally {
    await close();
  }
});
