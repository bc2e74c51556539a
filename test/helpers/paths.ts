import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the repository. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The shared material (seeds, reference data, samples) that sits beside the repository. */
export const SHARED_DIR = process.env.DATAVILLE_SHARED_DIR ?? path.resolve(REPO_ROOT, '../shared');
export const SAMPLES_DIR = path.join(SHARED_DIR, 'data/samples');
export const REFERENCE_DIR = path.join(SHARED_DIR, 'data/reference');

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the process exits. */
export function tempDir(prefix = 'dataville-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
