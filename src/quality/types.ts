import type { CsvDialect, EncodingReport, ErrorSummary, SpatialInfo, TableError, TableOrigin, TableSchema } from '../ingest/types.ts';
import type { PrivacyReport } from '../privacy/types.ts';

export interface ColumnProfile {
  name: string;
  type: string;
  nullCount: number;
  distinctCount: number;
  min: string | number | boolean | null;
  max: string | number | boolean | null;
  /** The most frequent values (up to 10) with their counts. */
  topValues: { value: string | number | boolean | null; count: number }[];
}

export interface Deduction {
  /** Stable id of the rule, e.g. 'missing-cell'. */
  rule: string;
  points: number;
  reason: string;
}

/** What `dataville audit FILE --json` prints and what every version stores as audit.json. */
export interface AuditReport {
  format: 'csv' | string;
  encoding: EncodingReport;
  dialect: CsvDialect | null;
  schema: TableSchema;
  rowCount: number;
  columnCount: number;
  columns: ColumnProfile[];
  errors: TableError[];
  errorSummary: ErrorSummary[];
  score: number;
  deductions: Deduction[];
  /** Which table of the source this is, when the source (a workbook) holds several or it sits in a range. */
  table?: { name?: string; origin?: TableOrigin };
  /** Set when the table is spatial: coordinates, their system and the bounding box in WGS84. */
  spatial?: SpatialInfo | null;
  /** Facts about the source that are not errors of a row (hidden sheets, spacer columns, reprojection ...). */
  notes?: string[];
  /** Personal data found in the table (the privacy guard); a version with `personal` waits for the DPO. */
  privacy?: PrivacyReport;
}
