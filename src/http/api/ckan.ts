import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.ts';
import { callAction } from '../../actions/registry.ts';
import { queryRows } from '../../actions/rows.ts';
import { AppError } from '../../errors.ts';
import { ctxOf } from '../actor.ts';

/**
 * CKAN's action API shape for the row query (/api/3/action/datastore_search), so that tools built
 * for CKAN portals read Dataville resources. Only the envelope differs from /api/resources/:id/rows.
 */
export function registerCkanRoutes(server: FastifyInstance, app: App) {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const input = req.method === 'GET' ? (req.query as Record<string, unknown>) : ((req.body ?? {}) as Record<string, unknown>);
    const help = `${req.protocol}://${req.hostname}/api/docs`;
    try {
      const ctx = await ctxOf(app, req);
      const result = await callAction(queryRows, ctx, input);
      return { help, success: true, result };
    } catch (err) {
      const e = err instanceof AppError ? err : new AppError('internal', 'Something went wrong on our side.');
      const type = e.status === 404 ? 'Not Found Error' : e.status === 403 || e.status === 401 ? 'Authorization Error' : e.status >= 500 ? 'Internal Error' : 'Validation Error';
      reply.code(e.status);
      return { help, success: false, error: { __type: type, message: e.message, code: e.code } };
    }
  };
  server.get('/api/3/action/datastore_search', { schema: { tags: ['ckan'], summary: 'CKAN-compatible datastore_search (same parameters).' } }, handler);
  server.post('/api/3/action/datastore_search', { schema: { tags: ['ckan'], summary: 'CKAN-compatible datastore_search (same parameters, JSON body).' } }, handler);
}
