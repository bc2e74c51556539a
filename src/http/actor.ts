import type { FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import type { Actor, Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { actorFromToken } from '../users/accounts.ts';

export const SESSION_COOKIE = 'dv_session';

/** The session token of the pages' cookie, if any. */
export function sessionToken(req: FastifyRequest): string | undefined {
  const cookies = req.headers.cookie ?? '';
  for (const part of cookies.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === SESSION_COOKIE && v.length) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * The actor of a request: a bearer token's user, the pages' session cookie's user, or anonymous. A
 * bad bearer token is an error, never anonymous; an expired session cookie is simply signed out.
 */
export async function actorOf(app: App, req: FastifyRequest): Promise<Actor> {
  const header = req.headers.authorization;
  if (!header) {
    const session = sessionToken(req);
    return session ? actorFromToken(app.stores.meta, session, new Date()).catch((): Actor => ({ kind: 'anonymous' })) : { kind: 'anonymous' };
  }
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw new AppError('invalid_token', 'The Authorization header must be "Bearer <token>".');
  return actorFromToken(app.stores.meta, m[1], new Date());
}

/** A context for one request. */
export async function ctxOf(app: App, req: FastifyRequest): Promise<Ctx> {
  return app.ctx(await actorOf(app, req), { requestId: String(req.id) });
}
