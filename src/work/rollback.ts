/** Rolling back: an earlier version's files (linked, they never change) committed as a new version. */
import fs from 'node:fs';
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { commitVersions, readAudit, VERSION_FILES, versionPaths } from '../catalog/versions.ts';
import { linkOrCopy } from '../ingest/pipeline.ts';
import { queueServingFiles } from './serving.ts';
import type { ResourceTable, VersionTable } from '../stores/meta/schema.ts';

export async function restoreVersion(ctx: Ctx, dataset: { id: string; organization_id: string }, resource: ResourceTable, old: VersionTable, createdBy: string | null): Promise<VersionTable> {
  const from = versionPaths(ctx.stores, old).dir;
  const dir = await ctx.stores.blobs.stage();
  try {
    // The original, the Parquet and the audit; the row-query files and downloads are made again as for any version.
    for (const name of await fs.promises.readdir(from)) {
      if (name.startsWith(VERSION_FILES.originalPrefix) || name === VERSION_FILES.parquet || name === VERSION_FILES.audit) {
        await linkOrCopy(path.join(from, name), path.join(dir, name));
      }
    }
    const audit = await readAudit(ctx.stores, old);
    const [v] = await commitVersions(ctx.stores, [{
      staged: { stagingDir: dir, sourceName: old.source_name, sourceBytes: old.source_bytes, sha256: old.sha256, format: old.format, audit },
      resourceId: resource.id,
    }], { datasetId: dataset.id, createdBy, now: ctx.now(), note: `Rollback to version ${old.number}` });
    await queueServingFiles(ctx, v, { organizationId: dataset.organization_id, datasetId: dataset.id });
    return v;
  } catch (e) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw e;
  }
}
