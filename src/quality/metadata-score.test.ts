import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIMENSION_MAX, MQA_MAX, bandOf, scoreMetadata, scoreOrganization, type DistributionFacts, type MetadataFacts } from './metadata-score.ts';

const csv = (over: Partial<DistributionFacts> = {}): DistributionFacts => ({
  resourceId: 'r1', label: 'Budget (CSV)', format: 'csv', mediaType: 'text/csv; charset=utf-8', accessServed: true,
  downloadUrl: 'https://p/api/datasets/d1/download.csv', downloadServed: true, byteSize: 1200, ...over,
});
const facts = (over: Partial<MetadataFacts> = {}): MetadataFacts => ({
  datasetId: 'd1', title: { fr: 'Budget' }, description: { fr: 'Le budget' }, keywords: [], theme: null, spatial: '92094',
  temporal: { start: null, end: null }, licence: 'CC-BY-4.0', status: 'published', contactPoint: null, publisher: 'Namur',
  issued: '2024-01-01T00:00:00Z', modified: '2024-02-01T00:00:00Z', distributions: [csv(), csv({ label: 'Budget (XLSX)', format: 'xlsx', byteSize: null })], ...over,
});

test('the dimensions add up to 405 and the bands are those of data.europa.eu', () => {
  assert.equal(Object.values(DIMENSION_MAX).reduce((a, b) => a + b, 0), MQA_MAX);
  assert.deepEqual([405, 351, 350, 221, 220, 121, 120, 0].map(bandOf), ['excellent', 'excellent', 'good', 'good', 'sufficient', 'sufficient', 'bad', 'bad']);
  const all = scoreMetadata(facts({ keywords: ['budget'], theme: 'GOVE', temporal: { start: '2024', end: '2024' }, contactPoint: { email: 'data@namur.be' } }));
  assert.equal(all.points, 405);
  assert.equal(all.band, 'excellent');
  assert.deepEqual(all.todos, []);
});

test('a plain commune dataset: the missing findability and contact points are to-dos, largest first', () => {
  const s = scoreMetadata(facts());
  assert.equal(s.points, 405 - 30 - 30 - 20 - 20);
  assert.equal(s.band, 'good');
  assert.deepEqual(s.dimensions.findability, { points: 20, max: 100 });
  assert.deepEqual(s.dimensions.reusability, { points: 55, max: 75 });
  assert.deepEqual(s.todos.map((t) => [t.indicator, t.points]), [['keywords', 30], ['categories', 30], ['temporal', 20], ['contactPoint', 20]]);
  assert.equal(s.bestDistribution, 'Budget (CSV)', 'the best distribution counts');
  assert.ok(s.indicators.find((i) => i.id === 'accessUrlAccessible')!.servedCheck);
});

test('an internal dataset: its URLs do not answer for the public; links elsewhere are not checked', () => {
  const s = scoreMetadata(facts({ status: 'internal', distributions: [csv({ accessServed: false, downloadServed: false })] }));
  assert.equal(s.dimensions.accessibility.points, 20);
  assert.match(s.todos.find((t) => t.indicator === 'accessUrlAccessible')!.todo, /Publish/);
  const link = scoreMetadata(facts({ licence: 'Licence communale', distributions: [csv({ format: 'pdf', mediaType: null, accessServed: null, downloadServed: null, byteSize: null })] }));
  assert.equal(link.dimensions.accessibility.points, 20);
  assert.equal(link.dimensions.interoperability.points, 20 + 10 + 30, 'PDF: a format, from the list, DCAT-AP fields; neither open nor machine-readable, no media type');
  assert.ok(link.todos.some((t) => t.indicator === 'licenceVocabulary' && /Licence communale/.test(t.todo)));
  assert.equal(scoreMetadata(facts({ distributions: [] })).indicators.find((i) => i.id === 'dcatApCompliance')!.points, 0);
});

test('an organization scores the mean of its datasets, and each to-do says how many datasets miss it', () => {
  const a = scoreMetadata(facts());
  const b = scoreMetadata(facts({ keywords: ['x'], theme: 'GOVE', temporal: { start: '2024', end: null }, contactPoint: { name: 'Service' } }));
  const org = scoreOrganization([{ datasetId: 'a', title: 'A', score: a }, { datasetId: 'b', title: 'B', score: b }]);
  assert.equal(org.points, (a.points + b.points) / 2);
  assert.equal(org.datasets, 2);
  assert.equal(org.dimensions.findability.points, 60);
  assert.match(org.todos[0].todo, /^1 of 2 datasets: /);
  assert.equal(org.perDataset[0].datasetId, 'a', 'lowest first');
  const none = scoreOrganization([]);
  assert.equal(none.points, 0);
  assert.equal(none.band, 'bad');
  assert.equal(none.todos.length, 1);
});
