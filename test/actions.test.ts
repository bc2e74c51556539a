import crypto from 'node:crypto';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { uploadTmpDir } from '../src/config.ts';
import iconv from 'iconv-lite';
import { backends, openTestApp } from './helpers/backends.ts';
import { publishSample } from './helpers/app.ts';
import { tempDir } from './helpers/paths.ts';
import type { App } from '../src/app.ts';
import { callAction } from '../src/actions/registry.ts';
import * as A from '../src/actions/index.ts';
import { AppError } from '../src/errors.ts';
import { createUser, createApiToken, actorFromToken, grantRole } from '../src/users/accounts.ts';
import { resolveOrganization } from '../src/catalog/organizations.ts';

const sys = { kind: 'system' } as const;
const anon = { kind: 'anonymous' } as const;

function file(name: string, content: string | Buffer): { path: string; name: string } {
  const p = path.join(tempDir('dv-act-'), name);
  fs.writeFileSync(p, content);
  return { path: p, name };
}

/** A file as the HTTP adapter saves an upload: the only files users' actions may read. */
function upload(app: App, name: string, content: string): { path: string; name: string } {
  const dir = uploadTmpDir(app.config);
  fs.mkdirSync(dir, { recursive: true });
  const p = path.join(dir, `upload-${crypto.randomUUID()}`);
  fs.writeFileSync(p, content);
  return { path: p, name };
}

async function counts(app: App) {
  const db = app.stores.meta;
  const n = async (t: 'datasets' | 'resources' | 'versions') => (await db.selectFrom(t).select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
  return { datasets: Number(await n('datasets')), resources: Number(await n('resources')), versions: Number(await n('versions')) };
}

for (const backend of backends()) {
  describe(`actions on ${backend.name}`, () => {
    let app: App;
    before(async () => { app = await openTestApp(backend); });
    after(async () => { await app.close(); });

    test('publishing a Windows-1252, ";", decimal-comma CSV with a title row: every value round-trips', async () => {
      const { datasetId, resourceId } = await publishSample(app);
      const shown = await callAction(A.showDataset, app.ctx(anon), { dataset: datasetId });
      assert.equal(shown.title.fr, 'Budget communal 2024');
      assert.equal(shown.organization.nisCode, '92094');
      assert.equal(shown.status, 'published');
      const rows = await callAction(A.queryRows, app.ctx(anon), { resource_id: resourceId });
      assert.equal(rows.total, 3);
      const recs = rows.records as Record<string, unknown>[];
      assert.deepEqual(recs.map((r) => r['Article']), ['104/123-01', '421/140-02', '722/724-60']);
      assert.deepEqual(recs.map((r) => r['Libellé']), ['Frais de bureau', 'Entretien voirie (été)', 'École: rénovation']);
      assert.deepEqual(recs.map((r) => r['Montant']), [1234.56, 12500, 250000]);
      assert.deepEqual(recs.map((r) => r['Date']), ['2024-02-03', '2024-03-15', '2024-06-01']);
      const audit = await callAction(A.showAudit, app.ctx(anon), { dataset: datasetId });
      assert.match(audit.audit.encoding.encoding, /windows-1252|iso-8859-1/);
      assert.equal(audit.audit.dialect?.delimiter, ';');
      assert.ok(audit.audit.errors.some((e) => e.type === 'footer-row'), 'the Source: footer is reported');
      assert.ok(audit.audit.errors.some((e) => e.type === 'title-row'), 'the title row is reported');
      const csv = await callAction(A.exportVersion, app.ctx(anon), { dataset: datasetId, format: 'csv' });
      const text = fs.readFileSync(csv.path, 'utf8');
      assert.match(text, /^Article,Libellé,Montant,Date\r?\n/);
      assert.match(text, /104\/123-01,Frais de bureau,1234\.56,2024-02-03/);
      assert.match(text, /"École: rénovation"|École: rénovation/);
    });

    test('a second version is served while the first stays readable', async () => {
      const { datasetId, resourceId } = await publishSample(app, { title: 'Versions' });
      const v2 = file('budget.csv', 'Article;Montant\n1;2,5\n2;3,5\n3;4,5\n4;5,5\n');
      const out = await callAction(A.addVersion, app.ctx(sys), { dataset: datasetId, file: v2 });
      assert.equal(out.version.number, 2);
      const latest = await callAction(A.queryRows, app.ctx(anon), { resource_id: resourceId });
      assert.equal(latest.total, 4);
      const first = await callAction(A.queryRows, app.ctx(anon), { resource_id: resourceId, version: 1 });
      assert.equal(first.total, 3);
      const list = await callAction(A.listVersionsAction, app.ctx(anon), { resource: resourceId });
      assert.deepEqual(list.versions.map((v) => v.number), [2, 1]);
    });

    const bad: [string, () => { path: string; name: string }, string][] = [
      ['an empty file', () => file('empty.csv', ''), 'empty_file'],
      ['a binary file', () => file('image.csv', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 0)])), 'binary_file'],
      ['a file with only a header', () => file('header.csv', 'a;b;c\n'), 'header_only'],
      ['a 50,000-column header', () => file('wide.csv', Array.from({ length: 50000 }, (_, i) => `c${i}`).join(';') + '\n' + Array.from({ length: 50000 }, () => '1').join(';') + '\n'), 'too_many_columns'],
      ['a truncated XLSX', () => file('book.xlsx', Buffer.from('PK\x03\x04rest')), 'unreadable_table'],
    ];
    for (const [what, make, code] of bad) {
      test(`${what} gets a clear error and changes nothing`, async () => {
        const before = await counts(app);
        await assert.rejects(callAction(A.publishFile, app.ctx(sys), { organization: '92094', title: 'Bad', file: make() }),
          (e: AppError) => { assert.equal(e.code, code, e.message); assert.ok(e.message.length > 30, 'the message explains'); return true; });
        assert.deepEqual(await counts(app), before);
      });
    }

    test('ragged rows are published and reported with their positions', async () => {
      const src = file('ragged.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n');
      const out = await callAction(A.publishFile, app.ctx(sys), { organization: '92094', title: 'Ragged', file: src });
      const types = out.audit.errors.map((e) => `${e.type}@${e.rowNumber}`);
      assert.ok(types.includes('missing-cell@3'), types.join());
      assert.ok(types.includes('extra-cell@4'), types.join());
      assert.ok(out.audit.score < 100);
      assert.ok(out.audit.deductions.length > 0);
    });

    test('an unknown organization or dataset is not found', async () => {
      await assert.rejects(callAction(A.publishFile, app.ctx(sys), { organization: '00000', title: 'x', file: file('a.csv', 'a\n1\n') }), (e: AppError) => e.code === 'organization_not_found');
      await assert.rejects(callAction(A.showDataset, app.ctx(anon), { dataset: 'nope' }), (e: AppError) => e.code === 'dataset_not_found' && e.status === 404);
      await assert.rejects(callAction(A.addVersion, app.ctx(sys), { dataset: 'nope', file: file('a.csv', 'a\n1\n') }), (e: AppError) => e.code === 'dataset_not_found');
    });

    test('roles: a viewer may not publish, an editor may, anonymous may not; internal datasets stay hidden', async () => {
      const now = new Date();
      const org = await resolveOrganization(app.stores.meta, '92094', now);
      const viewer = await createUser(app.stores.meta, { email: `viewer-${backend.name}@namur.be`, name: 'V', password: 'a long password here' }, now);
      const editor = await createUser(app.stores.meta, { email: `editor-${backend.name}@namur.be`, name: 'E', password: 'a long password here' }, now);
      await grantRole(app.stores.meta, viewer.id, org.id, 'viewer', now);
      await grantRole(app.stores.meta, editor.id, org.id, 'editor', now);
      const asViewer = app.ctx(await actorFromToken(app.stores.meta, await createApiToken(app.stores.meta, viewer.id, 't', now), now));
      const asEditor = app.ctx(await actorFromToken(app.stores.meta, await createApiToken(app.stores.meta, editor.id, 't', now), now));
      const before = await counts(app);
      await assert.rejects(callAction(A.publishFile, asViewer, { organization: '92094', title: 'x', file: file('a.csv', 'a\n1\n2\n') }), (e: AppError) => e.code === 'forbidden' && /editor/.test(e.message));
      await assert.rejects(callAction(A.publishFile, app.ctx(anon), { organization: '92094', title: 'x', file: file('a.csv', 'a\n1\n2\n') }), (e: AppError) => e.code === 'unauthenticated');
      // An editor of Namur may not create a dataset for a commune that has no organization here yet.
      await assert.rejects(callAction(A.publishFile, asEditor, { organization: '21004', title: 'x', file: file('a.csv', 'a\n1\n2\n') }), (e: AppError) => e.code === 'forbidden');
      assert.deepEqual(await counts(app), before);
      const out = await callAction(A.publishFile, asEditor, { organization: '92094', title: 'Registre interne', status: 'internal', file: upload(app, 'a.csv', 'nom\nA\nB\n') });
      await assert.rejects(callAction(A.showDataset, app.ctx(anon), { dataset: out.dataset.id }), (e: AppError) => e.code === 'dataset_not_found');
      const seen = await callAction(A.showDataset, asViewer, { dataset: out.dataset.id });
      assert.equal(seen.status, 'internal');
      const search = await callAction(A.searchDatasetsAction, app.ctx(anon), { q: 'registre interne' });
      assert.equal(search.total, 0);
      const searchMember = await callAction(A.searchDatasetsAction, asViewer, { q: 'registre interne' });
      assert.equal(searchMember.total, 1);
    });

    test('inventory: a planned dataset is created without data, published only once it has data', async () => {
      const created = await callAction(A.createDataset, app.ctx(sys), { organization: '92094', title: { fr: 'Registre des arbres', nl: 'Bomenregister' }, keywords: 'arbres, patrimoine' });
      assert.equal(created.status, 'planned');
      assert.deepEqual(created.keywords, ['arbres', 'patrimoine']);
      await assert.rejects(callAction(A.showDataset, app.ctx(anon), { dataset: created.id }), (e: AppError) => e.code === 'dataset_not_found');
      await assert.rejects(callAction(A.updateDataset, app.ctx(sys), { dataset: created.id, status: 'published' }), (e: AppError) => e.code === 'conflict' && /upload/i.test(e.message));
      await assert.rejects(callAction(A.createDataset, app.ctx(sys), { organization: '92094', title: 'x', status: 'published' }), (e: AppError) => e.code === 'conflict');
      await callAction(A.addVersion, app.ctx(sys), { dataset: created.id, file: file('arbres.csv', 'espece;hauteur\nHêtre;21,5\nChêne;18\n') });
      const updated = await callAction(A.updateDataset, app.ctx(sys), { dataset: created.id, status: 'published', description: 'Arbres remarquables' });
      assert.equal(updated.status, 'published');
      assert.equal(updated.title.nl, 'Bomenregister');
      assert.equal(updated.description.fr, 'Arbres remarquables');
      const shown = await callAction(A.showDataset, app.ctx(anon), { dataset: created.id });
      assert.equal(shown.resources.length, 1);
      assert.equal(shown.resources[0].latestVersion, 1);
    });

    test('metadata search is accent- and case-insensitive', async () => {
      await publishSample(app, { title: 'Écoles fondamentales de Liège', nis: '62063' });
      const r = await callAction(A.searchDatasetsAction, app.ctx(anon), { q: 'ECOLES liege' });
      assert.ok(r.datasets.some((d) => d.title.fr === 'Écoles fondamentales de Liège'));
      const none = await callAction(A.searchDatasetsAction, app.ctx(anon), { q: 'ecoles bruxelles' });
      assert.ok(!none.datasets.some((d) => d.title.fr === 'Écoles fondamentales de Liège'));
    });

    test('invalid input names the field and how to fix it', async () => {
      await assert.rejects(callAction(A.publishFile, app.ctx(sys), { organization: '92094', file: file('a.csv', 'a\n1\n') }),
        (e: AppError) => e.code === 'validation_failed' && /title/.test(e.message));
      await assert.rejects(callAction(A.updateDataset, app.ctx(sys), { dataset: 'x', temporalStart: '12/2020' }),
        (e: AppError) => e.code === 'validation_failed' && /temporalStart/.test(e.message));
    });

    test('an unknown encoding is refused clearly', async () => {
      // UTF-32 text has NULs in every character: neither a CSV we read nor UTF-16.
      const utf32 = Buffer.alloc(4 * 40);
      'nom;valeur\nabc;1\ndef;2\n'.split('').forEach((c, i) => utf32.writeUInt32LE(c.charCodeAt(0), i * 4));
      await assert.rejects(callAction(A.publishFile, app.ctx(sys), { organization: '92094', title: 'u32', file: file('u32.csv', utf32) }),
        (e: AppError) => ['unknown_encoding', 'binary_file'].includes(e.code));
      const koi8 = iconv.encode('Имя;Город\nИван;Москва\nАнна;Казань\n'.repeat(5), 'koi8-r');
      await assert.rejects(callAction(A.publishFile, app.ctx(sys), { organization: '92094', title: 'koi8', file: file('ru.csv', koi8) }),
        (e: AppError) => e.code === 'unknown_encoding' && /UTF-8/.test(e.message));
    });
  });
}

describe('interrupted publishes', () => {
  test('a version folder the catalog does not know is swept once old enough; known ones stay', async () => {
    const app = await openTestApp();
    try {
      const { resourceId } = await publishSample(app, { title: 'Sweep' });
      const sweep = async (ms: number) => (await callAction(A.sweepVersions, app.ctx(sys), { minAgeMinutes: ms / 60_000 })).removed;
      const orphan = path.join(app.stores.blobs.resolve('resources'), resourceId, 'not-in-catalog');
      fs.mkdirSync(orphan);
      fs.writeFileSync(path.join(orphan, 'data.parquet'), 'x');
      assert.equal(await sweep(3600_000), 0, 'too young: its commit may still be running');
      const old = new Date(Date.now() - 7200_000);
      fs.utimesSync(orphan, old, old);
      assert.equal(await sweep(3600_000), 1);
      await assert.rejects(callAction(A.sweepVersions, app.ctx(anon), {}), (e: AppError) => e.code === 'unauthenticated');
      assert.ok(!fs.existsSync(orphan));
      const rows = await callAction(A.queryRows, app.ctx(anon), { resource_id: resourceId });
      assert.equal(rows.total, 3);
    } finally {
      await app.close();
    }
  });
});
