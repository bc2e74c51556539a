/**
 * The ingest pipeline, the same for every format: a reader turns the source into one or more
 * PreparedTables (a UTF-8 body plus its header and row numbers), the loader types each one into
 * Parquet, the audit profiles and scores it. A source with several tables (a workbook's sheets,
 * tables side by side) gives one staged version per table.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { AppError } from '../errors.ts';
import type { ProgressFn } from '../context.ts';
import type { BlobStore } from '../stores/blobs/fs.ts';
import type { TableEngine } from '../stores/tables/duckdb.ts';
import { VERSION_FILES, type StagedVersion } from '../catalog/versions.ts';
import { auditTable } from '../quality/audit.ts';
import type { AuditReport } from '../quality/types.ts';
import { prepareCsv } from './csv/prepare.ts';
import { loadCsvTable } from './csv/load.ts';
import type { EncodingReport, LoadedTable, PreparedTable, SourceFormat } from './types.ts';
import { readHead } from './head.ts';

export interface ReadOptions {
  maxColumns: number;
  /** Workbooks: the sheet to read (name or 1-based position), or 'all' (the default: every visible sheet). */
  sheet?: string | number;
  /** JSON: the JSON Pointer of the array to read, when the document holds several. */
  pointer?: string;
}

export interface IngestOptions extends ReadOptions {
  progress?: ProgressFn;
  /** Facts about how the file was obtained (a fetch's warnings), added to every table's audit notes. */
  sourceNotes?: string[];
}

const EXTENSIONS: Record<string, SourceFormat> = {
  '.csv': 'csv', '.tsv': 'csv', '.txt': 'csv', '.tab': 'csv', '': 'csv',
  '.xlsx': 'xlsx', '.xlsm': 'xlsx', '.xls': 'xlsx',
  '.json': 'json', '.ndjson': 'json', '.jsonl': 'json',
  '.geojson': 'geojson',
};
const REFUSED: Record<string, string> = {
  '.ods': 'an OpenDocument spreadsheet; save it as .xlsx or CSV (UTF-8) and publish that file',
  '.pdf': 'a PDF document, which holds no table a machine can read; publish the spreadsheet or CSV the PDF was made from',
  '.doc': 'a word-processor document; publish the table as CSV or .xlsx',
  '.docx': 'a word-processor document; publish the table as CSV or .xlsx',
  '.zip': 'a ZIP archive; unpack it and publish the files inside one by one',
  '.shp': 'a shapefile, which Dataville does not read yet; export the layer as GeoJSON (WGS84) and publish that file',
};

/** The format of a source, from its name; refuses formats Dataville does not read, saying what to do. */
export function formatOf(sourceName: string): SourceFormat {
  const ext = path.extname(sourceName).toLowerCase();
  const format = EXTENSIONS[ext];
  if (format) return format;
  const refused = REFUSED[ext];
  throw new AppError('unsupported_format', refused
    ? `"${sourceName}" is ${refused}.`
    : `"${sourceName}" has the extension ${ext}, which Dataville does not read. Publish CSV (.csv, .tsv, .txt), Excel (.xlsx), JSON (.json) or GeoJSON (.geojson).`);
}

/**
 * The format of a file from its first bytes, which beat its name: a workbook saved as ".csv" is
 * still a workbook, and a GeoJSON file is often named ".json".
 */
export async function detectFormat(sourcePath: string, sourceName: string): Promise<SourceFormat> {
  const byName = formatOf(sourceName);
  const bytes = await readHead(sourcePath, 64 * 1024);
  const zip = bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  const ole = bytes.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
  // A workbook whatever its name (its entries live under xl/); the workbook reader says what an OLE
  // file is (old .xls, a password). Another zip named .csv is refused by the CSV reader as binary.
  if (ole || (zip && (byName === 'xlsx' || bytes.includes('xl/')))) return 'xlsx';
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') throw new AppError('unsupported_format', `"${sourceName}" is a PDF document, which holds no table a machine can read. Publish the spreadsheet or CSV the PDF was made from.`);
  if (byName === 'xlsx') return 'xlsx';
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (byName === 'json' || byName === 'geojson' || (byName === 'csv' && path.extname(sourceName) === '' && /^[[{]/.test(text))) {
    return /"type"\s*:\s*"(FeatureCollection|Feature)"/.test(text) ? 'geojson' : byName === 'geojson' ? 'geojson' : 'json';
  }
  return byName;
}

/** Reads a source into its tables. Bodies go to workDir. */
export async function readSource(sourcePath: string, sourceName: string, workDir: string, opts: ReadOptions): Promise<{ format: SourceFormat; tables: PreparedTable[] }> {
  const format = await detectFormat(sourcePath, sourceName);
  await fs.promises.mkdir(workDir, { recursive: true });
  switch (format) {
    case 'csv':
      return { format, tables: [await prepareCsv(sourcePath, workDir, { maxColumns: opts.maxColumns })] };
    case 'xlsx': {
      // Readers of other formats load only when a file needs them.
      const { readXlsx } = await import('./xlsx/read.ts');
      const { tables } = await readXlsx(sourcePath, workDir, { sheet: opts.sheet ?? 'all', maxColumns: opts.maxColumns });
      return { format, tables };
    }
    case 'json': {
      const { readJson } = await import('./json/read.ts');
      return { format, tables: [await readJson(sourcePath, workDir, { maxColumns: opts.maxColumns, pointer: opts.pointer })] };
    }
    case 'geojson': {
      const { readGeoJson } = await import('./json/geojson.ts');
      return { format, tables: [await readGeoJson(sourcePath, workDir, { maxColumns: opts.maxColumns })] };
    }
  }
}

/** Formats without an encoding of their own (the reader decoded them) report this. */
const CONTAINER_ENCODING: EncodingReport = { encoding: 'utf-8', bom: false, method: 'container', confidence: 1, mojibake: null, invalidSequences: 0 };

/** Loads one prepared table into Parquet at parquetPath and audits it. */
export async function analyseTable(conn: DuckDBConnection, table: PreparedTable, format: SourceFormat, parquetPath: string, onAudit?: () => void): Promise<{ loaded: LoadedTable; audit: AuditReport }> {
  const loaded = await loadCsvTable(conn, table, parquetPath);
  onAudit?.();
  let spatial = table.spatial ?? null;
  if (!spatial) {
    const { detectSpatial } = await import('./spatial/detect.ts');
    spatial = await detectSpatial(conn, parquetPath, loaded.schema.fields);
  }
  // The privacy guard looks at every new version; what it finds decides whether the version is held.
  const { detectPrivacy } = await import('../privacy/detect.ts');
  const privacy = await detectPrivacy(conn, parquetPath, loaded.schema);
  const audit = await auditTable(conn, {
    parquetPath, schema: loaded.schema, rowCount: loaded.rowCount, loadErrors: loaded.errors,
    loadErrorSummary: loaded.errorSummary, skipped: table.skipped, encoding: table.encoding ?? CONTAINER_ENCODING,
    dialect: format === 'csv' ? table.dialect : null, format,
    table: table.name || table.origin ? { name: table.name, origin: table.origin } : undefined,
    spatial, notes: table.notes, privacy,
  });
  return { loaded, audit };
}

/** Reads and audits every table of a file inside workDir (the audit command). Stores nothing in the catalog. */
export async function analyseFile(engine: TableEngine, sourcePath: string, sourceName: string, workDir: string, opts: IngestOptions): Promise<{ format: SourceFormat; results: { table: PreparedTable; audit: AuditReport }[] }> {
  const progress = opts.progress ?? (() => {});
  const tmp = path.join(workDir, '.work');
  try {
    progress('read', 0, 3);
    const { format, tables } = await readSource(sourcePath, sourceName, tmp, opts);
    const results = await engine.withConnection(async (conn) => {
      const out: { table: PreparedTable; audit: AuditReport }[] = [];
      for (const [i, table] of tables.entries()) {
        progress('load', 1 + (i / tables.length), 3);
        const { audit } = await analyseTable(conn, table, format, path.join(workDir, `table-${i + 1}.parquet`), () => progress('audit', 2 + i / tables.length, 3));
        out.push({ table, audit });
      }
      return out;
    });
    return { format, results };
  } finally {
    await fs.promises.rm(tmp, { recursive: true, force: true });
  }
}

/** What is known of the source's bytes when they were already hashed on the way in (an upload, a fetch). */
export interface KnownSource {
  bytes: number;
  sha256: string;
}

/**
 * Ingests a file into one staging folder per table: the original bytes (linked, not copied, when
 * there are several), Parquet, audit. On any error every staging folder is removed.
 */
export async function stageVersions(engine: TableEngine, blobs: BlobStore, sourcePath: string, sourceName: string, opts: IngestOptions, known?: KnownSource): Promise<StagedVersion[]> {
  const progress = opts.progress ?? (() => {});
  const dirs: string[] = [await blobs.stage()];
  const work = path.join(dirs[0], '.work');
  try {
    const originalName = `${VERSION_FILES.originalPrefix}${path.extname(sourceName).toLowerCase() || '.csv'}`;
    const original = path.join(dirs[0], originalName);
    let source: KnownSource;
    if (known) {
      await linkOrCopy(sourcePath, original);
      source = known;
    } else source = await copyWithHash(sourcePath, original);
    const { bytes, sha256 } = source;
    progress('read', 0, 3);
    const { format, tables } = await readSource(original, sourceName, work, opts);
    if (!tables.length) throw new AppError('unreadable_table', `"${sourceName}" holds no table to publish.`);
    const staged: StagedVersion[] = [];
    await engine.withConnection(async (conn) => {
      for (const [i, table] of tables.entries()) {
        if (i > 0) {
          dirs.push(await blobs.stage());
          await linkOrCopy(original, path.join(dirs[i], originalName));
        }
        progress('load', 1 + i / tables.length, 3);
        const withNotes = opts.sourceNotes?.length ? { ...table, notes: [...opts.sourceNotes, ...(table.notes ?? [])] } : table;
        const { audit } = await analyseTable(conn, withNotes, format, path.join(dirs[i], VERSION_FILES.parquet), () => progress('audit', 2 + i / tables.length, 3));
        await fs.promises.writeFile(path.join(dirs[i], VERSION_FILES.audit), JSON.stringify(audit, null, 1));
        staged.push({ stagingDir: dirs[i], sourceName, sourceBytes: bytes, sha256, format, audit, tableName: table.name, origin: table.origin });
      }
    });
    await fs.promises.rm(work, { recursive: true, force: true });
    progress('done', 3, 3);
    return staged;
  } catch (e) {
    await Promise.all(dirs.map((d) => fs.promises.rm(d, { recursive: true, force: true })));
    throw e;
  }
}

/** A hard link where the file system allows it (the bytes are immutable), else a copy. */
export async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await fs.promises.link(from, to);
  } catch {
    await fs.promises.copyFile(from, to);
  }
}

/** Copies a file while hashing it (one streaming pass). */
export async function copyWithHash(from: string, to: string): Promise<{ bytes: number; sha256: string }> {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  await pipeline(fs.createReadStream(from, { highWaterMark: 1 << 20 }), new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
  }), fs.createWriteStream(to));
  return { bytes, sha256: hash.digest('hex') };
}

/** The SHA-256 of a file, streaming. */
export async function hashFile(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}
