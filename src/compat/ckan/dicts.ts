/**
 * Dataville's catalog as CKAN 2.10/2.11 dicts: the field names, types and empty values CKAN's
 * package_show, resource_show, organization_show and group_show return, so that CKAN clients and
 * harvesters read them unchanged (decision 0010).
 */
import crypto from 'node:crypto';
import { defaultLanguageOf } from '../../catalog/communes.ts';
import { pickLang, type I18n, type Lang } from '../../catalog/datasets.ts';
import { knownLicence } from '../../linked/licences.ts';
import type { DatasetTable, OrganizationTable, ResourceTable, VersionTable } from '../../stores/meta/schema.ts';

/**
 * CKAN's timestamps: UTC without a zone and with microseconds ("2024-03-01T10:00:00.123000"),
 * which Python's datetime.fromisoformat reads in every version (a trailing "Z" it does not before 3.11).
 */
export function ckanTime(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000');
}

/**
 * A dataset's CKAN name. CKAN names are unique on the site; Dataville slugs only within their
 * organization, so the name joins both with "--" (slugs never hold two dashes in a row).
 */
export function packageName(orgSlug: string, datasetSlug: string): string {
  return `${orgSlug}--${datasetSlug}`;
}

/** A stable id for a tag (CKAN gives tags UUIDs; keywords here are plain texts). */
export function tagId(name: string): string {
  const h = crypto.createHash('sha1').update(`dataville-tag:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function tagDict(name: string) {
  return { id: tagId(name), name, display_name: name, state: 'active', vocabulary_id: null };
}

/** The language an organization publishes in first, then the others in the order fr, nl, de, en. */
export function languageOf(org: OrganizationTable | undefined): Lang {
  return defaultLanguageOf(org?.region);
}

export function organizationTitle(org: Pick<OrganizationTable, 'region' | 'name_fr' | 'name_nl'>): string {
  return defaultLanguageOf(org.region) === 'nl' ? org.name_nl : org.name_fr;
}

/** Only the languages present, as ckanext-fluent stores them. */
function translated(t: I18n): Record<string, string> {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => typeof v === 'string' && v.trim()));
}

// ---------------------------------------------------------------------------------------------
// Themes as CKAN groups: the EU data themes (DCAT-AP), named by their code in lower case.

const THEME_BASE = 'http://publications.europa.eu/resource/authority/data-theme/';

const THEMES: Record<string, { en: string; fr: string; nl: string; de: string }> = {
  AGRI: { en: 'Agriculture, fisheries, forestry and food', fr: 'Agriculture, pêche, sylviculture et alimentation', nl: 'Landbouw, visserij, bosbouw en voeding', de: 'Landwirtschaft, Fischerei, Forstwirtschaft und Nahrungsmittel' },
  ECON: { en: 'Economy and finance', fr: 'Économie et finances', nl: 'Economie en financiën', de: 'Wirtschaft und Finanzen' },
  EDUC: { en: 'Education, culture and sport', fr: 'Éducation, culture et sport', nl: 'Onderwijs, cultuur en sport', de: 'Bildung, Kultur und Sport' },
  ENER: { en: 'Energy', fr: 'Énergie', nl: 'Energie', de: 'Energie' },
  ENVI: { en: 'Environment', fr: 'Environnement', nl: 'Milieu', de: 'Umwelt' },
  GOVE: { en: 'Government and public sector', fr: 'Gouvernement et secteur public', nl: 'Overheid en publieke sector', de: 'Regierung und öffentlicher Sektor' },
  HEAL: { en: 'Health', fr: 'Santé', nl: 'Gezondheid', de: 'Gesundheit' },
  INTR: { en: 'International issues', fr: 'Questions internationales', nl: 'Internationale vraagstukken', de: 'Internationale Themen' },
  JUST: { en: 'Justice, legal system and public safety', fr: 'Justice, système juridique et sécurité publique', nl: 'Justitie, rechtsstelsel en openbare veiligheid', de: 'Justiz, Rechtssystem und öffentliche Sicherheit' },
  REGI: { en: 'Regions and cities', fr: 'Régions et villes', nl: "Regio's en steden", de: 'Regionen und Städte' },
  SOCI: { en: 'Population and society', fr: 'Population et société', nl: 'Bevolking en samenleving', de: 'Bevölkerung und Gesellschaft' },
  TECH: { en: 'Science and technology', fr: 'Science et technologie', nl: 'Wetenschap en technologie', de: 'Wissenschaft und Technologie' },
  TRAN: { en: 'Transport', fr: 'Transports', nl: 'Vervoer', de: 'Verkehr' },
  OP_DATPRO: { en: 'Provisional data', fr: 'Données provisoires', nl: 'Voorlopige gegevens', de: 'Vorläufige Daten' },
};

/** The EU theme code of a dataset's theme field (a code like "ENVI" or the theme's URI), if it is one. */
function themeCode(theme: string): string | undefined {
  const t = theme.trim();
  const code = (t.startsWith('http') ? t.slice(t.lastIndexOf('/') + 1) : t).toUpperCase();
  return code in THEMES ? code : undefined;
}

/** The CKAN group name of a theme: its EU code in lower case, or a slug of a free-text theme. */
export function themeGroupName(theme: string): string {
  const code = themeCode(theme);
  if (code) return code.toLowerCase();
  return theme.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'theme';
}

/** Every EU theme as a group name, for group_list (a theme with no dataset yet is still a group). */
export function euThemeGroupNames(): string[] {
  return Object.keys(THEMES).map((c) => c.toLowerCase());
}

export function groupDict(name: string, theme: string | undefined, packageCount: number) {
  const code = themeCode(name) ?? (theme ? themeCode(theme) : undefined);
  const labels = code ? THEMES[code] : undefined;
  const title = labels?.en ?? theme ?? name;
  return {
    id: name,
    name,
    title,
    display_name: title,
    description: code ? `EU data theme ${code} (${THEME_BASE}${code}).` : '',
    type: 'group',
    is_organization: false,
    approval_status: 'approved',
    state: 'active',
    image_url: '',
    image_display_url: '',
    created: null,
    package_count: packageCount,
    title_translated: labels ? { ...labels } : {},
    extras: code ? [{ key: 'uri', value: `${THEME_BASE}${code}` }] : [],
  };
}

/** The short group entry inside a package dict. */
function packageGroup(theme: string) {
  const g = groupDict(themeGroupName(theme), theme, 0);
  return { id: g.id, name: g.name, title: g.title, display_name: g.display_name, description: g.description, image_display_url: '' };
}

// ---------------------------------------------------------------------------------------------

/** The licence id CKAN shows: Dataville's id for a licence it knows (so aliases count as one), else the text given. */
export function licenseId(licence: string | null): string | null {
  if (!licence || !licence.trim()) return null;
  return knownLicence(licence)?.id ?? licence.trim();
}

export function licenseTitle(licence: string | null): string | null {
  if (!licence || !licence.trim()) return null;
  return knownLicence(licence)?.title ?? licence.trim();
}

export function organizationDict(org: OrganizationTable, site: string, packageCount: number) {
  const title = organizationTitle(org);
  const extras = [
    ['nis_code', org.nis_code], ['enterprise_number', org.enterprise_number], ['homepage', org.homepage], ['email', org.email],
    ['province', org.province], ['region', org.region], ['population', org.population == null ? null : String(org.population)],
  ].filter((e): e is [string, string] => !!e[1]).map(([key, value]) => ({ key, value }));
  return {
    id: org.id,
    name: org.slug,
    title,
    display_name: title,
    type: 'organization',
    description: `${title}${org.nis_code ? ` (NIS ${org.nis_code})` : ''}: datasets published on Dataville. ${site}/organizations/${org.slug}`,
    image_url: '',
    image_display_url: '',
    created: ckanTime(org.created_at),
    is_organization: true,
    approval_status: 'approved',
    state: 'active',
    package_count: packageCount,
    title_translated: translated({ fr: org.name_fr, nl: org.name_nl, de: org.name_de }),
    extras,
  };
}

/** The organization inside a package dict (no counts, no extras), as CKAN embeds it. */
function packageOrganization(org: OrganizationTable) {
  const title = organizationTitle(org);
  return {
    id: org.id, name: org.slug, title, type: 'organization', description: '', image_url: '',
    created: ckanTime(org.created_at), is_organization: true, approval_status: 'approved', state: 'active',
  };
}

const FREQUENCIES: Record<string, string> = {
  continuous: 'UPDATE_CONT', daily: 'DAILY', weekly: 'WEEKLY', monthly: 'MONTHLY', quarterly: 'QUARTERLY',
  annual: 'ANNUAL', irregular: 'IRREG', never: 'NEVER', unknown: 'UNKNOWN',
};

export interface PackageParts {
  dataset: DatasetTable;
  organization: OrganizationTable;
  /** The dataset's resources in order, each with its served version (none for a link). */
  resources: { resource: ResourceTable; version?: VersionTable }[];
}

/** A dataset as CKAN's package_show returns it. */
export function packageDict(parts: PackageParts, site: string) {
  const { dataset: d, organization: org } = parts;
  const lang = languageOf(org);
  const title = JSON.parse(d.title) as I18n;
  const notes = JSON.parse(d.description) as I18n;
  const keywords = [...new Set(JSON.parse(d.keywords) as string[])];
  const contact = d.contact_point ? (JSON.parse(d.contact_point) as { name?: string; email?: string }) : {};
  const bbox = d.spatial_bbox ? (JSON.parse(d.spatial_bbox) as [number, number, number, number]) : null;
  const code = d.theme ? themeCode(d.theme) : undefined;
  const extras = [
    ['theme', d.theme ? (code ? `${THEME_BASE}${code}` : d.theme) : null],
    ['spatial_uri', d.spatial && /^\d{5}$/.test(d.spatial) ? `http://vocab.belgif.be/auth/refnis2025/${d.spatial}` : null],
    // ckanext-spatial's convention: the extent as a GeoJSON geometry in the "spatial" extra.
    ['spatial', bbox ? JSON.stringify({ type: 'Polygon', coordinates: [[[bbox[0], bbox[1]], [bbox[2], bbox[1]], [bbox[2], bbox[3]], [bbox[0], bbox[3]], [bbox[0], bbox[1]]]] }) : null],
    ['spatial_text', d.spatial && !/^\d{5}$/.test(d.spatial) ? d.spatial : null],
    ['temporal_start', d.temporal_start],
    ['temporal_end', d.temporal_end],
    ['frequency', d.update_frequency ? (FREQUENCIES[d.update_frequency] ? `http://publications.europa.eu/resource/authority/frequency/${FREQUENCIES[d.update_frequency]}` : d.update_frequency) : null],
    ['publisher_name', d.publisher],
    ['publisher_uri', org.enterprise_number ? `https://org.belgif.be/id/CbeRegisteredEntity/${org.enterprise_number}` : null],
    ['language', Object.keys(translated(title)).join(',') || null],
  ].filter((e): e is [string, string] => !!e[1]).map(([key, value]) => ({ key, value }));
  const licence = knownLicence(d.licence);
  return {
    id: d.id,
    name: packageName(org.slug, d.slug),
    title: pickLang(title, lang),
    notes: pickLang(notes, lang),
    title_translated: translated(title),
    notes_translated: translated(notes),
    url: d.landing_page ?? `${site}/datasets/${org.slug}/${d.slug}`,
    version: null,
    state: 'active',
    private: d.status !== 'published',
    type: 'dataset',
    license_id: licenseId(d.licence),
    license_title: licenseTitle(d.licence),
    license_url: licence?.url ?? null,
    isopen: licence?.open ?? false,
    author: d.publisher,
    author_email: org.email,
    maintainer: contact.name ?? null,
    maintainer_email: contact.email ?? null,
    metadata_created: ckanTime(d.created_at),
    metadata_modified: ckanTime(d.updated_at),
    creator_user_id: null,
    owner_org: org.id,
    organization: packageOrganization(org),
    tags: keywords.map(tagDict),
    groups: d.theme ? [packageGroup(d.theme)] : [],
    extras,
    resources: parts.resources.map((r, i) => resourceDict(r.resource, r.version, d, i, site)),
    num_resources: parts.resources.length,
    num_tags: keywords.length,
    relationships_as_object: [],
    relationships_as_subject: [],
  };
}
export type PackageDict = ReturnType<typeof packageDict>;

/**
 * A resource as CKAN's resource_show returns it. A table held here is served as its CSV download
 * (UTF-8, RFC 4180), so its format is CSV whatever file it was published from; its rows answer
 * datastore_search. A link (a harvested distribution) keeps its own URL and format.
 */
export function resourceDict(r: ResourceTable, v: VersionTable | undefined, d: DatasetTable, position: number, site: string) {
  const table = r.latest_version != null;
  return {
    id: r.id,
    package_id: d.id,
    name: r.name,
    description: r.description ?? '',
    format: table ? 'CSV' : r.format.toUpperCase(),
    url: table ? `${site}/api/datasets/${d.id}/download.csv?resource=${r.id}` : (r.url ?? ''),
    mimetype: table ? 'text/csv' : r.media_type,
    mimetype_inner: null,
    size: null,
    hash: '',
    created: ckanTime(r.created_at),
    last_modified: ckanTime(v?.created_at ?? r.updated_at),
    metadata_modified: ckanTime(r.updated_at),
    datastore_active: table,
    position,
    state: 'active',
    url_type: null,
    cache_url: null,
    cache_last_updated: null,
    resource_type: null,
  };
}
export type ResourceDict = ReturnType<typeof resourceDict>;
