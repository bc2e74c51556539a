import crypto from 'node:crypto';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fs from 'node:fs';
import { z } from 'zod';
import type { App } from '../app.ts';
import { callAction } from '../actions/registry.ts';
import { AppError } from '../errors.ts';
import { ctxOf } from './actor.ts';
import { apiRoutes } from './api/routes.ts';
import { registerCkanRoutes } from './api/ckan.ts';
import { registerDescribeRoutes } from './api/describe.ts';
import { registerDcatRoutes } from './api/dcat.ts';
import { saveUpload } from './upload.ts';
import { uploadTmpDir } from '../config.ts';
import { registerPages } from './pages/index.ts';
import { errorPage } from './pages/error.ts';

/** Builds the web server: the JSON API under /api (OpenAPI at /api/docs) and the pages. */
export async function buildServer(app: App): Promise<FastifyInstance> {
  const server = Fastify({
    logger: app.config.logLevel === 'silent' ? false : { level: app.config.logLevel },
    bodyLimit: 10 * 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
  });
  // Schemas in routes document the API; zod in the actions validates it (one place, one message).
  server.setValidatorCompiler(() => () => true);
  // Raw file bodies stay streams: uploads are written to disk as they arrive.
  server.addContentTypeParser(['text/csv', 'text/plain', 'application/octet-stream', 'text/tab-separated-values'], (_req, payload, done) => done(null, payload));
  await server.register(multipart);
  await server.register(swagger, {
    openapi: {
      info: { title: 'Dataville API', version: '0.1.0', description: 'Open data of Belgian municipalities: catalog, audits, row queries and downloads. Errors are {"error": {"code", "message", "details"}}.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await server.register(swaggerUi, { routePrefix: '/api/docs' });

  server.setErrorHandler((err, req, reply) => sendError(err, req, reply));
  server.setNotFoundHandler((req, reply) => sendError(new AppError('not_found', `Nothing at ${req.method} ${req.url}. The API is described at /api/docs.`), req, reply));

  const uploadDir = uploadTmpDir(app.config);
  for (const route of apiRoutes) {
    server.route({
      method: route.method,
      url: route.url,
      schema: {
        tags: [route.tag],
        summary: route.action.summary,
        operationId: route.action.name,
        ...(route.method === 'GET' && !route.file ? { querystring: docSchema(route.action.input) } : {}),
        ...((route.method === 'POST' || route.method === 'PATCH') && !route.upload ? { body: docSchema(route.action.input) } : {}),
      },
      handler: async (req, reply) => {
        const ctx = await ctxOf(app, req);
        // An ingest route takes a file, or a JSON body naming a url.
        const json = /^application\/json\b/i.test(String(req.headers['content-type'] ?? ''));
        const upload = route.upload && !json ? await saveUpload(req, uploadDir, app.config.maxUploadBytes) : undefined;
        try {
          const out = await callAction(route.action, ctx, route.input(req, upload));
          if (route.file) return sendFile(req, reply, out as DownloadFile, 'version' in ((req.query ?? {}) as object));
          reply.code(route.successStatus ?? 200);
          return out;
        } finally {
          await upload?.cleanup();
        }
      },
    });
  }
  registerCkanRoutes(server, app);
  registerDescribeRoutes(server, app);
  registerDcatRoutes(server, app);
  await registerPages(server, app);
  return server;
}

function docSchema(schema: z.ZodType): object {
  try {
    const s = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    delete s.$schema;
    return s.type === 'object' ? s : { type: 'object' };
  } catch {
    return { type: 'object' };
  }
}

/** A file an action returns; `private` files (a DPO's register) are never kept by shared caches. */
interface DownloadFile { path: string; mediaType: string; filename: string; bytes: number; version?: number; private?: boolean }

/**
 * Sends a download. A version never changes, so a URL naming its version may be cached for ever;
 * the latest one for a few minutes. The ETag lets clients revalidate for free.
 */
function sendFile(req: FastifyRequest, reply: FastifyReply, f: DownloadFile, pinned: boolean) {
  const etag = `"${f.filename.replace(/"/g, '')}-${f.bytes}"`;
  reply.header('ETag', etag);
  reply.header('Cache-Control', f.private ? 'private, no-store' : pinned ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
  if (req.headers['if-none-match'] === etag) return reply.code(304).send();
  reply.header('Content-Type', f.mediaType);
  reply.header('Content-Length', f.bytes);
  reply.header('Content-Disposition', `attachment; filename="${f.filename.replace(/"/g, '')}"`);
  // CSV on the Web: the table's description (CSVW metadata) is linked from the CSV itself.
  const { pathname, search } = new URL(req.url, 'http://localhost');
  if (f.mediaType.startsWith('text/csv') && pathname.endsWith('/download.csv')) {
    reply.header('Link', `<${pathname.replace(/download\.csv$/, 'download.csv-metadata.json')}${search}>; rel="describedby"; type="application/csvm+json"`);
  }
  return reply.send(fs.createReadStream(f.path));
}

/** The one place errors become HTTP: JSON for the API, a page for the rest. */
export function sendError(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  let e: AppError;
  if (err instanceof AppError) e = err;
  else {
    const fe = err as { statusCode?: number; code?: string; message?: string };
    if (fe.code === 'FST_REQ_FILE_TOO_LARGE' || fe.statusCode === 413) e = new AppError('payload_too_large', `The request is too large: ${fe.message}. Send a smaller file or raise DATAVILLE_MAX_UPLOAD_BYTES.`);
    else if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) e = new AppError('bad_request', `The request could not be read: ${fe.message}.`);
    else {
      req.log.error({ err }, 'unexpected error');
      e = new AppError('internal', `Something went wrong on our side (request ${req.id}). The error is logged; try again, and report it with this id if it persists.`);
    }
  }
  reply.code(e.status);
  const wantsHtml = !req.url.startsWith('/api') && (req.headers.accept ?? '').includes('text/html');
  if (wantsHtml) return reply.type('text/html; charset=utf-8').send(errorPage(req, e));
  return reply.send(e.toJSON());
}
