import { after, before } from 'node:test';
import path from 'node:path';
import { openTableEngine, type TableEngine } from '../../src/stores/tables/duckdb.ts';
import { tempDir } from './paths.ts';

/** A DuckDB table engine opened before the file's tests and closed after them. */
export function useTableEngine(): { engine: TableEngine; dir: string } {
  const dir = tempDir();
  const holder = { dir } as { engine: TableEngine; dir: string };
  before(async () => {
    holder.engine = await openTableEngine({ tempDir: path.join(dir, 'duck'), threads: 2 });
  });
  after(() => holder.engine.close());
  return holder;
}
