import { z } from 'zod';
import { sql } from 'kysely';
import { parsePhoneNumber } from 'awesome-phonenumber';
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

const PHONE_TROUBLE: Record<string, string> = {
  'too-short': 'it has too few digits',
  'too-long': 'it has too many digits',
  'invalid-country-code': 'its country code is unknown',
};

/**
 * A general phone number as people write it in Belgium ("081 24 86 11", "02/123.45.67",
 * "+32 (0)2 123 45 67", "0032 …", or another country's with its "+"), checked by libphonenumber
 * (awesome-phonenumber) and kept in E.164 ("+3281248611"). The check is the number's length for its
 * country ("possible"), not libphonenumber's table of assigned ranges, which lags behind the
 * operators' new ranges; an empty text removes the number.
 */
const phoneField = z.string().max(40).nullable().optional().transform((raw, ctx) => {
  if (raw == null) return raw;
  const text = raw.trim();
  if (!text) return null;
  const how = 'Write the organization\'s general number with its zone prefix, e.g. "081 24 86 11" or "+32 81 24 86 11" (a number abroad with its + and country code), or null to remove it';
  if (!/^[+(]?[\d\s./()-]+$/.test(text)) {
    ctx.addIssue({ code: 'custom', message: `"${raw}" is not a phone number: only digits, spaces, ". / - ( )" and a leading + may be used. ${how}` });
    return z.NEVER;
  }
  const p = parsePhoneNumber(text.replace(/\(0\)/, '').replace(/^00/, '+'), { regionCode: 'BE' });
  if (!p.possible || !p.number) {
    const why = PHONE_TROUBLE[p.possibility] ?? 'it is not a phone number of any country';
    ctx.addIssue({ code: 'custom', message: `"${raw}" is not a phone number: ${why}${p.regionCode === 'BE' ? ' for Belgium (national numbers start with 0 and have 9 or 10 digits)' : ''}. ${how}` });
    return z.NEVER;
  }
  return p.number.e164;
});

export const updateOrganization = defineAction({
  name: 'organization.update',
  summary: 'Set what catalogs and the register of processing activities need to name the organization: its enterprise number (KBO/BCE), web site, e-mail and general phone number.',
  input: z.object({
    organization: z.string().min(1),
    enterpriseNumber: z.string().max(20).nullable().optional().describe('KBO/BCE number, e.g. 0123.456.749'),
    // new URL() accepts javascript: and data: too; a homepage is a web page.
    homepage: z.string().url().max(500).refine((u) => /^https?:\/\//i.test(u), { message: 'the homepage must be a web address starting with https:// (or http://), e.g. https://www.namur.be' }).nullable().optional(),
    email: z.string().email().max(300).nullable().optional(),
    phone: phoneField.describe('general phone number, e.g. 081 24 86 11 or +32 81 24 86 11 (Belgian numbers without +32 are read as such); stored in E.164'),
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
      ...(input.phone !== undefined && { phone: input.phone }),
    }).where('id', '=', org.id).execute();
    return organizationView(await getOrganization(db, org.id));
  },
});
