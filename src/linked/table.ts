import crypto from 'node:crypto';
/**
 * What a table version links to, and its rows as RDF. The Belgian identifier columns of a version
 * are found once (they depend only on its immutable data and the reference lists) and kept in its
 * exports folder; the publisher's column mappings are laid over them on every read, so a changed
 * mapping shows at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Stores } from '../context.ts';
import type { SchemaField, TableSchema } from '../ingest/types.ts';
import type { ColumnProfile } from '../quality/types.ts';
import type { VersionTable } from '../stores/meta/schema.ts';
import { versionPaths } from '../catalog/versions.ts';
import { sqlIdent, sqlString } from '../stores/tables/duckdb.ts';
import { IDENTIFIER_LABELS, identifierUri, identifierValue, recognizeColumn, type IdentifierColumn, type IdentifierKind } from './identifiers.ts';
import { fillTemplate, type ColumnMapping } from './mappings.ts';
import { NS, iri, literal, type Term, type Triple } from './rdf.ts';

/** Raised when the recognition rules change, so that versions are looked at again. */
const RECOGNITION_VERSION = 1;
/** Distinct values looked at per column: the most frequent ones. */
const SAMPLE_VALUES = 2000;

/** Bookkeeping columns of the row store. */
export const STORAGE_FIELDS = new Set(['_id', '_row']);

async function sampleColumn(conn: DuckDBConnection, parquet: string, f: SchemaField): Promise<string[]> {
  const col = sqlIdent(f.name);
  const reader = await conn.runAndReadAll(
    `SELECT v FROM (SELECT trim(CAST(${col} AS VARCHAR)) AS v, count(*) AS n FROM read_parquet(${sqlString(parquet)}) WHERE ${col} IS NOT NULL GROUP BY 1) WHERE v <> '' ORDER BY n DESC, v LIMIT ${SAMPLE_VALUES}`,
  );
  return reader.getRowsJS().map((r) => String(r[0]));
}

/** Whether any of a column's most frequent values is a code of some kind: columns without one are not sampled. */
function worthSampling(profile: ColumnProfile | undefined): boolean {
  if (!profile) return true;
  return profile.topValues.some((t) => t.value !== null && (['nis', 'postcode', 'enterprise'] as IdentifierKind[]).some((k) => identifierValue(k, t.value) !== null));
}

/** The identifier columns of a version, recognised from its values (cached beside the version). */
export async function versionIdentifiers(stores: Stores, v: VersionTable, schema: TableSchema, profiles: ColumnProfile[]): Promise<IdentifierColumn[]> {
  const p = versionPaths(stores, v);
  const cache = path.join(p.exportsDir, `identifiers-v${RECOGNITION_VERSION}.json`);
  try {
    return JSON.parse(await fs.promises.readFile(cache, 'utf8')) as IdentifierColumn[];
  } catch {
    // Not made yet (or unreadable): made below.
  }
  const candidates = schema.fields.filter((f) => !STORAGE_FIELDS.has(f.name) && ['string', 'integer', 'number'].includes(f.type) && worthSampling(profiles.find((c) => c.name === f.name)));
  const found: IdentifierColumn[] = [];
  if (candidates.length && fs.existsSync(p.parquet)) {
    await stores.tables.withConnection(async (conn) => {
      for (const f of candidates) {
        const values = await sampleColumn(conn, p.parquet, f);
        const hit = recognizeColumn({ name: f.name, type: f.type, values, complete: values.length < SAMPLE_VALUES });
        if (hit) found.push(hit);
      }
    });
  }
  await fs.promises.mkdir(p.exportsDir, { recursive: true });
  // Unique per call: several requests may make the same cache at once; the last rename wins, all equal.
  const tmp = `${cache}.${process.pid}.${crypto.randomUUID()}.tmp`;
  await fs.promises.writeFile(tmp, JSON.stringify(found));
  await fs.promises.rename(tmp, cache);
  return found;
}

/** How one column appears in RDF: its property, and how its cells become terms. */
export interface ColumnLink {
  column: string;
  type: SchemaField['type'];
  property: string;
  /** Set when the column's property comes from a publisher's mapping. */
  mappedProperty: boolean;
  /** Cells become IRIs: official URIs of a Belgian identifier, or a publisher's template. */
  links: { kind: IdentifierKind; recognized: IdentifierColumn | null } | { template: string } | null;
  /** For a person: why the column links (or is mapped). */
  reason: string | null;
}

/** Where a resource's own vocabulary lives: one property per column. */
export function vocabularyNamespace(base: string, datasetId: string, resourceId: string): string {
  return `${base}/datasets/${encodeURIComponent(datasetId)}/resources/${encodeURIComponent(resourceId)}/schema#`;
}

export function rowUri(base: string, datasetId: string, resourceId: string, id: number | string): string {
  return `${base}/datasets/${encodeURIComponent(datasetId)}/resources/${encodeURIComponent(resourceId)}/rows/${encodeURIComponent(String(id))}`;
}

/** Every column of a table with its property and links: the recognised identifiers, overridden by the publisher's mappings. */
export function columnLinks(schema: TableSchema, recognized: IdentifierColumn[], mappings: ColumnMapping[], namespace: string): ColumnLink[] {
  return schema.fields.filter((f) => !STORAGE_FIELDS.has(f.name)).map((f) => {
    const m = mappings.find((x) => x.column === f.name);
    const r = recognized.find((x) => x.column === f.name) ?? null;
    let links: ColumnLink['links'] = null;
    let reason: string | null = null;
    if (m?.valueTemplate) {
      links = { template: m.valueTemplate };
      reason = `values link to ${m.valueTemplate} (mapped by the publisher)`;
    } else if (m?.identifier && m.identifier !== 'none') {
      links = { kind: m.identifier, recognized: r?.kind === m.identifier ? r : null };
      reason = `values are ${IDENTIFIER_LABELS[m.identifier]}s (set by the publisher)`;
    } else if (r && m?.identifier !== 'none') {
      links = { kind: r.kind, recognized: r };
      reason = `recognised as ${IDENTIFIER_LABELS[r.kind]}: ${r.reason}`;
    }
    if (m?.property) reason = reason ? `${reason}; stated with ${m.property}` : `stated with ${m.property} (mapped by the publisher)`;
    return { column: f.name, type: f.type, property: m?.property ?? namespace + encodeURIComponent(f.name), mappedProperty: !!m?.property, links, reason };
  });
}

const XSD_OF: Record<SchemaField['type'], string | undefined> = {
  string: undefined,
  integer: `${NS.xsd}integer`,
  number: `${NS.xsd}double`,
  boolean: `${NS.xsd}boolean`,
  date: `${NS.xsd}date`,
  datetime: `${NS.xsd}dateTime`,
  geojson: `${NS.geo}geoJSONLiteral`,
};

/** A cell as an RDF term, or null for an empty cell (no triple: RDF has no null). */
export function cellTerm(link: ColumnLink, raw: string | null): Term | null {
  if (raw === null || raw === '') return null;
  if (link.links && 'template' in link.links) {
    const t = fillTemplate(link.links.template, raw);
    return t ? iri(t) : null;
  }
  if (link.links && 'kind' in link.links) {
    const uri = identifierUri(link.links.kind, raw);
    // A cell that is not a valid code stays a literal rather than becoming a broken link.
    if (uri) return iri(uri);
  }
  if (link.type === 'number') {
    const n = Number(raw);
    const lexical = Number.isNaN(n) ? 'NaN' : n === Infinity ? 'INF' : n === -Infinity ? '-INF' : raw;
    return literal(lexical, XSD_OF.number);
  }
  return literal(link.type === 'datetime' ? raw.replace(' ', 'T') : raw, XSD_OF[link.type]);
}

/** The cells of one row (by _id) as text, as the CSV download writes them; null when there is no such row. */
export async function readRow(conn: DuckDBConnection, parquet: string, schema: TableSchema, id: number): Promise<Record<string, string | null> | null> {
  const fields = schema.fields.filter((f) => !STORAGE_FIELDS.has(f.name));
  const cols = fields.map((f) => `CAST(${sqlIdent(f.name)} AS VARCHAR)`);
  const reader = await conn.runAndReadAll(`SELECT ${cols.length ? cols.join(', ') : 'NULL'} FROM read_parquet(${sqlString(parquet)}) WHERE _id = $1 LIMIT 1`, [id]);
  const rows = reader.getRowsJS();
  if (!rows.length) return null;
  return Object.fromEntries(fields.map((f, i) => [f.name, rows[0][i] === null ? null : String(rows[0][i])]));
}

/** A row's triples: each non-empty cell under its column's property, and the dataset it belongs to. */
export function rowTriples(subject: string, datasetUri: string, links: ColumnLink[], cells: Record<string, string | null>): Triple[] {
  const out: Triple[] = [{ s: subject, p: `${NS.dct}isPartOf`, o: iri(datasetUri) }];
  for (const l of links) {
    const o = cellTerm(l, cells[l.column] ?? null);
    if (o) out.push({ s: subject, p: l.property, o });
  }
  return out;
}

/** The resource's vocabulary: each column's own property with its label, range, and the shared property it maps to. */
export function vocabularyTriples(namespace: string, links: ColumnLink[], title: string): Triple[] {
  const doc = namespace.replace(/#$/, '');
  const out: Triple[] = [
    { s: doc, p: `${NS.rdf}type`, o: iri(`${NS.owl}Ontology`) },
    { s: doc, p: `${NS.rdfs}label`, o: literal(title) },
  ];
  for (const l of links) {
    const own = namespace + encodeURIComponent(l.column);
    out.push({ s: own, p: `${NS.rdf}type`, o: iri(`${NS.rdf}Property`) });
    out.push({ s: own, p: `${NS.rdfs}label`, o: literal(l.column) });
    out.push({ s: own, p: `${NS.rdfs}isDefinedBy`, o: iri(doc) });
    if (l.links) out.push({ s: own, p: `${NS.rdfs}range`, o: iri(`${NS.rdfs}Resource`) });
    else if (XSD_OF[l.type]) out.push({ s: own, p: `${NS.rdfs}range`, o: iri(XSD_OF[l.type]!) });
    else out.push({ s: own, p: `${NS.rdfs}range`, o: iri(`${NS.xsd}string`) });
    if (l.mappedProperty) out.push({ s: own, p: `${NS.owl}equivalentProperty`, o: iri(l.property) });
    if (l.reason) out.push({ s: own, p: `${NS.rdfs}comment`, o: literal(l.reason, undefined, 'en') });
  }
  return out;
}
