/**
 * CSV on the Web (W3C CSVW) metadata for the CSV download of a table: its dialect, a column per
 * field with its datatype and the property its values are stated with, the row URI (aboutUrl) and,
 * for identifier columns written plainly, the official URI of each value (valueUrl). A CSVW
 * processor turns the CSV into the same RDF as Dataville's row URIs serve.
 */
import { pickLang } from '../../catalog/datasets.ts';
import type { SchemaField } from '../../ingest/types.ts';
import type { ColumnLink } from '../../linked/table.ts';
import type { DescribedDataset, DescribedResource } from './types.ts';

/**
 * The header Dataville writes in the CSV: a name starting with = + - @ TAB or CR gets a leading
 * apostrophe, as in src/publish/exports.ts (spreadsheets would run it as a formula).
 */
export function csvHeader(name: string): string {
  return /^[=+\-@\t\r]/.test(name) ? `'${name}` : name;
}

/**
 * A column name usable in URI templates (RFC 6570 varname: letters, digits, _ and %-escapes) that
 * does not start with "_" (reserved by CSVW): every other byte is %-escaped.
 */
export function csvwName(name: string): string {
  const escaped = [...Buffer.from(name, 'utf8')].map((b) => {
    const c = String.fromCharCode(b);
    return /[A-Za-z0-9_]/.test(c) && b < 0x80 ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
  return escaped.startsWith('_') ? `%5F${escaped.slice(1)}` : escaped || 'column';
}

function datatype(f: SchemaField): unknown {
  switch (f.type) {
    case 'integer': return 'integer';
    case 'number': return 'double';
    case 'boolean': return { base: 'boolean', format: 'true|false' };
    case 'date': return 'date';
    case 'datetime': return 'dateTime';
    case 'geojson': return 'json';
    default: return 'string';
  }
}

function column(f: SchemaField, link: ColumnLink | undefined): Record<string, unknown> {
  const name = csvwName(f.name);
  const out: Record<string, unknown> = { name, titles: csvHeader(f.name), datatype: datatype(f) };
  if (link) out.propertyUrl = link.property;
  if (link?.links && 'template' in link.links) {
    // Publisher templates name the cell {value}; CSVW names it by the column.
    out.valueUrl = link.links.template.replace('{value}', `{${name}}`);
  } else if (link?.links && 'kind' in link.links && link.links.recognized?.uriPrefix) {
    out.valueUrl = `${link.links.recognized.uriPrefix}{${name}}`;
  }
  if (f['x-reason']) out['dc:description'] = f['x-reason'];
  return out;
}

/** The metadata document of one table's CSV download (application/csvm+json). */
export function csvwMetadata(d: DescribedDataset, r: DescribedResource): Record<string, unknown> {
  const csv = r.downloads.find((x) => x.format === 'csv')!;
  const links = new Map(r.columns.map((c) => [c.column, c]));
  const fields = (r.schema?.fields ?? []).filter((f) => f.name !== '_id' && f.name !== '_row');
  const description = pickLang(d.view.description);
  return {
    '@context': 'http://www.w3.org/ns/csvw',
    url: csv.url,
    'dc:title': `${pickLang(d.view.title)} — ${r.name}`,
    ...(description && { 'dc:description': description }),
    'dc:publisher': d.view.publisher ?? d.organization.name,
    ...(d.licence ? { 'dc:license': { '@id': d.licence.url } } : d.view.licence ? { 'dc:license': d.view.licence } : {}),
    ...(d.view.keywords.length && { 'dcat:keyword': d.view.keywords }),
    'dc:isPartOf': { '@id': d.uri },
    ...(r.version && { 'dc:modified': { '@value': r.version.createdAt.slice(0, 10), '@type': 'xsd:date' } }),
    dialect: { encoding: 'utf-8', delimiter: ',', quoteChar: '"', doubleQuote: true, header: true, headerRowCount: 1, lineTerminators: ['\r\n', '\n'], trim: false },
    tableSchema: {
      columns: fields.map((f) => column(f, links.get(f.name))),
      // Row n of the download is the row whose _id is n (the download is written in _id order).
      aboutUrl: r.rowUriTemplate.replace('{id}', '{_row}'),
    },
    // CSVW null is "" by default: an empty cell is a missing value, as in the download.
  };
}
