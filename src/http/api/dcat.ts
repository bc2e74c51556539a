import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.ts';
import { callAction, validationError } from '../../actions/registry.ts';
import { publishedCatalog, type PublishedCatalog } from '../../actions/catalog.ts';
import { AppError } from '../../errors.ts';
import { buildCatalogGraph, catalogQuads, type CatalogPage } from '../../dcat/graph.ts';
import { RDF_FORMATS, negotiateFormat, serializeQuads, type RdfFormat } from '../../dcat/serialize.ts';

/** Largest page a client may ask for, and the batch the whole catalog is read in. */
const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 100;

const PagingQuery = z.object({
  page: z.coerce.number().int().min(1).optional(),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  organization: z.string().min(1).max(200).optional(),
});

const FORMATS = Object.keys(RDF_FORMATS) as RdfFormat[];

/**
 * The DCAT-AP 3 catalog of everything published (docs/decisions/0009-dcat-ap.md):
 *   /catalog                      content negotiation (Accept), Turtle by default
 *   /catalog.ttl|.rdf|.jsonld|.nt  the whole catalog in one document; ?page=N&pageSize=M pages it (Hydra)
 *   /datasets/{id}.ttl|...         one dataset (also /datasets/{org}/{slug}.ttl), beside its page /datasets/{id}
 * ?organization= restricts a catalog to one organization (then its publisher).
 */
export function registerDcatRoutes(server: FastifyInstance, app: App): void {
  const querystring = { type: 'object', properties: { page: { type: 'integer', minimum: 1 }, pageSize: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE }, organization: { type: 'string' } } };
  server.get('/catalog', { schema: { tags: ['catalog'], summary: 'DCAT-AP 3 catalog of the published datasets, in the RDF format the Accept header asks for (Turtle by default).', querystring } },
    (req, reply) => sendCatalog(app, req, reply, negotiateFormat(req.headers.accept), true));
  for (const format of FORMATS) {
    const ext = RDF_FORMATS[format].extension;
    server.get(`/catalog.${ext}`, { schema: { tags: ['catalog'], summary: `DCAT-AP 3 catalog as ${RDF_FORMATS[format].mediaType}: whole, or one page with ?page=N&pageSize=M (Hydra links).`, querystring } },
      (req, reply) => sendCatalog(app, req, reply, format, false));
    server.get(`/datasets/:dataset.${ext}`, { schema: { tags: ['catalog'], summary: `DCAT-AP 3 description of one published dataset as ${RDF_FORMATS[format].mediaType}.` } },
      (req, reply) => sendDataset(app, req, reply, format, (req.params as Record<string, string>).dataset));
    server.get(`/datasets/:organization/:dataset.${ext}`, { schema: { hide: true } },
      (req, reply) => {
        const p = req.params as Record<string, string>;
        return sendDataset(app, req, reply, format, `${p.organization}/${p.dataset}`);
      });
  }
}

/** Where URIs point: the configured public address, else the one the request came to. */
function baseUrl(app: App, req: FastifyRequest): string {
  return (app.config.publicUrl ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '');
}

/** The catalog is the same for everyone: it is read as an anonymous visitor, so only published data appears. */
function publicCtx(app: App, req: FastifyRequest) {
  return app.ctx({ kind: 'anonymous' }, { requestId: String(req.id) });
}

async function sendCatalog(app: App, req: FastifyRequest, reply: FastifyReply, format: RdfFormat, negotiated: boolean) {
  const parsed = PagingQuery.safeParse(req.query ?? {});
  if (!parsed.success) throw validationError(parsed.error, `${req.routeOptions.url}`);
  const { page, organization } = parsed.data;
  const ctx = publicCtx(app, req);
  const base = baseUrl(app, req);
  const path = negotiated ? '/catalog' : `/catalog.${RDF_FORMATS[format].extension}`;

  let data: PublishedCatalog;
  let paging: CatalogPage | undefined;
  if (page !== undefined || parsed.data.pageSize !== undefined) {
    const size = parsed.data.pageSize ?? DEFAULT_PAGE_SIZE;
    const number = page ?? 1;
    data = await callAction(publishedCatalog, ctx, { organization, limit: size, offset: (number - 1) * size });
    const last = Math.max(1, Math.ceil(data.total / size));
    if (number > last) {
      throw new AppError('not_found', `The catalog has ${last} page${last === 1 ? '' : 's'} of ${size} datasets; there is no page ${number}. Ask for ?page=1 to ${last}, or leave page out for the whole catalog.`);
    }
    const url = (n: number) => {
      const q = new URLSearchParams({ ...(organization ? { organization } : {}), page: String(n), pageSize: String(size) });
      return `${base}${path}?${q}`;
    };
    paging = { number, last, totalItems: data.total, url };
  } else {
    data = await readWhole(app, req, organization);
  }
  const body = await serializeQuads(catalogQuads(buildCatalogGraph({ base, ...data, page: paging })), format);
  reply.header('Link', alternates(`${base}/catalog`, req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''));
  if (negotiated) reply.header('Vary', 'Accept');
  return send(reply, format, body);
}

/** The whole catalog, read in batches (data.gov.be's harvester makes one GET and does not page). */
async function readWhole(app: App, req: FastifyRequest, organization: string | undefined): Promise<PublishedCatalog> {
  const ctx = publicCtx(app, req);
  const first = await callAction(publishedCatalog, ctx, { organization, limit: MAX_PAGE_SIZE, offset: 0 });
  const datasets = [...first.datasets];
  while (datasets.length < first.total) {
    const next = await callAction(publishedCatalog, ctx, { organization, limit: MAX_PAGE_SIZE, offset: datasets.length });
    if (!next.datasets.length) break;
    datasets.push(...next.datasets);
  }
  return { ...first, datasets, limit: datasets.length };
}

async function sendDataset(app: App, req: FastifyRequest, reply: FastifyReply, format: RdfFormat, ref: string) {
  // An error here answers in JSON, whatever the browser's Accept: the address asked for data.
  req.headers.accept = 'application/json';
  const base = baseUrl(app, req);
  const data = await callAction(publishedCatalog, publicCtx(app, req), { dataset: ref, limit: 1 });
  const body = await serializeQuads(catalogQuads(buildCatalogGraph({ base, ...data })), format);
  const id = encodeURIComponent(data.datasets[0].id);
  reply.header('Link', [`<${base}/datasets/${id}>; rel="alternate"; type="text/html"`, ...FORMATS.map((f) => `<${base}/datasets/${id}.${RDF_FORMATS[f].extension}>; rel="alternate"; type="${RDF_FORMATS[f].mediaType}"`)].join(', '));
  return send(reply, format, body);
}

function alternates(catalog: string, search: string): string {
  return FORMATS.map((f) => `<${catalog}.${RDF_FORMATS[f].extension}${search}>; rel="alternate"; type="${RDF_FORMATS[f].mediaType}"`).join(', ');
}

function send(reply: FastifyReply, format: RdfFormat, body: string) {
  reply.header('Cache-Control', 'public, max-age=300');
  reply.type(`${RDF_FORMATS[format].mediaType}; charset=utf-8`);
  return reply.send(body);
}
