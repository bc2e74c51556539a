import fs from 'node:fs';
import path from 'node:path';
import type { Stores } from '../context.ts';

/**
 * Removes version folders that the catalog does not know: a process killed after renaming a staged
 * version into place but before its transaction committed leaves one. Readers never see them (they
 * follow the catalog); this only gives the disk space back. Folders younger than minAgeMs are left
 * alone, since their publish may still be committing.
 */
export async function sweepOrphanVersions(stores: Stores, minAgeMs: number): Promise<number> {
  const root = stores.blobs.resolve('resources');
  if (!fs.existsSync(root)) return 0;
  let removed = 0;
  for (const resourceId of await fs.promises.readdir(root)) {
    const dir = path.join(root, resourceId);
    const folders = await fs.promises.readdir(dir);
    if (!folders.length) continue;
    const known = new Set((await stores.meta.selectFrom('versions').select('id').where('resource_id', '=', resourceId).execute()).map((v) => v.id));
    for (const name of folders) {
      if (known.has(name)) continue;
      const stat = await fs.promises.stat(path.join(dir, name));
      if (Date.now() - stat.mtimeMs < minAgeMs) continue;
      await stores.blobs.remove(`resources/${resourceId}/${name}`);
      removed++;
    }
  }
  return removed;
}
