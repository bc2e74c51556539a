/**
 * The row-query files of a version (full-text index, native copy: decision 0004) are built by a job
 * after the commit, so that their progress and any failure are visible like any long operation,
 * and a process that dies while building them leaves the job to the next one. Until they exist,
 * row queries answer from the Parquet file.
 */
import { z } from 'zod';
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { ensureServingFiles } from '../query/serving.ts';
import type { VersionTable } from '../stores/meta/schema.ts';
import type { JobRun } from '../jobs/runner.ts';

const ServingJobInput = z.object({ versionId: z.string() });

/** Queues the build of a committed version's row-query files (the job loop of `serve` or `worker` runs it). */
export async function queueServingFiles(ctx: Ctx, v: VersionTable, where: { organizationId: string; datasetId: string }): Promise<void> {
  await ctx.jobs.submit({ kind: 'serving', input: { versionId: v.id }, organizationId: where.organizationId, datasetId: where.datasetId, resourceId: v.resource_id, maxAttempts: 3 });
}

export async function runServingJob(run: JobRun): Promise<{ versionId: string; ms: number }> {
  const { versionId } = ServingJobInput.parse(JSON.parse(run.job.input_json));
  const v = await run.ctx.stores.meta.selectFrom('versions').selectAll().where('id', '=', versionId).executeTakeFirst();
  // A version removed since (its dataset deleted) needs nothing.
  if (!v) throw new AppError('version_not_found', `Version ${versionId} no longer exists; there is nothing to index.`);
  const started = Date.now();
  run.progress('index', 0, 1);
  await ensureServingFiles(run.ctx.stores, v);
  return { versionId, ms: Date.now() - started };
}
