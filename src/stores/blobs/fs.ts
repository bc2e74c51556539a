import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Files on disk. A version is staged in a private folder, then renamed into place in one step
 * (same file system, so the rename is atomic): a reader never sees half a version.
 */
export interface BlobStore {
  root: string;
  /** A new, empty staging folder. */
  stage(): Promise<string>;
  /** Moves a staged folder to its final key; the key must not exist yet. */
  commit(stagingDir: string, key: string): Promise<string>;
  /** Absolute path of a committed key (a folder or a file inside it). */
  resolve(key: string, ...parts: string[]): string;
  /** Removes a committed key (used when the metadata commit fails after the rename). */
  remove(key: string): Promise<void>;
  /** Removes staging folders older than maxAgeMs (left by a crashed process). */
  sweepStaging(maxAgeMs: number): Promise<number>;
}

export function openFsBlobStore(root: string): BlobStore {
  const absRoot = path.resolve(root);
  const stagingRoot = path.join(absRoot, '.staging');
  fs.mkdirSync(stagingRoot, { recursive: true });
  const safe = (key: string) => {
    const p = path.resolve(absRoot, key);
    if (!p.startsWith(absRoot + path.sep)) throw new Error(`Blob key escapes the store: ${key}`);
    return p;
  };
  return {
    root: absRoot,
    async stage() {
      const dir = path.join(stagingRoot, `${Date.now()}-${crypto.randomUUID()}`);
      await fs.promises.mkdir(dir, { recursive: true });
      return dir;
    },
    async commit(stagingDir, key) {
      const dest = safe(key);
      await fs.promises.mkdir(path.dirname(dest), { recursive: true });
      if (fs.existsSync(dest)) throw new Error(`Blob key already exists: ${key}`);
      await fs.promises.rename(stagingDir, dest);
      return dest;
    },
    resolve(key, ...parts) {
      return path.join(safe(key), ...parts);
    },
    async remove(key) {
      await fs.promises.rm(safe(key), { recursive: true, force: true });
    },
    async sweepStaging(maxAgeMs) {
      let n = 0;
      for (const name of await fs.promises.readdir(stagingRoot)) {
        const started = Number(name.split('-')[0]);
        if (Number.isFinite(started) && Date.now() - started > maxAgeMs) {
          await fs.promises.rm(path.join(stagingRoot, name), { recursive: true, force: true });
          n++;
        }
      }
      return n;
    },
  };
}
