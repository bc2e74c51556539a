import type { CsvDialect, EncodingReport, ErrorSummary, TableError, TableSchema } from '../ingest/types.ts';

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
}
