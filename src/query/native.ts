import crypto from 'node:crypto';
import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdent, sqlString } from '../stores/tables/duckdb.ts';

/**
 * A version's rows in DuckDB's own file format, for row queries. Parquet stays the stored,
 * portable form; this copy is derived from it (and can be rebuilt at any time), because DuckDB's
 * native storage answers a 100-row page or a filter several times faster than ZSTD Parquet
 * (docs/decisions/0004-row-queries-on-native-copies.md).
 */
export const NATIVE_TABLE = 't';

/** Writes the native copy of a Parquet file (temp name, then rename: readers never see half a file). */
export async function buildNativeTable(conn: DuckDBConnection, parquetPath: string, outPath: string): Promise<void> {
  const tmp = `${outPath}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  const alias = sqlIdent(`build_${crypto.randomBytes(6).toString('hex')}`);
  await conn.run(`ATTACH ${sqlString(tmp)} AS ${alias}`);
  try {
    await conn.run(`CREATE TABLE ${alias}.${NATIVE_TABLE} AS SELECT * FROM read_parquet(${sqlString(parquetPath)}) ORDER BY _id`);
  } finally {
    await conn.run(`DETACH ${alias}`);
  }
  await fs.promises.rm(`${tmp}.wal`, { force: true });
  await fs.promises.rename(tmp, outPath);
}

const attached = new Set<string>();

/**
 * The SQL name of a version's native table, attached read-only to the process's DuckDB instance on
 * first use. Attachments are a per-process cache: any process attaches what it serves.
 */
export async function attachNativeTable(conn: DuckDBConnection, nativePath: string): Promise<string> {
  const alias = `v_${crypto.createHash('sha1').update(nativePath).digest('hex').slice(0, 16)}`;
  if (!attached.has(alias)) {
    try {
      await conn.run(`ATTACH IF NOT EXISTS ${sqlString(nativePath)} AS ${sqlIdent(alias)} (READ_ONLY)`);
    } catch (e) {
      // Another connection attached it at the same moment.
      if (!/already (exists|attached)/i.test((e as Error).message)) throw e;
    }
    attached.add(alias);
  }
  return `${sqlIdent(alias)}.${NATIVE_TABLE}`;
}
