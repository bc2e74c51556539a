/**
 * Making an anonymised version from a held one: the recipe runs on the held version's Parquet into
 * a new staging folder, the result is audited and checked again for personal data, and its residual
 * risk (k, l) decides whether it may be published. Used by the DPO's action and, with a saved
 * recipe, by ingests and refreshes of the same resource without a person.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { VERSION_FILES, type StagedVersion } from '../catalog/versions.ts';
import type { TableSchema } from '../ingest/types.ts';
import { auditTable } from '../quality/audit.ts';
import { hashFile } from '../ingest/pipeline.ts';
import { applyRecipe, parseRecipe, type AnonymiseResult, type Recipe } from '../privacy/recipes.ts';
import { openKeyStore, type KeyStore } from '../privacy/keys.ts';

/** Pseudonymisation keys live in the data folder, outside the blob store: never in a version, export or catalog. */
export function keyStoreOf(ctx: Ctx): KeyStore {
  return openKeyStore(path.join(ctx.config.dataDir, 'keys'));
}

/** Makes the keys a recipe names (a DPO saving a recipe that pseudonymises). */
export function ensureRecipeKeys(ctx: Ctx, recipe: Recipe): void {
  const keys = keyStoreOf(ctx);
  for (const s of recipe.steps) if (s.op === 'pseudonymise') keys.ensure(s.keyRef);
}

export interface Anonymised {
  staged: StagedVersion;
  result: AnonymiseResult;
  /** Columns still found personal after the recipe (a publication must not go on with any). */
  stillPersonal: string[];
}

/**
 * Runs a recipe on a version's Parquet into a new staging folder with its audit. The caller commits
 * it (or removes the folder). Throws when the recipe is invalid; reports risk and residual findings.
 */
export async function anonymise(ctx: Ctx, source: { parquetPath: string; schema: TableSchema; sourceName: string; format: string; number: number }, recipeInput: unknown): Promise<Anonymised> {
  const recipe = parseRecipe(recipeInput);
  const dir = await ctx.stores.blobs.stage();
  try {
    const parquetPath = path.join(dir, VERSION_FILES.parquet);
    const keys = keyStoreOf(ctx);
    const { detectPrivacy } = await import('../privacy/detect.ts');
    const out = await ctx.stores.tables.withConnection(async (conn) => {
      const result = await applyRecipe(conn, { parquetPath: source.parquetPath, schema: source.schema }, recipe, { parquetPath }, keys);
      const privacy = await detectPrivacy(conn, parquetPath, result.schema);
      const audit = await auditTable(conn, {
        parquetPath, schema: result.schema, rowCount: result.rowCount, loadErrors: [], loadErrorSummary: [], skipped: [],
        encoding: { encoding: 'utf-8', bom: false, method: 'container', confidence: 1, mojibake: null, invalidSequences: 0 },
        dialect: null, format: source.format, privacy,
        // Public: what was done, never the DPO's preview or counts below the threshold.
        notes: [`Anonymised from version ${source.number} with a recipe of ${recipe.steps.length} step(s): ${recipe.steps.map((s) => s.op).join(', ')}.`],
      });
      return { result, audit, privacy };
    });
    await fs.promises.writeFile(path.join(dir, VERSION_FILES.audit), JSON.stringify(out.audit, null, 1));
    // Streamed: an anonymised table of millions of rows is not read into memory to be hashed.
    const { bytes, sha256 } = await hashFile(parquetPath);
    const stillPersonal = out.privacy.columns.filter((c) => c.personal).map((c) => c.name);
    return {
      staged: { stagingDir: dir, sourceName: source.sourceName, sourceBytes: bytes, sha256, format: source.format, audit: out.audit, privacyState: 'reviewed', derivedFrom: source.number },
      result: out.result, stillPersonal,
    };
  } catch (e) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Why an anonymised version may not be published, for a person; null when it may. */
export function unsafeReason(a: Anonymised): string | null {
  if (!a.result.risk.safe) return `The anonymised table is not safe yet: ${a.result.risk.explanation}`;
  if (a.stillPersonal.length) return `The anonymised table still holds personal data in ${a.stillPersonal.map((c) => `"${c}"`).join(', ')}: add a step for ${a.stillPersonal.length > 1 ? 'them' : 'it'} (drop, mask, pseudonymise or generalise).`;
  return null;
}

export function unsafeError(reason: string): AppError {
  return new AppError('conflict', `${reason} Nothing was published; the version stays held.`);
}
