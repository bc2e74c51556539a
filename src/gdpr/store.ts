/**
 * Reading and writing the register in the metadata store: processing rows, the datasets they
 * concern, and the identity of the controller (the organization and its DPOs).
 */
import type { Kysely, Transaction } from 'kysely';
import type { MetaDb } from '../stores/meta/db.ts';
import type { Database, ProcessingActivityTable } from '../stores/meta/schema.ts';
import type { Organization } from '../catalog/organizations.ts';
import {
  formatEnterpriseNumber, processingView, type ProcessingDataset, type ProcessingStatus, type ProcessingView, type RegisterIdentity, type RegisterView,
} from './model.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Every processing of an organization in the order of its register (creation). */
export async function processingRows(db: Db, organizationId: string): Promise<ProcessingActivityTable[]> {
  return db.selectFrom('processing_activities').selectAll().where('organization_id', '=', organizationId).orderBy('created_at').orderBy('id').execute();
}

export async function processingRow(db: Db, id: string): Promise<ProcessingActivityTable | undefined> {
  return db.selectFrom('processing_activities').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The datasets each processing concerns, by processing id. */
async function datasetsOf(db: Db, processingIds: string[]): Promise<Map<string, ProcessingDataset[]>> {
  const out = new Map<string, ProcessingDataset[]>();
  if (!processingIds.length) return out;
  const rows = await db.selectFrom('processing_datasets')
    .innerJoin('datasets', 'datasets.id', 'processing_datasets.dataset_id')
    .innerJoin('organizations', 'organizations.id', 'datasets.organization_id')
    .select(['processing_datasets.processing_id', 'datasets.id', 'datasets.slug', 'datasets.title', 'datasets.status', 'organizations.slug as organization_slug'])
    .where('processing_datasets.processing_id', 'in', processingIds)
    .orderBy('datasets.slug')
    .execute();
  for (const r of rows) {
    const list = out.get(r.processing_id) ?? [];
    list.push({ id: r.id, slug: r.slug, organizationSlug: r.organization_slug, title: JSON.parse(r.title), status: r.status });
    out.set(r.processing_id, list);
  }
  return out;
}

/**
 * The views of an organization's processings (all, or those with one status). Numbers come from
 * the whole register, so a filtered list keeps the numbers the printed register shows.
 */
export async function processingViews(db: Db, organizationId: string, status?: ProcessingStatus): Promise<ProcessingView[]> {
  const rows = await processingRows(db, organizationId);
  const numbers = new Map(rows.map((r, i) => [r.id, i + 1]));
  const shown = status ? rows.filter((r) => r.status === status) : rows;
  const datasets = await datasetsOf(db, shown.map((r) => r.id));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return shown.map((r) => {
    const next = r.replaced_by ? byId.get(r.replaced_by) : undefined;
    return processingView(r, numbers.get(r.id)!, datasets.get(r.id) ?? [], next ? { id: next.id, number: numbers.get(next.id)!, name: next.name } : null);
  });
}

/** One processing's view (its number needs the rest of its organization's register). */
export async function processingViewOf(db: Db, row: ProcessingActivityTable): Promise<ProcessingView> {
  const all = await processingViews(db, row.organization_id);
  return all.find((p) => p.id === row.id)!;
}

/** Replaces the datasets a processing concerns. */
export async function setProcessingDatasets(trx: Db, processingId: string, datasetIds: string[]): Promise<void> {
  await trx.deleteFrom('processing_datasets').where('processing_id', '=', processingId).execute();
  const unique = [...new Set(datasetIds)];
  if (unique.length) await trx.insertInto('processing_datasets').values(unique.map((dataset_id) => ({ processing_id: processingId, dataset_id }))).execute();
}

/** The ids of the datasets of an organization that some processing already concerns, with those processings. */
export async function linkedDatasets(db: MetaDb, organizationId: string): Promise<Map<string, string[]>> {
  const rows = await db.selectFrom('processing_datasets')
    .innerJoin('processing_activities', 'processing_activities.id', 'processing_datasets.processing_id')
    .select(['processing_datasets.dataset_id', 'processing_datasets.processing_id'])
    .where('processing_activities.organization_id', '=', organizationId)
    .execute();
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.dataset_id, [...(out.get(r.dataset_id) ?? []), r.processing_id]);
  return out;
}

/** Art. 30(1)(a): the controller (the organization) and the DPOs (its members with the role dpo). */
export async function registerIdentity(db: MetaDb, org: Organization): Promise<RegisterIdentity> {
  const dpo = await db.selectFrom('memberships').innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.name', 'users.email'])
    .where('memberships.organization_id', '=', org.id).where('memberships.role', '=', 'dpo')
    .orderBy('users.name').execute();
  return {
    organization: { id: org.id, slug: org.slug, nisCode: org.nis_code, name: { fr: org.name_fr, nl: org.name_nl, de: org.name_de } },
    enterpriseNumber: formatEnterpriseNumber(org.enterprise_number),
    email: org.email,
    phone: org.phone,
    homepage: org.homepage,
    dpo,
  };
}

/** The whole register of an organization: identity, processings, and what is left to complete. */
export async function registerOf(db: MetaDb, org: Organization, now: Date, status?: ProcessingStatus): Promise<RegisterView> {
  const identity = await registerIdentity(db, org);
  const processings = await processingViews(db, org.id, status);
  const missing: RegisterView['missing'] = [];
  if (!identity.dpo.length) missing.push('dpo');
  if (!identity.email) missing.push('email');
  return {
    ...identity,
    generatedAt: now.toISOString(),
    missing,
    processings,
    counts: {
      active: processings.filter((p) => p.status === 'active').length,
      ended: processings.filter((p) => p.status === 'ended').length,
      incomplete: processings.filter((p) => p.missing.length).length,
    },
  };
}
