import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, openTestApp } from './helpers/backends.ts';
import { callAction } from '../src/actions/registry.ts';
import { showOrganization, updateOrganization } from '../src/actions/index.ts';
import { resolveOrganization } from '../src/catalog/organizations.ts';
import { createApiToken, createUser, grantRole, actorFromToken } from '../src/users/accounts.ts';
import type { AppError } from '../src/errors.ts';

for (const backend of backends()) {
  describe(`organization identity (${backend.name})`, () => {
    let app: Awaited<ReturnType<typeof openTestApp>>;
    after(async () => { await app?.close(); });

    test('an admin sets a checked enterprise number, homepage and e-mail; an editor may not', async () => {
      app = await openTestApp(backend);
      const now = new Date();
      const org = await resolveOrganization(app.stores.meta, '92094', now);
      const admin = await createUser(app.stores.meta, { email: 'ad@namur.be', name: 'Ad', password: 'a long password here' }, now);
      const editor = await createUser(app.stores.meta, { email: 'ed@namur.be', name: 'Ed', password: 'a long password here' }, now);
      await grantRole(app.stores.meta, admin.id, org.id, 'admin', now);
      await grantRole(app.stores.meta, editor.id, org.id, 'editor', now);
      const as = async (id: string) => app.ctx(await actorFromToken(app.stores.meta, await createApiToken(app.stores.meta, id, 't', now), now));
      const out = await callAction(updateOrganization, await as(admin.id), { organization: '92094', enterpriseNumber: 'BE 0123.456.749', homepage: 'https://www.namur.be', email: 'opendata@namur.be' });
      assert.equal(out.enterpriseNumber, '0123456749');
      assert.equal((await callAction(showOrganization, app.ctx({ kind: 'anonymous' }), { organization: '92094' })).homepage, 'https://www.namur.be');
      await assert.rejects(callAction(updateOrganization, await as(admin.id), { organization: '92094', enterpriseNumber: '0123.456.748' }),
        (e: AppError) => e.code === 'validation_failed' && /modulo 97/.test(e.message));
      await assert.rejects(callAction(updateOrganization, await as(editor.id), { organization: '92094', homepage: 'https://x.be' }), (e: AppError) => e.code === 'forbidden');
      // Clearing is allowed.
      assert.equal((await callAction(updateOrganization, await as(admin.id), { organization: '92094', enterpriseNumber: null })).enterpriseNumber, null);
    });
  });
}
