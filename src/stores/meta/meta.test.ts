import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, openTestApp } from '../../../test/helpers/backends.ts';
import type { App } from '../../app.ts';
import { resolveOrganization } from '../../catalog/organizations.ts';
import { createUser, createApiToken, actorFromToken, grantRole } from '../../users/accounts.ts';
import { verifyPassword } from '../../users/passwords.ts';
import { AppError } from '../../errors.ts';

for (const backend of backends()) {
  describe(`metadata store on ${backend.name}`, () => {
    let app: App;
    before(async () => { app = await openTestApp(backend); });
    after(async () => { await app.close(); });

    test('a commune is created from the reference list on first use, once', async () => {
      const now = new Date();
      const [a, b] = await Promise.all([resolveOrganization(app.stores.meta, '92094', now), resolveOrganization(app.stores.meta, '92094', now)]);
      assert.equal(a.id, b.id);
      assert.equal(a.name_fr, 'Namur');
      assert.equal(a.nis_code, '92094');
      assert.equal(a.region, 'Région wallonne');
      const anvers = await resolveOrganization(app.stores.meta, '11002', now);
      assert.deepEqual([anvers.name_fr, anvers.name_nl, anvers.name_de], ['Anvers', 'Antwerpen', 'Antwerpen']);
      const again = await resolveOrganization(app.stores.meta, a.slug, now);
      assert.equal(again.id, a.id);
    });

    test('an unknown NIS code is a clear not-found error', async () => {
      await assert.rejects(resolveOrganization(app.stores.meta, '99999', new Date()), (e: AppError) => e.code === 'organization_not_found' && /NIS code/.test(e.message));
    });

    test('passwords are hashed with scrypt and API tokens are stored hashed', async () => {
      const now = new Date();
      const u = await createUser(app.stores.meta, { email: 'Ada@Namur.be', name: 'Ada', password: 'correct horse battery' }, now);
      assert.equal(u.email, 'ada@namur.be');
      assert.match(u.password_hash, /^scrypt\$/);
      assert.ok(await verifyPassword('correct horse battery', u.password_hash));
      assert.ok(!(await verifyPassword('wrong', u.password_hash)));
      await assert.rejects(createUser(app.stores.meta, { email: 'ada@namur.be', name: 'x', password: 'another password' }, now), (e: AppError) => e.code === 'conflict');
      const org = await resolveOrganization(app.stores.meta, '92094', now);
      await grantRole(app.stores.meta, u.id, org.id, 'editor', now);
      const token = await createApiToken(app.stores.meta, u.id, 'test', now);
      const stored = await app.stores.meta.selectFrom('api_tokens').selectAll().where('user_id', '=', u.id).execute();
      assert.equal(stored.length, 1);
      assert.notEqual(stored[0].token_hash, token);
      assert.ok(!JSON.stringify(stored).includes(token));
      const actor = await actorFromToken(app.stores.meta, token, now);
      assert.equal(actor.kind, 'user');
      assert.equal(actor.kind === 'user' && actor.roles[org.id], 'editor');
      await assert.rejects(actorFromToken(app.stores.meta, token + 'x', now), (e: AppError) => e.code === 'invalid_token' && e.status === 401);
    });
  });
}
