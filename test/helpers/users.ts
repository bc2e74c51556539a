import type { App } from '../../src/app.ts';
import type { Role } from '../../src/context.ts';
import { resolveOrganization } from '../../src/catalog/organizations.ts';
import { createApiToken, createUser, grantRole } from '../../src/users/accounts.ts';

/** A user with a role in a commune (created on first use) and an API token for them. */
export async function memberToken(app: App, email: string, role: Role, nis = '92094'): Promise<string> {
  const now = new Date();
  const org = await resolveOrganization(app.stores.meta, nis, now);
  const user = await createUser(app.stores.meta, { email, name: email.split('@')[0], password: 'a long password here' }, now);
  await grantRole(app.stores.meta, user.id, org.id, role, now);
  return createApiToken(app.stores.meta, user.id, 't', now);
}
