import crypto from 'node:crypto';
import fs from 'node:fs';
import { sql } from 'kysely';
import { AppError } from '../errors.ts';
import type { Stores } from '../context.ts';
import type { DatasetTable, ResourceTable, VersionTable } from '../stores/meta/schema.ts';
import type { TableOrigin, TableSchema } from '../ingest/types.ts';
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
  /** The table's name inside its source, when the source holds several (a workbook's sheet). */
  tableName?: string;
  origin?: TableOrigin;
  /** Set for versions the privacy gate already decided on (an anonymised version); else from the audit. */
  privacyState?: VersionTable['privacy_state'];
  derivedFrom?: number;
}

/** Versions the public never sees: waiting for the DPO, or withheld by the DPO. */
export const HELD_STATES: readonly VersionTable['privacy_state'][] = ['flagged', 'withheld'];

/** The privacy state a staged version enters the catalog with: flagged when its audit found personal data. */
export function privacyStateOf(staged: StagedVersion): VersionTable['privacy_state'] {
  return staged.privacyState ?? (staged.audit.privacy?.personal ? 'flagged' : 'clear');
}

export interface CommitTarget {
  /** Rows to create in the same transaction (a first publish creates its dataset and resource). */
  newDataset?: DatasetTable;
  newResource?: ResourceTable;
  resourceId: string;
  datasetId: string;
  createdBy: string | null;
  now: Date;
  /** Why this version exists when it is not a plain upload (refresh, rollback). */
  note?: string;
}

/** One staged version and the resource it becomes a version of. */
export interface CommitItem {
  staged: StagedVersion;
  resourceId: string;
  /** A resource to create in the same transaction. */
  newResource?: ResourceTable;
}

export interface CommitCommon {
  newDataset?: DatasetTable;
  datasetId: string;
  createdBy: string | null;
  now: Date;
  note?: string;
}

/** Makes one staged version visible (see commitVersions). */
export async function commitVersion(stores: Stores, staged: StagedVersion, target: CommitTarget): Promise<VersionTable> {
  const [v] = await commitVersions(stores, [{ staged, resourceId: target.resourceId, newResource: target.newResource }], target);
  return v;
}

/**
 * Makes staged versions visible together: rename each folder into place, then record them (and any
 * new dataset and resources) in one transaction. If the transaction fails the folders are removed
 * again, so the catalog never points at a missing folder and the previous versions stay served.
 */
export async function commitVersions(stores: Stores, items: CommitItem[], common: CommitCommon): Promise<VersionTable[]> {
  const placed: { item: CommitItem; id: string; key: string }[] = [];
  try {
    for (const item of items) {
      const id = crypto.randomUUID();
      const key = `resources/${item.resourceId}/${id}`;
      await stores.blobs.commit(item.staged.stagingDir, key);
      placed.push({ item, id, key });
    }
    return await stores.meta.transaction().execute(async (trx) => {
      // A new dataset whose data waits for the DPO is not published yet: the DPO's review publishes it.
      const held = items.some((i) => HELD_STATES.includes(privacyStateOf(i.staged)));
      if (common.newDataset) {
        const d = held && common.newDataset.status === 'published' ? { ...common.newDataset, status: 'internal' as const, publish_on_review: 1 } : common.newDataset;
        await trx.insertInto('datasets').values(d).execute();
      }
      const rows: VersionTable[] = [];
      for (const { item, id, key } of placed) {
        if (item.newResource) await trx.insertInto('resources').values(item.newResource).execute();
        const max = await trx.selectFrom('versions').select(sql<number | null>`max(number)`.as('n')).where('resource_id', '=', item.resourceId).executeTakeFirst();
        const number = Number(max?.n ?? 0) + 1;
        const { staged } = item;
        const row: VersionTable = {
          id,
          resource_id: item.resourceId,
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
          created_by: common.createdBy,
          created_at: common.now.toISOString(),
          note: common.note ?? null,
          privacy_state: privacyStateOf(staged),
          derived_from: staged.derivedFrom ?? null,
        };
        await trx.insertInto('versions').values(row).execute();
        // A held version is recorded but not served: the previous version stays what everyone sees.
        if (!HELD_STATES.includes(row.privacy_state)) {
          await trx.updateTable('resources').set({ latest_version: number, updated_at: row.created_at }).where('id', '=', item.resourceId).execute();
        }
        rows.push(row);
      }
      const d = await trx.selectFrom('datasets').select('spatial_bbox').where('id', '=', common.datasetId).executeTakeFirst();
      const bbox = unionBbox([d?.spatial_bbox ? JSON.parse(d.spatial_bbox) : null, ...items.map((i) => i.staged.audit.spatial?.bbox ?? null)]);
      await trx.updateTable('datasets')
        .set({ updated_at: common.now.toISOString(), ...(bbox && { spatial_bbox: JSON.stringify(bbox) }) })
        .where('id', '=', common.datasetId).execute();
      return rows;
    });
  } catch (e) {
    await Promise.all(placed.map((p) => stores.blobs.remove(p.key)));
    throw e;
  }
}

type Bbox = [number, number, number, number];
/** The smallest box holding every given box (WGS84 [west, south, east, north]). */
export function unionBbox(boxes: (Bbox | null)[]): Bbox | null {
  const real = boxes.filter((b): b is Bbox => !!b);
  if (!real.length) return null;
  return [Math.min(...real.map((b) => b[0])), Math.min(...real.map((b) => b[1])), Math.max(...real.map((b) => b[2])), Math.max(...real.map((b) => b[3]))];
}

/** A committed version of a resource: the latest when number is omitted. */
export async function getVersion(stores: Stores, resource: ResourceTable, number?: number, opts: { includeHeld?: boolean } = {}): Promise<VersionTable> {
  const n = number ?? resource.latest_version;
  if (n == null && resource.url) throw new AppError('version_not_found', `The resource "${resource.name}" is a link to a file held elsewhere (${resource.url}); Dataville holds no copy to query or convert. Download it there.`);
  if (n == null) throw new AppError('version_not_found', `The resource "${resource.name}" has no version yet. Upload a file to it first.`);
  const v = await stores.meta.selectFrom('versions').selectAll().where('resource_id', '=', resource.id).where('number', '=', n).executeTakeFirst();
  if (!v) throw new AppError('version_not_found', `The resource "${resource.name}" has no version ${n}; its latest is ${resource.latest_version ?? 'none'}.`);
  // Personal data waiting for the DPO (or withheld) is never handed out by number either.
  if (HELD_STATES.includes(v.privacy_state) && !opts.includeHeld) {
    throw new AppError('version_not_found', `Version ${n} of "${resource.name}" is not public: it holds personal data that waits for the data-protection officer's review. Version ${resource.latest_version ?? 'none'} is the one served.`);
  }
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
    createdAt: v.created_at, createdBy: v.created_by, note: v.note, privacyState: v.privacy_state, derivedFrom: v.derived_from,
  };
}
