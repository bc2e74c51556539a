/**
 * A Frictionless Tabular Data Package (datapackage.json, Data Package v1 with Table Schema) for a
 * dataset: one tabular data resource per table, pointing at the CSV download of the version
 * served (pinned with ?version=, so the schema and the file always agree).
 */
import type { SchemaField } from '../../ingest/types.ts';
import { pickLang } from '../../catalog/datasets.ts';
import { slugify } from '../../catalog/text.ts';
import type { ColumnLink } from '../../linked/table.ts';
import type { DescribedDataset, DescribedResource } from './types.ts';

/**
 * A field of the CSV download. The download is written by Dataville, not by the publisher, so the
 * source's decimal comma, grouping and date format (kept in the stored schema) do not apply: numbers
 * have a decimal point, dates and times are ISO 8601, booleans are true/false, empty cells are missing.
 */
export function downloadField(f: SchemaField, link: ColumnLink | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { name: f.name, type: f.type };
  if (f.title) out.title = f.title;
  // Date-times are written without a time zone, which the default (UTC, "Z") would refuse.
  if (f.type === 'datetime') out.format = 'any';
  if (f.type === 'boolean') { out.trueValues = ['true']; out.falseValues = ['false']; }
  if (f['x-reason']) out.description = f['x-reason'];
  if (link?.links && 'kind' in link.links) {
    out.rdfType = link.links.kind === 'enterprise' ? 'http://www.w3.org/ns/regorg#RegisteredOrganization' : 'http://www.w3.org/2004/02/skos/core#Concept';
  }
  if (link) {
    out['x-dataville-property'] = link.property;
    if (link.reason) out['x-dataville-link'] = link.reason;
  }
  return out;
}

/** Data Package names: lower case letters, digits and - _ . / only, unique in the package. */
function resourceNames(resources: DescribedResource[]): Map<string, string> {
  const taken = new Set<string>();
  const out = new Map<string, string>();
  for (const r of resources) {
    const base = slugify(r.name) || 'table';
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
    taken.add(name);
    out.set(r.id, name);
  }
  return out;
}

export function dataPackage(d: DescribedDataset): Record<string, unknown> {
  const v = d.view;
  const tables = d.resources.filter((r) => r.version && r.schema);
  const names = resourceNames(tables);
  const description = pickLang(v.description);
  return {
    profile: 'tabular-data-package',
    name: slugify(`${v.organization && 'slug' in v.organization ? v.organization.slug : ''}-${v.slug}`) || v.slug,
    id: d.uri,
    title: pickLang(v.title),
    ...(description && { description }),
    homepage: d.page,
    ...(v.keywords.length && { keywords: v.keywords }),
    created: v.createdAt,
    ...(d.licence
      ? { licenses: [{ name: d.licence.id, path: d.licence.url, title: d.licence.title }] }
      : v.licence ? { licenses: [{ name: slugify(v.licence) || 'licence', title: v.licence }] } : {}),
    contributors: [{ title: v.publisher ?? d.organization.name, role: 'publisher', ...(d.organization.homepage && { path: d.organization.homepage }), ...(d.organization.email && { email: d.organization.email }) }],
    sources: [{ title: d.organization.name, path: d.page }],
    resources: tables.map((r) => {
      const csv = r.downloads.find((x) => x.format === 'csv')!;
      const links = new Map(r.columns.map((c) => [c.column, c]));
      return {
        profile: 'tabular-data-resource',
        name: names.get(r.id),
        path: csv.url,
        title: r.name,
        format: 'csv',
        mediatype: 'text/csv',
        encoding: 'utf-8',
        ...(csv.bytes !== null && { bytes: csv.bytes }),
        dialect: { delimiter: ',', doubleQuote: true, quoteChar: '"', lineTerminator: '\r\n', header: true, skipInitialSpace: false },
        schema: {
          fields: r.schema!.fields.filter((f) => f.name !== '_id' && f.name !== '_row').map((f) => downloadField(f, links.get(f.name))),
          missingValues: [''],
        },
        'x-dataville-version': r.version!.number,
        'x-dataville-rows': r.version!.rowCount,
        'x-dataville-row-uri-template': r.rowUriTemplate,
      };
    }),
  };
}
