/**
 * The contracts between the ingest stages. prepareCsv (sniff + transcode) -> loadCsvTable (DuckDB
 * load, structure checks, type inference, typed Parquet) -> auditTable (profile, checks, score).
 */

/** Frictionless error names where one fits, plus a few of ours for what Frictionless has no name for. */
export type TableErrorType =
  | 'blank-row'
  | 'duplicate-row'
  | 'extra-cell'
  | 'missing-cell'
  | 'type-error'
  | 'blank-header'
  | 'duplicate-label'
  | 'encoding-error'
  | 'footer-row'
  | 'title-row'
  | 'censored-value'
  | 'mojibake-repaired';

export interface TableError {
  type: TableErrorType;
  /** For a person: what is wrong and, where it helps, how to fix it at the source. */
  message: string;
  /** 1-based number of the record in the source file (header and title rows count). */
  rowNumber?: number;
  /** 1-based position of the column. */
  fieldNumber?: number;
  fieldName?: string;
  cell?: string;
}

/** Errors are capped per type; the summary keeps the true count. */
export interface ErrorSummary {
  type: TableErrorType;
  count: number;
}

export type SourceEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'iso-8859-1';

export interface EncodingReport {
  /** The encoding the bytes were read with. */
  encoding: SourceEncoding;
  bom: boolean;
  /**
   * How the encoding was decided: 'bom', 'valid-utf8', 'detected' (chardet), 'fallback', or
   * 'container' when the format fixes it (XLSX holds XML in UTF-8; the reader decoded it).
   */
  method: 'bom' | 'valid-utf8' | 'detected' | 'fallback' | 'container';
  confidence: number;
  /** Set when the text was UTF-8 decoded once as another charset and saved again, and was repaired. */
  mojibake: null | { decodedAs: 'windows-1252' | 'macintosh'; repairedCount: number; example?: { before: string; after: string } };
  /** Byte sequences that could not be decoded (replaced with U+FFFD). */
  invalidSequences: number;
}

export interface CsvDialect {
  delimiter: string;
  quoteChar: string;
  doubleQuote: boolean;
  lineTerminator: '\r\n' | '\n' | '\r';
  header: boolean;
}

export interface PreparedCsv {
  /** UTF-8 text without BOM, starting at the first data record (title rows and header dropped). */
  utf8Path: string;
  encoding: EncodingReport;
  dialect: CsvDialect;
  /** Raw header labels as found (may contain blanks and duplicates); synthesised when the file has none. */
  header: string[];
  /** Record number (1-based, in the source) of the header row; 0 when the file has no header. */
  headerRowNumber: number;
  /** Record number of the first record in utf8Path. */
  firstDataRowNumber: number;
  /** Rows skipped above the header (title rows, blank rows), reported as errors of type title-row / blank-row. */
  skipped: TableError[];
  sourceBytes: number;
}

/** The formats a source file can have; each has a reader producing a PreparedTable. */
export type SourceFormat = 'csv' | 'xlsx' | 'json' | 'geojson';

/** Where a table sits inside its source file, for a person and for the next refresh. */
export interface TableOrigin {
  format: SourceFormat;
  /** Sheet name (XLSX). */
  sheet?: string;
  /** A1-style range of the table on its sheet (XLSX), e.g. "B3:F120". */
  range?: string;
  /** JSON Pointer (RFC 6901) of the array that was read (JSON): "" for a top-level array, "/data" ... */
  pointer?: string;
}

/** What makes a table spatial, found by a reader (GeoJSON) or in a typed table (lat/lon, Lambert 72 x/y). */
export interface SpatialInfo {
  kind: 'geometry' | 'latlon' | 'lambert72';
  /** Bounding box in WGS84 degrees: [west, south, east, north]. */
  bbox: [number, number, number, number];
  /** The coordinate system of the source values. */
  sourceCrs: 'EPSG:4326' | 'EPSG:31370';
  /** GeoJSON geometry types present (Point, LineString, Polygon, ...), for kind 'geometry'. */
  geometryTypes?: string[];
  /** The field names holding the coordinates. */
  columns: { geometry?: string; lat?: string; lon?: string; x?: string; y?: string };
}

/**
 * What every reader hands to the loader: a UTF-8 CSV body plus where it came from. CSV files get
 * theirs from prepareCsv; XLSX, JSON and GeoJSON readers write a body in the canonical dialect
 * (`,`, `"` doubled, LF), values written the way the loader's inference reads them exactly:
 * numbers with a decimal point and no grouping (`1234.56`), dates `yyyy-mm-dd`, date-times
 * `yyyy-mm-ddThh:mm:ss`, booleans `true`/`false`, missing values as empty cells.
 * Body lines map one to one to source rows from firstDataRowNumber on (an empty source row is an
 * empty line), so that errors and `_row` point at the row a person sees in the source.
 */
export interface PreparedTable extends Omit<PreparedCsv, 'encoding'> {
  /** The source's encoding; null when the format has none of its own to report. */
  encoding: EncodingReport | null;
  /** A name for the table when a source holds several (the sheet name, "Budget (B:E)"). */
  name?: string;
  origin?: TableOrigin;
  /** Types the reader knows better than inference, by field position (0-based); null: infer. */
  fieldTypes?: (SchemaField['type'] | null)[];
  /** Set by readers that know the table is spatial (GeoJSON). */
  spatial?: SpatialInfo;
  /** Notes about the source that are not errors of a row (hidden sheets skipped, spacer columns dropped ...). */
  notes?: string[];
  /**
   * Every record is data: no footer rows are looked for at the end (JSON, GeoJSON, where a sparse
   * last record would otherwise read as a note below the table). Trailing blank rows still are.
   */
  noFooter?: boolean;
}

/** Frictionless Table Schema field. */
export interface SchemaField {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'geojson';
  format?: string;
  title?: string;
  /** How the source wrote the values, e.g. { decimalChar: ',', groupChar: '.' } or { format: '%d/%m/%Y' }. */
  decimalChar?: string;
  groupChar?: string;
  trueValues?: string[];
  falseValues?: string[];
  /** Why a column that looks numeric stayed text (codes with leading zeros, censored values ...). */
  'x-reason'?: string;
}

export interface TableSchema {
  fields: SchemaField[];
  missingValues: string[];
}

export interface LoadedTable {
  /** Typed Parquet: column `_id` (1..n, BIGINT), column `_row` (source record number), then the fields. */
  parquetPath: string;
  schema: TableSchema;
  rowCount: number;
  /** Structure and type errors found while loading (capped per type), in source order. */
  errors: TableError[];
  errorSummary: ErrorSummary[];
}
