/**
 * Getting a resource's file from where it lives: a URL (fetched with the safe downloader) or a
 * path on the server (an operator's folder, e.g. a business application's nightly export).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { copyWithHash } from '../ingest/pipeline.ts';

export interface FetchedSource {
  notModified: boolean;
  path: string;
  bytes: number;
  sha256: string;
  fileName: string;
  etag: string | null;
  lastModified: string | null;
  warnings: string[];
}

/** Fetches a source into workDir (conditionally, for URLs, when etag or lastModified are given). */
export async function fetchSource(ctx: Ctx, source: { kind: 'url' | 'path'; location: string }, workDir: string, cond: { etag?: string | null; lastModified?: string | null }): Promise<FetchedSource> {
  await fs.promises.mkdir(workDir, { recursive: true });
  if (source.kind === 'url') {
    ctx.progress?.('fetch', 0, 3);
    const { fetchToFile } = await import('../ingest/fetch/fetch.ts');
    const r = await fetchToFile(source.location, path.join(workDir, 'fetched'), {
      timeoutMs: ctx.config.fetchTimeoutMs, maxBytes: ctx.config.maxUploadBytes, allowPrivate: ctx.config.allowPrivateUrls,
      etag: cond.etag ?? null, lastModified: cond.lastModified ?? null,
    });
    for (const w of r.warnings) ctx.log.warn('fetch warning', { url: source.location, warning: w });
    return { notModified: r.notModified, path: r.path, bytes: r.bytes, sha256: r.sha256, fileName: r.fileName, etag: r.etag, lastModified: r.lastModified, warnings: r.warnings };
  }
  assertSourcePathAllowed(ctx, source.location, true);
  const stat = await fs.promises.stat(source.location).catch(() => null);
  if (!stat?.isFile()) throw new AppError('not_found', `There is no file at ${source.location} (the resource's source path). Check that the export still writes there, or change the resource's source.`);
  if (stat.size > ctx.config.maxUploadBytes) throw new AppError('payload_too_large', `${source.location} is ${stat.size} bytes, more than the limit of ${ctx.config.maxUploadBytes} (DATAVILLE_MAX_UPLOAD_BYTES).`);
  const dest = path.join(workDir, 'fetched');
  const { bytes, sha256 } = await copyWithHash(source.location, dest);
  return { notModified: false, path: dest, bytes, sha256, fileName: path.basename(source.location), etag: null, lastModified: stat.mtime.toUTCString(), warnings: [] };
}

/**
 * Paths on the server may be read only inside the folders an operator listed in
 * DATAVILLE_SOURCE_PATHS; with none listed, only the operator's own CLI (the system actor) may.
 * `running`: a job runs as the system and was checked when it was queued, so only the folder list counts.
 */
export function assertSourcePathAllowed(ctx: Ctx, location: string, running = false): void {
  if (!path.isAbsolute(location)) throw new AppError('validation_failed', `The source path "${location}" must be absolute (start with /).`);
  const roots = ctx.config.sourcePaths.split(':').filter(Boolean).map((r) => path.resolve(r));
  const resolved = path.resolve(location);
  if (roots.some((r) => resolved === r || resolved.startsWith(r + path.sep))) return;
  if (ctx.actor.kind === 'system' && (running || !roots.length)) return;
  throw new AppError('forbidden', roots.length
    ? `Dataville may read files on the server only under ${roots.join(', ')} (DATAVILLE_SOURCE_PATHS); ${location} is elsewhere. Move the export there, or upload the file.`
    : `Reading files on the server is not enabled (DATAVILLE_SOURCE_PATHS is empty). Upload the file, give a URL, or ask the administrator to list the export folder in DATAVILLE_SOURCE_PATHS.`);
}
