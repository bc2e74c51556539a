/**
 * Routes of the self-description actions: ratings, column mappings, Data Package, CSVW, GeoJSON,
 * row URIs with their RDF views (by suffix or content negotiation), table vocabularies and Atom
 * feeds. Each handler takes the input from the request, calls one action and sends its answer.
 */
import fs from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
// Brings in the route schema's OpenAPI fields (tags, summary, hide).
import type {} from '@fastify/swagger';
import type { App } from '../../app.ts';
import type { Action } from '../../actions/registry.ts';
import { callAction } from '../../actions/registry.ts';
import * as D from '../../actions/describe.ts';
import { AppError } from '../../errors.ts';
import { ctxOf } from '../actor.ts';
import { html } from '../pages/html.ts';

const P = (req: FastifyRequest) => (req.params ?? {}) as Record<string, string>;
const Q = (req: FastifyRequest) => (req.query ?? {}) as Record<string, unknown>;
const B = (req: FastifyRequest) => (req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {});

/**
 * The portal's address as the client reached it, for the URIs in the documents; DATAVILLE_PUBLIC_URL
 * wins when set. A Host header that is not a plain host[:port] is ignored (it would end up in URIs).
 */
export function requestBase(app: App, req: FastifyRequest): string | undefined {
  if (app.config.publicUrl) return app.config.publicUrl.replace(/\/+$/, '');
  const host = req.headers.host;
  if (!host || !/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) return undefined;
  return `${req.protocol === 'https' ? 'https' : 'http'}://${host}`;
}

type RdfFormat = 'ttl' | 'jsonld' | 'html';
const RDF_MEDIA: Record<Exclude<RdfFormat, 'html'>, string> = { ttl: 'text/turtle; charset=utf-8', jsonld: 'application/ld+json' };

/** The representation asked for: a .ttl/.jsonld suffix, else the Accept header (q-values honoured), Turtle for any. */
export function negotiate(accept: string | undefined, suffix: string | null): RdfFormat {
  if (suffix === 'ttl' || suffix === 'jsonld') return suffix;
  const offers: [string, RdfFormat][] = [['text/turtle', 'ttl'], ['application/ld+json', 'jsonld'], ['application/json', 'jsonld'], ['text/html', 'html'], ['application/xhtml+xml', 'html']];
  let best: { f: RdfFormat; q: number; order: number } | null = null;
  for (const [i, part] of (accept ?? '*/*').split(',').entries()) {
    const [type, ...params] = part.trim().toLowerCase().split(';').map((s) => s.trim());
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    if (!(q > 0)) continue;
    const hit = type === '*/*' || type === 'text/*' ? 'ttl' : offers.find(([t]) => t === type)?.[1];
    if (!hit) continue;
    // An exact type beats a wildcard of the same weight.
    const order = type.includes('*') ? i + 1000 : i;
    if (!best || q > best.q || (q === best.q && order < best.order)) best = { f: hit, q, order };
  }
  if (!best) {
    throw new AppError('bad_request', `None of the types in "Accept: ${accept}" can be served here. Ask for text/turtle, application/ld+json or text/html, or add .ttl or .jsonld to the address.`);
  }
  return best.f;
}

/** Splits "12.ttl" into ["12", "ttl"]. */
function suffixed(value: string): [string, string | null] {
  const m = /^(.*)\.(ttl|jsonld)$/.exec(value);
  return m ? [m[1], m[2]] : [value, null];
}

async function run<O>(app: App, req: FastifyRequest, action: Action<any, O>, input: unknown): Promise<O> {
  return callAction(action, await ctxOf(app, req), input);
}

function sendDocument(reply: FastifyReply, mediaType: string, body: unknown, maxAge = 300) {
  reply.header('Cache-Control', `public, max-age=${maxAge}`);
  reply.header('Access-Control-Allow-Origin', '*');
  reply.type(mediaType);
  return typeof body === 'string' ? body : JSON.stringify(body, null, 2);
}

/** An RDF document in the negotiated form, with links to its other forms. */
function sendRdf(reply: FastifyReply, path: string, format: RdfFormat, doc: { turtle: string; jsonld: unknown }, page: () => string) {
  reply.header('Vary', 'Accept');
  reply.header('Link', `<${path}.ttl>; rel="alternate"; type="text/turtle", <${path}.jsonld>; rel="alternate"; type="application/ld+json"`);
  if (format === 'html') return sendDocument(reply, 'text/html; charset=utf-8', page());
  return sendDocument(reply, RDF_MEDIA[format], format === 'ttl' ? doc.turtle : doc.jsonld);
}

const doc = (tag: string, summary: string, operationId: string) => ({ schema: { tags: [tag], summary, operationId } });

export function registerDescribeRoutes(server: FastifyInstance, app: App): void {
  server.get('/api/datasets/:dataset/stars', doc('quality', D.datasetStars.summary, D.datasetStars.name), (req) => run(app, req, D.datasetStars, P(req)));
  server.get('/api/datasets/:dataset/metadata-score', doc('quality', D.datasetMetadataScore.summary, D.datasetMetadataScore.name), (req) => run(app, req, D.datasetMetadataScore, P(req)));
  server.get('/api/organizations/:organization/metadata-score', doc('quality', D.organizationMetadataScore.summary, D.organizationMetadataScore.name), (req) => run(app, req, D.organizationMetadataScore, P(req)));

  server.get('/api/resources/:resource/column-mappings', doc('linked data', D.getColumnMappings.summary, D.getColumnMappings.name), (req) => run(app, req, D.getColumnMappings, P(req)));
  server.put('/api/resources/:resource/column-mappings', doc('linked data', D.setColumnMappingsAction.summary, D.setColumnMappingsAction.name), (req) => {
    const body = B(req);
    // A single mapping object is accepted as a list of one.
    const mappings = Array.isArray(body.mappings) ? body.mappings : Array.isArray(req.body) ? req.body : 'column' in body ? [body] : body.mappings;
    return run(app, req, D.setColumnMappingsAction, { mappings, ...P(req) });
  });

  server.get('/api/datasets/:dataset/datapackage.json', doc('self-description', D.datasetDataPackage.summary, D.datasetDataPackage.name), async (req, reply) =>
    sendDocument(reply, 'application/json; charset=utf-8', await run(app, req, D.datasetDataPackage, { ...P(req), baseUrl: requestBase(app, req) })));
  // The CSVW default location of the metadata of ".../download.csv" is ".../download.csv-metadata.json".
  for (const url of ['/api/datasets/:dataset/download.csv-metadata.json', '/api/datasets/:dataset/csvw.json']) {
    server.get(url, doc('self-description', D.resourceCsvw.summary, url.endsWith('csvw.json') ? D.resourceCsvw.name : `${D.resourceCsvw.name}.defaultLocation`), async (req, reply) =>
      sendDocument(reply, 'application/csvm+json; charset=utf-8', await run(app, req, D.resourceCsvw, { ...Q(req), ...P(req), baseUrl: requestBase(app, req) })));
  }
  server.get('/api/datasets/:dataset/schema-org.jsonld', doc('self-description', D.datasetSchemaOrg.summary, D.datasetSchemaOrg.name), async (req, reply) =>
    sendDocument(reply, 'application/ld+json', await run(app, req, D.datasetSchemaOrg, { ...P(req), baseUrl: requestBase(app, req) })));
  server.get('/api/datasets/:dataset/download.geojson', doc('versions', D.exportGeoJsonAction.summary, D.exportGeoJsonAction.name), async (req, reply) => {
    const f = await run(app, req, D.exportGeoJsonAction, { ...Q(req), ...P(req) });
    const pinned = 'version' in Q(req);
    const etag = `"${f.filename.replace(/"/g, '')}-${f.bytes}"`;
    reply.header('ETag', etag);
    reply.header('Cache-Control', pinned ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    reply.header('Content-Type', f.mediaType);
    reply.header('Content-Length', f.bytes);
    reply.header('Content-Disposition', `attachment; filename="${f.filename.replace(/"/g, '')}"`);
    return reply.send(fs.createReadStream(f.path));
  });

  server.get('/feeds/catalog.atom', { schema: { hide: true } }, async (req, reply) => {
    const feed = await run(app, req, D.catalogFeed, { baseUrl: requestBase(app, req) });
    return sendDocument(reply, feed.mediaType, feed.body);
  });
  server.get('/feeds/organizations/:organization', { schema: { hide: true } }, async (req, reply) => {
    const m = /^(.+)\.atom$/.exec(P(req).organization ?? '');
    if (!m) throw new AppError('not_found', `Nothing at ${req.url}. An organization's feed is /feeds/organizations/{organization}.atom.`);
    const feed = await run(app, req, D.organizationFeed, { organization: m[1], baseUrl: requestBase(app, req) });
    return sendDocument(reply, feed.mediaType, feed.body);
  });

  // Row URIs and table vocabularies: the same address for every representation (content negotiation), or .ttl/.jsonld.
  server.get('/datasets/:dataset/resources/:resource/rows/:row', { schema: { hide: true } }, async (req, reply) => {
    const [row, suffix] = suffixed(P(req).row);
    const format = negotiate(req.headers.accept, suffix);
    if (format !== 'html') req.headers.accept = 'application/json';
    const out = await run(app, req, D.rowRdf, { ...Q(req), dataset: P(req).dataset, resource: P(req).resource, row, baseUrl: requestBase(app, req) });
    const path = new URL(req.url, 'http://x').pathname.replace(/\.(ttl|jsonld)$/, '');
    return sendRdf(reply, path, format, out, () => html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Row ${row}</title><link rel="stylesheet" href="/static/site.css">
<link rel="alternate" type="text/turtle" href="${path}.ttl"><link rel="alternate" type="application/ld+json" href="${path}.jsonld"></head>
<body><main class="container"><h1>Row ${row}</h1>
<p><code>${out.uri}</code> — <a href="${out.datasetPage}">dataset</a> · <a href="${path}.ttl">Turtle</a> · <a href="${path}.jsonld">JSON-LD</a></p>
<table><thead><tr><th scope="col">Column</th><th scope="col">Property</th><th scope="col">Value</th></tr></thead>
<tbody>${out.cells.map((c) => html`<tr><th scope="row">${c.column}</th><td><code>${c.property}</code></td><td>${c.link && 'iri' in c.link ? html`<a href="${c.link.iri}">${c.value}</a>` : c.value ?? ''}</td></tr>`)}</tbody></table>
</main></body></html>
`.toString());
  });
  server.get('/datasets/:dataset/resources/:resource/schema', { schema: { hide: true } }, (req, reply) => vocabulary(req, reply, null));
  server.get('/datasets/:dataset/resources/:resource/schema.ttl', { schema: { hide: true } }, (req, reply) => vocabulary(req, reply, 'ttl'));
  server.get('/datasets/:dataset/resources/:resource/schema.jsonld', { schema: { hide: true } }, (req, reply) => vocabulary(req, reply, 'jsonld'));

  async function vocabulary(req: FastifyRequest, reply: FastifyReply, suffix: string | null) {
    let format = negotiate(req.headers.accept, suffix);
    // The vocabulary has no page of its own: a browser gets the Turtle, which it shows as text.
    if (format === 'html') format = 'ttl';
    req.headers.accept = 'application/json';
    const out = await run(app, req, D.resourceVocabulary, { dataset: P(req).dataset, resource: P(req).resource, baseUrl: requestBase(app, req) });
    const path = new URL(req.url, 'http://x').pathname.replace(/\.(ttl|jsonld)$/, '');
    return sendRdf(reply, path, format, out, () => out.turtle);
  }
}
