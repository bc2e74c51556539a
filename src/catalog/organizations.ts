import crypto from 'node:crypto';
import { AppError } from '../errors.ts';
import type { MetaDb } from '../stores/meta/db.ts';
import type { OrganizationTable } from '../stores/meta/schema.ts';
import { communesByNis } from './communes.ts';
import { slugify } from './text.ts';

export type Organization = OrganizationTable;

/** An organization by id, slug or NIS code, if it exists here. */
function findOrganization(db: MetaDb, ref: string): Promise<Organization | undefined> {
  return db.selectFrom('organizations').selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('slug', '=', ref), eb('nis_code', '=', ref)]))
    .executeTakeFirst();
}

/** Finds an organization by id, slug or NIS code; a commune known to the reference list is created on first use. */
export async function resolveOrganization(db: MetaDb, ref: string, now: Date): Promise<Organization> {
  const found = await findOrganization(db, ref);
  if (found) return found;
  const commune = communesByNis().get(ref.trim());
  if (!commune) {
    throw new AppError('organization_not_found', `No organization "${ref}". Give the 5-digit NIS code of a Belgian commune (e.g. 92094 for Namur, 44021 for Gent) or the id/slug of an existing organization (GET /api/organizations lists them).`);
  }
  const org: Organization = {
    id: crypto.randomUUID(),
    slug: `${slugify(commune.name_fr)}-${commune.nis_code}`,
    nis_code: commune.nis_code,
    name_fr: commune.name_fr,
    name_nl: commune.name_nl,
    name_de: commune.name_de,
    province: commune.province || null,
    region: commune.region,
    population: commune.population,
    enterprise_number: null,
    homepage: null,
    email: null,
    phone: null,
    created_at: now.toISOString(),
  };
  // Two processes may create the same commune at once: the unique NIS code decides, then we read back.
  await db.insertInto('organizations').values(org).onConflict((oc) => oc.column('nis_code').doNothing()).execute();
  return db.selectFrom('organizations').selectAll().where('nis_code', '=', commune.nis_code).executeTakeFirstOrThrow();
}

/** An existing organization, or not_found (no creation). */
export async function getOrganization(db: MetaDb, ref: string): Promise<Organization> {
  const found = await findOrganization(db, ref);
  if (!found) throw new AppError('organization_not_found', `No organization "${ref}" here. GET /api/organizations lists the organizations of this portal.`);
  return found;
}

/** The public view of an organization. */
export function organizationView(o: Organization) {
  return {
    id: o.id,
    slug: o.slug,
    nisCode: o.nis_code,
    name: { fr: o.name_fr, nl: o.name_nl, de: o.name_de },
    province: o.province,
    region: o.region,
    population: o.population,
    enterpriseNumber: o.enterprise_number,
    homepage: o.homepage,
    email: o.email,
    /** The general phone number (E.164), as the register's identification gives it. */
    phone: o.phone,
    createdAt: o.created_at,
  };
}
