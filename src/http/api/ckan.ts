import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { App } from '../../app.ts';
import type { Ctx } from '../../context.ts';
import { callAction, type Action } from '../../actions/registry.ts';
import { queryRows } from '../../actions/rows.ts';
import {
  ckanDatastoreSearchSql, ckanGroupList, ckanGroupShow, ckanHelpShow, ckanOrganizationList, ckanOrganizationShow, ckanPackageList,
  ckanPackageSearch, ckanPackageShow, ckanResourceShow, ckanStatusShow, ckanTagList,
} from '../../actions/ckan.ts';
import { AppError } from '../../errors.ts';
import { ckanErrorReply } from '../../compat/ckan/errors.ts';
import { actorFromToken } from '../../users/accounts.ts';
import { ctxOf } from '../actor.ts';

/**
 * CKAN's Action API v3 (/api/3/action/<name>, also /api/action/<name>), GET with query parameters or
 * POST with a JSON (or form) body, answered in CKAN's envelope {help, success, result | error}, so
 * that CKAN clients and harvesters read this portal unchanged (docs/decisions/0010-ckan-api.md).
 * Each CKAN action is one Dataville action; this file only moves parameters and envelopes.
 */
interface CkanRoute {
  action: Action<any, any>;
  /** CKAN parameters into the action's input (default: as they are, plus the site URL for links). */
  input?: (params: Record<string, unknown>) => Record<string, unknown>;
  result?: (out: any, params: Record<string, unknown>) => unknown;
}

const ROUTES: Record<string, CkanRoute> = {
  package_list: { action: ckanPackageList },
  package_show: { action: ckanPackageShow },
  package_search: { action: ckanPackageSearch },
  resource_show: { action: ckanResourceShow },
  organization_list: { action: ckanOrganizationList },
  organization_show: { action: ckanOrganizationShow },
  group_list: { action: ckanGroupList },
  group_show: { action: ckanGroupShow },
  tag_list: { action: ckanTagList },
  datastore_search: {
    action: queryRows,
    // CKAN takes the resource as resource_id or id; the row query's input is strict and has no site URL.
    input: ({ id, ...p }) => (p.resource_id === undefined && id !== undefined ? { ...p, resource_id: id } : { ...p, ...(id === undefined ? {} : { id }) }),
    result: (out, params) => ({ ...out, _links: datastoreLinks(params, out) }),
  },
  datastore_search_sql: { action: ckanDatastoreSearchSql },
  status_show: { action: ckanStatusShow },
  help_show: { action: ckanHelpShow },
};

/** Actions whose input takes no site_url (a strict schema). */
const NO_SITE = new Set(['datastore_search', 'datastore_search_sql', 'tag_list', 'help_show']);

const FORM_BODY_LIMIT = 1024 * 1024;

export function registerCkanRoutes(server: FastifyInstance, app: App) {
  // A scope of its own, so that form bodies are read CKAN's way (JSON sent as a form too) here only.
  server.register(async (scope) => {
    if (scope.hasContentTypeParser('application/x-www-form-urlencoded')) scope.removeContentTypeParser('application/x-www-form-urlencoded');
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) => done(null, formBody(String(body))));
    for (const [name, route] of Object.entries(ROUTES)) {
      const handler = (req: FastifyRequest, reply: FastifyReply) => handle(app, name, route, req, reply);
      const doc = { tags: ['ckan'], summary: `CKAN ${name}: ${route.action.summary}` };
      for (const prefix of ['/api/3/action', '/api/action']) {
        const schema = prefix === '/api/action' ? { ...doc, hide: true } : doc;
        scope.get(`${prefix}/${name}`, { schema: { ...schema, operationId: `ckan_${name}_get` } }, handler);
        scope.post(`${prefix}/${name}`, { schema: { ...schema, operationId: `ckan_${name}_post` } }, handler);
      }
    }
    // CKAN answers an unknown action with 400 and a JSON text (no envelope); clients expect that.
    const unknown = async (req: FastifyRequest, reply: FastifyReply) => {
      const { name } = req.params as { name: string };
      reply.code(400).type('application/json; charset=utf-8');
      return JSON.stringify(`Bad request - Action name not known: ${name}. This portal answers: ${Object.keys(ROUTES).join(', ')}.`);
    };
    for (const prefix of ['/api/3/action', '/api/action']) {
      scope.get(`${prefix}/:name`, { schema: { hide: true } }, unknown);
      scope.post(`${prefix}/:name`, { schema: { hide: true } }, unknown);
    }
    scope.get('/api/3', { schema: { hide: true } }, async () => ({ version: 3 }));
  });
}

async function handle(app: App, name: string, route: CkanRoute, req: FastifyRequest, reply: FastifyReply) {
  const site = (app.config.publicUrl ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '');
  const help = `${site}/api/3/action/help_show?name=${name}`;
  try {
    const params = await paramsOf(req);
    const ctx = await ckanCtx(app, req);
    const input = route.input ? route.input(params) : params;
    const out = await callAction(route.action, ctx, NO_SITE.has(name) ? input : { ...input, site_url: site });
    return { help, success: true, result: route.result ? route.result(out, params) : out };
  } catch (err) {
    const { status, error } = ckanErrorReply(err, String(req.id));
    if (status >= 500) req.log.error({ err }, `CKAN action ${name} failed`);
    reply.code(status);
    return { help, success: false, error };
  }
}

/** Query parameters, overridden by the body's (JSON object, form, or a JSON text sent as text/plain). */
async function paramsOf(req: FastifyRequest): Promise<Record<string, unknown>> {
  const query = (req.query ?? {}) as Record<string, unknown>;
  if (req.method !== 'POST' || req.body == null) return { ...query };
  let body: unknown = req.body;
  if (typeof body === 'object' && typeof (body as Readable).pipe === 'function') body = await readJsonStream(body as Readable);
  if (typeof body !== 'object' || Array.isArray(body) || body === null) {
    throw new AppError('bad_request', `The request body must be a JSON object of parameters, e.g. {"id": "..."}; it is ${Array.isArray(body) ? 'a list' : typeof body}.`);
  }
  return { ...query, ...(body as Record<string, unknown>) };
}

/** A body sent as text/plain or octet-stream (curl's default is a form): read it as JSON, within a bound. */
async function readJsonStream(stream: Readable): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    size += (c as Buffer).length;
    if (size > FORM_BODY_LIMIT) throw new AppError('payload_too_large', `The request body is larger than ${FORM_BODY_LIMIT} bytes; CKAN actions take parameters, not files.`);
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError('bad_request', `The request body is not JSON (${(e as Error).message}). Send {"param": "value", ...} with Content-Type: application/json.`);
  }
}

/**
 * A form body. `curl -d '{"id": "x"}'` sends JSON labelled as a form; CKAN reads that as JSON too.
 * Form values that hold JSON (lists, objects) are left as text: the actions read both.
 */
function formBody(text: string): Record<string, unknown> {
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      return JSON.parse(t) as Record<string, unknown>;
    } catch {
      throw new AppError('bad_request', 'The request body starts like JSON but is not valid JSON. Send {"param": "value", ...} with Content-Type: application/json.');
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(t)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/**
 * The caller: CKAN clients send their API token bare in Authorization (or X-CKAN-API-Key);
 * Dataville's "Bearer <token>" and the pages' session work as everywhere else. A bad token is an
 * error, never anonymous.
 */
async function ckanCtx(app: App, req: FastifyRequest): Promise<Ctx> {
  const auth = req.headers.authorization?.trim();
  const apiKey = req.headers['x-ckan-api-key'];
  const token = auth && !/^Bearer\s/i.test(auth) ? auth : !auth && typeof apiKey === 'string' && apiKey.trim() ? apiKey.trim() : undefined;
  if (token) return app.ctx(await actorFromToken(app.stores.meta, token, new Date()), { requestId: String(req.id) });
  return ctxOf(app, req);
}

/** CKAN's _links of a datastore_search page: the same query from the start, and the next page. */
function datastoreLinks(params: Record<string, unknown>, out: { limit: number; offset: number }) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (k === 'offset' || v === undefined) continue;
    q.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  const start = `/api/3/action/datastore_search?${q}`;
  q.set('offset', String(out.offset + out.limit));
  return { start, next: `/api/3/action/datastore_search?${q}` };
}
