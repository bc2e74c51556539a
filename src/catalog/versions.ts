import crypto from 'node:crypto';
import fs from 'node:fs';
import { sql } from 'kysely';
import { AppError } from '../errors.ts';
import type { Stores } from '../context.ts';
import type { DatasetTable, ResourceTable, VersionTable } from '../stores/meta/schema.ts';
import type { TableSchema } from '../ingest/types.ts';
import type { AuditReport } from '../quality/types.ts';

/** File names inside a version folder. */
export const VERSION_FILES = {
  audit: 'audit.json',
  parquet: 'data.parquet',
  searchIndex: 'search.parquet',
  native: 'table.duckdb',
  exports: 'exports',
  originalPrefix: 'original',
} as const;

export interface StagedVersion {
  stagingDir: string;
  sourceName: string;
  sourceBytes: number;
  sha256: string;
  format: string;
  audit: AuditReport;
}

export interface CommitTarget {
  /** Rows to create in the same transaction (a first publish creates its dataset and resource). */
  newDataset?: DatasetTable;
  newResource?: ResourceTable;
  resourceId: string;
  datasetId: string;
  createdBy: string | null;
  now: Date;
}

/**
 * Makes a staged version visible: rename the folder into place, then record it (and any new
 * dataset/resource) in one transaction. If the transaction fails the folder is removed again, so the
 * catalog never points at a missing folder and the previous version stays served.
 */
export async function commitVersion(stores: Stores, staged: StagedVersion, target: CommitTarget): Promise<VersionTable> {
  const versionId = crypto.randomUUID();
  const key = `resources/${target.resourceId}/${versionId}`;
  await stores.blobs.commit(staged.stagingDir, key);
  try {
    return await stores.meta.transaction().execute(async (trx) => {
      if (target.newDataset) await trx.insertInto('datasets').values(target.newDataset).execute();
      if (target.newResource) await trx.insertInto('resources').values(target.newResource).execute();
      const max = await trx.selectFrom('versions').select(sql<number | null>`max(number)`.as('n')).where('resource_id', '=', target.resourceId).executeTakeFirst();
      const number = Number(max?.n ?? 0) + 1;
      const row: VersionTable = {
        id: versionId,
        resource_id: target.resourceId,
        number,
        storage_key: key,
        source_name: staged.sourceName,
        source_bytes: staged.sourceBytes,
        sha256: staged.sha256,
        format: staged.format,
        row_count: staged.audit.rowCount,
        column_count: staged.audit.columnCount,
        score: staged.audit.score,
        schema_json: JSON.stringify(staged.audit.schema),
        encoding: staged.audit.encoding.encoding,
        created_by: target.createdBy,
        created_at: target.now.toISOString(),
      };
      await trx.insertInto('versions').values(row).execute();
      await trx.updateTable('resources').set({ latest_version: number, updated_at: row.created_at }).where('id', '=', target.resourceId).execute();
      await trx.updateTable('datasets').set({ updated_at: row.created_at }).where('id', '=', target.datasetId).execute();
      return row;
    });
  } catch (e) {
    await stores.blobs.remove(key);
    throw e;
  }
}

/** A committed version of a resource: the latest when number is omitted. */
export async function getVersion(stores: Stores, resource: ResourceTable, number?: number): Promise<VersionTable> {
  const n = number ?? resource.latest_version;
  if (n == null) throw new AppError('version_not_found', `The resource "${resource.name}" has no version yet. Upload a file to it first.`);
  const v = await stores.meta.selectFrom('versions').selectAll().where('resource_id', '=', resource.id).where('number', '=', n).executeTakeFirst();
  if (!v) throw new AppError('version_not_found', `The resource "${resource.name}" has no version ${n}; its latest is ${resource.latest_version ?? 'none'}.`);
  return v;
}

export async function listVersions(stores: Stores, resourceId: string): Promise<VersionTable[]> {
  return stores.meta.selectFrom('versions').selectAll().where('resource_id', '=', resourceId).orderBy('number', 'desc').execute();
}

/** Where a version's files are. */
export function versionPaths(stores: Stores, v: VersionTable) {
  return {
    dir: stores.blobs.resolve(v.storage_key),
    parquet: stores.blobs.resolve(v.storage_key, VERSION_FILES.parquet),
    searchIndex: stores.blobs.resolve(v.storage_key, VERSION_FILES.searchIndex),
    native: stores.blobs.resolve(v.storage_key, VERSION_FILES.native),
    audit: stores.blobs.resolve(v.storage_key, VERSION_FILES.audit),
    exportsDir: stores.blobs.resolve(v.storage_key, VERSION_FILES.exports),
  };
}

export function versionSchema(v: VersionTable): TableSchema {
  return JSON.parse(v.schema_json) as TableSchema;
}

export async function readAudit(stores: Stores, v: VersionTable): Promise<AuditReport> {
  return JSON.parse(await fs.promises.readFile(versionPaths(stores, v).audit, 'utf8')) as AuditReport;
}

/** The public view of a version. */
export function versionView(v: VersionTable) {
  return {
    id: v.id, number: v.number, sourceName: v.source_name, sourceBytes: v.source_bytes, sha256: v.sha256,
    format: v.format, rowCount: v.row_count, columnCount: v.column_count, score: v.score, encoding: v.encoding,
    createdAt: v.created_at, createdBy: v.created_by,
  };
}
