import { z } from 'zod';
import { sql } from 'kysely';
import { defineAction } from './registry.ts';
import { AppError } from '../errors.ts';
import { getOrganization, organizationView } from '../catalog/organizations.ts';
import { foldText } from '../catalog/text.ts';

export const listOrganizations = defineAction({
  name: 'organization.list',
  summary: 'List the organizations (communes) of this portal, with their number of published datasets.',
  input: z.object({ q: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    const db = ctx.stores.meta;
    const rows = await db.selectFrom('organizations').selectAll()
      .select((eb) => eb.selectFrom('datasets').select(sql<number>`count(*)`.as('n')).whereRef('datasets.organization_id', '=', 'organizations.id').where('datasets.status', '=', 'published').as('dataset_count'))
      .orderBy('name_fr').execute();
    const words = foldText(input.q ?? '').split(/\s+/).filter(Boolean);
    const matching = rows.filter((o) => words.every((w) => foldText(`${o.name_fr} ${o.name_nl} ${o.name_de} ${o.nis_code ?? ''}`).includes(w)));
    return {
      total: matching.length,
      organizations: matching.slice(input.offset, input.offset + input.limit).map((o) => ({ ...organizationView(o), datasetCount: Number(o.dataset_count ?? 0) })),
    };
  },
});

export const showOrganization = defineAction({
  name: 'organization.show',
  summary: 'Show one organization by id, slug or NIS code.',
  input: z.object({ organization: z.string().min(1) }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    return organizationView(await getOrganization(ctx.stores.meta, input.organization));
  },
});

/** KBO/BCE numbers: 10 digits (a leading 0 or 1), the last two a mod-97 check of the first eight. */
function enterpriseNumber(raw: string): string | null {
  const digits = raw.replace(/[\s.]/g, '').replace(/^BE/i, '');
  if (!/^[01]\d{9}$/.test(digits)) return null;
  return 97 - (Number(digits.slice(0, 8)) % 97) === Number(digits.slice(8)) ? digits : null;
}

export const updateOrganization = defineAction({
  name: 'organization.update',
  summary: 'Set what catalogs need to name the organization: its enterprise number (KBO/BCE), web site and e-mail.',
  input: z.object({
    organization: z.string().min(1),
    enterpriseNumber: z.string().max(20).nullable().optional().describe('KBO/BCE number, e.g. 0123.456.749'),
    homepage: z.string().url().max(500).nullable().optional(),
    email: z.string().email().max(300).nullable().optional(),
  }),
  async run(ctx, input, authz) {
    const db = ctx.stores.meta;
    const org = await getOrganization(db, input.organization);
    authz.requireRole(org.id, ['admin'], 'change the identity of this organization');
    let kbo: string | null | undefined = input.enterpriseNumber;
    if (typeof kbo === 'string') {
      kbo = enterpriseNumber(kbo);
      if (!kbo) throw new AppError('validation_failed', `"${input.enterpriseNumber}" is not a valid enterprise number (KBO/BCE): it has 10 digits, starts with 0 or 1, and its last two digits are 97 minus the first eight modulo 97. Copy it from the Crossroads Bank for Enterprises (kbopub.economie.fgov.be).`);
    }
    await db.updateTable('organizations').set({
      ...(kbo !== undefined && { enterprise_number: kbo }),
      ...(input.homepage !== undefined && { homepage: input.homepage }),
      ...(input.email !== undefined && { email: input.email }),
    }).where('id', '=', org.id).execute();
    return organizationView(await getOrganization(db, org.id));
  },
});
