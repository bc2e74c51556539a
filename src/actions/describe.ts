/**
 * Actions that rate and describe datasets: the 5-star rating, the MQA metadata score (per dataset
 * and per organization), column mappings to shared vocabularies, RDF views of rows and of a
 * table's vocabulary, the Data Package, CSVW metadata, the GeoJSON download, schema.org JSON-LD
 * and Atom feeds. Everything is read from the catalog and the versions' files; nothing is stored
 * but the mappings (and caches beside immutable versions).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { defineAction } from './registry.ts';
import { orgRef, readableDataset, readableResource, resourceOf } from './common.ts';
import type { Authz } from './authz.ts';
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { datasetView, pickLang, resourcesOf, searchDatasets, type I18n } from '../catalog/datasets.ts';
import { defaultLanguageOf } from '../catalog/communes.ts';
import { getOrganization, type Organization } from '../catalog/organizations.ts';
import { getVersion, readAudit, versionPaths, versionSchema } from '../catalog/versions.ts';
import type { SpatialInfo, TableSchema } from '../ingest/types.ts';
import type { DatasetTable, ResourceTable, VersionTable } from '../stores/meta/schema.ts';
import type { ColumnProfile } from '../quality/types.ts';
import { EXPORT_MEDIA_TYPES, type ExportFormat } from '../publish/exports.ts';
import { rateStars, type StarsInput } from '../quality/stars.ts';
import { scoreMetadata, scoreOrganization, type DistributionFacts, type MetadataFacts } from '../quality/metadata-score.ts';
import { knownLicence } from '../linked/licences.ts';
import { IDENTIFIER_KINDS, enterpriseUri, nisUri, type IdentifierColumn } from '../linked/identifiers.ts';
import { VOCABULARY_PREFIXES, columnMappings, setColumnMappings as storeMappings, type ColumnMapping } from '../linked/mappings.ts';
import { columnLinks, readRow, rowTriples, rowUri, versionIdentifiers, vocabularyNamespace, vocabularyTriples, type ColumnLink } from '../linked/table.ts';
import { NS, toJsonLd, toTurtle } from '../linked/rdf.ts';
import { dataPackage } from '../publish/describe/datapackage.ts';
import { csvwMetadata } from '../publish/describe/csvw.ts';
import { schemaOrgDataset } from '../publish/describe/schemaorg.ts';
import { GEOJSON_MEDIA_TYPE, exportGeoJson } from '../publish/describe/geojson.ts';
import { atomFeed, type AtomEntry } from '../publish/describe/atom.ts';
import type { DescribedDataset, DescribedDownload, DescribedResource } from '../publish/describe/types.ts';

/** The downloads every table has (src/actions/rows.ts), plus GeoJSON for spatial ones. */
const TABLE_FORMATS: ExportFormat[] = ['csv', 'json', 'parquet', 'xlsx'];

/** The portal's public address: the adapter's (from the request), else DATAVILLE_PUBLIC_URL, else this host and port. */
export function publicBase(ctx: Ctx, given?: string): string {
  const base = given ?? ctx.config.publicUrl ?? `http://localhost:${ctx.config.port}`;
  return base.replace(/\/+$/, '');
}

const BaseUrl = z.string().url().optional().describe('public address of the portal (set by the HTTP adapter from the request)');

interface LoadedResource {
  row: ResourceTable;
  version: VersionTable | null;
  schema: TableSchema | null;
  profiles: ColumnProfile[];
  spatial: SpatialInfo | null;
  identifiers: IdentifierColumn[];
  mappings: ColumnMapping[];
  links: ColumnLink[];
  onDisk: boolean;
}

interface Loaded {
  dataset: DatasetTable;
  org: Organization;
  base: string;
  resources: LoadedResource[];
  described: DescribedDataset;
}

function orgName(org: Organization): string {
  return defaultLanguageOf(org.region) === 'nl' ? org.name_nl : org.name_fr;
}

function downloadsOf(base: string, d: DatasetTable, r: ResourceTable, v: VersionTable, exportsDir: string, spatial: boolean): DescribedDownload[] {
  const formats: string[] = [...TABLE_FORMATS, ...(spatial ? ['geojson'] : [])];
  return formats.map((f) => {
    const file = path.join(exportsDir, `data.${f}`);
    let bytes: number | null = null;
    try { bytes = fs.statSync(file).size; } catch { bytes = null; }
    return {
      format: f,
      // Pinned to the version, so that the file matches the schema described with it.
      url: `${base}/api/datasets/${encodeURIComponent(d.id)}/download.${f}?resource=${encodeURIComponent(r.id)}&version=${v.number}`,
      mediaType: f === 'geojson' ? GEOJSON_MEDIA_TYPE : EXPORT_MEDIA_TYPES[f as ExportFormat],
      bytes,
    };
  });
}

/**
 * Everything the ratings and documents need about a dataset. `deep` also reads each version's
 * audit and finds its identifier columns (the stars, RDF and documents need them; the metadata
 * score does not).
 */
async function loadDataset(ctx: Ctx, d: DatasetTable, base: string, deep: boolean, preloaded?: { org: Organization; resources: ResourceTable[]; versions: VersionTable[] }): Promise<Loaded> {
  const db = ctx.stores.meta;
  const org = preloaded?.org ?? await getOrganization(db, d.organization_id);
  const rows = preloaded?.resources ?? await resourcesOf(db, [d.id]);
  const mappings = deep ? await columnMappings(db, rows.map((r) => r.id)) : new Map<string, ColumnMapping[]>();
  const page = `${base}/datasets/${encodeURIComponent(d.id)}`;
  const resources: LoadedResource[] = [];
  for (const r of rows) {
    const version = r.latest_version == null ? null
      : preloaded ? preloaded.versions.find((v) => v.resource_id === r.id && v.number === r.latest_version) ?? null
      : await getVersion(ctx.stores, r).catch(() => null);
    const schema = version ? versionSchema(version) : null;
    const onDisk = !!version && fs.existsSync(versionPaths(ctx.stores, version).parquet);
    let profiles: ColumnProfile[] = [];
    let spatial: SpatialInfo | null = null;
    let identifiers: IdentifierColumn[] = [];
    if (deep && version && onDisk) {
      const audit = await readAudit(ctx.stores, version).catch(() => null);
      profiles = audit?.columns ?? [];
      spatial = audit?.spatial ?? null;
      identifiers = await versionIdentifiers(ctx.stores, version, schema!, profiles);
    }
    const m = mappings.get(r.id) ?? [];
    const links = schema ? columnLinks(schema, identifiers, m, vocabularyNamespace(base, d.id, r.id)) : [];
    resources.push({ row: r, version, schema, profiles, spatial, identifiers, mappings: m, links, onDisk });
  }
  const view = datasetView(d, org, rows);
  const described: DescribedDataset = {
    base,
    // The IRI src/dcat gives the dataset, so that rows, packages and the catalog name the same thing.
    uri: `${page}#dataset`,
    page,
    view,
    organization: {
      name: orgName(org), homepage: org.homepage, email: org.email,
      enterpriseUri: org.enterprise_number ? enterpriseUri(org.enterprise_number) : null,
      nisUri: org.nis_code ? nisUri(org.nis_code) : null,
    },
    licence: knownLicence(d.licence),
    resources: resources.map((r): DescribedResource => ({
      id: r.row.id,
      name: r.row.name,
      format: r.row.format,
      version: r.version && r.onDisk ? { number: r.version.number, createdAt: r.version.created_at, rowCount: Number(r.version.row_count), sha256: r.version.sha256 } : null,
      schema: r.onDisk ? r.schema : null,
      columns: r.links,
      spatial: r.spatial,
      downloads: r.version && r.onDisk ? downloadsOf(base, d, r.row, r.version, versionPaths(ctx.stores, r.version).exportsDir, !!r.spatial) : [],
      link: r.row.url ? { url: r.row.url, mediaType: r.row.media_type } : null,
      rowUriTemplate: rowUri(base, d.id, r.row.id, '{id}').replace('%7Bid%7D', '{id}'),
      vocabulary: vocabularyNamespace(base, d.id, r.row.id).replace(/#$/, ''),
    })),
  };
  return { dataset: d, org, base, resources, described };
}

function starsInput(l: Loaded): StarsInput {
  return {
    datasetId: l.dataset.id,
    status: l.dataset.status,
    licence: l.dataset.licence,
    resources: l.resources.map((r) => ({
      id: r.row.id,
      name: r.row.name,
      format: r.row.format,
      table: r.version && r.onDisk ? { rows: Number(r.version.row_count) } : null,
      link: r.row.url,
      linkingColumns: r.links.filter((c) => c.links).map((c) => ({ column: c.column, reason: c.reason ?? '' })),
      mappedColumns: r.links.filter((c) => c.mappedProperty).map((c) => ({ column: c.column, property: c.property })),
    })),
  };
}

function metadataFacts(l: Loaded): MetadataFacts {
  const d = l.dataset;
  const published = d.status === 'published';
  const distributions: DistributionFacts[] = [];
  for (const r of l.described.resources) {
    for (const x of r.downloads) {
      distributions.push({ resourceId: r.id, label: `${r.name} (${x.format.toUpperCase()})`, format: x.format, mediaType: x.mediaType, accessServed: published, downloadUrl: x.url, downloadServed: published, byteSize: x.bytes });
    }
    if (r.link) {
      // A file held elsewhere: Dataville does not fetch other sites to score them (data.europa.eu checks them).
      distributions.push({ resourceId: r.id, label: r.name, format: r.format || null, mediaType: r.link.mediaType, accessServed: null, downloadUrl: r.link.url, downloadServed: null, byteSize: null });
    }
    if (!r.downloads.length && !r.link) {
      distributions.push({ resourceId: r.id, label: r.name, format: r.format || null, mediaType: null, accessServed: published, downloadUrl: null, downloadServed: false, byteSize: null });
    }
  }
  const contact = d.contact_point ? JSON.parse(d.contact_point) as { name?: string; email?: string } : null;
  return {
    datasetId: d.id,
    title: JSON.parse(d.title) as I18n,
    description: JSON.parse(d.description) as I18n,
    keywords: JSON.parse(d.keywords) as string[],
    theme: d.theme,
    spatial: d.spatial,
    temporal: { start: d.temporal_start, end: d.temporal_end },
    licence: d.licence,
    status: d.status,
    contactPoint: contact,
    publisher: d.publisher,
    issued: d.created_at,
    modified: d.updated_at,
    distributions,
  };
}

export const datasetStars = defineAction({
  name: 'dataset.stars',
  summary: 'The 5-star open data rating of a dataset, with the reason for each missing star and the step that earns it.',
  input: z.object({ dataset: z.string().min(1) }),
  async run(ctx, input, authz) {
    const d = await readableDataset(ctx, authz, input.dataset);
    const l = await loadDataset(ctx, d, publicBase(ctx), true);
    return { datasetId: d.id, ...rateStars(starsInput(l)) };
  },
});

export const datasetMetadataScore = defineAction({
  name: 'dataset.metadataScore',
  summary: 'The metadata quality score of a dataset on data.europa.eu\'s MQA scale (405 points, five dimensions, four bands), with the missing points as to-dos.',
  input: z.object({ dataset: z.string().min(1) }),
  async run(ctx, input, authz) {
    const d = await readableDataset(ctx, authz, input.dataset);
    const l = await loadDataset(ctx, d, publicBase(ctx), false);
    return { datasetId: d.id, ...scoreMetadata(metadataFacts(l)) };
  },
});

export const organizationMetadataScore = defineAction({
  name: 'organization.metadataScore',
  summary: 'The metadata quality score of an organization: the mean MQA score of its published datasets, per dimension and indicator, with to-dos.',
  input: z.object({ organization: orgRef }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    const db = ctx.stores.meta;
    const org = await getOrganization(db, input.organization);
    // What a harvester sees: the published datasets only, whoever asks.
    const datasets = await db.selectFrom('datasets').selectAll().where('organization_id', '=', org.id).where('status', '=', 'published').orderBy('updated_at', 'desc').execute();
    const resources = await resourcesOf(db, datasets.map((d) => d.id));
    const versions = resources.length
      ? await db.selectFrom('versions').selectAll().where('resource_id', 'in', resources.map((r) => r.id)).execute()
      : [];
    const latest = versions.filter((v) => resources.some((r) => r.id === v.resource_id && r.latest_version === v.number));
    const base = publicBase(ctx);
    const scores = [];
    for (const d of datasets) {
      const l = await loadDataset(ctx, d, base, false, { org, resources: resources.filter((r) => r.dataset_id === d.id), versions: latest });
      scores.push({ datasetId: d.id, title: pickLang(JSON.parse(d.title) as I18n), score: scoreMetadata(metadataFacts(l)) });
    }
    return { organizationId: org.id, organization: org.slug, ...scoreOrganization(scores) };
  },
});

/** A resource of a readable dataset with its latest schema, for the mapping actions. */
async function mappingView(ctx: Ctx, authz: Authz, resourceId: string) {
  const { dataset, resource } = await readableResource(ctx, authz, resourceId);
  const l = await loadDataset(ctx, dataset, publicBase(ctx), true);
  const r = l.resources.find((x) => x.row.id === resource.id)!;
  return {
    dataset, resource, loaded: r,
    view: {
      resourceId: resource.id,
      datasetId: dataset.id,
      version: r.version?.number ?? null,
      mappings: r.mappings,
      recognized: r.identifiers,
      columns: r.links.map((c) => ({ column: c.column, type: c.type, property: c.property, mapped: c.mappedProperty, links: c.links ? ('template' in c.links ? { template: c.links.template } : { identifier: c.links.kind }) : null, reason: c.reason })),
      prefixes: VOCABULARY_PREFIXES,
    },
  };
}

export const getColumnMappings = defineAction({
  name: 'resource.columnMappings',
  summary: 'The columns of a resource with the property each is stated with in RDF, the Belgian identifiers recognised in them, and the publisher\'s mappings.',
  input: z.object({ resource: z.string().min(1) }),
  async run(ctx, input, authz) {
    return (await mappingView(ctx, authz, input.resource)).view;
  },
});

const MappingItem = z.object({
  column: z.string().min(1).max(500),
  property: z.string().max(500).nullable().optional().describe('absolute IRI or prefixed name (schema:name, adres:Straatnaam ...)'),
  valueTemplate: z.string().max(500).nullable().optional().describe('IRI with {value}: the cells become links'),
  identifier: z.enum([...IDENTIFIER_KINDS, 'none']).nullable().optional().describe('force a Belgian identifier kind, or none to refuse one recognised by mistake'),
});

export const setColumnMappingsAction = defineAction({
  name: 'resource.setColumnMappings',
  summary: 'Map columns of a resource to shared vocabularies (OSLO, schema.org ...): a property, an IRI template for the values, or a Belgian identifier kind. An entry with nothing set removes the column\'s mapping.',
  input: z.object({ resource: z.string().min(1), mappings: z.array(MappingItem).min(1).max(1000) }),
  async run(ctx, input, authz) {
    const { dataset, resource } = await readableResource(ctx, authz, input.resource);
    authz.requireRole(dataset.organization_id, ['admin', 'editor'], 'map the columns of this dataset');
    if (resource.latest_version == null) {
      throw new AppError('conflict', `The resource "${resource.name}" has no data yet, so it has no columns to map. Upload a file to it first (POST /api/datasets/${dataset.id}/versions).`);
    }
    const v = await getVersion(ctx.stores, resource);
    const columns = versionSchema(v).fields.map((f) => f.name).filter((n) => n !== '_id' && n !== '_row');
    const by = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
    await storeMappings(ctx.stores.meta, resource.id, columns, input.mappings, by, ctx.now());
    return (await mappingView(ctx, authz, resource.id)).view;
  },
});

const RowInput = z.object({
  dataset: z.string().min(1),
  resource: z.string().min(1),
  row: z.coerce.number().int().positive().describe('the row\'s _id: its position in the CSV download, from 1'),
  version: z.coerce.number().int().positive().optional(),
  baseUrl: BaseUrl,
});

export const rowRdf = defineAction({
  name: 'row.rdf',
  summary: 'One row of a table as RDF (Turtle and JSON-LD): each cell under its column\'s property, identifier columns as links to official URIs.',
  input: RowInput,
  async run(ctx, input, authz) {
    const d = await readableDataset(ctx, authz, input.dataset);
    const resource = await resourceOf(ctx, d, input.resource);
    const base = publicBase(ctx, input.baseUrl);
    const l = await loadDataset(ctx, d, base, true);
    const r = l.resources.find((x) => x.row.id === resource.id)!;
    const v = input.version ? await getVersion(ctx.stores, resource, input.version) : r.version;
    if (!v) throw new AppError('version_not_found', `The resource "${resource.name}" has no data yet, so it has no rows. Upload a file to it first.`);
    const schema = versionSchema(v);
    // A pinned older version keeps the mappings and the identifiers found in the latest one's columns.
    const links = v.id === r.version?.id ? r.links : columnLinks(schema, r.identifiers, r.mappings, vocabularyNamespace(base, d.id, resource.id));
    const cells = await ctx.stores.tables.withConnection((conn) => readRow(conn, versionPaths(ctx.stores, v).parquet, schema, input.row));
    if (!cells) {
      throw new AppError('not_found', `The resource "${resource.name}" has no row ${input.row} in version ${v.number}: its rows are numbered 1 to ${Number(v.row_count)}.`);
    }
    const uri = rowUri(base, d.id, resource.id, input.row);
    const triples = rowTriples(uri, l.described.uri, links, cells);
    const prefixes = { ...rdfPrefixes(), v: vocabularyNamespace(base, d.id, resource.id) };
    return {
      uri,
      datasetUri: l.described.uri,
      datasetPage: l.described.page,
      version: v.number,
      cells: links.map((c) => ({ column: c.column, property: c.property, value: cells[c.column] ?? null, link: triples.find((t) => t.p === c.property && 'iri' in t.o && t.s === uri)?.o ?? null })),
      turtle: toTurtle(triples, prefixes),
      jsonld: toJsonLd(triples),
    };
  },
});

function rdfPrefixes(): Record<string, string> {
  return { dct: NS.dct, xsd: NS.xsd, rdfs: NS.rdfs, owl: NS.owl, rdf: NS.rdf, geo: NS.geo, ...VOCABULARY_PREFIXES };
}

export const resourceVocabulary = defineAction({
  name: 'resource.vocabulary',
  summary: 'The vocabulary of a table: one RDF property per column, with its label, range and the shared property it maps to.',
  input: z.object({ dataset: z.string().min(1), resource: z.string().min(1), baseUrl: BaseUrl }),
  async run(ctx, input, authz) {
    const d = await readableDataset(ctx, authz, input.dataset);
    const resource = await resourceOf(ctx, d, input.resource);
    const base = publicBase(ctx, input.baseUrl);
    const l = await loadDataset(ctx, d, base, true);
    const r = l.resources.find((x) => x.row.id === resource.id)!;
    if (!r.schema) throw new AppError('version_not_found', `The resource "${resource.name}" has no data yet, so it has no columns. Upload a file to it first.`);
    const ns = vocabularyNamespace(base, d.id, resource.id);
    const triples = vocabularyTriples(ns, r.links, `Columns of "${resource.name}" (${pickLang(JSON.parse(d.title) as I18n)})`);
    return { uri: ns.replace(/#$/, ''), turtle: toTurtle(triples, { ...rdfPrefixes(), v: ns }), jsonld: toJsonLd(triples) };
  },
});

export const datasetDataPackage = defineAction({
  name: 'dataset.datapackage',
  summary: 'The dataset as a Frictionless Tabular Data Package (datapackage.json with a Table Schema per table).',
  input: z.object({ dataset: z.string().min(1), baseUrl: BaseUrl }),
  async run(ctx, input, authz) {
    const d = await readableDataset(ctx, authz, input.dataset);
    const l = await loadDataset(ctx, d, publicBase(ctx, input.baseUrl), true);
    if (!l.described.resources.some((r) => r.version)) {
      throw new AppError('version_not_found', `The dataset "${d.slug}" has no table yet, so there is no data package. Upload a file to it first (POST /api/datasets/${d.id}/versions).`);
    }
    return dataPackage(l.described);
  },
});

export const resourceCsvw = defineAction({
  name: 'resource.csvw',
  summary: 'CSV on the Web (W3C CSVW) metadata of a table\'s CSV download: dialect, column datatypes and properties, row URIs.',
  input: z.object({ dataset: z.string().min(1), resource: z.string().optional(), baseUrl: BaseUrl }),
  async run(ctx, input, authz) {
    const d = await readableDataset(ctx, authz, input.dataset);
    const resource = await resourceOf(ctx, d, input.resource);
    const l = await loadDataset(ctx, d, publicBase(ctx, input.baseUrl), true);
    const r = l.described.resources.find((x) => x.id === resource.id)!;
    if (!r.version) throw new AppError('version_not_found', `The resource "${resource.name}" has no data yet, so it has no CSV to describe. Upload a file to it first.`);
    return csvwMetadata(l.described, r);
  },
});

export const datasetSchemaOrg = defineAction({
  name: 'dataset.schemaOrg',
  summary: 'The schema.org Dataset description (JSON-LD) that the dataset page embeds for search engines.',
  input: z.object({ dataset: z.string().min(1), baseUrl: BaseUrl }),
  async run(ctx, input, authz) {
    const d = await readableDataset(ctx, authz, input.dataset);
    const l = await loadDataset(ctx, d, publicBase(ctx, input.baseUrl), true);
    return schemaOrgDataset(l.described);
  },
});

export const exportGeoJsonAction = defineAction({
  name: 'version.exportGeoJson',
  summary: 'The GeoJSON download of a spatial table (version latest by default), one Feature per row in WGS84. Made once, then kept beside the version.',
  input: z.object({ dataset: z.string().min(1), resource: z.string().optional(), version: z.coerce.number().int().positive().optional() }),
  async run(ctx, input, authz) {
    const d = await readableDataset(ctx, authz, input.dataset);
    const resource = await resourceOf(ctx, d, input.resource);
    const v = await getVersion(ctx.stores, resource, input.version);
    const p = versionPaths(ctx.stores, v);
    const audit = await readAudit(ctx.stores, v);
    if (!audit.spatial) {
      throw new AppError('unsupported_format', `The table "${resource.name}" (version ${v.number}) has no coordinates or geometry, so it has no GeoJSON download. Download it as CSV, JSON, Parquet or XLSX; a table with latitude/longitude or Lambert 72 x/y columns gets a GeoJSON download.`);
    }
    const out = path.join(p.exportsDir, 'data.geojson');
    let bytes: number;
    if (fs.existsSync(out)) bytes = fs.statSync(out).size;
    else {
      await fs.promises.mkdir(p.exportsDir, { recursive: true });
      bytes = await ctx.stores.tables.withConnection((conn) => exportGeoJson(conn, { parquetPath: p.parquet, schema: versionSchema(v), spatial: audit.spatial! }, out));
    }
    return { path: out, bytes, mediaType: GEOJSON_MEDIA_TYPE, filename: `${d.slug}-v${v.number}.geojson`, version: v.number };
  },
});

const FEED_SIZE = 50;

async function feedEntries(ctx: Ctx, base: string, organizationId?: string): Promise<{ entries: AtomEntry[]; updated: string }> {
  const db = ctx.stores.meta;
  // Feeds are public: published datasets only, whoever asks.
  const { rows } = await searchDatasets(db, { organizationId, status: 'published', visibleOrganizations: [], limit: FEED_SIZE, offset: 0 });
  const orgIds = [...new Set(rows.map((r) => r.organization_id))];
  const orgs = orgIds.length ? await db.selectFrom('organizations').selectAll().where('id', 'in', orgIds).execute() : [];
  const entries = rows.map((d): AtomEntry => {
    const org = orgs.find((o) => o.id === d.organization_id);
    const title = JSON.parse(d.title) as I18n;
    const description = JSON.parse(d.description) as I18n;
    const lang = title.fr ? 'fr' : title.nl ? 'nl' : title.de ? 'de' : title.en ? 'en' : undefined;
    const uri = `${base}/datasets/${encodeURIComponent(d.id)}`;
    return {
      id: uri,
      title: pickLang(title),
      updated: d.updated_at,
      published: d.created_at,
      link: uri,
      alternates: [
        { href: `${uri}.json`, type: 'application/json', title: 'JSON' },
        { href: `${base}/api/datasets/${encodeURIComponent(d.id)}/datapackage.json`, type: 'application/json', title: 'Data Package' },
      ],
      summary: pickLang(description),
      author: d.publisher ?? (org ? orgName(org) : undefined),
      categories: [...(JSON.parse(d.keywords) as string[]), ...(d.theme ? [d.theme] : [])],
      language: lang,
    };
  });
  return { entries, updated: rows[0]?.updated_at ?? new Date(0).toISOString() };
}

export const catalogFeed = defineAction({
  name: 'feed.catalog',
  summary: 'Atom feed of the newest and latest updated published datasets of the whole catalog.',
  input: z.object({ baseUrl: BaseUrl }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    const base = publicBase(ctx, input.baseUrl);
    const { entries, updated } = await feedEntries(ctx, base);
    return {
      mediaType: 'application/atom+xml; charset=utf-8',
      body: atomFeed({ id: `${base}/feeds/catalog.atom`, title: 'Dataville — datasets', subtitle: 'New and updated open datasets', self: `${base}/feeds/catalog.atom`, alternate: `${base}/datasets`, updated, author: 'Dataville', entries }),
    };
  },
});

export const organizationFeed = defineAction({
  name: 'feed.organization',
  summary: 'Atom feed of the newest and latest updated published datasets of one organization.',
  input: z.object({ organization: orgRef, baseUrl: BaseUrl }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    const org = await getOrganization(ctx.stores.meta, input.organization);
    const base = publicBase(ctx, input.baseUrl);
    const { entries, updated } = await feedEntries(ctx, base, org.id);
    const self = `${base}/feeds/organizations/${encodeURIComponent(org.slug)}.atom`;
    return {
      mediaType: 'application/atom+xml; charset=utf-8',
      body: atomFeed({ id: self, title: `${orgName(org)} — datasets`, subtitle: `New and updated open datasets of ${orgName(org)}`, self, alternate: `${base}/organizations/${encodeURIComponent(org.slug)}`, updated, author: orgName(org), entries }),
    };
  },
});
