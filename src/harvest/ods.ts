/**
 * OpenDataSoft portals (as ODWB, the Wallonia-Brussels portal, runs) through the Explore API v2.1:
 * /api/explore/v2.1/catalog/datasets, `limit` (at most 100) datasets a page. A dataset's data is
 * linked through the portal's own exports (CSV, and GeoJSON when it has geometry), its files
 * through its attachments. The API pages no further than offset + limit = 10,000.
 */
import type { Lang } from '../catalog/datasets.ts';
import { showUrl } from '../ingest/fetch/address.ts';
import { badAnswer, type Remote } from './remote.ts';
import { emailOf, finish, httpUrl, isoTimestamp, langOf, linkResource, mapFrequency, mapLicence, mapThemes, temporalDate, textsByLang } from './normalise.ts';
import type { HarvestResource, Page, SourceSpec } from './types.ts';

export const ODS_MAX_LIMIT = 100;
/** The Explore API refuses offset + limit beyond this. */
export const ODS_MAX_WINDOW = 10_000;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(str).filter((x): x is string => !!x) : str(v) ? [str(v)!] : []);

/** The portal's base address from what an admin may paste: the site, an /explore page or an /api/explore/… URL. */
export function odsBase(url: string): string {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  u.pathname = u.pathname.replace(/\/(api\/)?explore(\/.*)?$/, '').replace(/\/+$/, '');
  return u.href.replace(/\/+$/, '');
}

function catalogUrl(base: string, spec: SourceSpec, limit: number, offset: number): string {
  const u = new URL(`${base}/api/explore/v2.1/catalog/datasets`);
  u.searchParams.set('limit', String(limit));
  u.searchParams.set('offset', String(offset));
  if (spec.options.where) u.searchParams.set('where', spec.options.where);
  for (const r of spec.options.refine ?? []) u.searchParams.append('refine', r);
  if (spec.options.lang) u.searchParams.set('lang', spec.options.lang);
  return u.href;
}

export async function* listOds(spec: SourceSpec, remote: Remote): AsyncGenerator<Page> {
  const base = odsBase(spec.url);
  const limit = Math.min(spec.options.pageSize ?? ODS_MAX_LIMIT, ODS_MAX_LIMIT);
  let offset = 0;
  for (;;) {
    const url = catalogUrl(base, spec, limit, offset);
    const body = await remote.json(url, 'the JSON of the OpenDataSoft Explore API v2.1 (catalog/datasets)');
    if (!isObject(body) || !Array.isArray(body.results) || typeof body.total_count !== 'number') {
      const why = isObject(body) && str(body.message) ? `: ${str(body.message)}` : ' (no "results" list and "total_count")';
      throw badAnswer(url, `The answer of ${showUrl(url)} is not an Explore API v2.1 catalog answer${why}. Check that the source's address is the OpenDataSoft portal's base address (e.g. https://www.odwb.be) and that its kind is right.`, 'not_catalog');
    }
    const results = body.results;
    const total = body.total_count;
    offset += results.length;
    const more = results.length > 0 && offset < total;
    const blocked = more && offset + limit > ODS_MAX_WINDOW;
    yield {
      url,
      items: results.map((r) => odsRecord(r, spec.lang, base)),
      listed: results.length,
      total,
      ...(blocked && { incomplete: `The portal lists ${total} datasets, but its Explore API pages only through the first ${ODS_MAX_WINDOW}. Narrow the source with options.where or options.refine (e.g. refine=publisher:"…"), or register several sources.` }),
    };
    if (!more || blocked) return;
  }
}

export function odsRecord(raw: unknown, portalLang: Lang, base: string) {
  if (!isObject(raw)) return { ok: false as const, identifier: null, message: 'The portal listed something that is not a dataset object; it was skipped.' };
  const identifier = str(raw.dataset_id) ?? '';
  const warnings: string[] = [];
  const metas = isObject(raw.metas) ? raw.metas : {};
  const m = isObject(metas.default) ? metas.default : {};
  const dcat = isObject(metas.dcat) ? metas.dcat : {};
  const lang = langOf(str(m.language)) ?? portalLang;

  const theme = mapThemes(strings(m.theme));
  if (theme.warning) warnings.push(theme.warning);
  const licence = mapLicence([str(m.license_url), str(m.license)]);
  if (licence.warning) warnings.push(licence.warning);
  const frequencyText = str(dcat.accrualperiodicity);
  const updateFrequency = mapFrequency(frequencyText);
  if (frequencyText && !updateFrequency) warnings.push(`The update frequency "${frequencyText}" is not one Dataville knows; the dataset has none here.`);
  const contactName = str(dcat.contact_name) ?? str(dcat.creator);
  const contactEmail = emailOf(str(dcat.contact_email));

  const id = encodeURIComponent(identifier);
  const resources: (HarvestResource | null)[] = [];
  if (raw.has_records !== false) {
    resources.push({ name: 'CSV export', url: `${base}/api/explore/v2.1/catalog/datasets/${id}/exports/csv`, format: 'csv', mediaType: 'text/csv', description: null });
    if (strings(raw.features).includes('geo')) {
      resources.push({ name: 'GeoJSON export', url: `${base}/api/explore/v2.1/catalog/datasets/${id}/exports/geojson`, format: 'geojson', mediaType: 'application/geo+json', description: null });
    }
  }
  for (const list of [raw.attachments, raw.alternative_exports]) {
    if (!Array.isArray(list)) continue;
    for (const a of list) {
      if (!isObject(a)) continue;
      const href = str(a.href) ?? str(a.url);
      resources.push(linkResource({ name: str(a.title) ?? str(a.id), url: href ? httpUrl(href, `${base}/`) : null, mediaType: str(a.mimetype) }, warnings, `Its attachment "${str(a.title) ?? str(a.id) ?? '?'}"`));
    }
  }

  return finish({
    identifier,
    title: textsByLang([{ value: str(m.title) ?? identifier, lang }], lang),
    description: textsByLang([{ value: str(m.description) ?? '', lang }], lang),
    keywords: strings(m.keyword),
    theme: theme.theme,
    licence: licence.licence,
    publisher: str(m.publisher),
    contactPoint: contactName || contactEmail ? { ...(contactName && { name: contactName }), ...(contactEmail && { email: contactEmail }) } : null,
    updateFrequency,
    temporalStart: temporalDate(str(dcat.temporal_coverage_start)),
    temporalEnd: temporalDate(str(dcat.temporal_coverage_end)),
    landingPage: `${base}/explore/dataset/${id}/`,
    issued: isoTimestamp(str(dcat.issued) ?? str(dcat.created)),
    modified: isoTimestamp(str(m.modified) ?? str(m.metadata_processed)),
    resources,
  }, warnings);
}
