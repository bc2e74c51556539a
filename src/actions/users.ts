import { z } from 'zod';
import { defineAction } from './registry.ts';
import { ROLES } from '../context.ts';
import { getOrganization, resolveOrganization } from '../catalog/organizations.ts';
import { createApiToken, createUser, findUser, grantRole } from '../users/accounts.ts';
import { hashApiToken } from '../users/tokens.ts';
import { AppError } from '../errors.ts';

export const addUser = defineAction({
  name: 'user.add',
  summary: 'Create a user, optionally with a role in an organization.',
  input: z.object({
    email: z.string().email(),
    name: z.string().min(1).max(200),
    password: z.string().min(12, 'use at least 12 characters').max(200),
    superadmin: z.boolean().default(false),
    organization: z.string().optional(),
    role: z.enum(ROLES as [string, ...string[]]).optional(),
  }).refine((i) => !i.role || i.organization, { message: 'a role needs an organization (NIS code, slug or id)', path: ['organization'] }),
  async run(ctx, input, authz) {
    const db = ctx.stores.meta;
    const org = input.organization ? await getOrganization(db, input.organization).catch(() => undefined) : undefined;
    if (org && !input.superadmin) authz.requireRole(org.id, ['admin'], 'add users to this organization');
    else authz.requireSuperadmin('create this user');
    const target = input.organization ? org ?? (await resolveOrganization(db, input.organization, ctx.now())) : undefined;
    const user = await createUser(db, input, ctx.now());
    if (target) await grantRole(db, user.id, target.id, (input.role ?? 'editor') as (typeof ROLES)[number], ctx.now());
    return { id: user.id, email: user.email, name: user.name, superadmin: !!input.superadmin, organization: target?.slug ?? null, role: target ? input.role ?? 'editor' : null };
  },
});

export const grantRoleAction = defineAction({
  name: 'user.grant',
  summary: 'Give a user a role (admin, editor, dpo, viewer) in an organization.',
  input: z.object({ user: z.string().min(1), organization: z.string().min(1), role: z.enum(ROLES as [string, ...string[]]) }),
  async run(ctx, input, authz) {
    const db = ctx.stores.meta;
    const org = await getOrganization(db, input.organization);
    authz.requireRole(org.id, ['admin'], 'grant roles in this organization');
    const user = await findUser(db, input.user);
    await grantRole(db, user.id, org.id, input.role as (typeof ROLES)[number], ctx.now());
    return { user: user.email, organization: org.slug, role: input.role };
  },
});

export const createToken = defineAction({
  name: 'token.create',
  summary: 'Create an API token for a user (shown once; only its hash is kept).',
  input: z.object({ user: z.string().min(1), name: z.string().min(1).max(100).default('api') }),
  async run(ctx, input, authz) {
    authz.requireSignedIn();
    const user = await findUser(ctx.stores.meta, input.user);
    if (!(ctx.actor.kind === 'user' && ctx.actor.userId === user.id)) authz.requireSuperadmin('create a token for another user');
    return { user: user.email, name: input.name, token: await createApiToken(ctx.stores.meta, user.id, input.name, ctx.now()) };
  },
});

/** Sessions for the portal's pages: an API token with a short life, kept in an HttpOnly cookie by the web adapter. */
export const SESSION_HOURS = 12;

export const signIn = defineAction({
  name: 'session.create',
  summary: 'Sign in with e-mail and password: a token valid for 12 hours (the pages keep it in a cookie).',
  input: z.object({ email: z.string().min(1).max(300), password: z.string().min(1).max(200) }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    const db = ctx.stores.meta;
    const user = await findUser(db, input.email).catch(() => undefined);
    const { verifyPassword } = await import('../users/passwords.ts');
    // The same answer for an unknown e-mail and a wrong password: no way to probe who has an account.
    if (!user || !(await verifyPassword(input.password, user.password_hash))) {
      throw new AppError('unauthenticated', 'The e-mail or the password is wrong. Check both; an administrator can reset a password with `dataville user add`.');
    }
    const token = await createApiToken(db, user.id, 'session', ctx.now());
    const expires = new Date(ctx.now().getTime() + SESSION_HOURS * 3600_000);
    await db.updateTable('api_tokens').set({ expires_at: expires.toISOString() }).where('token_hash', '=', hashApiToken(token)).execute();
    return { token, expiresAt: expires.toISOString(), user: { email: user.email, name: user.name } };
  },
});

export const signOut = defineAction({
  name: 'session.delete',
  summary: 'Sign out: the session token stops working.',
  input: z.object({ token: z.string().min(1) }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    await ctx.stores.meta.deleteFrom('api_tokens').where('token_hash', '=', hashApiToken(input.token)).where('name', '=', 'session').execute();
    return { signedOut: true };
  },
});
