/**
 * datastore_search_sql: one read-only SELECT over published tables, in a DuckDB of its own.
 *
 * Three walls, each enough on its own for what it guards (decision 0010):
 * 1. DuckDB's own parser decides what the text is: exactly one statement (extractStatements), a
 *    SELECT (json_serialize_sql serialises nothing else), and its syntax tree names every table.
 *    Table functions (read_csv, read_parquet, glob, query ...), other schemas or catalogs, SHOW and
 *    DESCRIBE, and the few scalar functions that reveal settings are refused by name.
 * 2. Every table must be a resource id the caller resolves to a published table; nothing else exists
 *    in the query's database, whose views read only those files.
 * 3. That database is a fresh in-memory DuckDB instance, thrown away after the query: file access is
 *    off except for exactly those files (allowed_paths), its configuration is locked, it cannot spill
 *    to disk, its memory and threads are capped, and the query is interrupted at its time limit. It
 *    never sees the process's own instance, so nothing the catalog serves can be written or dropped.
 */
import {
  DuckDBArrayValue, DuckDBDecimalValue, DuckDBInstance, DuckDBListValue, DuckDBMapValue, DuckDBStructValue, DuckDBTimestampTZValue,
  DuckDBTimestampValue, DuckDBTypeId, type DuckDBConnection, type DuckDBType, type DuckDBValue,
} from '@duckdb/node-api';
import { AppError } from '../../errors.ts';
import { sqlIdent, sqlString } from '../../stores/tables/duckdb.ts';
import { ckanError } from './errors.ts';

export interface SqlLimits {
  /** Rows returned at most (CKAN's ckan.datastore.search.rows_max); more are cut and records_truncated is set. */
  rowsMax: number;
  /** Wall-clock time for parsing, opening the tables and running the query. */
  timeoutMs: number;
  /** DuckDB memory_limit of the query's own database, e.g. "256MB". */
  memoryLimit: string;
  threads: number;
  /** Queries run at the same time in this process; others wait their turn. */
  concurrency: number;
  /** Text of the answer at most (its values' characters): a few huge values must not become a huge response. */
  maxChars: number;
}

/** A table the query may read: a resource id, the files of its served version, and its columns. */
export interface SqlTable {
  name: string;
  parquetPath: string;
  /** The version's native DuckDB copy, when it exists (faster than the Parquet). */
  nativePath?: string;
  columns: string[];
}

export interface SqlAnswer {
  fields: { id: string; type: string }[];
  records: Record<string, unknown>[];
  truncated: boolean;
}

/** Why a statement was refused or stopped; recorded with the refusal. */
export type SqlRefusal = 'syntax' | 'statements' | 'not_select' | 'table_function' | 'schema' | 'function' | 'table' | 'timeout' | 'memory' | 'size' | 'query';

/** A refusal: a CKAN Validation Error on `sql`, with the reason for the record. */
export function sqlRefused(reason: SqlRefusal, message: string): AppError {
  const e = ckanError('validation', message, { sql: [message] });
  Object.assign(e.details as object, { reason });
  return e;
}

/** Scalar functions that would show this server's settings (file paths, limits) to the caller. */
const REFUSED_FUNCTIONS = new Set(['current_setting', 'getenv', 'json_execute_serialized_sql']);

/** The tables a SELECT names, once DuckDB's parser has read it; throws a refusal for anything else. */
export async function tablesOfSelect(conn: DuckDBConnection, text: string): Promise<string[]> {
  let count: number;
  try {
    count = (await conn.extractStatements(text)).count;
  } catch (e) {
    throw sqlRefused('syntax', `The SQL cannot be read: ${duckMessage(e)}`);
  }
  if (count === 0) throw sqlRefused('syntax', 'The SQL is empty. Send one SELECT, e.g. SELECT * FROM "<resource id>" LIMIT 10.');
  if (count > 1) {
    // DuckDB runs a PIVOT without IN (...) as two statements (the values first), though it is written as one.
    if (/\bPIVOT\b/i.test(text) && !/\bIN\s*\(/i.test(text)) throw sqlRefused('statements', 'A PIVOT must list its values here, e.g. PIVOT "<resource id>" ON year IN (2023, 2024) USING sum(amount): without them DuckDB runs a second statement first.');
    throw sqlRefused('statements', `The SQL holds ${count} statements; send exactly one SELECT (a ";" inside a text is fine, between statements it is not).`);
  }
  const reader = await conn.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [text]);
  const ast = JSON.parse(String(reader.getRows()[0][0])) as { error: boolean; error_message?: string; statements?: unknown[] };
  if (ast.error) {
    if (/only select/i.test(ast.error_message ?? '')) {
      const first = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? 'this statement';
      throw sqlRefused('not_select', `Only a SELECT may be run here, and this is ${first}: datastore_search_sql reads published tables and never changes, creates, copies, attaches or configures anything.`);
    }
    throw sqlRefused('syntax', `The SQL cannot be read: ${ast.error_message}`);
  }
  const found = { tables: [] as string[], ctes: new Set<string>() };
  inspect(ast.statements, found);
  const seen = new Set<string>();
  const tables: string[] = [];
  for (const t of found.tables) {
    const key = t.toLowerCase();
    if (found.ctes.has(key) || seen.has(key)) continue;
    seen.add(key);
    tables.push(t);
  }
  return tables;
}

/** Walks DuckDB's syntax tree: table references, WITH names, table functions and refused functions. */
function inspect(node: unknown, found: { tables: string[]; ctes: Set<string> }): void {
  if (Array.isArray(node)) {
    for (const n of node) inspect(n, found);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  const ctes = (o.cte_map as { map?: { key?: unknown }[] } | undefined)?.map;
  if (Array.isArray(ctes)) for (const c of ctes) if (typeof c.key === 'string') found.ctes.add(c.key.toLowerCase());
  if (o.type === 'BASE_TABLE' && typeof o.table_name === 'string') {
    if (o.schema_name || o.catalog_name) {
      const full = [o.catalog_name, o.schema_name, o.table_name].filter(Boolean).join('.');
      throw sqlRefused('schema', `"${full}" names a schema or database; name the table by its resource id alone, quoted: SELECT * FROM "<resource id>".`);
    }
    found.tables.push(o.table_name);
  }
  if (o.type === 'TABLE_FUNCTION') {
    const name = (o.function as { function_name?: string } | undefined)?.function_name ?? 'a table function';
    throw sqlRefused('table_function', `${name}() reads files or settings, which datastore_search_sql does not allow: read published tables by their resource id, SELECT * FROM "<resource id>".`);
  }
  if (o.type === 'SHOW_REF') {
    throw sqlRefused('not_select', 'DESCRIBE, SUMMARIZE and SHOW are not run here; datastore_search returns the fields of a resource, and a SELECT with aggregates gives the summary.');
  }
  if (o.class === 'FUNCTION' && typeof o.function_name === 'string' && REFUSED_FUNCTIONS.has(o.function_name.toLowerCase())) {
    throw sqlRefused('function', `${o.function_name}() is not allowed here: it would show the server's settings.`);
  }
  for (const v of Object.values(o)) if (v && typeof v === 'object') inspect(v, found);
}

let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(limit: number, fn: () => Promise<T>): Promise<T> {
  while (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * Runs one SELECT. `resolve` maps the table names the parser found to readable tables (or throws
 * the refusal: unknown, not published); it runs after parsing and before any file is opened.
 */
export async function runReadOnlySelect(
  text: string,
  resolve: (names: string[]) => Promise<SqlTable[]>,
  limits: SqlLimits,
): Promise<SqlAnswer> {
  return slot(limits.concurrency, async () => {
    const started = Date.now();
    const instance = await DuckDBInstance.create(':memory:', {
      memory_limit: limits.memoryLimit,
      threads: String(limits.threads),
      // No spilling: a query that outgrows its memory stops instead of filling the disk.
      temp_directory: '',
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    try {
      const conn = await instance.connect();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        conn.interrupt();
      }, Math.max(1, limits.timeoutMs - (Date.now() - started)));
      // The interrupt stops a running statement; between statements the flag does.
      const checkTime = () => {
        if (timedOut) throw timeoutError(limits);
      };
      try {
        const names = await tablesOfSelect(conn, text);
        checkTime();
        const tables = await resolve(names);
        checkTime();
        await openTables(conn, tables);
        checkTime();
        return await readRows(conn, text, limits);
      } catch (e) {
        if (timedOut || /^INTERRUPT/i.test((e as Error).message ?? '')) throw timeoutError(limits);
        if (e instanceof AppError) throw e;
        const msg = duckMessage(e);
        if (/out of memory/i.test(msg)) {
          throw sqlRefused('memory', `The query needs more than the ${limits.memoryLimit} of memory a query may use here: aggregate or filter earlier, join on narrower keys, or select fewer columns.`);
        }
        throw sqlRefused('query', `The query failed: ${msg}`);
      } finally {
        clearTimeout(timer);
        conn.closeSync();
      }
    } finally {
      instance.closeSync();
    }
  });
}

function timeoutError(limits: SqlLimits): AppError {
  return sqlRefused('timeout', `The query ran longer than the ${limits.timeoutMs / 1000} s a query may take here and was stopped: filter with WHERE, aggregate, join on fewer rows, or add a LIMIT.`);
}

/**
 * Makes each table a view named by its resource id in the query's database. Only the tables' own
 * files are reachable, and only until the configuration is locked with file access off.
 */
async function openTables(conn: DuckDBConnection, tables: SqlTable[]): Promise<void> {
  const paths = tables.flatMap((t) => (t.nativePath ? [t.nativePath, `${t.nativePath}.wal`] : [t.parquetPath]));
  await conn.run(`SET allowed_paths = [${paths.map(sqlString).join(', ')}]`);
  await conn.run('SET enable_external_access = false');
  for (const [i, t] of tables.entries()) {
    const columns = ['_id', ...t.columns].map(sqlIdent).join(', ');
    let source: string;
    if (t.nativePath) {
      await conn.run(`ATTACH ${sqlString(t.nativePath)} AS ${sqlIdent(`src_${i}`)} (READ_ONLY)`);
      source = `${sqlIdent(`src_${i}`)}.t`;
    } else {
      source = `read_parquet(${sqlString(t.parquetPath)})`;
    }
    await conn.run(`CREATE VIEW main.${sqlIdent(t.name)} AS SELECT ${columns} FROM ${source}`);
  }
  await conn.run('SET lock_configuration = true');
}

/** Streams the answer and stops one row past the limit (to know it was cut), as CKAN does with LIMIT n+1. */
async function readRows(conn: DuckDBConnection, text: string, limits: SqlLimits): Promise<SqlAnswer> {
  const result = await conn.stream(text);
  const names = result.columnNames();
  const types = result.columnTypes();
  const records: Record<string, unknown>[] = [];
  let truncated = false;
  let chars = 0;
  while (!truncated) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (const row of chunk.getRows()) {
      if (records.length === limits.rowsMax) {
        truncated = true;
        break;
      }
      const rec: Record<string, unknown> = {};
      names.forEach((n, i) => {
        const v = jsonValue(row[i]);
        chars += typeof v === 'string' ? v.length : v !== null && typeof v === 'object' ? JSON.stringify(v).length : 8;
        rec[n] = v;
      });
      if (chars > limits.maxChars) {
        throw sqlRefused('size', `The answer is larger than the ${Math.round(limits.maxChars / 1024 / 1024)} MB a query may return here: select fewer columns or rows, or aggregate.`);
      }
      records.push(rec);
    }
  }
  return { fields: names.map((id, i) => ({ id, type: typeName(types[i]) })), records, truncated };
}

/** Column types by the PostgreSQL names CKAN's DataStore reports. */
function typeName(t: DuckDBType): string {
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN: return 'bool';
    case DuckDBTypeId.TINYINT: case DuckDBTypeId.SMALLINT: case DuckDBTypeId.UTINYINT: return 'int2';
    case DuckDBTypeId.INTEGER: case DuckDBTypeId.USMALLINT: return 'int4';
    case DuckDBTypeId.BIGINT: case DuckDBTypeId.UINTEGER: return 'int8';
    case DuckDBTypeId.UBIGINT: case DuckDBTypeId.HUGEINT: case DuckDBTypeId.UHUGEINT: case DuckDBTypeId.DECIMAL: case DuckDBTypeId.BIGNUM: return 'numeric';
    case DuckDBTypeId.FLOAT: return 'float4';
    case DuckDBTypeId.DOUBLE: return 'float8';
    case DuckDBTypeId.DATE: return 'date';
    case DuckDBTypeId.TIME: case DuckDBTypeId.TIME_NS: return 'time';
    case DuckDBTypeId.TIME_TZ: return 'timetz';
    case DuckDBTypeId.TIMESTAMP: case DuckDBTypeId.TIMESTAMP_S: case DuckDBTypeId.TIMESTAMP_MS: case DuckDBTypeId.TIMESTAMP_NS: return 'timestamp';
    case DuckDBTypeId.TIMESTAMP_TZ: return 'timestamptz';
    case DuckDBTypeId.INTERVAL: return 'interval';
    case DuckDBTypeId.UUID: return 'uuid';
    case DuckDBTypeId.BLOB: return 'bytea';
    case DuckDBTypeId.LIST: case DuckDBTypeId.ARRAY: return `_${typeName((t as unknown as { valueType: DuckDBType }).valueType)}`;
    case DuckDBTypeId.STRUCT: case DuckDBTypeId.MAP: case DuckDBTypeId.UNION: case DuckDBTypeId.VARIANT: return 'json';
    default: return 'text';
  }
}

/** Values as JSON carries them: safe integers as numbers (larger ones as text), timestamps in ISO 8601. */
function jsonValue(v: DuckDBValue): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof DuckDBDecimalValue) return v.toDouble();
  if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue) return v.toString().replace(' ', 'T');
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return v.items.map(jsonValue);
  if (v instanceof DuckDBStructValue) return Object.fromEntries(Object.entries(v.entries).map(([k, x]) => [k, jsonValue(x)]));
  if (v instanceof DuckDBMapValue) return Object.fromEntries(v.entries.map((e) => [String(jsonValue(e.key)), jsonValue(e.value)]));
  return String(v);
}

/** DuckDB's message without its tuning advice, which speaks to the server's operator, not the caller. */
function duckMessage(e: unknown): string {
  const msg = String((e as Error)?.message ?? e);
  return msg.split(/\n\s*\n(?:Possible solutions|See also)/)[0].trim().slice(0, 1500);
}
