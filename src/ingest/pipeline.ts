import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors.ts';
import type { ProgressFn } from '../context.ts';
import type { BlobStore } from '../stores/blobs/fs.ts';
import type { TableEngine } from '../stores/tables/duckdb.ts';
import { VERSION_FILES, type StagedVersion } from '../catalog/versions.ts';
import { auditTable } from '../quality/audit.ts';
import type { AuditReport } from '../quality/types.ts';
import { prepareCsv } from './csv/prepare.ts';
import { loadCsvTable } from './csv/load.ts';
import type { LoadedTable, PreparedCsv } from './types.ts';

export interface IngestOptions {
  maxColumns: number;
  progress?: ProgressFn;
}

const CSV_EXTENSIONS = new Set(['.csv', '.tsv', '.txt', '.tab', '']);
const LATER_FORMATS: Record<string, string> = { '.xlsx': 'XLSX', '.xls': 'XLS', '.ods': 'ODS', '.json': 'JSON', '.geojson': 'GeoJSON' };

/** The format of a source by its name; only CSV is read for now, the others get a clear refusal. */
export function formatOf(sourceName: string): 'csv' {
  const ext = path.extname(sourceName).toLowerCase();
  if (CSV_EXTENSIONS.has(ext)) return 'csv';
  const later = LATER_FORMATS[ext];
  throw new AppError('unsupported_format', later
    ? `"${sourceName}" is ${later}; this version of Dataville reads CSV files only. Save the sheet as CSV (UTF-8) and publish that file.`
    : `"${sourceName}" has the extension ${ext}, which Dataville does not read. Publish a CSV file (.csv, .tsv or .txt).`);
}

/** Reads a CSV into typed Parquet and audits it, inside workDir. Stores nothing in the catalog. */
export async function analyseCsv(engine: TableEngine, sourcePath: string, workDir: string, opts: IngestOptions): Promise<{ prepared: PreparedCsv; loaded: LoadedTable; audit: AuditReport; parquetPath: string }> {
  const progress = opts.progress ?? (() => {});
  const tmp = path.join(workDir, '.work');
  await fs.promises.mkdir(tmp, { recursive: true });
  try {
    progress('sniff', 0, 3);
    const prepared = await prepareCsv(sourcePath, tmp, { maxColumns: opts.maxColumns });
    const parquetPath = path.join(workDir, VERSION_FILES.parquet);
    return await engine.withConnection(async (conn) => {
      progress('load', 1, 3);
      const loaded = await loadCsvTable(conn, prepared, parquetPath);
      progress('audit', 2, 3);
      const audit = await auditTable(conn, {
        parquetPath, schema: loaded.schema, rowCount: loaded.rowCount, loadErrors: loaded.errors,
        loadErrorSummary: loaded.errorSummary, skipped: prepared.skipped, encoding: prepared.encoding,
        dialect: prepared.dialect, format: 'csv',
      });
      return { prepared, loaded, audit, parquetPath };
    });
  } finally {
    await fs.promises.rm(tmp, { recursive: true, force: true });
  }
}

/** Ingests a file into a new staging folder: original bytes, Parquet, audit. */
export async function stageVersion(engine: TableEngine, blobs: BlobStore, sourcePath: string, sourceName: string, opts: IngestOptions): Promise<StagedVersion> {
  const format = formatOf(sourceName);
  const stagingDir = await blobs.stage();
  try {
    const original = path.join(stagingDir, `${VERSION_FILES.originalPrefix}${path.extname(sourceName).toLowerCase() || '.csv'}`);
    const { bytes, sha256 } = await copyWithHash(sourcePath, original);
    const { audit } = await analyseCsv(engine, original, stagingDir, opts);
    await fs.promises.writeFile(path.join(stagingDir, VERSION_FILES.audit), JSON.stringify(audit, null, 1));
    opts.progress?.('done', 3, 3);
    return { stagingDir, sourceName, sourceBytes: bytes, sha256, format, audit };
  } catch (e) {
    await fs.promises.rm(stagingDir, { recursive: true, force: true });
    throw e;
  }
}

/** Copies a file while hashing it (one streaming pass). */
async function copyWithHash(from: string, to: string): Promise<{ bytes: number; sha256: string }> {
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
