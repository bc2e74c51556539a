import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, openTestApp } from './helpers/backends.ts';
import { callAction } from '../src/actions/registry.ts';
import { showOrganization, updateOrganization } from '../src/actions/index.ts';
import { resolveOrganization } from '../src/catalog/organizations.ts';
import { createApiToken, createUser, grantRole, actorFromToken } from '../src/users/accounts.ts';
import type { AppError } from '../src/errors.ts';
import { buildServer } from '../src/http/server.ts';
import { memberToken } from './helpers/users.ts';

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

    test('the general phone number: Belgian national or international forms, stored in E.164; a wrong number is refused with what to write', async () => {
      const org = await resolveOrganization(app.stores.meta, '92094', new Date());
      const ctx = app.ctx(await actorFromToken(app.stores.meta, await memberToken(app, 'phone@namur.be', 'admin'), new Date()));
      const stored = async () => (await app.stores.meta.selectFrom('organizations').select('phone').where('id', '=', org.id).executeTakeFirstOrThrow()).phone;

      const out = await callAction(updateOrganization, ctx, { organization: '92094', phone: '02 123 45 67' });
      assert.equal(out.phone, '+3221234567');
      assert.equal(await stored(), '+3221234567');
      assert.equal((await callAction(showOrganization, app.ctx({ kind: 'anonymous' }), { organization: '92094' })).phone, '+3221234567');
      for (const [written, e164] of [['+32 (0)81 24 86 11', '+3281248611'], ['0032 81 24 86 11', '+3281248611'], ['081/24.86.11', '+3281248611'], ['0471 12 34 56', '+32471123456'], ['+33 1 23 45 67 89', '+33123456789']]) {
        assert.equal((await callAction(updateOrganization, ctx, { organization: '92094', phone: written })).phone, e164, written);
      }
      // Other fields leave the phone alone.
      await callAction(updateOrganization, ctx, { organization: '92094', email: 'info@namur.be' });
      assert.equal(await stored(), '+33123456789');

      await assert.rejects(callAction(updateOrganization, ctx, { organization: '92094', phone: '12345' }), (e: AppError) => {
        assert.equal(e.code, 'validation_failed');
        assert.match(e.message, /phone: "12345" is not a phone number: it has too few digits for Belgium/);
        assert.match(e.message, /with its zone prefix, e\.g\. "081 24 86 11" or "\+32 81 24 86 11"/);
        return true;
      });
      await assert.rejects(callAction(updateOrganization, ctx, { organization: '92094', phone: 'call 081 24 86 11' }),
        (e: AppError) => e.code === 'validation_failed' && /phone: "call 081 24 86 11" is not a phone number: only digits/.test(e.message));
      await assert.rejects(callAction(updateOrganization, ctx, { organization: '92094', phone: '+32 81 24 86 11 22 33 44' }),
        (e: AppError) => e.code === 'validation_failed' && /too many digits/.test(e.message));
      assert.equal(await stored(), '+33123456789', 'a refused number changes nothing');

      // Empty text and null remove it.
      assert.equal((await callAction(updateOrganization, ctx, { organization: '92094', phone: '  ' })).phone, null);
      await callAction(updateOrganization, ctx, { organization: '92094', phone: '081 24 86 11' });
      assert.equal((await callAction(updateOrganization, ctx, { organization: '92094', phone: null })).phone, null);
      assert.equal(await stored(), null);
    });

    test("the organization's page shows its identity and links its staff to the register, the DPO's queue and the jobs; a homepage must be a web address", async () => {
      const org = await resolveOrganization(app.stores.meta, '92094', new Date());
      const ctx = app.ctx(await actorFromToken(app.stores.meta, await memberToken(app, 'page@namur.be', 'admin'), new Date()));
      await assert.rejects(callAction(updateOrganization, ctx, { organization: '92094', homepage: 'javascript:alert(1)' }),
        (e: AppError) => e.code === 'validation_failed' && /must be a web address starting with https:\/\//.test(e.message));
      await callAction(updateOrganization, ctx, { organization: '92094', enterpriseNumber: '0123.456.749', homepage: 'https://www.namur.be', email: 'opendata@namur.be', phone: '081 24 86 11' });
      const server = await buildServer(app);
      try {
        const page = await server.inject({ url: `/organizations/${org.slug}?lang=fr` });
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /0123\.456\.749/);
        assert.match(page.body, /href="https:\/\/www\.namur\.be"/);
        assert.match(page.body, /href="mailto:opendata@namur\.be"/);
        assert.match(page.body, /href="tel:\+3281248611"/);
        assert.match(page.body, new RegExp(`href="/organizations/${org.slug}/register\\?lang=fr">Registre des activités de traitement`));
        assert.match(page.body, /href="\/privacy\?lang=fr">Versions en attente du délégué/);
        const json = await server.inject({ url: `/organizations/${org.slug}.json` });
        assert.equal(json.json().organization.phone, '+3281248611');
      } finally {
        await server.close();
      }
    });
  });
}
