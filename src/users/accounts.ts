import crypto from 'node:crypto';
import { AppError } from '../errors.ts';
import type { Actor, Role } from '../context.ts';
import type { MetaDb } from '../stores/meta/db.ts';
import { hashPassword } from './passwords.ts';
import { hashApiToken, newApiToken } from './tokens.ts';

/** Creates a user (or fails with conflict when the e-mail is taken). */
export async function createUser(db: MetaDb, u: { email: string; name: string; password: string; superadmin?: boolean }, now: Date) {
  const email = u.email.trim().toLowerCase();
  const exists = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  if (exists) throw new AppError('conflict', `A user with the e-mail ${email} already exists. Grant them a role instead of creating them again.`);
  const row = {
    id: crypto.randomUUID(),
    email,
    name: u.name,
    password_hash: await hashPassword(u.password),
    is_superadmin: u.superadmin ? 1 : 0,
    created_at: now.toISOString(),
  };
  await db.insertInto('users').values(row).execute();
  return row;
}

export async function findUser(db: MetaDb, ref: string) {
  const user = await db.selectFrom('users').selectAll().where((eb) => eb.or([eb('id', '=', ref), eb('email', '=', ref.trim().toLowerCase())])).executeTakeFirst();
  if (!user) throw new AppError('user_not_found', `No user "${ref}". Create one with \`dataville user add\`.`);
  return user;
}

/** Gives a user a role in an organization (replacing the previous one). */
export async function grantRole(db: MetaDb, userId: string, organizationId: string, role: Role, now: Date) {
  await db.deleteFrom('memberships').where('user_id', '=', userId).where('organization_id', '=', organizationId).execute();
  await db.insertInto('memberships').values({ user_id: userId, organization_id: organizationId, role, created_at: now.toISOString() }).execute();
}

/** Creates an API token for a user; the token itself is returned once and only its hash is kept. */
export async function createApiToken(db: MetaDb, userId: string, name: string, now: Date) {
  const t = newApiToken();
  await db.insertInto('api_tokens').values({
    id: crypto.randomUUID(), user_id: userId, name, token_hash: t.hash, prefix: t.prefix,
    created_at: now.toISOString(), last_used_at: null, expires_at: null,
  }).execute();
  return t.token;
}

/** The actor behind a bearer token; a wrong, unknown or expired token is an error, never anonymous. */
export async function actorFromToken(db: MetaDb, token: string, now: Date): Promise<Actor> {
  const row = await db.selectFrom('api_tokens').innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['api_tokens.id as token_id', 'api_tokens.expires_at', 'users.id', 'users.email', 'users.name', 'users.is_superadmin'])
    .where('api_tokens.token_hash', '=', hashApiToken(token.trim()))
    .executeTakeFirst();
  if (!row || (row.expires_at && row.expires_at < now.toISOString())) {
    throw new AppError('invalid_token', 'The API token is unknown or expired. Check the "Authorization: Bearer <token>" header, or create a new token with `dataville token add`.');
  }
  const memberships = await db.selectFrom('memberships').select(['organization_id', 'role']).where('user_id', '=', row.id).execute();
  await db.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', row.token_id).execute();
  return {
    kind: 'user', userId: row.id, email: row.email, name: row.name, superadmin: row.is_superadmin === 1,
    roles: Object.fromEntries(memberships.map((m) => [m.organization_id, m.role as Role])),
  };
}
