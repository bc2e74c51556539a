/**
 * The 5-star open data rating (Tim Berners-Lee, 5stardata.info) of a dataset, computed from what
 * it really offers: its licence, its status, the files Dataville serves for each resource, and the
 * columns that link to other data. The stars are cumulative; each one not earned says why, and
 * the step that earns it. docs/decisions/0011-stars-and-self-description.md gives the rules.
 */
import { knownLicence, licenceChoices } from '../linked/licences.ts';

/** What the rating looks at, gathered by src/actions/describe.ts. */
export interface StarsInput {
  datasetId: string;
  status: 'internal' | 'planned' | 'published';
  licence: string | null;
  resources: StarsResource[];
}

export interface StarsResource {
  id: string;
  name: string;
  /** Format of the source (csv, xlsx, json, geojson) or of a link (pdf, csv ...). */
  format: string;
  /** A table held by Dataville (a committed version): CSV, JSON, Parquet, XLSX downloads and row URIs. */
  table: { rows: number } | null;
  /** A link to a file held elsewhere (a harvested distribution). */
  link: string | null;
  /** Columns whose values link to other data (Belgian identifiers, a publisher's IRI template). */
  linkingColumns: { column: string; reason: string }[];
  /** Columns a publisher mapped to a shared vocabulary's property. */
  mappedColumns: { column: string; property: string }[];
}

export type StarCode =
  | 'open_licence' | 'not_published' | 'no_licence' | 'licence_unknown' | 'licence_not_open' | 'no_data'
  | 'structured' | 'not_structured'
  | 'open_format' | 'proprietary_only'
  | 'row_uris' | 'rows_elsewhere' | 'no_rows'
  | 'linked' | 'not_linked'
  | 'needs_previous';

export interface StarLevel {
  star: 1 | 2 | 3 | 4 | 5;
  earned: boolean;
  code: StarCode;
  /** Facts the page words the reason with (licence, resource names, columns ...). */
  params: Record<string, string>;
  /** In English, for the API and the CLI. */
  reason: string;
  /** What earns the star when it is not earned; null when earned. */
  step: string | null;
}

export interface StarsResult {
  stars: 0 | 1 | 2 | 3 | 4 | 5;
  levels: StarLevel[];
}

/** Formats a person or a program can read as a table (5-star: "structured"). */
const STRUCTURED = new Set(['csv', 'tsv', 'xlsx', 'xls', 'ods', 'json', 'geojson', 'xml', 'parquet', 'shp', 'gpkg', 'kml', 'rdf', 'ttl', 'jsonld']);
/** Structured formats anyone can read without a vendor's software (5-star: "non-proprietary"). */
const OPEN_FORMATS = new Set(['csv', 'tsv', 'ods', 'json', 'geojson', 'xml', 'parquet', 'gpkg', 'kml', 'rdf', 'ttl', 'jsonld']);

const fmt = (f: string) => f.toLowerCase().replace(/^\./, '');
const names = (rs: StarsResource[]) => rs.map((r) => `"${r.name}"`).join(', ');

function level(star: StarLevel['star'], earned: boolean, code: StarCode, reason: string, step: string | null, params: Record<string, string> = {}): StarLevel {
  return { star, earned, code, params, reason, step: earned ? null : step };
}

function star1(input: StarsInput): StarLevel {
  const withData = input.resources.filter((r) => r.table || r.link);
  if (input.status !== 'published') {
    return level(1, false, 'not_published', `The dataset is ${input.status}: only members of its organization can see it, so it is not open data yet.`,
      'Publish it (set its status to "published") once the data may be shared.', { status: input.status });
  }
  if (!withData.length) {
    return level(1, false, 'no_data', 'The dataset has no data yet.', 'Upload a file to it (a CSV or XLSX table).');
  }
  const choices = licenceChoices().filter((id) => knownLicence(id)?.open).slice(0, 4).join(', ');
  if (!input.licence || !input.licence.trim()) {
    return level(1, false, 'no_licence', 'No licence is given, so nobody knows whether they may reuse the data.',
      `Choose an open licence in the dataset's metadata, e.g. ${choices}.`);
  }
  const l = knownLicence(input.licence);
  if (!l) {
    return level(1, false, 'licence_unknown', `Dataville does not know the licence "${input.licence}", so it cannot tell that it is open.`,
      `Name the licence with its usual id, e.g. ${choices}.`, { licence: input.licence });
  }
  if (!l.open) {
    return level(1, false, 'licence_not_open', `${l.title} restricts reuse (${l.conditions.replace(/\.$/, '').toLowerCase()}), so the data is not open.`,
      `Use an open licence, e.g. ${choices}.`, { licence: l.id });
  }
  return level(1, true, 'open_licence', `Published on the web under ${l.title}, an open licence.`, null, { licence: l.id });
}

function star2(input: StarsInput): StarLevel {
  const structured = input.resources.filter((r) => r.table || (r.link && STRUCTURED.has(fmt(r.format))));
  if (structured.length) {
    return level(2, true, 'structured', `${names(structured)} ${structured.length === 1 ? 'is' : 'are'} structured data a program can read.`, null, { resources: names(structured) });
  }
  return level(2, false, 'not_structured', 'No resource is structured data: a document or a picture cannot be read by a program.',
    'Upload the data itself as a table (CSV or XLSX), not a scan or a PDF.');
}

function star3(input: StarsInput): StarLevel {
  const open = input.resources.filter((r) => r.table || (r.link && OPEN_FORMATS.has(fmt(r.format))));
  if (open.length) {
    const tables = open.filter((r) => r.table);
    const reason = tables.length
      ? `Dataville serves ${names(tables)} as CSV and JSON, formats no vendor owns${tables.some((r) => !OPEN_FORMATS.has(fmt(r.format))) ? ' (made from the uploaded file)' : ''}.`
      : `${names(open)} ${open.length === 1 ? 'is' : 'are'} in a format no vendor owns.`;
    return level(3, true, 'open_format', reason, null, { resources: names(open) });
  }
  return level(3, false, 'proprietary_only', 'The data is only available in a format tied to one vendor\'s software.',
    'Upload the table to Dataville: it serves every table as CSV and JSON too.');
}

function star4(input: StarsInput): StarLevel {
  const tables = input.resources.filter((r) => r.table);
  const elsewhere = input.resources.filter((r) => !r.table && r.link);
  if (!tables.length) {
    return level(4, false, 'rows_elsewhere', 'The data is held elsewhere, so its rows have no URIs here.',
      'Upload the table to Dataville: every row of a table it holds gets a URI with an RDF description (Turtle, JSON-LD).', { resources: names(elsewhere) });
  }
  if (elsewhere.length) {
    return level(4, false, 'rows_elsewhere', `${names(elsewhere)} ${elsewhere.length === 1 ? 'is a link' : 'are links'} to files elsewhere, whose rows have no URIs.`,
      'Upload these files to Dataville too, so that every row of every table has a URI.', { resources: names(elsewhere) });
  }
  const empty = tables.filter((r) => r.table!.rows === 0);
  if (empty.length === tables.length) {
    return level(4, false, 'no_rows', 'The tables have no rows, so there is nothing to give a URI to.', 'Upload a file with data rows.');
  }
  const first = tables.find((r) => r.table!.rows > 0)!;
  return level(4, true, 'row_uris', `Every row has a URI with Turtle and JSON-LD views, e.g. /datasets/${input.datasetId}/resources/${first.id}/rows/1.`, null,
    { example: `/datasets/${input.datasetId}/resources/${first.id}/rows/1` });
}

function star5(input: StarsInput): StarLevel {
  const linking = input.resources.flatMap((r) => r.linkingColumns.map((c) => ({ ...c, resource: r.name })));
  const mapped = input.resources.flatMap((r) => r.mappedColumns.map((c) => ({ ...c, resource: r.name })));
  if (linking.length || mapped.length) {
    const parts = [
      ...linking.map((c) => `column "${c.column}" links to official URIs (${c.reason})`),
      ...mapped.filter((m) => !linking.some((l) => l.column === m.column && l.resource === m.resource)).map((c) => `column "${c.column}" is stated with ${c.property}`),
    ];
    return level(5, true, 'linked', `Linked to other data: ${parts.join('; ')}.`, null, { columns: [...new Set([...linking, ...mapped].map((c) => c.column))].join(', ') });
  }
  const first = input.resources.find((r) => r.table);
  return level(5, false, 'not_linked', 'No column links to other data: none holds NIS codes, postcodes or enterprise numbers, and no column is mapped to a shared vocabulary.',
    `Map a column to a shared vocabulary (PUT /api/resources/${first?.id ?? '{resource}'}/column-mappings, e.g. {"column": "Rue", "property": "locn:thoroughfare"} or a value template such as https://data.vlaanderen.be/id/straatnaam/{value}), or add a column with the NIS code or the postcode of each row's municipality: Dataville links those by itself.`,
    { resource: first?.id ?? '' });
}

/** The rating: stars are cumulative, so a star is counted only when every star below it is earned too. */
export function rateStars(input: StarsInput): StarsResult {
  const levels = [star1(input), star2(input), star3(input), star4(input), star5(input)];
  let stars = 0;
  for (const l of levels) {
    if (!l.earned) break;
    stars++;
  }
  // A star whose own test passes above a missing one is not counted; say so rather than show it as earned.
  const shown = levels.map((l, i) => (i > stars && l.earned
    ? { ...l, earned: false, code: 'needs_previous' as const, reason: `${l.reason} It counts once star ${stars + 1} is earned.`, step: `Earn star ${stars + 1} first.`, params: { ...l.params, missing: String(stars + 1) } }
    : l));
  return { stars: stars as StarsResult['stars'], levels: shown };
}
