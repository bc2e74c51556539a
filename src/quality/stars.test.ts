import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rateStars, type StarsInput, type StarsResource } from './stars.ts';

const table = (over: Partial<StarsResource> = {}): StarsResource => ({
  id: 'r1', name: 'Budget', format: 'csv', table: { rows: 3 }, link: null, linkingColumns: [], mappedColumns: [], ...over,
});
const input = (over: Partial<StarsInput> = {}): StarsInput => ({ datasetId: 'd1', status: 'published', licence: 'CC-BY-4.0', resources: [table()], ...over });

test('a published plain table under an open licence has 4 stars; the 5th says how to earn it', () => {
  const r = rateStars(input());
  assert.equal(r.stars, 4);
  assert.deepEqual(r.levels.map((l) => l.earned), [true, true, true, true, false]);
  assert.equal(r.levels[4].code, 'not_linked');
  assert.match(r.levels[4].step!, /column-mappings/);
  assert.match(r.levels[4].step!, /NIS code or the postcode/);
  assert.equal(r.levels[3].params.example, '/datasets/d1/resources/r1/rows/1');
});

test('a column that links, or a publisher mapping, earns the 5th star', () => {
  assert.equal(rateStars(input({ resources: [table({ linkingColumns: [{ column: 'nis', reason: 'NIS codes' }] })] })).stars, 5);
  assert.equal(rateStars(input({ resources: [table({ mappedColumns: [{ column: 'Rue', property: 'http://www.w3.org/ns/locn#thoroughfare' }] })] })).stars, 5);
});

test('not published, no licence, an unknown or a non-open licence: no star, each with its reason', () => {
  const internal = rateStars(input({ status: 'internal' }));
  assert.equal(internal.stars, 0);
  assert.equal(internal.levels[0].code, 'not_published');
  assert.equal(internal.levels[1].code, 'needs_previous', 'a star above a missing one does not count');
  assert.equal(rateStars(input({ licence: null })).levels[0].code, 'no_licence');
  assert.equal(rateStars(input({ licence: 'Conditions de la commune' })).levels[0].code, 'licence_unknown');
  const nc = rateStars(input({ licence: 'CC-BY-NC-4.0' }));
  assert.equal(nc.stars, 0);
  assert.equal(nc.levels[0].code, 'licence_not_open');
  assert.match(nc.levels[0].reason, /restricts reuse/);
  assert.equal(rateStars(input({ resources: [table({ table: null })] })).levels[0].code, 'no_data');
});

test('links to files elsewhere: a PDF is 1 star, a CSV 3, and rows elsewhere have no URIs', () => {
  const pdf = table({ table: null, link: 'https://example.org/budget.pdf', format: 'pdf' });
  assert.equal(rateStars(input({ resources: [pdf] })).stars, 1);
  const xlsx = table({ table: null, link: 'https://example.org/budget.xlsx', format: 'xlsx' });
  assert.equal(rateStars(input({ resources: [xlsx] })).stars, 2);
  const csv = table({ table: null, link: 'https://example.org/budget.csv', format: 'csv' });
  const r = rateStars(input({ resources: [csv] }));
  assert.equal(r.stars, 3);
  assert.equal(r.levels[3].code, 'rows_elsewhere');
  assert.equal(rateStars(input({ resources: [table(), csv] })).levels[3].code, 'rows_elsewhere');
});
