import type { DuckDBConnection } from '@duckdb/node-api';
import type { PrivacyReport } from '../privacy/types.ts';
import type { CsvDialect, EncodingReport, ErrorSummary, SpatialInfo, TableError, TableErrorType, TableOrigin, TableSchema } from '../ingest/types.ts';
import { ERROR_CAP_PER_TYPE, byPosition, checkTable } from './checks.ts';
import { profileTable } from './profile.ts';
import { scoreAudit } from './score.ts';
import type { AuditReport } from './types.ts';

export interface AuditArgs {
  parquetPath: string;
  schema: TableSchema;
  rowCount: number;
  loadErrors: TableError[];
  loadErrorSummary: ErrorSummary[];
  /** Rows the preparer dropped above the header (title and blank rows), all of them. */
  skipped: TableError[];
  encoding: EncodingReport;
  dialect: CsvDialect | null;
  format: string;
  table?: { name?: string; origin?: TableOrigin };
  spatial?: SpatialInfo | null;
  notes?: string[];
  privacy?: PrivacyReport;
}

/** Profiles, checks and scores a typed table version and assembles its audit report. */
export async function auditTable(conn: DuckDBConnection, args: AuditArgs): Promise<AuditReport> {
  const columns = await profileTable(conn, args.parquetPath, args.schema);
  const checks = await checkTable(conn, args.parquetPath, args.schema);
  const { errors, errorSummary } = mergeErrors([
    { errors: args.skipped, summary: [] },
    { errors: args.loadErrors, summary: args.loadErrorSummary },
    { errors: checks.errors, summary: checks.errorSummary },
  ]);
  const base = {
    format: args.format,
    encoding: args.encoding,
    dialect: args.dialect,
    schema: args.schema,
    rowCount: args.rowCount,
    columnCount: args.schema.fields.length,
    columns,
    errors,
    errorSummary,
  };
  const extra = {
    ...(args.table && { table: args.table }),
    ...(args.spatial !== undefined && { spatial: args.spatial }),
    ...(args.notes?.length && { notes: args.notes }),
    ...(args.privacy && { privacy: args.privacy }),
  };
  return { ...base, ...scoreAudit(base), ...extra };
}

interface ErrorSource {
  errors: TableError[];
  /** True counts per type; a type missing here counts its listed errors. */
  summary: ErrorSummary[];
}

/**
 * Merges error lists from several stages: sorted by position, capped per type, with true counts.
 * An error listed by two stages (the loader may pass on the preparer's skipped rows) counts once.
 */
export function mergeErrors(sources: ErrorSource[]): { errors: TableError[]; errorSummary: ErrorSummary[] } {
  const seen = new Set<string>();
  const byType = new Map<TableErrorType, { listed: TableError[]; count: number }>();
  for (const source of sources) {
    const counted = new Map<TableErrorType, number>();
    for (const s of source.summary) counted.set(s.type, (counted.get(s.type) ?? 0) + s.count);
    const listedHere = new Map<TableErrorType, number>();
    const repeats = new Map<TableErrorType, number>();
    for (const e of source.errors) {
      listedHere.set(e.type, (listedHere.get(e.type) ?? 0) + 1);
      const key = errorKey(e);
      if (seen.has(key)) {
        repeats.set(e.type, (repeats.get(e.type) ?? 0) + 1);
        continue;
      }
      seen.add(key);
      entry(byType, e.type).listed.push(e);
    }
    for (const type of new Set([...counted.keys(), ...listedHere.keys()])) {
      const count = Math.max(counted.get(type) ?? 0, listedHere.get(type) ?? 0) - (repeats.get(type) ?? 0);
      entry(byType, type).count += Math.max(0, count);
    }
  }
  const errors: TableError[] = [];
  const errorSummary: ErrorSummary[] = [];
  for (const [type, { listed, count }] of byType) {
    if (count > 0) errorSummary.push({ type, count });
    errors.push(...listed.sort(byPosition).slice(0, ERROR_CAP_PER_TYPE));
  }
  return { errors: errors.sort(byPosition), errorSummary };
}

function entry(map: Map<TableErrorType, { listed: TableError[]; count: number }>, type: TableErrorType) {
  let e = map.get(type);
  if (!e) map.set(type, (e = { listed: [], count: 0 }));
  return e;
}

/** Stages may word a message differently: a position identifies an error, the message only when there is none. */
function errorKey(e: TableError): string {
  const where = e.rowNumber === undefined && e.fieldNumber === undefined ? e.message : `${e.rowNumber ?? ''}:${e.fieldNumber ?? ''}`;
  return `${e.type}\u0000${where}`;
}
