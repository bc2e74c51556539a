/**
 * The GDPR register of processing activities (Art. 30): read, written and exported by the
 * organization's DPO or admin; proposed from the inventory (decision 0015). Processings are never
 * deleted: ending one keeps it in the register with its end date, as the authority advises.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { defineAction } from './registry.ts';
import { orgRef } from './common.ts';
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import type { Authz } from './authz.ts';
import { getOrganization, type Organization } from '../catalog/organizations.ts';
import { getDatasetRow } from '../catalog/datasets.ts';
import type { ProcessingActivityTable } from '../stores/meta/schema.ts';
import {
  belgianDate, EXPORT_LANGS, LEGAL_GROUNDS, PROCESSING_TYPES, SPECIAL_CATEGORIES, type ExportLang, type LegalBasis, type ProcessingStatus, type SpecialCategories,
} from '../gdpr/model.ts';
import { processingRow, processingViewOf, processingViews, registerOf, setProcessingDatasets } from '../gdpr/store.ts';
import { proposeFromInventory } from '../gdpr/propose.ts';
import { REGISTER_FORMATS, writeRegisterFile } from '../gdpr/exports.ts';
import { isIsoDate } from '../catalog/dates.ts';

const REGISTER_ROLES: ['admin', 'dpo'] = ['admin', 'dpo'];

function actorId(ctx: Ctx): string | null {
  return ctx.actor.kind === 'user' ? ctx.actor.userId : ctx.actor.kind === 'system' ? 'system' : null;
}

/** An organization whose register the caller keeps (its DPO or admin). */
async function registerOrganization(ctx: Ctx, authz: Authz, ref: string, what: string): Promise<Organization> {
  const org = await getOrganization(ctx.stores.meta, ref);
  authz.requireRole(org.id, REGISTER_ROLES, what);
  return org;
}

/** A processing of a register the caller keeps. */
async function keptProcessing(ctx: Ctx, authz: Authz, id: string, what: string): Promise<ProcessingActivityTable> {
  const row = await processingRow(ctx.stores.meta, id);
  if (!row) {
    authz.requireSignedIn();
    throw new AppError('not_found', `There is no processing "${id}" in any register. GET /api/organizations/{organization}/register lists an organization's processings with their ids.`);
  }
  authz.requireRole(row.organization_id, REGISTER_ROLES, what);
  return row;
}

/** The datasets a processing concerns: ids or "organization/slug", all of the processing's organization. */
async function ownDatasets(ctx: Ctx, org: Organization, refs: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const ref of refs) {
    const d = await getDatasetRow(ctx.stores.meta, ref).catch(() => undefined);
    if (!d) throw new AppError('dataset_not_found', `datasets: there is no dataset "${ref}". Give dataset ids (GET /api/datasets?organization=${org.slug} lists them) or "${org.slug}/dataset-slug".`);
    if (d.organization_id !== org.id) {
      throw new AppError('validation_failed', `datasets: "${ref}" belongs to another organization; a processing in the register of ${org.name_fr} may only concern its datasets. Remove it from the list.`);
    }
    ids.push(d.id);
  }
  return ids;
}

const text = (max: number) => z.string().max(max).nullable().optional();
const list = z.array(z.string().trim().min(1).max(500)).max(100).optional();

/** A type code of the model, with an error that lists the codes (and says what an empty list means). */
const processingType = z.enum(PROCESSING_TYPES, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a type of processing. Use the Art. 35 DPIA criteria ${PROCESSING_TYPES.join(', ')}, or an empty list for a normal processing`,
});

const ProcessingFields = z.object({
  name: z.string().trim().min(1).max(300).describe('the processing activity, e.g. "Population register"'),
  department: text(200).describe('the service or department that owns the processing (the model\'s "business process owner"), e.g. "Service Population"'),
  purposes: text(5000).describe('Art. 30(1)(b)'),
  legalBasis: z.object({
    grounds: z.array(z.enum(LEGAL_GROUNDS)).min(1, 'give at least one ground of Art. 6(1)').max(LEGAL_GROUNDS.length),
    reference: z.string().max(2000).nullable().optional().describe('the law, decree or regulation, e.g. "Loi du 19 juillet 1991 relative aux registres de la population"'),
  }).nullable().optional(),
  processingTypes: z.array(processingType).max(PROCESSING_TYPES.length).optional()
    .describe('the model\'s "type of processing": the criteria of GDPR Art. 35 and of the EDPB guidelines on DPIA it meets (profiling, automated-decision, systematic-monitoring, special-categories-large-scale, large-scale, matching, vulnerable-subjects, new-technology, prevents-rights); empty: a normal processing. Two or more: a DPIA is likely needed (dpiaLikely in the output)'),
  dataSubjects: list.describe('Art. 30(1)(c): residents, staff, elected-officials, applicants, contact-persons, minors, or your own words'),
  dataCategories: list.describe('Art. 30(1)(c): the privacy guard\'s categories (person-name, email, national-register-number ...) or your own words'),
  specialCategories: z.object({
    categories: z.array(z.enum(SPECIAL_CATEGORIES)).max(SPECIAL_CATEGORIES.length),
    condition: z.string().max(2000).nullable().optional().describe('the Art. 9(2) exception or Art. 10 authorisation'),
  }).optional(),
  recipients: list.describe('Art. 30(1)(d): public, internal-services, public-authorities, or your own words'),
  transfers: text(5000).describe('Art. 30(1)(e): third countries or international organisations and the safeguards; empty: none'),
  retention: text(5000).describe('Art. 30(1)(f)'),
  securityMeasures: text(10000).describe('Art. 30(1)(g)'),
  processors: z.array(z.object({ name: z.string().trim().min(1).max(300), contact: z.string().trim().max(500).optional() })).max(100).optional(),
  jointControllers: text(2000),
  source: text(2000),
  datasets: z.array(z.string().min(1).max(300)).max(1000).optional().describe('ids (or organization/slug) of the datasets of the inventory it concerns'),
});
type Fields = Partial<z.infer<typeof ProcessingFields>>;

/** Blank text is no text: null in the store, so the register shows what is left to complete. */
function clean(v: string | null | undefined): string | null | undefined {
  if (v === undefined) return undefined;
  const t = v?.trim();
  return t ? t : null;
}

/** The stored columns for the fields given (only those). */
function columnsOf(f: Fields): Partial<ProcessingActivityTable> {
  const out: Partial<ProcessingActivityTable> = {};
  const set = <K extends keyof ProcessingActivityTable>(k: K, v: ProcessingActivityTable[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('name', f.name);
  set('department', clean(f.department));
  set('purposes', clean(f.purposes));
  if (f.legalBasis !== undefined) {
    const lb: LegalBasis | null = f.legalBasis ? { grounds: [...new Set(f.legalBasis.grounds)], reference: clean(f.legalBasis.reference) ?? null } : null;
    out.legal_basis = lb ? JSON.stringify(lb) : null;
  }
  // In the order of PROCESSING_TYPES, each once, so the register lists them the same way everywhere.
  set('processing_types', f.processingTypes && JSON.stringify(PROCESSING_TYPES.filter((t) => f.processingTypes!.includes(t))));
  set('data_subjects', f.dataSubjects && JSON.stringify([...new Set(f.dataSubjects)]));
  set('data_categories', f.dataCategories && JSON.stringify([...new Set(f.dataCategories)]));
  if (f.specialCategories) {
    const sc: SpecialCategories = { categories: [...new Set(f.specialCategories.categories)], condition: clean(f.specialCategories.condition) ?? null };
    out.special_categories = JSON.stringify(sc);
  }
  set('recipients', f.recipients && JSON.stringify([...new Set(f.recipients)]));
  set('transfers', clean(f.transfers));
  set('retention', clean(f.retention));
  set('security_measures', clean(f.securityMeasures));
  set('processors', f.processors && JSON.stringify(f.processors));
  set('joint_controllers', clean(f.jointControllers));
  set('source', clean(f.source));
  return out;
}

/** Inserts a processing with its datasets; the caller has checked the organization. */
async function insertProcessing(ctx: Ctx, org: Organization, f: Fields & { name: string }, datasetIds: string[]): Promise<ProcessingActivityTable> {
  const now = ctx.now().toISOString();
  const row: ProcessingActivityTable = {
    id: crypto.randomUUID(),
    organization_id: org.id,
    name: f.name,
    department: null,
    purposes: null,
    legal_basis: null,
    processing_types: '[]',
    data_subjects: '[]',
    data_categories: '[]',
    special_categories: JSON.stringify({ categories: [], condition: null }),
    recipients: '[]',
    transfers: null,
    retention: null,
    security_measures: null,
    processors: '[]',
    joint_controllers: null,
    source: null,
    status: 'active',
    end_date: null,
    replaced_by: null,
    created_by: actorId(ctx),
    created_at: now,
    updated_at: now,
    ...columnsOf(f),
  };
  await ctx.stores.meta.transaction().execute(async (trx) => {
    await trx.insertInto('processing_activities').values(row).execute();
    await setProcessingDatasets(trx, row.id, datasetIds);
  });
  return row;
}

const StatusFilter = z.enum(['active', 'ended', 'all']).default('all');
const statusOf = (s: 'active' | 'ended' | 'all'): ProcessingStatus | undefined => (s === 'all' ? undefined : s);

export const listRegister = defineAction({
  name: 'register.list',
  summary: 'The register of processing activities of an organization (GDPR Art. 30): the controller, its DPOs, every processing with the datasets it concerns and what is left to complete. For its DPO or admin.',
  input: z.object({ organization: orgRef, status: StatusFilter }),
  async run(ctx, input, authz) {
    const org = await registerOrganization(ctx, authz, input.organization, 'read the register of processing activities');
    return registerOf(ctx.stores.meta, org, ctx.now(), statusOf(input.status));
  },
});

export const showProcessing = defineAction({
  name: 'register.show',
  summary: 'One processing activity of a register, with the datasets it concerns.',
  input: z.object({ processing: z.string().min(1) }),
  async run(ctx, input, authz) {
    const row = await keptProcessing(ctx, authz, input.processing, 'read the register of processing activities');
    return processingViewOf(ctx.stores.meta, row);
  },
});

export const createProcessing = defineAction({
  name: 'processing.create',
  summary: 'Add a processing activity to an organization\'s register (its DPO or admin), linked to the datasets it concerns.',
  input: ProcessingFields.extend({ organization: orgRef }),
  async run(ctx, input, authz) {
    const org = await registerOrganization(ctx, authz, input.organization, 'add to the register of processing activities');
    const datasetIds = await ownDatasets(ctx, org, input.datasets ?? []);
    const row = await insertProcessing(ctx, org, input, datasetIds);
    return processingViewOf(ctx.stores.meta, row);
  },
});

export const updateProcessing = defineAction({
  name: 'processing.update',
  summary: 'Change a processing activity (only the fields given; null clears one). datasets replaces the list. status "active" reopens an ended processing.',
  input: ProcessingFields.partial().extend({
    processing: z.string().min(1),
    status: z.literal('active').optional().describe('reopen an ended processing (clears its end date)'),
  }),
  async run(ctx, input, authz) {
    const db = ctx.stores.meta;
    const row = await keptProcessing(ctx, authz, input.processing, 'change the register of processing activities');
    const org = await getOrganization(db, row.organization_id);
    const datasetIds = input.datasets ? await ownDatasets(ctx, org, input.datasets) : undefined;
    const patch: Partial<ProcessingActivityTable> = {
      ...columnsOf(input),
      ...(input.status === 'active' && { status: 'active' as const, end_date: null, replaced_by: null }),
      updated_at: ctx.now().toISOString(),
    };
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('processing_activities').set(patch).where('id', '=', row.id).execute();
      if (datasetIds) await setProcessingDatasets(trx, row.id, datasetIds);
    });
    return processingViewOf(db, (await processingRow(db, row.id))!);
  },
});

export const endProcessing = defineAction({
  name: 'processing.end',
  summary: 'End a processing activity: it stays in the register with its end date (and the processing that replaces it, if any).',
  input: z.object({
    processing: z.string().min(1),
    endDate: z.string().refine(isIsoDate, 'use a date as YYYY-MM-DD').optional().describe('YYYY-MM-DD; today (Belgian time) when omitted'),
    replacedBy: z.string().min(1).nullable().optional().describe('id of the processing of the same register that takes over'),
  }),
  async run(ctx, input, authz) {
    const db = ctx.stores.meta;
    const row = await keptProcessing(ctx, authz, input.processing, 'change the register of processing activities');
    let replacedBy: string | null = row.replaced_by;
    if (input.replacedBy !== undefined) {
      replacedBy = input.replacedBy;
      if (replacedBy !== null) {
        const next = await processingRow(db, replacedBy);
        if (!next || next.organization_id !== row.organization_id) {
          throw new AppError('validation_failed', `replacedBy: there is no processing "${replacedBy}" in the same register. Give the id of a processing of this organization (GET /api/organizations/{organization}/register lists them).`);
        }
        if (next.id === row.id) throw new AppError('validation_failed', 'replacedBy: a processing cannot replace itself. Give the id of the processing that takes over, or leave replacedBy out.');
      }
    }
    const now = ctx.now();
    await db.updateTable('processing_activities').set({
      status: 'ended', end_date: input.endDate ?? belgianDate(now.toISOString()), replaced_by: replacedBy, updated_at: now.toISOString(),
    }).where('id', '=', row.id).execute();
    return processingViewOf(db, (await processingRow(db, row.id))!);
  },
});

const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).transform((v) => v === true || v === 'true' || v === '1');

export const proposeProcessings = defineAction({
  name: 'register.propose',
  summary: 'Proposals for the register from the inventory: a processing for each dataset whose audit found personal data (or whose keywords say so) and that no active processing concerns, and additions to processings whose datasets show more. With apply, they are written to the register for the DPO to complete.',
  input: z.object({ organization: orgRef, apply: bool.default(false) }),
  async run(ctx, input, authz) {
    const db = ctx.stores.meta;
    const org = await registerOrganization(ctx, authz, input.organization, 'make proposals for the register of processing activities');
    const proposals = await proposeFromInventory(ctx.stores, ctx.log, org, await processingViews(db, org.id));
    const created: string[] = [];
    const updated = new Set<string>();
    if (input.apply) {
      for (const p of proposals) {
        if (p.kind === 'new') {
          const { datasets, ...fields } = p.processing;
          created.push((await insertProcessing(ctx, org, fields, datasets)).id);
          continue;
        }
        // Read again: several datasets may add to the same processing.
        const row = (await processingRow(db, p.processing.id))!;
        const categories = [...new Set([...(JSON.parse(row.data_categories) as string[]), ...p.add.dataCategories])];
        const recipients = [...new Set([...(JSON.parse(row.recipients) as string[]), ...p.add.recipients])];
        await db.updateTable('processing_activities')
          .set({ data_categories: JSON.stringify(categories), recipients: JSON.stringify(recipients), updated_at: ctx.now().toISOString() })
          .where('id', '=', row.id).execute();
        updated.add(row.id);
      }
    }
    const after = input.apply ? await processingViews(db, org.id) : [];
    return {
      organization: { id: org.id, slug: org.slug },
      proposals,
      applied: input.apply,
      created: after.filter((p) => created.includes(p.id)),
      updated: after.filter((p) => updated.has(p.id)),
    };
  },
});

/** The language a commune's register is exported in when none is asked: Dutch in Flanders, both in Brussels, else French. */
function defaultExportLang(region: string | null): ExportLang {
  if (region && /bruxelles/i.test(region)) return 'fr-nl';
  if (region && /flamande/i.test(region)) return 'nl';
  return 'fr';
}

export const exportRegister = defineAction({
  name: 'register.export',
  summary: 'The register of processing activities as a file in the form of the Data Protection Authority\'s model: XLSX (identification and register sheets) or CSV (UTF-8 with BOM, ";" by default, for Excel). For the organization\'s DPO or admin.',
  input: z.object({
    organization: orgRef,
    format: z.enum(REGISTER_FORMATS).default('xlsx'),
    lang: z.enum(EXPORT_LANGS).optional().describe('headers and known values in fr, nl, de, en, or fr-nl (both); by default the commune\'s language (fr-nl in Brussels)'),
    delimiter: z.enum([';', ',']).default(';').describe('CSV only'),
    status: StatusFilter,
  }),
  async run(ctx, input, authz) {
    const org = await registerOrganization(ctx, authz, input.organization, 'export the register of processing activities');
    const register = await registerOf(ctx.stores.meta, org, ctx.now(), statusOf(input.status));
    const lang = input.lang ?? defaultExportLang(org.region);
    // Outside the blob store: the register is not a version's file, and it is private to the organization.
    const dir = path.join(ctx.config.dataDir, 'tmp', 'register', org.id);
    const file = await writeRegisterFile(register, { format: input.format, lang, delimiter: input.delimiter }, dir);
    // private: the register names people (DPOs) and is for the organization only; a download must
    // not be kept by shared caches (the HTTP adapter sends Cache-Control: private, no-store for it).
    return { ...file, private: true, processings: register.processings.length };
  },
});
