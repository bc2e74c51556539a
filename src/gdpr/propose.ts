/**
 * The register generated from the inventory: Dataville reads what it knows about an organization's
 * datasets (the privacy guard's findings in the audits of their versions, their keywords and status)
 * and proposes processing entries for the DPO to complete, or additions to the entries that already
 * concern those datasets. It never invents what it cannot know (data subjects, retention, legal basis,
 * the department that owns the processing, its type: a proposal is a "normal" processing until the
 * DPO records the Art. 35 criteria it meets).
 */
import type { Logger, Stores } from '../context.ts';
import type { Organization } from '../catalog/organizations.ts';
import { defaultLanguageOf } from '../catalog/communes.ts';
import { foldText } from '../catalog/text.ts';
import { readAudit } from '../catalog/versions.ts';
import type { AuditReport } from '../quality/types.ts';
import type { PersonalCategory, PrivacyReport } from '../privacy/types.ts';
import type { DatasetTable, VersionTable } from '../stores/meta/schema.ts';
import { DATA_CATEGORY_WORDS, type ProcessingView } from './model.ts';

/** What the audit of one version showed. */
export interface VersionEvidence {
  resourceId: string;
  resourceName: string;
  version: number;
  /** Personal columns and their categories (masked examples stay in the audit, not here). */
  columns: { name: string; categories: { category: PersonalCategory; confidence: number }[] }[];
  /** Columns that together single people out (k below the threshold). */
  quasiIdentifiers: { columns: string[]; k: number; rowsAtRisk: number }[];
}

export interface ProposalDataset {
  id: string;
  slug: string;
  title: Record<string, string>;
  status: DatasetTable['status'];
}

/** The fields of a new processing Dataville can fill in from the inventory. */
export interface ProposedProcessing {
  name: string;
  purposes: string | null;
  dataCategories: PersonalCategory[];
  recipients: string[];
  securityMeasures: string | null;
  datasets: string[];
}

export type Proposal =
  | { kind: 'new'; dataset: ProposalDataset; reason: string; evidence: VersionEvidence[]; keywords: string[]; processing: ProposedProcessing }
  | {
    kind: 'update';
    dataset: ProposalDataset;
    reason: string;
    evidence: VersionEvidence[];
    keywords: string[];
    /** The processing that already concerns the dataset, and what it lacks. */
    processing: { id: string; number: number; name: string };
    add: { dataCategories: PersonalCategory[]; recipients: string[] };
  };

/** Keywords by which a publisher says a dataset holds personal data (compared without case or accents). */
const PERSONAL_KEYWORDS = new Set([
  'donnees personnelles', 'donnees a caractere personnel', 'rgpd', 'persoonsgegevens', 'avg', 'personenbezogene daten', 'dsgvo', 'personal data', 'gdpr',
].map(foldText));

/** Below this a category found in a personal column is a guess, not a finding (the column's best one is kept anyway). */
const CATEGORY_CONFIDENCE = 0.5;

const CATEGORY_ORDER = Object.keys(DATA_CATEGORY_WORDS) as PersonalCategory[];

const WORDS = {
  publishPurpose: {
    fr: (t: string) => `Publication en données ouvertes du jeu de données « ${t} »`,
    nl: (t: string) => `Publicatie als open data van de dataset „${t}”`,
  },
  internalSecurity: {
    fr: "Données conservées dans Dataville : accès réservé aux membres de l'organisation selon leur rôle (administrateur, éditeur, DPO, lecteur) ; chaque version est conservée et datée.",
    nl: 'Gegevens bewaard in Dataville: toegang enkel voor leden van de organisatie volgens hun rol (beheerder, redacteur, DPO, lezer); elke versie wordt bewaard en gedateerd.',
  },
};

/** The audit of a version with the privacy guard's report, when the guard ran on it. */
type AuditWithPrivacy = AuditReport & { privacy?: PrivacyReport };

/** The categories a report finds in its personal columns, and the evidence a DPO can check. */
function evidenceOf(resourceId: string, resourceName: string, version: number, report: PrivacyReport): VersionEvidence | null {
  const columns = report.columns.filter((c) => c.personal).map((c) => {
    const sorted = [...c.categories].sort((a, b) => b.confidence - a.confidence);
    const kept = sorted.filter((f, i) => i === 0 || f.confidence >= CATEGORY_CONFIDENCE);
    return { name: c.name, categories: kept.map((f) => ({ category: f.category, confidence: f.confidence })) };
  });
  const quasiIdentifiers = report.quasiIdentifiers.filter((q) => q.k < report.threshold).map((q) => ({ columns: q.columns, k: q.k, rowsAtRisk: q.rowsAtRisk }));
  if (!report.personal && !columns.length && !quasiIdentifiers.length) return null;
  return { resourceId, resourceName, version, columns, quasiIdentifiers };
}

/**
 * What the audits of a dataset's data show: for each resource its newest version (which may wait for
 * the DPO and not be served) and the version served, when another one — both are held by the commune.
 */
async function datasetEvidence(stores: Stores, log: Logger, datasetId: string): Promise<VersionEvidence[]> {
  const db = stores.meta;
  const resources = await db.selectFrom('resources').selectAll().where('dataset_id', '=', datasetId).orderBy('created_at').execute();
  const out: VersionEvidence[] = [];
  for (const r of resources) {
    const newest = await db.selectFrom('versions').selectAll().where('resource_id', '=', r.id).orderBy('number', 'desc').executeTakeFirst();
    if (!newest) continue;
    const versions: VersionTable[] = [newest];
    if (r.latest_version != null && r.latest_version !== newest.number) {
      const served = await db.selectFrom('versions').selectAll().where('resource_id', '=', r.id).where('number', '=', r.latest_version).executeTakeFirst();
      if (served) versions.push(served);
    }
    for (const v of versions) {
      let audit: AuditWithPrivacy;
      try {
        audit = (await readAudit(stores, v)) as AuditWithPrivacy;
      } catch (e) {
        // A version folder without its audit (swept, or copied by hand) says nothing either way.
        log.warn('register proposals: a version has no readable audit.json', { version: v.id, error: (e as Error).message });
        continue;
      }
      const ev = audit.privacy ? evidenceOf(r.id, r.name, v.number, audit.privacy) : null;
      if (ev) out.push(ev);
    }
  }
  return out;
}

function categoriesOf(evidence: VersionEvidence[]): PersonalCategory[] {
  const found = new Set(evidence.flatMap((e) => e.columns.flatMap((c) => c.categories.map((f) => f.category))));
  return CATEGORY_ORDER.filter((c) => found.has(c));
}

function describe(evidence: VersionEvidence[], keywords: string[]): string {
  const parts: string[] = [];
  for (const e of evidence) {
    const cols = e.columns.map((c) => `${c.name} (${c.categories.map((f) => f.category).join(', ')})`);
    const qis = e.quasiIdentifiers.map((q) => `${q.columns.join(' + ')} single out people (k = ${q.k})`);
    parts.push(`version ${e.version} of "${e.resourceName}": ${[...cols, ...qis].join('; ') || 'personal data found'}`);
  }
  if (keywords.length) parts.push(`keywords ${keywords.map((k) => `"${k}"`).join(', ')}`);
  return parts.join('; ');
}

function titleIn(d: DatasetTable, lang: 'fr' | 'nl'): string {
  const t = JSON.parse(d.title) as Record<string, string>;
  return t[lang] ?? t.fr ?? t.nl ?? t.de ?? t.en ?? d.slug;
}

function descriptionIn(d: DatasetTable, lang: 'fr' | 'nl'): string | null {
  const t = JSON.parse(d.description) as Record<string, string>;
  const text = (t[lang] ?? t.fr ?? t.nl ?? t.de ?? t.en ?? '').trim();
  return text ? text.slice(0, 2000) : null;
}

/**
 * Proposals for an organization: a new processing for each dataset with personal data that no
 * active processing concerns; additions for processings whose datasets show categories (or a
 * publication) the register does not record.
 */
export async function proposeFromInventory(
  stores: Stores,
  log: Logger,
  org: Organization,
  processings: ProcessingView[],
): Promise<Proposal[]> {
  const lang = defaultLanguageOf(org.region);
  const datasets = await stores.meta.selectFrom('datasets').selectAll().where('organization_id', '=', org.id).orderBy('created_at').orderBy('id').execute();
  const out: Proposal[] = [];
  for (const d of datasets) {
    const evidence = await datasetEvidence(stores, log, d.id);
    const keywords = (JSON.parse(d.keywords) as string[]).filter((k) => PERSONAL_KEYWORDS.has(foldText(k.trim())));
    if (!evidence.length && !keywords.length) continue;
    const dataset: ProposalDataset = { id: d.id, slug: d.slug, title: JSON.parse(d.title), status: d.status };
    const categories = categoriesOf(evidence);
    const published = d.status === 'published';
    const concerning = processings.filter((p) => p.status === 'active' && p.datasets.some((x) => x.id === d.id));
    // Data still held that only ended processings concern is processed by something the register lacks.
    if (!concerning.length) {
      const title = titleIn(d, lang);
      out.push({
        kind: 'new',
        dataset,
        evidence,
        keywords,
        reason: `No active processing of the register concerns this dataset, and it holds personal data: ${describe(evidence, keywords)}.`,
        processing: {
          name: title,
          purposes: published ? WORDS.publishPurpose[lang](title) : descriptionIn(d, lang),
          dataCategories: categories,
          recipients: published ? ['public'] : [],
          securityMeasures: published ? null : WORDS.internalSecurity[lang],
          datasets: [d.id],
        },
      });
      continue;
    }
    for (const p of concerning) {
      const add = {
        dataCategories: categories.filter((c) => !p.dataCategories.includes(c)),
        recipients: published && !p.recipients.includes('public') ? ['public'] : [],
      };
      if (!add.dataCategories.length && !add.recipients.length) continue;
      const lacks = [
        ...(add.dataCategories.length ? [`the categories ${add.dataCategories.join(', ')}`] : []),
        ...(add.recipients.length ? ['the public as recipient (the dataset is published)'] : []),
      ].join(' and ');
      out.push({
        kind: 'update',
        dataset,
        evidence,
        keywords,
        reason: `Processing ${p.number} ("${p.name}") concerns this dataset but does not record ${lacks}: ${describe(evidence, keywords)}.`,
        processing: { id: p.id, number: p.number, name: p.name },
        add,
      });
    }
  }
  return out;
}
