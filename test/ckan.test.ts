import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { Portal, Action } from 'ckanapi';
import { backends, publishSample, startTestApp } from './helpers/app.ts';
import type { App } from '../src/app.ts';
import { callAction } from '../src/actions/registry.ts';
import { createDataset, updateDataset } from '../src/actions/datasets.ts';
import { ckanDatastoreSearchSql } from '../src/actions/ckan.ts';
import { resolveOrganization } from '../src/catalog/organizations.ts';
import { versionPaths } from '../src/catalog/versions.ts';
import { createApiToken, createUser, grantRole } from '../src/users/accounts.ts';
import type { Logger } from '../src/context.ts';

const TREES = 'espece;hauteur;circonference\nChêne;25;310\nHêtre;30;280\nTilleul;18;190\nChêne;22;250\nPlatane;35;400\n';
const BOMEN = 'soort;hoogte;espece\nEik;20;Chêne\nBeuk;28;Hêtre\nLinde;15;Tilleul\n';

/** Checks a value against a shape: a type name per field ('string', 'number', 'boolean', 'array', 'object', 'null'), '?' suffix allows null. */
function assertShape(value: Record<string, unknown>, shape: Record<string, string>, where: string) {
  for (const [key, type] of Object.entries(shape)) {
    assert.ok(key in value, `${where}: field ${key} is missing`);
    const v = value[key];
    const actual = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
    const allowed = type.endsWith('?') ? [type.slice(0, -1), 'null'] : [type];
    assert.ok(allowed.includes(actual), `${where}: ${key} is ${actual}, CKAN gives ${type}`);
  }
}

const PACKAGE_SHAPE = {
  id: 'string', name: 'string', title: 'string', notes: 'string?', url: 'string?', version: 'string?', state: 'string', private: 'boolean',
  type: 'string', license_id: 'string?', license_title: 'string?', license_url: 'string?', isopen: 'boolean', author: 'string?', author_email: 'string?',
  maintainer: 'string?', maintainer_email: 'string?', metadata_created: 'string', metadata_modified: 'string', creator_user_id: 'string?',
  owner_org: 'string', organization: 'object', tags: 'array', groups: 'array', extras: 'array', resources: 'array', num_resources: 'number',
  num_tags: 'number', relationships_as_object: 'array', relationships_as_subject: 'array', title_translated: 'object', notes_translated: 'object',
};
const RESOURCE_SHAPE = {
  id: 'string', package_id: 'string', name: 'string', description: 'string?', format: 'string', url: 'string', mimetype: 'string?', size: 'number?',
  created: 'string', last_modified: 'string?', metadata_modified: 'string?', datastore_active: 'boolean', position: 'number', state: 'string',
  url_type: 'string?', hash: 'string', cache_url: 'string?', mimetype_inner: 'string?', resource_type: 'string?',
};
const ORGANIZATION_SHAPE = {
  id: 'string', name: 'string', title: 'string', display_name: 'string', type: 'string', description: 'string', image_url: 'string',
  created: 'string', is_organization: 'boolean', approval_status: 'string', state: 'string', package_count: 'number', extras: 'array',
};
/** CKAN's own timestamps: UTC, no zone, microseconds. */
const CKAN_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

for (const backend of backends()) {
  describe(`CKAN Action API v3 on ${backend.name}`, () => {
    let app: App;
    let server: FastifyInstance;
    let close: () => Promise<void>;
    let memberToken: string;
    const ids: Record<string, { datasetId: string; resourceId: string }> = {};
    let plannedId: string;

    const system = () => app.ctx({ kind: 'system' });
    const call = async (action: string, params: Record<string, unknown> = {}, opts: { method?: 'GET' | 'POST'; headers?: Record<string, string> } = {}) => {
      const method = opts.method ?? 'GET';
      const req: InjectOptions = method === 'GET'
        ? { method, url: `/api/3/action/${action}?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))}`, headers: opts.headers }
        : { method, url: `/api/3/action/${action}`, payload: params, headers: opts.headers };
      const res = await server.inject(req);
      return { status: res.statusCode, body: res.json() };
    };
    const ok = async (action: string, params: Record<string, unknown> = {}, opts: { method?: 'GET' | 'POST'; headers?: Record<string, string> } = {}) => {
      const r = await call(action, params, opts);
      assert.equal(r.status, 200, `${action} ${JSON.stringify(params)} -> ${JSON.stringify(r.body).slice(0, 500)}`);
      assert.equal(r.body.success, true);
      assert.match(r.body.help, new RegExp(`/api/3/action/help_show\\?name=${action}$`));
      return r.body.result;
    };
    const failed = async (action: string, params: Record<string, unknown>, status: number, type: string, opts: { method?: 'GET' | 'POST'; headers?: Record<string, string> } = {}) => {
      const r = await call(action, params, opts);
      assert.equal(r.status, status, `${action} ${JSON.stringify(params)} -> ${JSON.stringify(r.body).slice(0, 500)}`);
      assert.equal(r.body.success, false);
      assert.equal(typeof r.body.help, 'string');
      assert.equal(r.body.error.__type, type);
      assert.ok(typeof r.body.error.message === 'string' && r.body.error.message.length > 20, r.body.error.message);
      assert.equal(r.body.result, undefined);
      return r.body.error;
    };
    const member = () => ({ authorization: memberToken });

    before(async () => {
      ({ app, server, close } = await startTestApp(backend));
      const now = new Date();
      const namur = await resolveOrganization(app.stores.meta, '92094', now);
      await resolveOrganization(app.stores.meta, '44021', now);
      const u = await createUser(app.stores.meta, { email: 'viewer@namur.be', name: 'Viewer', password: 'a long password here' }, now);
      await grantRole(app.stores.meta, u.id, namur.id, 'viewer', now);
      memberToken = await createApiToken(app.stores.meta, u.id, 'ckan', now);

      ids.budget = await publishSample(app, { title: 'Budget communal 2024' });
      await callAction(updateDataset, system(), { dataset: ids.budget.datasetId, keywords: ['budget', 'finances'], theme: 'GOVE', licence: 'CC-BY-4.0', description: 'Les dépenses de la commune.' });
      ids.trees = await publishSample(app, { title: 'Arbres remarquables', csv: TREES, encoding: 'utf-8' });
      await callAction(updateDataset, system(), { dataset: ids.trees.datasetId, keywords: ['arbres', 'environnement'], theme: 'ENVI', licence: 'CC0-1.0' });
      ids.bomen = await publishSample(app, { title: 'Bomen', csv: BOMEN, encoding: 'utf-8', nis: '44021' });
      // "cc-by" is another spelling of CC-BY-4.0: it must count as the same licence.
      await callAction(updateDataset, system(), { dataset: ids.bomen.datasetId, title: { fr: 'Arbres de Gand' }, keywords: ['bomen', 'arbres'], theme: 'http://publications.europa.eu/resource/authority/data-theme/ENVI', licence: 'cc-by' });
      ids.internal = await publishSample(app, { title: 'Registre interne des dépenses', status: 'internal' });
      await callAction(updateDataset, system(), { dataset: ids.internal.datasetId, keywords: ['budget', 'secret-interne'] });
      plannedId = (await callAction(createDataset, system(), { organization: '92094', title: 'Projet de cadastre', status: 'planned' })).id;
    });
    after(async () => { await close(); });

    test('package_list: the names of published datasets, sorted; GET and POST alike', async () => {
      const names = await ok('package_list');
      assert.deepEqual(names, ['gand-44021--bomen', 'namur-92094--arbres-remarquables', 'namur-92094--budget-communal-2024']);
      assert.deepEqual(await ok('package_list', {}, { method: 'POST' }), names);
      assert.deepEqual(await ok('package_list', { limit: 1, offset: 1 }), [names[1]]);
      assert.deepEqual(await ok('package_list', { limit: '1', offset: '2' }, { method: 'POST' }), [names[2]]);
    });

    test('package_show: CKAN field names and types, by id, name or org/slug', async () => {
      const p = await ok('package_show', { id: ids.trees.datasetId });
      assertShape(p, PACKAGE_SHAPE, 'package');
      assert.equal(p.name, 'namur-92094--arbres-remarquables');
      assert.equal(p.private, false);
      assert.equal(p.state, 'active');
      assert.equal(p.license_id, 'CC0-1.0');
      assert.equal(p.isopen, true);
      assert.match(p.metadata_created, CKAN_TIME);
      assert.match(p.metadata_modified, CKAN_TIME);
      assert.deepEqual(p.tags.map((t: { name: string }) => t.name), ['arbres', 'environnement']);
      for (const t of p.tags) assertShape(t, { id: 'string', name: 'string', display_name: 'string', state: 'string', vocabulary_id: 'null' }, 'tag');
      assert.deepEqual(p.groups.map((g: { name: string }) => g.name), ['envi']);
      assertShape(p.organization, { id: 'string', name: 'string', title: 'string', type: 'string', is_organization: 'boolean', state: 'string' }, 'package organization');
      assert.equal(p.organization.name, 'namur-92094');
      assert.equal(p.owner_org, p.organization.id);
      for (const e of p.extras) assertShape(e, { key: 'string', value: 'string' }, 'extra');
      assert.ok(p.extras.some((e: { key: string; value: string }) => e.key === 'theme' && e.value.endsWith('/data-theme/ENVI')));
      assert.equal(p.num_resources, 1);
      const r = p.resources[0];
      assertShape(r, RESOURCE_SHAPE, 'resource');
      assert.equal(r.id, ids.trees.resourceId);
      assert.equal(r.package_id, p.id);
      assert.equal(r.format, 'CSV');
      assert.equal(r.datastore_active, true);
      assert.equal(r.position, 0);
      // The resource URL downloads the table.
      const dl = await server.inject({ url: new URL(r.url).pathname + new URL(r.url).search });
      assert.equal(dl.statusCode, 200);
      assert.match(dl.body, /^espece,hauteur,circonference/m);

      assert.deepEqual(await ok('package_show', { id: 'namur-92094--arbres-remarquables' }), p);
      assert.deepEqual(await ok('package_show', { id: 'namur-92094/arbres-remarquables' }, { method: 'POST' }), p);
    });

    test('titles: the organization\'s language first, every language in title_translated (ckanext-fluent)', async () => {
      const p = await ok('package_show', { id: 'gand-44021--bomen' });
      assert.equal(p.title, 'Bomen');
      assert.deepEqual(p.title_translated, { nl: 'Bomen', fr: 'Arbres de Gand' });
      assert.equal(p.organization.title, 'Gent');
      assert.equal(p.license_id, 'CC-BY-4.0');
      const b = await ok('package_show', { id: ids.budget.datasetId });
      assert.equal(b.notes, 'Les dépenses de la commune.');
      assert.deepEqual(b.notes_translated, { fr: 'Les dépenses de la commune.' });
    });

    test('unknown or unpublished datasets: 404 Not Found Error for those who may not see them', async () => {
      await failed('package_show', { id: 'no-such-dataset' }, 404, 'Not Found Error');
      await failed('package_show', { id: ids.internal.datasetId }, 404, 'Not Found Error');
      await failed('package_show', { id: plannedId }, 404, 'Not Found Error', { method: 'POST' });
      await failed('resource_show', { id: ids.internal.resourceId }, 404, 'Not Found Error');
      await failed('datastore_search', { resource_id: ids.internal.resourceId }, 404, 'Not Found Error');
      const missing = await failed('package_show', {}, 409, 'Validation Error');
      assert.ok(Array.isArray(missing.id), 'a validation error lists its messages per field, as CKAN does');
      // A member of the organization sees them, marked private, with CKAN's bare token or X-CKAN-API-Key.
      const p = await ok('package_show', { id: ids.internal.datasetId }, { headers: member() });
      assert.equal(p.private, true);
      assert.equal((await ok('package_show', { id: plannedId }, { headers: { 'x-ckan-api-key': memberToken } })).private, true);
      assert.equal((await ok('package_show', { id: plannedId }, { headers: { authorization: `Bearer ${memberToken}` } })).num_resources, 0);
      await failed('package_show', { id: plannedId }, 403, 'Authorization Error', { headers: { authorization: 'not-a-token' } });
    });

    test('package_search: count, results, sort, rows and start', async () => {
      const r = await ok('package_search');
      assertShape(r, { count: 'number', results: 'array', facets: 'object', search_facets: 'object', sort: 'string' }, 'package_search');
      assert.equal(r.count, 3);
      assert.equal(r.sort, 'score desc, metadata_modified desc');
      assert.deepEqual(r.facets, {});
      assert.deepEqual(r.search_facets, {});
      for (const p of r.results) assertShape(p, PACKAGE_SHAPE, 'search result');
      assert.deepEqual(await ok('package_search', {}, { method: 'POST' }), r);
      // Newest first by default.
      assert.deepEqual(r.results.map((p: { name: string }) => p.name), ['gand-44021--bomen', 'namur-92094--arbres-remarquables', 'namur-92094--budget-communal-2024']);

      const byName = await ok('package_search', { sort: 'name asc', rows: 2 });
      assert.equal(byName.count, 3);
      assert.deepEqual(byName.results.map((p: { name: string }) => p.name), ['gand-44021--bomen', 'namur-92094--arbres-remarquables']);
      assert.equal(byName.sort, 'name asc');
      const next = await ok('package_search', { sort: 'name asc', rows: '2', start: '2' });
      assert.deepEqual(next.results.map((p: { name: string }) => p.name), ['namur-92094--budget-communal-2024']);
      assert.deepEqual((await ok('package_search', { sort: 'name asc', rows: 2, start: 4 })).results, []);
      const byTitle = await ok('package_search', { sort: 'title_string desc' }, { method: 'POST' });
      assert.deepEqual(byTitle.results.map((p: { title: string }) => p.title), ['Budget communal 2024', 'Bomen', 'Arbres remarquables']);
      // The CKAN harvester pages with sort=id asc and rows=100 until a page is empty.
      const seen: string[] = [];
      for (let start = 0; ; start += 1) {
        const pageOf = await ok('package_search', { sort: 'id asc', rows: 1, start });
        if (!pageOf.results.length) break;
        seen.push(pageOf.results[0].id);
      }
      assert.deepEqual(seen, [...seen].sort());
      assert.equal(new Set(seen).size, 3);
      const fl = await ok('package_search', { fl: 'id,name', rows: 1 });
      assert.deepEqual(Object.keys(fl.results[0]).sort(), ['id', 'name']);
    });

    test('package_search: q and fq in Solr syntax', async () => {
      const names = async (params: Record<string, unknown>, opts = {}) => (await ok('package_search', { sort: 'name asc', ...params }, opts)).results.map((p: { name: string }) => p.name);
      assert.deepEqual(await names({ q: 'budget' }), ['namur-92094--budget-communal-2024']);
      assert.deepEqual(await names({ q: 'DÉPENSES commune' }), ['namur-92094--budget-communal-2024']);
      assert.deepEqual(await names({ q: '*:*' }), await names({}));
      assert.deepEqual(await names({ q: 'tags:arbres' }), ['gand-44021--bomen', 'namur-92094--arbres-remarquables']);
      assert.deepEqual(await names({ fq: 'organization:namur-92094' }), ['namur-92094--arbres-remarquables', 'namur-92094--budget-communal-2024']);
      assert.deepEqual(await names({ fq: 'organization:namur-92094 tags:"arbres"' }), ['namur-92094--arbres-remarquables']);
      assert.deepEqual(await names({ fq: '-organization:namur-92094' }), ['gand-44021--bomen']);
      assert.deepEqual(await names({ fq: 'organization:gand-44021 OR organization:namur-92094' }), await names({}));
      assert.deepEqual(await names({ fq: 'groups:envi' }), ['gand-44021--bomen', 'namur-92094--arbres-remarquables']);
      assert.deepEqual(await names({ fq: 'license_id:CC-BY-4.0' }), ['gand-44021--bomen', 'namur-92094--budget-communal-2024']);
      assert.deepEqual(await names({ fq: 'res_format:CSV AND tags:(budget OR bomen)' }), ['gand-44021--bomen', 'namur-92094--budget-communal-2024']);
      assert.deepEqual(await names({ fq: 'metadata_modified:[2000-01-01T00:00:00Z TO *]' }), await names({}));
      assert.deepEqual(await names({ fq: 'metadata_modified:[NOW+1DAY TO *]' }), []);
      assert.deepEqual(await names({ fq: `id:${ids.bomen.datasetId}` }), ['gand-44021--bomen']);
      assert.deepEqual(await names({ fq: 'name:namur-92094--b*' }), ['namur-92094--budget-communal-2024']);
      assert.deepEqual(await names({ fq_list: ['organization:namur-92094', 'groups:gove'] }, { method: 'POST' }), ['namur-92094--budget-communal-2024']);
      assert.deepEqual(await names({ fq: 'state:active +type:dataset capacity:public' }), await names({}));

      await failed('package_search', { fq: 'organization:(namur' }, 400, 'Search Query Error');
      await failed('package_search', { fq: 'colour:blue' }, 400, 'Search Query Error');
      await failed('package_search', { sort: 'popularity desc' }, 400, 'Search Query Error');
      await failed('package_search', { fq: 'metadata_modified:[yesterday TO *]' }, 400, 'Search Query Error');
      await failed('package_search', { rows: 'many' }, 409, 'Validation Error');
    });

    test('package_search: facets (facet.field, facet.limit, facet.mincount) and search_facets', async () => {
      const fields = ['organization', 'tags', 'res_format', 'license_id', 'groups'];
      const r = await ok('package_search', { 'facet.field': fields, rows: 0 });
      assert.equal(r.count, 3);
      assert.deepEqual(r.results, []);
      assert.deepEqual(r.facets.organization, { 'namur-92094': 2, 'gand-44021': 1 });
      assert.deepEqual(r.facets.tags, { arbres: 2, bomen: 1, budget: 1, environnement: 1, finances: 1 });
      assert.deepEqual(r.facets.res_format, { CSV: 3 });
      assert.deepEqual(r.facets.license_id, { 'CC-BY-4.0': 2, 'CC0-1.0': 1 });
      assert.deepEqual(r.facets.groups, { envi: 2, gove: 1 });
      assert.deepEqual(r.search_facets.organization, {
        title: 'organization',
        items: [{ name: 'namur-92094', display_name: 'Namur', count: 2 }, { name: 'gand-44021', display_name: 'Gent', count: 1 }],
      });
      assert.equal(r.search_facets.groups.items[0].display_name, 'Environment');
      // The same as a JSON text in a query string, as CKAN's own UI sends it.
      const get = await ok('package_search', { 'facet.field': JSON.stringify(fields), rows: '0' });
      assert.deepEqual(get.facets, r.facets);
      const limited = await ok('package_search', { 'facet.field': ['tags'], 'facet.limit': 1, 'facet.mincount': 1, rows: 0 });
      assert.deepEqual(limited.facets.tags, { arbres: 2 });
      const min2 = await ok('package_search', { 'facet.field': '["tags","organization"]', 'facet.mincount': '2', rows: '0' });
      assert.deepEqual(min2.facets, { tags: { arbres: 2 }, organization: { 'namur-92094': 2 } });
      const filtered = await ok('package_search', { fq: 'organization:namur-92094', 'facet.field': ['tags'], 'facet.limit': -1 }, { method: 'POST' });
      assert.deepEqual(filtered.facets.tags, { arbres: 1, budget: 1, environnement: 1, finances: 1 });
      assert.deepEqual((await ok('package_search', { 'facet.field': ['tags'], facet: 'false' })).facets, {});
      await failed('package_search', { 'facet.field': ['colour'] }, 400, 'Search Query Error');
    });

    test('package_search: internal and planned datasets only for members, with include_private', async () => {
      assert.equal((await ok('package_search', { include_private: true })).count, 3);
      assert.equal((await ok('package_search', { q: 'secret' })).count, 0);
      assert.equal((await ok('package_search', {}, { headers: member() })).count, 3);
      const mine = await ok('package_search', { include_private: 'true', 'facet.field': ['tags'], sort: 'name asc' }, { headers: member() });
      assert.equal(mine.count, 5);
      assert.deepEqual(mine.results.filter((p: { private: boolean }) => p.private).map((p: { id: string }) => p.id).sort(), [ids.internal.datasetId, plannedId].sort());
      assert.equal(mine.facets.tags['secret-interne'], 1);
      assert.equal((await ok('package_search', { include_private: true, fq: 'private:true' }, { headers: member() })).count, 2);
    });

    test('organization_list and organization_show', async () => {
      assert.deepEqual(await ok('organization_list'), ['gand-44021', 'namur-92094']);
      const all = await ok('organization_list', { all_fields: true, include_dataset_count: true, sort: 'package_count desc' }, { method: 'POST' });
      assert.deepEqual(all.map((o: { name: string; package_count: number }) => [o.name, o.package_count]), [['namur-92094', 2], ['gand-44021', 1]]);
      assert.deepEqual(await ok('organization_list', { organizations: ['gand-44021'] }), ['gand-44021']);
      const org = await ok('organization_show', { id: 'namur-92094' });
      assertShape(org, ORGANIZATION_SHAPE, 'organization');
      assert.equal(org.package_count, 2);
      assert.match(org.created, CKAN_TIME);
      assert.ok(org.extras.some((e: { key: string; value: string }) => e.key === 'nis_code' && e.value === '92094'));
      assert.deepEqual(await ok('organization_show', { id: '92094' }), org);
      assert.deepEqual(await ok('organization_show', { id: org.id }, { method: 'POST' }), org);
      const withData = await ok('organization_show', { id: 'namur-92094', include_datasets: true });
      assert.deepEqual(withData.packages.map((p: { name: string }) => p.name).sort(), ['namur-92094--arbres-remarquables', 'namur-92094--budget-communal-2024']);
      const asMember = await ok('organization_show', { id: 'namur-92094', include_datasets: 'true' }, { headers: member() });
      assert.equal(asMember.packages.length, 4);
      await failed('organization_show', { id: 'atlantis' }, 404, 'Not Found Error');
    });

    test('group_list and group_show: the themes', async () => {
      const names = await ok('group_list', { sort: 'name asc' });
      assert.ok(names.includes('envi') && names.includes('gove') && names.includes('tran'));
      const groups = await ok('group_list', { all_fields: true, include_dataset_count: true, groups: ['envi', 'gove'], sort: 'package_count desc' });
      assert.deepEqual(groups.map((g: { name: string; package_count: number }) => [g.name, g.package_count]), [['envi', 2], ['gove', 1]]);
      const envi = await ok('group_show', { id: 'envi', include_datasets: true });
      assertShape(envi, { id: 'string', name: 'string', title: 'string', display_name: 'string', type: 'string', is_organization: 'boolean', package_count: 'number', packages: 'array' }, 'group');
      assert.equal(envi.title, 'Environment');
      assert.equal(envi.title_translated.nl, 'Milieu');
      assert.deepEqual(envi.packages.map((p: { name: string }) => p.name).sort(), ['gand-44021--bomen', 'namur-92094--arbres-remarquables']);
      await failed('group_show', { id: 'astrology' }, 404, 'Not Found Error');
    });

    test('tag_list: keywords of published datasets', async () => {
      assert.deepEqual(await ok('tag_list'), ['arbres', 'bomen', 'budget', 'environnement', 'finances']);
      assert.deepEqual(await ok('tag_list', { query: 'BO' }, { method: 'POST' }), ['bomen']);
      const dicts = await ok('tag_list', { all_fields: true });
      for (const t of dicts) assertShape(t, { id: 'string', name: 'string', vocabulary_id: 'null' }, 'tag');
      await failed('tag_list', { vocabulary_id: 'countries' }, 404, 'Not Found Error');
    });

    test('resource_show, status_show, help_show', async () => {
      const r = await ok('resource_show', { id: ids.bomen.resourceId });
      assertShape(r, RESOURCE_SHAPE, 'resource');
      assert.equal(r.package_id, ids.bomen.datasetId);
      assert.deepEqual(await ok('resource_show', { id: ids.bomen.resourceId }, { method: 'POST' }), r);
      await failed('resource_show', { id: 'nope' }, 404, 'Not Found Error');
      const s = await ok('status_show');
      assertShape(s, { site_title: 'string', site_url: 'string', ckan_version: 'string', extensions: 'array' }, 'status');
      assert.ok(s.extensions.includes('datastore'));
      assert.match(await ok('help_show', { name: 'package_search' }), /facet\.field/);
      await failed('help_show', { name: 'package_create' }, 404, 'Not Found Error');
    });

    test('datastore_search: the row query in CKAN\'s envelope, GET and POST, id or resource_id', async () => {
      const get = await ok('datastore_search', { resource_id: ids.trees.resourceId, filters: { espece: 'Chêne' }, sort: 'hauteur desc' });
      assert.deepEqual(get.records.map((r: { hauteur: number }) => r.hauteur), [25, 22]);
      assert.equal(get.total, 2);
      assert.deepEqual(get.fields.map((f: { id: string }) => f.id), ['_id', 'espece', 'hauteur', 'circonference']);
      const { _links, ...post } = await ok('datastore_search', { id: ids.trees.resourceId, filters: { espece: 'Chêne' }, sort: 'hauteur desc' }, { method: 'POST' });
      const { _links: getLinks, ...rest } = get;
      assert.deepEqual(post, rest);
      assert.match(getLinks.start, /^\/api\/3\/action\/datastore_search\?resource_id=/);
      assert.match(_links.start, /^\/api\/3\/action\/datastore_search\?id=/);
      const page = await ok('datastore_search', { resource_id: ids.trees.resourceId, limit: 2 });
      assert.match(page._links.next, /offset=2/);
      const next = await server.inject({ url: page._links.next });
      assert.deepEqual(next.json().result.records.map((r: { _id: number }) => r._id), [3, 4]);
      await failed('datastore_search', { resource_id: 'nope' }, 404, 'Not Found Error');
      await failed('datastore_search', { resource_id: ids.trees.resourceId, filters: { colour: 'green' } }, 409, 'Validation Error');
    });

    test('an unknown action is a 400 with CKAN\'s text', async () => {
      for (const method of ['GET', 'POST'] as const) {
        const res = await server.inject({ method, url: '/api/3/action/package_create', ...(method === 'POST' ? { payload: {} } : {}) });
        assert.equal(res.statusCode, 400);
        assert.match(res.json(), /^Bad request - Action name not known: package_create/);
      }
      assert.deepEqual((await server.inject({ url: '/api/3' })).json(), { version: 3 });
      // Without the version, as the Python ckanapi client calls it.
      assert.equal((await server.inject({ url: '/api/action/package_list' })).json().result.length, 3);
    });

    test('bodies as CKAN clients send them: JSON labelled as a form (curl -d), forms, text', async () => {
      const asForm = await server.inject({ method: 'POST', url: '/api/3/action/package_show', payload: JSON.stringify({ id: 'gand-44021--bomen' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(asForm.json().result.name, 'gand-44021--bomen');
      const form = await server.inject({ method: 'POST', url: '/api/3/action/package_search', payload: 'fq=organization%3Agand-44021&rows=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(form.json().result.count, 1);
      const text = await server.inject({ method: 'POST', url: '/api/3/action/package_show', payload: JSON.stringify({ id: 'gand-44021--bomen' }), headers: { 'content-type': 'text/plain' } });
      assert.equal(text.json().result.name, 'gand-44021--bomen');
      const list = await server.inject({ method: 'POST', url: '/api/3/action/package_show', payload: '[1]', headers: { 'content-type': 'application/json' } });
      assert.equal(list.json().success, false);
    });

    test('request/response pairs modelled on CKAN\'s API documentation', async () => {
      // docs.ckan.org "Making an API request": GET /api/3/action/group_list -> {"help", "success": true, "result": [...]}
      const groups = (await server.inject({ url: '/api/3/action/group_list' })).json();
      assert.deepEqual(Object.keys(groups).sort(), ['help', 'result', 'success']);
      assert.ok(Array.isArray(groups.result) && groups.result.every((g: unknown) => typeof g === 'string'));
      // "package_search?q=spending" -> result {count, sort, facets, results, search_facets}
      const search = (await server.inject({ url: '/api/3/action/package_search?q=budget' })).json();
      assert.deepEqual(Object.keys(search.result).sort(), ['count', 'facets', 'results', 'search_facets', 'sort']);
      // POST {"fq": "tags:economy", "rows": 0, "facet.field": ["tags"]}: only the counts.
      const counts = (await server.inject({ method: 'POST', url: '/api/3/action/package_search', payload: { fq: 'tags:arbres', rows: 0, 'facet.field': ['tags'] } })).json();
      assert.deepEqual(counts.result.facets.tags, { arbres: 2, bomen: 1, environnement: 1 });
      // An error: {"help": "...", "success": false, "error": {"__type": "Not Found Error", "message": "Not found"}} with status 404.
      const missing = await server.inject({ url: '/api/3/action/package_show?id=does-not-exist' });
      assert.equal(missing.statusCode, 404);
      assert.deepEqual(Object.keys(missing.json()).sort(), ['error', 'help', 'success']);
      assert.match(missing.json().error.message, /^Not found/);
      // datastore_search_sql: {"sql": "SELECT * from \"<resource id>\" WHERE title LIKE 'jones'"} -> {records, fields, sql}
      const sqlRes = (await server.inject({ url: `/api/3/action/datastore_search_sql?sql=${encodeURIComponent(`SELECT * from "${ids.trees.resourceId}" WHERE espece LIKE 'Ch%'`)}` })).json();
      assert.deepEqual(Object.keys(sqlRes.result).sort(), ['fields', 'records', 'sql']);
      assert.equal(sqlRes.result.records.length, 2);
    });

    test('datastore_search_sql: a SELECT with WHERE and GROUP BY over one published table', async () => {
      const sql = `SELECT espece, count(*) AS n, max(hauteur) AS plus_haut FROM "${ids.trees.resourceId}" WHERE hauteur > 20 GROUP BY espece ORDER BY espece`;
      const r = await ok('datastore_search_sql', { sql });
      assert.equal(r.sql, sql);
      assert.deepEqual(r.fields, [{ id: 'espece', type: 'text' }, { id: 'n', type: 'int8' }, { id: 'plus_haut', type: 'int8' }]);
      assert.deepEqual(r.records, [{ espece: 'Chêne', n: 2, plus_haut: 25 }, { espece: 'Hêtre', n: 1, plus_haut: 30 }, { espece: 'Platane', n: 1, plus_haut: 35 }]);
      assert.equal(r.records_truncated, undefined);
      assert.deepEqual(await ok('datastore_search_sql', { sql }, { method: 'POST' }), r);
      // CKAN's own rows: _id first.
      const first = await ok('datastore_search_sql', { sql: `SELECT * FROM "${ids.trees.resourceId.toUpperCase()}" ORDER BY _id LIMIT 1` });
      assert.deepEqual(first.records, [{ _id: 1, espece: 'Chêne', hauteur: 25, circonference: 310 }]);
    });

    test('datastore_search_sql: a join of two published tables, and WITH', async () => {
      const sql = `WITH namur AS (SELECT espece, hauteur FROM "${ids.trees.resourceId}")
        SELECT n.espece, b.soort, n.hauteur, b.hoogte FROM namur n JOIN "${ids.bomen.resourceId}" b ON b.espece = n.espece ORDER BY n.hauteur DESC`;
      const r = await ok('datastore_search_sql', { sql }, { method: 'POST' });
      assert.deepEqual(r.records.map((x: { soort: string }) => x.soort), ['Beuk', 'Eik', 'Eik', 'Linde']);
    });

    test('datastore_search_sql refuses what is not one SELECT over published tables, clearly', async () => {
      const rid = ids.trees.resourceId;
      const refused: [string, RegExp][] = [
        [`INSERT INTO "${rid}" VALUES (99, 'Sapin', 1, 1)`, /Only a SELECT may be run here, and this is INSERT/],
        [`UPDATE "${rid}" SET hauteur = 0`, /this is UPDATE/],
        [`DROP TABLE "${rid}"`, /this is DROP/],
        [`DELETE FROM "${rid}"`, /this is DELETE/],
        [`CREATE TABLE x AS SELECT * FROM "${rid}"`, /this is CREATE/],
        [`COPY (SELECT * FROM "${rid}") TO '/tmp/stolen.csv'`, /this is COPY/],
        [`ATTACH '/tmp/x.duckdb' AS x`, /this is ATTACH/],
        ['PRAGMA database_list', /this is PRAGMA/],
        ["SET enable_external_access = true", /this is SET/],
        ["INSTALL httpfs", /this is INSTALL/],
        ["SELECT * FROM read_csv('/etc/passwd')", /read_csv\(\) reads files/],
        ["SELECT * FROM '/etc/passwd'", /no published table "\/etc\/passwd"/],
        ["SELECT * FROM glob('/*')", /glob\(\)/],
        [`SELECT * FROM "${rid}" WHERE espece IN (SELECT column0 FROM read_parquet('/etc/x.parquet'))`, /read_parquet\(\)/],
        [`SELECT * FROM main."${rid}"`, /names a schema or database/],
        ['SELECT current_setting(\'allowed_paths\')', /current_setting\(\) is not allowed/],
        [`SELECT 1; DROP TABLE "${rid}"`, /holds 2 statements/],
        [`SELECT * FROM "${rid}"; SELECT 2`, /holds 2 statements/],
        [`DESCRIBE "${rid}"`, /DESCRIBE, SUMMARIZE and SHOW/],
        [`PIVOT "${rid}" ON espece USING sum(hauteur)`, /A PIVOT must list its values/],
        ['SELECT * FROM "no-such-resource"', /no published table "no-such-resource"/],
        [`SELECT * FROM "${ids.internal.resourceId}"`, /no published table/],
        [`SELECT a.* FROM "${rid}" a JOIN "${ids.internal.resourceId}" b ON true`, /no published table/],
        ['SELEKT 1', /cannot be read/],
        [`SELECT nope FROM "${rid}"`, /The query failed: Binder Error/],
      ];
      for (const [sql, message] of refused) {
        for (const method of ['GET', 'POST'] as const) {
          const e = await failed('datastore_search_sql', { sql }, 409, 'Validation Error', { method });
          assert.match(e.message, message, sql);
          assert.deepEqual(e.sql, [e.message], 'CKAN lists the message under the parameter');
        }
      }
      // A member learns that the internal table exists, and why it is refused.
      const e = await failed('datastore_search_sql', { sql: `SELECT * FROM "${ids.internal.resourceId}"` }, 403, 'Authorization Error', { headers: member() });
      assert.match(e.message, /is internal.*published tables only/);
      await failed('datastore_search_sql', {}, 409, 'Validation Error');
    });

    test('datastore_search_sql stops a query at its time limit and caps its rows', async () => {
      const started = Date.now();
      const e = await failed('datastore_search_sql', {
        sql: 'SELECT count(*) FROM (SELECT unnest(range(0, 200000)) AS a) x, (SELECT unnest(range(0, 200000)) AS b) y WHERE a + b = -1',
        timeout: 300,
      }, 409, 'Validation Error');
      assert.match(e.message, /longer than the 0\.3 s/);
      assert.ok(Date.now() - started < 5000, `stopped after ${Date.now() - started} ms`);
      const capped = await ok('datastore_search_sql', { sql: 'SELECT unnest(range(0, 40000)) AS n' }, { method: 'POST' });
      assert.equal(capped.records.length, 32000);
      assert.equal(capped.records_truncated, true);
      assert.deepEqual(capped.records[31999], { n: 31999 });
      const exact = await ok('datastore_search_sql', { sql: 'SELECT unnest(range(0, 32000)) AS n' });
      assert.equal(exact.records.length, 32000);
      assert.equal(exact.records_truncated, undefined);
      // A few huge values would make a huge answer: refused, not sent.
      const huge = await failed('datastore_search_sql', { sql: "SELECT repeat('x', 70000000) AS s" }, 409, 'Validation Error');
      assert.match(huge.message, /larger than the 64 MB/);
    });

    test('a refused statement is recorded, and nothing in the catalog is lost or changed', async () => {
      const warnings: { msg: string; extra?: Record<string, unknown> }[] = [];
      const log: Logger = { info() {}, error() {}, warn: (msg, extra) => warnings.push({ msg, extra: extra as Record<string, unknown> }) };
      const ctx = { ...app.ctx({ kind: 'anonymous' }), log };
      const v = await app.stores.meta.selectFrom('versions').selectAll().where('resource_id', '=', ids.trees.resourceId).executeTakeFirstOrThrow();
      const parquet = versionPaths(app.stores, v).parquet;
      const hash = () => crypto.createHash('sha256').update(fs.readFileSync(parquet)).digest('hex');
      const before = { hash: hash(), rows: await ok('datastore_search', { resource_id: ids.trees.resourceId }), list: await ok('package_list') };

      await assert.rejects(callAction(ckanDatastoreSearchSql, ctx, { sql: `DROP TABLE "${ids.trees.resourceId}"` }), /Only a SELECT/);
      await assert.rejects(callAction(ckanDatastoreSearchSql, ctx, { sql: `SELECT * FROM "${ids.internal.resourceId}"` }), /no published table/);
      await assert.rejects(callAction(ckanDatastoreSearchSql, ctx, { sql: 'SELECT count(*) FROM (SELECT unnest(range(0, 200000)) a) x, (SELECT unnest(range(0, 200000)) b) y WHERE a + b < 0', timeout: 100 }), /longer than/);
      assert.deepEqual(warnings.map((w) => [w.msg, w.extra?.reason]), [
        ['datastore_search_sql refused', 'not_select'], ['datastore_search_sql refused', 'table'], ['datastore_search_sql refused', 'timeout'],
      ]);
      assert.match(String(warnings[0].extra?.sql), /^DROP TABLE/);
      assert.equal(warnings[0].extra?.requestId, ctx.requestId);

      assert.equal(hash(), before.hash);
      assert.deepEqual(await ok('datastore_search', { resource_id: ids.trees.resourceId }), before.rows);
      assert.deepEqual(await ok('package_list'), before.list);
      assert.equal((await ok('datastore_search_sql', { sql: `SELECT count(*) AS n FROM "${ids.trees.resourceId}"` })).records[0].n, 5);
    });

    test('a CKAN client from npm (ckanapi) reads this portal over HTTP unchanged', async () => {
      await server.listen({ port: 0, host: '127.0.0.1' });
      const address = server.server.address();
      assert.ok(address && typeof address === 'object');
      const portal = new Portal(`http://127.0.0.1:${address.port}`);
      const status = await portal.action.status_show();
      assert.equal(status.site_title, 'Dataville');
      assert.deepEqual(await portal.action.package_list(), ['gand-44021--bomen', 'namur-92094--arbres-remarquables', 'namur-92094--budget-communal-2024']);
      const found = await portal.action.package_search({ q: 'arbres', rows: 10, 'facet.field': ['license_id', 'res_format'] });
      assert.equal(found.count, 2);
      assert.deepEqual(found.facets.res_format, { CSV: 2 });
      const pkg = await portal.invoke<{ resources: { id: string }[] }>(new Action('package_show'), { id: 'namur-92094--arbres-remarquables' });
      assert.equal(pkg.resources[0].id, ids.trees.resourceId);
      const rows = await portal.action.datastore_search({ id: ids.trees.resourceId, filters: { espece: 'Platane' } });
      assert.deepEqual(rows.records.map((r: { hauteur: number }) => r.hauteur), [35]);
      const sqlRows = await portal.action.datastore_search_sql({ sql: `SELECT sum(hauteur) AS total FROM "${ids.trees.resourceId}"` });
      assert.deepEqual(sqlRows.records, [{ total: 130 }]);
      assert.deepEqual(await portal.action.organization_list(), ['gand-44021', 'namur-92094']);
      assert.match(await portal.documentation(new Action('datastore_search_sql')), /SELECT/);
      // Errors reject with CKAN's error object.
      await assert.rejects(portal.action.package_show({ id: 'nope' }), (e: { __type: string }) => e.__type === 'Not Found Error');
      await assert.rejects(portal.action.datastore_search_sql({ sql: 'DROP TABLE x' }), (e: { __type: string; message: string }) => e.__type === 'Validation Error' && /Only a SELECT/.test(e.message));
      // The client sends its API token bare in Authorization, as CKAN takes it.
      const mine = await portal.withToken(memberToken).action.package_show({ id: ids.internal.datasetId });
      assert.equal(mine.private, true);
    });
  });
}
