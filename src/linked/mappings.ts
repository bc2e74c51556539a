/**
 * A publisher's mappings of columns to shared vocabularies (OSLO, schema.org ...): the property a
 * column's values are stated with, an IRI template that turns its values into links, or a Belgian
 * identifier kind forced on (or refused for) the column. Kept per resource and column name.
 */
import { AppError } from '../errors.ts';
import type { MetaDb } from '../stores/meta/db.ts';
import type { ColumnMappingTable } from '../stores/meta/schema.ts';
import { IDENTIFIER_KINDS, type IdentifierKind } from './identifiers.ts';

/** Prefixes a publisher may write a property with ("schema:name"); any absolute http(s) IRI works too. */
export const VOCABULARY_PREFIXES: Record<string, string> = {
  schema: 'https://schema.org/',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  locn: 'http://www.w3.org/ns/locn#',
  geo: 'http://www.opengis.net/ont/geosparql#',
  wgs84: 'http://www.w3.org/2003/01/geo/wgs84_pos#',
  org: 'http://www.w3.org/ns/org#',
  adms: 'http://www.w3.org/ns/adms#',
  cpsv: 'http://purl.org/vocab/cpsv#',
  cv: 'http://data.europa.eu/m8g/',
  // OSLO (Flemish and Belgian interoperability vocabularies).
  adres: 'https://data.vlaanderen.be/ns/adres#',
  generiek: 'https://data.vlaanderen.be/ns/generiek#',
  gebouw: 'https://data.vlaanderen.be/ns/gebouw#',
  perceel: 'https://data.vlaanderen.be/ns/perceel#',
  persoon: 'https://data.vlaanderen.be/ns/persoon#',
  organisatie: 'https://data.vlaanderen.be/ns/organisatie#',
  mandaat: 'https://data.vlaanderen.be/ns/mandaat#',
  besluit: 'https://data.vlaanderen.be/ns/besluit#',
  mobiliteit: 'https://data.vlaanderen.be/ns/mobiliteit#',
  dienst: 'https://data.vlaanderen.be/ns/dienst#',
};

export interface ColumnMapping {
  column: string;
  /** Absolute IRI, or null for the dataset's own vocabulary. */
  property: string | null;
  valueTemplate: string | null;
  /** A forced identifier kind, 'none' to refuse one, or null to recognise it from the values. */
  identifier: IdentifierKind | 'none' | null;
  updatedAt: string;
  updatedBy: string | null;
}

/** Characters an IRI may not hold (RFC 3987 excludes these, and Turtle cannot write them unescaped). */
const IRI_FORBIDDEN = /[\s<>"{}|\\^`]/;

/** "schema:name" or an absolute IRI -> the absolute IRI; an error says which prefixes exist. */
export function expandProperty(raw: string, column: string): string {
  const s = raw.trim();
  const m = /^([a-z][a-z0-9]*):([A-Za-z_][\w.-]*)$/.exec(s);
  if (m && !s.startsWith('http') && VOCABULARY_PREFIXES[m[1]]) return VOCABULARY_PREFIXES[m[1]] + m[2];
  if (/^https?:\/\/[^/]+\/.+/.test(s) && !IRI_FORBIDDEN.test(s)) return s;
  throw new AppError('validation_failed', `The property "${raw}" given for column "${column}" is neither an absolute http(s) IRI nor a known prefix. Write an IRI such as https://schema.org/name, or one of the prefixes ${Object.keys(VOCABULARY_PREFIXES).map((p) => `${p}:`).join(', ')} (e.g. schema:name, adres:postcode).`);
}

/** An IRI template must be absolute and hold {value} exactly once. */
export function checkValueTemplate(raw: string, column: string): string {
  const s = raw.trim();
  const rest = s.replace('{value}', '');
  if (!/^https?:\/\/[^/]+\//.test(s) || (s.match(/\{value\}/g) ?? []).length !== 1 || IRI_FORBIDDEN.test(rest)) {
    throw new AppError('validation_failed', `The value template "${raw}" given for column "${column}" must be an absolute http(s) IRI with {value} once where the cell goes, e.g. https://data.vlaanderen.be/id/straatnaam/{value}.`);
  }
  return s;
}

/** The IRI a cell becomes under a template: the value percent-encoded so that it stays one path segment. */
export function fillTemplate(template: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value).trim();
  return s ? template.replace('{value}', encodeURIComponent(s)) : null;
}

function view(r: ColumnMappingTable): ColumnMapping {
  return {
    column: r.column_name,
    property: r.property,
    valueTemplate: r.value_template,
    identifier: (r.identifier as ColumnMapping['identifier']) ?? null,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

export async function columnMappings(db: MetaDb, resourceIds: string[]): Promise<Map<string, ColumnMapping[]>> {
  const out = new Map<string, ColumnMapping[]>(resourceIds.map((id) => [id, []]));
  if (!resourceIds.length) return out;
  const rows = await db.selectFrom('column_mappings').selectAll().where('resource_id', 'in', resourceIds).orderBy('column_name').execute();
  for (const r of rows) out.get(r.resource_id)?.push(view(r));
  return out;
}

export interface MappingInput {
  column: string;
  property?: string | null;
  valueTemplate?: string | null;
  identifier?: IdentifierKind | 'none' | null;
}

/**
 * Replaces the mapping of each given column (an entry with nothing set removes it). Columns must
 * exist in the resource's latest schema, so that a typo is caught now rather than never matching.
 */
export async function setColumnMappings(db: MetaDb, resourceId: string, columns: string[], input: MappingInput[], by: string | null, now: Date): Promise<void> {
  const known = new Set(columns);
  const rows: ColumnMappingTable[] = [];
  const clear: string[] = [];
  for (const m of input) {
    if (!known.has(m.column)) {
      throw new AppError('validation_failed', `The resource has no column "${m.column}"; its columns are ${columns.map((c) => `"${c}"`).join(', ')}. Use the column name exactly as in the table's schema.`);
    }
    if (m.identifier && m.identifier !== 'none' && !IDENTIFIER_KINDS.includes(m.identifier)) {
      throw new AppError('validation_failed', `Unknown identifier kind "${m.identifier}" for column "${m.column}": use ${IDENTIFIER_KINDS.join(', ')} or none.`);
    }
    const property = m.property ? expandProperty(m.property, m.column) : null;
    const valueTemplate = m.valueTemplate ? checkValueTemplate(m.valueTemplate, m.column) : null;
    if (valueTemplate && m.identifier && m.identifier !== 'none') {
      throw new AppError('validation_failed', `Column "${m.column}" has both a value template and the identifier kind "${m.identifier}": an identifier column already links its values to the official URIs. Keep one of the two.`);
    }
    if (!property && !valueTemplate && !m.identifier) clear.push(m.column);
    else rows.push({ resource_id: resourceId, column_name: m.column, property, value_template: valueTemplate, identifier: m.identifier ?? null, updated_by: by, updated_at: now.toISOString() });
  }
  await db.transaction().execute(async (trx) => {
    const touched = [...clear, ...rows.map((r) => r.column_name)];
    if (touched.length) await trx.deleteFrom('column_mappings').where('resource_id', '=', resourceId).where('column_name', 'in', touched).execute();
    if (rows.length) await trx.insertInto('column_mappings').values(rows).execute();
  });
}
