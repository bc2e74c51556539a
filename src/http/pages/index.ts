import crypto from 'node:crypto';
import fs from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.ts';
import type { Ctx } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { ctxOf } from '../actor.ts';
import type { SafeHtml } from './html.ts';
import { chooseLang } from './i18n.ts';
import { pageEnv, type PageEnv } from './layout.ts';
import { homeData, renderHome } from './home.ts';
import { renderSearch, searchData } from './search.ts';
import { organizationData, renderOrganization } from './organization.ts';
import { datasetData, renderDataset } from './dataset.ts';
import { jobsData, registerForms, renderJobs, renderLogin } from './work.ts';
import { registerData, renderRegister } from './register.ts';
import { privacyData, registerPrivacyForms, renderPrivacy } from './privacy.ts';

/**
 * A page is one data function and one template. The HTML route renders the data; the JSON twin
 * (same address + .json, or ?format=json) returns the very same object, so they cannot disagree.
 */
interface Page<D> {
  url: string;
  /** Address of the twin for pages without parameters; pages with parameters take .json on the last one. */
  jsonUrl?: string;
  load(ctx: Ctx, params: Record<string, string>, query: Record<string, string>): Promise<D>;
  render(data: D, env: PageEnv): SafeHtml;
}

const JSON_SUFFIX = '.json';

/** Registers the pages, their JSON twins and the style sheet. */
export async function registerPages(server: FastifyInstance, app: App): Promise<void> {
  serveStylesheet(server, await fs.promises.readFile(new URL('../../web/site.css', import.meta.url), 'utf8'));
  servePage(server, app, { url: '/', jsonUrl: '/index.json', load: (ctx) => homeData(ctx), render: renderHome });
  servePage(server, app, { url: '/datasets', jsonUrl: '/datasets.json', load: (ctx, _p, q) => searchData(ctx, q), render: renderSearch });
  servePage(server, app, { url: '/datasets/:dataset', load: (ctx, p) => datasetData(ctx, p.dataset), render: renderDataset });
  servePage(server, app, { url: '/datasets/:organization/:dataset', load: (ctx, p) => datasetData(ctx, `${p.organization}/${p.dataset}`), render: renderDataset });
  servePage(server, app, { url: '/organizations/:organization', load: (ctx, p) => organizationData(ctx, p.organization), render: renderOrganization });
  servePage(server, app, { url: '/jobs', jsonUrl: '/jobs.json', load: (ctx, _p, q) => jobsData(ctx, q), render: renderJobs });
  servePage(server, app, { url: '/login', load: async (_ctx, _p, q) => ({ failed: q.failed === '1', next: q.next && q.next.startsWith('/') && !q.next.startsWith('//') ? q.next : '/jobs' }), render: renderLogin });
  servePage(server, app, { url: '/organizations/:organization/register', jsonUrl: '/organizations/:organization/register.json', load: (ctx, p) => registerData(ctx, p.organization), render: renderRegister });
  servePage(server, app, { url: '/privacy', jsonUrl: '/privacy.json', load: (ctx) => privacyData(ctx), render: renderPrivacy });
  registerForms(server, app);
  registerPrivacyForms(server, app);
}

function servePage<D>(server: FastifyInstance, app: App, page: Page<D>): void {
  const handle = async (req: FastifyRequest, reply: FastifyReply, twinRoute: boolean) => {
    const query = stringQuery(req.query);
    const { params, suffixed } = withoutJsonSuffix((req.params ?? {}) as Record<string, string>);
    if (query.format !== undefined && query.format !== 'json' && query.format !== 'html') {
      throw new AppError('bad_request', `Unknown format "${query.format}": use ?format=json (or append .json to the address), or leave it out for the page.`);
    }
    const asJson = twinRoute || suffixed || query.format === 'json';
    // Asking for .json is asking for JSON: errors on the twin must come back as JSON too, and the
    // server's error handler chooses by Accept.
    if (asJson) req.headers.accept = 'application/json';
    const data = await page.load(await ctxOf(app, req), params, query);
    const { pathname } = new URL(req.url, 'http://localhost');
    if (asJson) {
      // A twin route with parameters names its page by the request's own path, not the route pattern.
      const htmlPath = twinRoute ? (page.url.includes(':') ? pathname.slice(0, -JSON_SUFFIX.length) : page.url) : pathname.slice(0, pathname.length - (suffixed ? JSON_SUFFIX.length : 0));
      reply.header('Link', `<${withSearch(htmlPath, query, ['format'])}>; rel="alternate"; type="text/html"`);
      return data;
    }
    const { lang, explicit } = chooseLang(query.lang, req.headers['accept-language']);
    const jsonUrl = withSearch(pathname === '/' ? '/index.json' : `${pathname.replace(/\/+$/, '')}${JSON_SUFFIX}`, query, ['format', 'lang']);
    reply.header('Link', `<${jsonUrl}>; rel="alternate"; type="application/json"`);
    reply.header('Vary', 'Accept-Language');
    reply.header('Content-Language', lang);
    reply.type('text/html; charset=utf-8');
    return page.render(data, pageEnv(pathname, without(query, ['format']), lang, explicit, jsonUrl)).toString();
  };
  server.get(page.url, { schema: { hide: true } }, (req, reply) => handle(req, reply, false));
  if (page.jsonUrl) server.get(page.jsonUrl, { schema: { hide: true } }, (req, reply) => handle(req, reply, true));
}

/** Strips .json from the last route parameter: /datasets/abc.json is the twin of /datasets/abc. */
function withoutJsonSuffix(params: Record<string, string>): { params: Record<string, string>; suffixed: boolean } {
  const keys = Object.keys(params);
  const last = keys[keys.length - 1];
  if (!last || !params[last].endsWith(JSON_SUFFIX) || params[last].length === JSON_SUFFIX.length) return { params, suffixed: false };
  return { params: { ...params, [last]: params[last].slice(0, -JSON_SUFFIX.length) }, suffixed: true };
}

/** The query as single strings (a repeated parameter counts once, by its first value). */
function stringQuery(q: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((q ?? {}) as Record<string, unknown>)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[k] = first;
  }
  return out;
}

function without(query: Record<string, string>, drop: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([k]) => !drop.includes(k)));
}

function withSearch(path: string, query: Record<string, string>, drop: string[]): string {
  const qs = new URLSearchParams(without(query, drop)).toString();
  return qs ? `${path}?${qs}` : path;
}

function serveStylesheet(server: FastifyInstance, css: string): void {
  const etag = `"${crypto.createHash('sha256').update(css).digest('base64url').slice(0, 16)}"`;
  server.get('/static/site.css', { schema: { hide: true } }, async (req, reply) => {
    reply.header('ETag', etag).header('Cache-Control', 'public, max-age=3600');
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('text/css; charset=utf-8').send(css);
  });
}
