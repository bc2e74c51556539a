import { z } from 'zod';
import { defineAction } from './registry.ts';
import { ROLES } from '../context.ts';
import { getOrganization, resolveOrganization } from '../catalog/organizations.ts';
import { createApiToken, createUser, findUser, grantRole } from '../users/accounts.ts';

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
