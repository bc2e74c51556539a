import { z } from 'zod';
import { sql } from 'kysely';
import { defineAction } from './registry.ts';
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
