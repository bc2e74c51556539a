import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

export interface SavedUpload {
  path: string;
  name: string;
  fields: Record<string, string>;
  cleanup(): Promise<void>;
}

function tooLarge(limit: number) {
  return new AppError('payload_too_large', `The upload is larger than the limit of ${limit} bytes (DATAVILLE_MAX_UPLOAD_BYTES). Split the file, or ask the administrator to raise the limit.`);
}

/** Streams a stream to a file, never holding it in memory, and stops at the size limit. */
async function streamToFile(stream: Readable, dest: string, limit: number): Promise<number> {
  let bytes = 0;
  try {
    await pipeline(stream, new Transform({
      transform(chunk: Buffer, _e, cb) {
        bytes += chunk.length;
        if (bytes > limit) cb(tooLarge(limit));
        else cb(null, chunk);
      },
    }), fs.createWriteStream(dest));
  } catch (e) {
    await fs.promises.rm(dest, { force: true });
    throw e;
  }
  return bytes;
}

/**
 * Saves the file of a request to a temporary file: a multipart form (field "file" plus text fields),
 * or a raw body (text/csv, application/octet-stream) with the file name in ?filename= or the
 * Content-Disposition header.
 */
export async function saveUpload(req: FastifyRequest, tmpDir: string, limit: number): Promise<SavedUpload> {
  await fs.promises.mkdir(tmpDir, { recursive: true });
  const dest = path.join(tmpDir, `upload-${crypto.randomUUID()}`);
  const cleanup = () => fs.promises.rm(dest, { force: true });
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit + 64 * 1024) throw tooLarge(limit);
  const fields: Record<string, string> = {};
  const query = (req.query ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(query)) if (typeof v === 'string') fields[k] = v;
  if (req.isMultipart()) {
    let name: string | undefined;
    for await (const part of req.parts({ limits: { fileSize: limit, files: 1 } })) {
      if (part.type === 'file') {
        name = part.filename || 'upload.csv';
        await streamToFile(part.file, dest, limit);
        if (part.file.truncated) {
          await cleanup();
          throw tooLarge(limit);
        }
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
    if (!name) throw new AppError('bad_request', 'The form has no file. Send the file in a multipart field named "file".');
    return { path: dest, name, fields, cleanup };
  }
  const body = req.body as Readable | undefined;
  if (!body || typeof (body as Readable).pipe !== 'function') {
    throw new AppError('bad_request', 'No file in the request. Send it as multipart/form-data (field "file") or as the raw body with Content-Type text/csv.');
  }
  const disposition = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(String(req.headers['content-disposition'] ?? ''))?.[1];
  const name = fields.filename ?? (disposition ? decodeURIComponent(disposition) : 'upload.csv');
  await streamToFile(body, dest, limit);
  return { path: dest, name: path.basename(name), fields, cleanup };
}
