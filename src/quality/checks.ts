import type { DuckDBConnection } from '@duckdb/node-api';
import type { ErrorSummary, TableError, TableSchema } from '../ingest/types.ts';
import { sqlIdent, sqlString } from '../stores/tables/duckdb.ts';

/** Errors of one type kept in a report; the summary keeps the true count. */
export const ERROR_CAP_PER_TYPE = 100;

/** Checks that need the whole typed table; today: rows repeated exactly ('duplicate-row'). */
export async function checkTable(
  conn: DuckDBConnection,
  parquetPath: string,
  schema: TableSchema,
): Promise<{ errors: TableError[]; errorSummary: ErrorSummary[] }> {
  const duplicates = await findDuplicateRows(conn, parquetPath, schema);
  return {
    errors: duplicates.errors,
    errorSummary: duplicates.count > 0 ? [{ type: 'duplicate-row', count: duplicates.count }] : [],
  };
}

async function findDuplicateRows(conn: DuckDBConnection, parquetPath: string, schema: TableSchema): Promise<{ errors: TableError[]; count: number }> {
  if (schema.fields.length === 0) return { errors: [], count: 0 };
  const source = `read_parquet(${sqlString(parquetPath)})`;
  const cols = schema.fields.map((f) => sqlIdent(f.name)).join(', ');
  // Rows with every cell empty are blank rows, the loader's business: counting them again here would
  // charge the same problem twice.
  const notBlank = `NOT (${schema.fields.map((f) => `${sqlIdent(f.name)} IS NULL`).join(' AND ')})`;
  const repeatedHashes = `SELECT hash(${cols}) AS h FROM ${source} WHERE ${notBlank} GROUP BY h HAVING count(*) > 1`;

  // Most tables have no duplicates: one scan grouping a 64-bit hash per row settles it.
  const candidates = Number((await conn.runAndReadAll(`SELECT count(*) FROM (${repeatedHashes})`)).getRowsJS()[0][0]);
  if (candidates === 0) return { errors: [], count: 0 };

  // Only rows sharing a hash are compared field by field, so a hash collision is never reported.
  const rows = (
    await conn.runAndReadAll(
      `WITH cand AS (SELECT _row, ${cols} FROM ${source} WHERE ${notBlank} AND hash(${cols}) IN (${repeatedHashes})),
            ranked AS (SELECT _row, min(_row) OVER (PARTITION BY ${cols}) AS first_row FROM cand)
       SELECT _row, first_row, count(*) OVER () AS total FROM ranked WHERE _row <> first_row ORDER BY _row LIMIT ${ERROR_CAP_PER_TYPE}`,
    )
  ).getRowsJS();
  const errors: TableError[] = rows.map((r) => ({
    type: 'duplicate-row',
    rowNumber: Number(r[0]),
    message: `Row ${Number(r[0])} repeats row ${Number(r[1])} exactly. Remove the copy at the source unless both records are real.`,
  }));
  return { errors, count: rows.length ? Number(rows[0][2]) : 0 };
}

/** Orders errors as a person reads the file: header-level ones (no row) first, then by row and column. */
export function byPosition(a: TableError, b: TableError): number {
  return (a.rowNumber ?? 0) - (b.rowNumber ?? 0) || (a.fieldNumber ?? 0) - (b.fieldNumber ?? 0);
}
