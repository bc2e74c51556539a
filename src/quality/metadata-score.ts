/**
 * The metadata quality score of data.europa.eu's Metadata Quality Assessment (MQA): 22 indicators
 * in five dimensions, 405 points, four bands. A dataset scores its own indicators plus those of its
 * best distribution; an organization scores the mean of its published datasets. Indicators that
 * need the network (is the URL reachable?) are judged from what Dataville itself serves.
 * docs/metadata-quality.md lists every indicator, its points and how Dataville decides it.
 */
import { knownLicence } from '../linked/licences.ts';

export const DIMENSIONS = ['findability', 'accessibility', 'interoperability', 'reusability', 'contextuality'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const DIMENSION_MAX: Record<Dimension, number> = { findability: 100, accessibility: 100, interoperability: 110, reusability: 75, contextuality: 20 };
export const MQA_MAX = 405;

export type Band = 'excellent' | 'good' | 'sufficient' | 'bad';
/** The bands as data.europa.eu publishes them: excellent 351–405, good 221–350, sufficient 121–220, bad 0–120. */
export function bandOf(points: number): Band {
  if (points >= 351) return 'excellent';
  if (points >= 221) return 'good';
  if (points >= 121) return 'sufficient';
  return 'bad';
}

/** EU file types (publications.europa.eu/resource/authority/file-type) that the MQA counts as non-proprietary, and as machine-readable. */
const NON_PROPRIETARY = new Set(['CSV', 'TSV', 'JSON', 'JSON_LD', 'GEOJSON', 'XML', 'ODS', 'RDF_TURTLE', 'RDF_XML', 'RDF_N_TRIPLES', 'KML', 'TXT', 'ZIP', 'GZIP', 'HTML']);
const MACHINE_READABLE = new Set(['CSV', 'TSV', 'JSON', 'JSON_LD', 'GEOJSON', 'XML', 'ODS', 'XLS', 'XLSX', 'RDF_TURTLE', 'RDF_XML', 'RDF_N_TRIPLES', 'KML', 'SHP']);
/** Dataville's and common link formats -> EU file type code. */
const FILE_TYPES: Record<string, string> = {
  csv: 'CSV', tsv: 'TSV', json: 'JSON', jsonld: 'JSON_LD', geojson: 'GEOJSON', xml: 'XML', ods: 'ODS', xls: 'XLS', xlsx: 'XLSX',
  parquet: 'PARQUET', pdf: 'PDF', zip: 'ZIP', shp: 'SHP', kml: 'KML', ttl: 'RDF_TURTLE', rdf: 'RDF_XML', txt: 'TXT', html: 'HTML',
};
export function euFileType(format: string | null | undefined): string | null {
  return format ? FILE_TYPES[format.toLowerCase().replace(/^\./, '')] ?? null : null;
}

/** One distribution as a DCAT-AP catalog would describe it. */
export interface DistributionFacts {
  /** The resource it belongs to, and a label (e.g. "Budget (CSV)"). */
  resourceId: string;
  label: string;
  format: string | null;
  mediaType: string | null;
  /** Whether the access URL answers: a page Dataville serves to anyone; null when held elsewhere (not checked offline). */
  accessServed: boolean | null;
  downloadUrl: string | null;
  /** Whether the download URL answers (the version's files are on disk and the dataset is public); null: not checked. */
  downloadServed: boolean | null;
  byteSize: number | null;
}

export interface MetadataFacts {
  datasetId: string;
  title: Record<string, string | undefined>;
  description: Record<string, string | undefined>;
  keywords: string[];
  theme: string | null;
  spatial: string | null;
  temporal: { start: string | null; end: string | null };
  licence: string | null;
  status: 'internal' | 'planned' | 'published';
  contactPoint: { name?: string; email?: string } | null;
  publisher: string | null;
  issued: string | null;
  modified: string | null;
  distributions: DistributionFacts[];
}

export interface Indicator {
  id: string;
  dimension: Dimension;
  /** The DCAT property the MQA inspects. */
  property: string;
  weight: number;
  points: number;
  /** Judged from what Dataville serves rather than by fetching the URL (see docs/metadata-quality.md). */
  servedCheck?: boolean;
  /** What to do to earn the missing points; null when earned. */
  todo: string | null;
}

export interface MetadataScore {
  points: number;
  max: number;
  band: Band;
  dimensions: Record<Dimension, { points: number; max: number }>;
  indicators: Indicator[];
  /** The missing points, largest first. */
  todos: { indicator: string; dimension: Dimension; points: number; todo: string }[];
  /** The distribution whose indicators counted (the best one), for a person. */
  bestDistribution: string | null;
}

const text = (t: Record<string, string | undefined>) => Object.values(t).some((v) => v && v.trim());

interface Def {
  id: string;
  dimension: Dimension;
  property: string;
  weight: number;
  servedCheck?: boolean;
  /** Dataset-level test; distribution-level indicators use `dist` instead. */
  dataset?: (f: MetadataFacts) => boolean;
  dist?: (d: DistributionFacts, f: MetadataFacts) => boolean;
  todo: (f: MetadataFacts) => string;
}

const DEFS: Def[] = [
  { id: 'keywords', dimension: 'findability', property: 'dcat:keyword', weight: 30, dataset: (f) => f.keywords.length > 0,
    todo: () => 'Add keywords (e.g. "budget, finances, commune") to the dataset.' },
  { id: 'categories', dimension: 'findability', property: 'dcat:theme', weight: 30, dataset: (f) => !!f.theme?.trim(),
    todo: () => 'Choose a theme (an EU data theme such as GOVE, ECON, ENVI, TRAN, SOCI, REGI).' },
  { id: 'spatial', dimension: 'findability', property: 'dct:spatial', weight: 20, dataset: (f) => !!f.spatial?.trim(),
    todo: () => 'Say which area the data covers (the spatial field: the NIS code of the municipality, or a place name).' },
  { id: 'temporal', dimension: 'findability', property: 'dct:temporal', weight: 20, dataset: (f) => !!(f.temporal.start || f.temporal.end),
    todo: () => 'Give the period the data covers (temporal start and end, e.g. 2024-01-01 to 2024-12-31).' },

  { id: 'accessUrlAccessible', dimension: 'accessibility', property: 'dcat:accessURL', weight: 50, servedCheck: true, dist: (d) => d.accessServed === true,
    todo: (f) => (f.status !== 'published' ? 'Publish the dataset: its page is not shown to the public, so its access URL does not answer.' : 'Upload the data to Dataville, which serves each resource\'s page itself; links to other sites are not checked here (data.europa.eu will).') },
  { id: 'downloadUrl', dimension: 'accessibility', property: 'dcat:downloadURL', weight: 20, dist: (d) => !!d.downloadUrl,
    todo: () => 'Upload a file: a resource without data has no download URL.' },
  { id: 'downloadUrlAccessible', dimension: 'accessibility', property: 'dcat:downloadURL', weight: 30, servedCheck: true, dist: (d) => d.downloadServed === true,
    todo: (f) => (f.status !== 'published' ? 'Publish the dataset: its downloads are not served to the public.' : 'Upload the data to Dataville, which serves the downloads itself; links to other sites are not checked here.') },

  { id: 'format', dimension: 'interoperability', property: 'dct:format', weight: 20, dist: (d) => !!d.format,
    todo: () => 'Give each link its file format.' },
  { id: 'mediaType', dimension: 'interoperability', property: 'dcat:mediaType', weight: 10, dist: (d) => !!d.mediaType,
    todo: () => 'Give each link its media type (e.g. text/csv).' },
  { id: 'formatVocabulary', dimension: 'interoperability', property: 'dct:format / dcat:mediaType', weight: 10, dist: (d) => !!euFileType(d.format),
    todo: () => 'Use a format from the EU file-type list (CSV, JSON, XLSX, GEOJSON ...).' },
  { id: 'nonProprietary', dimension: 'interoperability', property: 'dct:format', weight: 20, dist: (d) => NON_PROPRIETARY.has(euFileType(d.format) ?? ''),
    todo: () => 'Offer the data in a non-proprietary format: upload the table to Dataville, which serves it as CSV and JSON.' },
  { id: 'machineReadable', dimension: 'interoperability', property: 'dct:format', weight: 20, dist: (d) => MACHINE_READABLE.has(euFileType(d.format) ?? ''),
    todo: () => 'Offer the data in a machine-readable format (a table, not a PDF).' },
  { id: 'dcatApCompliance', dimension: 'interoperability', property: 'DCAT-AP', weight: 30,
    dataset: (f) => text(f.title) && text(f.description) && !!f.publisher?.trim() && f.distributions.length > 0,
    todo: (f) => `Fill in what DCAT-AP requires: ${[!text(f.description) && 'a description', !f.publisher?.trim() && 'a publisher', !f.distributions.length && 'at least one file'].filter(Boolean).join(', ') || 'a title'}.` },

  { id: 'licence', dimension: 'reusability', property: 'dct:license', weight: 20, dataset: (f) => !!f.licence?.trim(),
    todo: () => 'Choose a licence (e.g. CC-BY-4.0 or CC0-1.0).' },
  { id: 'licenceVocabulary', dimension: 'reusability', property: 'dct:license', weight: 10, dataset: (f) => !!knownLicence(f.licence)?.euUri,
    todo: (f) => (f.licence?.trim() ? `The licence "${f.licence}" is not in the EU licence list; use one that is (CC-BY-4.0, CC0-1.0, CC-BY-SA-4.0, ODbL-1.0).` : 'Choose a licence from the EU licence list (CC-BY-4.0, CC0-1.0 ...).') },
  // Dataville states the access rights itself from the dataset's status (PUBLIC or NON_PUBLIC).
  { id: 'accessRights', dimension: 'reusability', property: 'dct:accessRights', weight: 10, dataset: () => true, todo: () => '' },
  { id: 'accessRightsVocabulary', dimension: 'reusability', property: 'dct:accessRights', weight: 5, dataset: () => true, todo: () => '' },
  { id: 'contactPoint', dimension: 'reusability', property: 'dcat:contactPoint', weight: 20, dataset: (f) => !!(f.contactPoint?.email?.trim() || f.contactPoint?.name?.trim()),
    todo: () => 'Give a contact point (a service name and an e-mail address people can write to about the data).' },
  { id: 'publisher', dimension: 'reusability', property: 'dct:publisher', weight: 10, dataset: (f) => !!f.publisher?.trim(),
    todo: () => 'Name the publisher.' },

  // The rights statement is the licence's conditions, which Dataville writes when it knows the licence.
  { id: 'rights', dimension: 'contextuality', property: 'dct:rights', weight: 5, dataset: (f) => !!knownLicence(f.licence),
    todo: () => 'Use a licence Dataville knows (CC-BY-4.0, CC0-1.0 ...): it then states the reuse conditions as the rights of each distribution.' },
  { id: 'byteSize', dimension: 'contextuality', property: 'dcat:byteSize', weight: 5, dist: (d) => d.byteSize !== null && d.byteSize >= 0,
    todo: () => 'Dataville states the size of a download once it has made it: download the CSV once (or run `dataville export`).' },
  { id: 'issued', dimension: 'contextuality', property: 'dct:issued', weight: 5, dataset: (f) => !!f.issued, todo: () => 'Give the date of first publication.' },
  { id: 'modified', dimension: 'contextuality', property: 'dct:modified', weight: 5, dataset: (f) => !!f.modified, todo: () => 'Give the date of the last change.' },
];

export const INDICATOR_WEIGHTS: Record<string, number> = Object.fromEntries(DEFS.map((d) => [d.id, d.weight]));

/** The score of one dataset: its own indicators, and those of its best distribution. */
export function scoreMetadata(f: MetadataFacts): MetadataScore {
  const distDefs = DEFS.filter((d) => d.dist);
  // MQA scores a dataset with its best distribution: the one that earns the most distribution points.
  let best: DistributionFacts | null = null;
  let bestPoints = -1;
  for (const d of f.distributions) {
    const p = distDefs.reduce((sum, def) => sum + (def.dist!(d, f) ? def.weight : 0), 0);
    if (p > bestPoints) { best = d; bestPoints = p; }
  }
  const indicators: Indicator[] = DEFS.map((def) => {
    const ok = def.dist ? !!best && def.dist(best, f) : def.dataset!(f);
    return { id: def.id, dimension: def.dimension, property: def.property, weight: def.weight, points: ok ? def.weight : 0, ...(def.servedCheck && { servedCheck: true }), todo: ok ? null : def.todo(f) };
  });
  return summarise(indicators, best?.label ?? null);
}

function summarise(indicators: Indicator[], bestDistribution: string | null): MetadataScore {
  const dimensions = Object.fromEntries(DIMENSIONS.map((d) => [d, { points: round(indicators.filter((i) => i.dimension === d).reduce((s, i) => s + i.points, 0)), max: DIMENSION_MAX[d] }])) as MetadataScore['dimensions'];
  const points = round(indicators.reduce((s, i) => s + i.points, 0));
  const todos = indicators.filter((i) => i.todo && i.weight - i.points > 0)
    .map((i) => ({ indicator: i.id, dimension: i.dimension, points: round(i.weight - i.points), todo: i.todo! }))
    .sort((a, b) => b.points - a.points);
  return { points, max: MQA_MAX, band: bandOf(points), dimensions, indicators, todos, bestDistribution };
}

const round = (n: number) => Math.round(n * 10) / 10;

export interface OrganizationScore extends Omit<MetadataScore, 'bestDistribution'> {
  datasets: number;
  /** Per dataset: its score and band, lowest first (the ones to fix first). */
  perDataset: { datasetId: string; title: string; points: number; band: Band }[];
}

/**
 * An organization's score: the mean over its published datasets (what a harvester sees), per
 * indicator, so that the dimensions and to-dos add up; a to-do says how many datasets miss it.
 */
export function scoreOrganization(scores: { datasetId: string; title: string; score: MetadataScore }[]): OrganizationScore {
  const n = scores.length;
  const indicators: Indicator[] = DEFS.map((def) => {
    const own = scores.map((s) => s.score.indicators.find((i) => i.id === def.id)!);
    const missing = own.filter((i) => i.points < i.weight).length;
    const points = n ? own.reduce((s, i) => s + i.points, 0) / n : 0;
    const firstTodo = own.find((i) => i.todo)?.todo ?? null;
    return {
      id: def.id, dimension: def.dimension, property: def.property, weight: def.weight, points: round(points), ...(def.servedCheck && { servedCheck: true }),
      todo: missing ? `${missing} of ${n} datasets: ${firstTodo}` : null,
    };
  });
  const { bestDistribution: _b, ...summary } = summarise(indicators, null);
  if (n === 0) summary.todos = [{ indicator: 'datasets', dimension: 'findability', points: MQA_MAX, todo: 'Publish a dataset: an organization without published datasets has no score.' }];
  return {
    ...summary,
    datasets: n,
    perDataset: scores.map((s) => ({ datasetId: s.datasetId, title: s.title, points: s.score.points, band: s.score.band })).sort((a, b) => a.points - b.points),
  };
}
