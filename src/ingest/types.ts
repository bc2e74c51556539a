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
  /** How the encoding was decided: 'bom', 'valid-utf8', 'detected' (chardet), 'fallback'. */
  method: 'bom' | 'valid-utf8' | 'detected' | 'fallback';
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
