import type { FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import type { Actor, Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { actorFromToken } from '../users/accounts.ts';

/** The actor of a request: a bearer token's user, or anonymous. A bad token is an error, never anonymous. */
export async function actorOf(app: App, req: FastifyRequest): Promise<Actor> {
  const header = req.headers.authorization;
  if (!header) return { kind: 'anonymous' };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw new AppError('invalid_token', 'The Authorization header must be "Bearer <token>".');
  return actorFromToken(app.stores.meta, m[1], new Date());
}

/** A context for one request. */
export async function ctxOf(app: App, req: FastifyRequest): Promise<Ctx> {
  return app.ctx(await actorOf(app, req), { requestId: String(req.id) });
}
