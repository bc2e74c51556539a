/**
 * CKAN portals through their Action API: package_search, a page of `rows` datasets at a time in a
 * stable order (by id), each page checked for CKAN's envelope ({success, result: {count, results}}).
 * Multilingual portals (ckanext-fluent / scheming) give title_translated and notes_translated.
 */
import type { Lang } from '../catalog/datasets.ts';
import { showUrl } from '../ingest/fetch/address.ts';
import { badAnswer, withQuery, type Remote } from './remote.ts';
import { emailOf, finish, isoTimestamp, linkResource, mapFrequency, mapLicence, mapThemes, temporalDate, textsByLang } from './normalise.ts';
import type { Page, PageItem, SourceSpec } from './types.ts';

/** The most rows package_search gives by default (ckan.search.rows_max). */
export const CKAN_MAX_ROWS = 1000;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);

/** The portal's base address from what an admin may paste: the site, /api/3/action/…, or a /dataset page. */
export function ckanBase(url: string): string {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  u.pathname = u.pathname.replace(/\/api(\/\d+)?(\/action(\/.*)?)?$/, '').replace(/\/dataset(\/.*)?$/, '').replace(/\/+$/, '');
  return u.href.replace(/\/+$/, '');
}

/** Pages of package_search; stops when the portal's count is reached or a page comes back empty. */
export async function* listCkan(spec: SourceSpec, remote: Remote): AsyncGenerator<Page> {
  const base = ckanBase(spec.url);
  const rows = Math.min(spec.options.pageSize ?? CKAN_MAX_ROWS, CKAN_MAX_ROWS);
  const fq = [spec.options.organization ? `organization:${spec.options.organization}` : '', spec.options.fq ?? ''].filter(Boolean).join(' AND ');
  let start = 0;
  for (;;) {
    const url = withQuery(`${base}/api/3/action/package_search`, { q: '*:*', rows, start, sort: 'id asc', fq: fq || undefined });
    const body = await remote.json(url, 'the JSON of the CKAN Action API (package_search)');
    const { results, count } = envelope(body, url);
    yield { url, items: results.map((r) => ckanRecord(r, spec.lang, base)).filter((i): i is PageItem => i !== null), listed: results.length, total: count };
    start += results.length;
    // A portal whose rows_max is below ours gives shorter pages: the offset follows what came.
    if (!results.length || start >= count) return;
  }
}

function envelope(body: unknown, url: string): { results: unknown[]; count: number } {
  if (!isObject(body) || typeof body.success !== 'boolean') {
    throw badAnswer(url, `The answer of ${showUrl(url)} is JSON but not a CKAN Action API answer (it has no "success" field). Check that the source's address is the CKAN portal's base address (e.g. https://opendata.example.be), and that its kind is right (ckan, dcat or ods).`, 'not_catalog');
  }
  if (!body.success) {
    const err = isObject(body.error) ? str(body.error.message) ?? JSON.stringify(body.error).slice(0, 300) : 'no reason given';
    throw badAnswer(url, `The CKAN portal refused the search ${showUrl(url)}: ${err}. Check the source's options (organization, fq).`, 'ckan_error');
  }
  const result = body.result;
  if (!isObject(result) || !Array.isArray(result.results) || typeof result.count !== 'number') {
    throw badAnswer(url, `The answer of ${showUrl(url)} says success but has no result.results list and result.count: it is not a package_search answer. Check that the portal runs CKAN 2.x.`, 'not_catalog');
  }
  return { results: result.results, count: result.count };
}

function translated(v: unknown): { value: string; lang: string }[] {
  if (!isObject(v)) return [];
  return Object.entries(v).flatMap(([lang, t]) => (typeof t === 'string' && t.trim() ? [{ value: t, lang }] : []));
}

/** Values of an extra that may hold one string, a JSON list, or a comma-separated list. */
function listValue(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(listValue);
  const s = str(v);
  if (!s) return [];
  if (s.startsWith('[')) {
    try {
      return listValue(JSON.parse(s));
    } catch {
      // Not JSON after all: one value.
    }
  }
  return [s];
}

/** One package as a record; null for one that is not active (deleted or draft datasets are not listed). */
export function ckanRecord(pkg: unknown, lang: Lang, base: string): PageItem | null {
  if (!isObject(pkg)) return { ok: false, identifier: null, message: 'The portal listed something that is not a dataset object; it was skipped.' };
  if ((pkg.state !== undefined && pkg.state !== 'active') || pkg.private === true) return null;
  const identifier = str(pkg.id) ?? str(pkg.name) ?? '';
  const warnings: string[] = [];
  const extras = new Map<string, unknown>();
  if (Array.isArray(pkg.extras)) for (const e of pkg.extras) if (isObject(e) && typeof e.key === 'string') extras.set(e.key, e.value);
  const field = (...names: string[]): unknown => {
    for (const n of names) {
      const v = pkg[n] ?? extras.get(n);
      if (v !== undefined && v !== null && v !== '') return v;
    }
    return undefined;
  };

  const titles = translated(pkg.title_translated);
  const title = textsByLang(titles.length ? titles : [{ value: str(pkg.title) ?? str(pkg.name) ?? '' }], lang);
  const notes = translated(pkg.notes_translated);
  const description = textsByLang(notes.length ? notes : [{ value: str(pkg.notes) ?? '' }], lang);

  const keywords: string[] = [];
  if (Array.isArray(pkg.tags)) for (const t of pkg.tags) { const k = isObject(t) ? str(t.display_name) ?? str(t.name) : str(t); if (k) keywords.push(k); }
  if (isObject(pkg.keywords)) for (const list of Object.values(pkg.keywords)) keywords.push(...listValue(list));

  const themeValues = [
    ...listValue(field('theme')),
    ...(Array.isArray(pkg.groups) ? pkg.groups.flatMap((g) => (isObject(g) ? [str(g.name), str(g.title), str(g.display_name)].filter((x): x is string => !!x) : [])) : []),
  ];
  const theme = mapThemes(themeValues);
  if (theme.warning) warnings.push(theme.warning);
  // The title before the id: an unknown licence is kept as text, and the title says more than an id.
  const licence = mapLicence([str(pkg.license_url), str(pkg.license_title), str(pkg.license_id), str(field('license'))]);
  if (licence.warning) warnings.push(licence.warning);
  const frequencyText = str(field('frequency', 'accrual_periodicity', 'update_frequency'));
  const updateFrequency = mapFrequency(frequencyText);
  if (frequencyText && !updateFrequency) warnings.push(`The update frequency "${frequencyText}" is not one Dataville knows; the dataset has none here.`);

  const org = isObject(pkg.organization) ? pkg.organization : null;
  const contactName = str(field('maintainer', 'contact_name', 'author'));
  const contactEmail = emailOf(str(field('maintainer_email', 'contact_email', 'author_email')));
  const name = str(pkg.name) ?? identifier;
  const resources = Array.isArray(pkg.resources)
    ? pkg.resources.map((r, i) => {
      const res = isObject(r) ? r : {};
      return linkResource({ name: str(res.name), url: str(res.url), format: str(res.format), mediaType: str(res.mimetype), description: str(res.description) }, warnings, `Its resource ${str(res.name) ? `"${str(res.name)}"` : `#${i + 1}`}`);
    })
    : [];

  return finish({
    identifier,
    title,
    description,
    keywords,
    theme: theme.theme,
    licence: licence.licence,
    publisher: (org && (str(org.title) ?? str(org.name))) ?? str(field('publisher_name')),
    contactPoint: contactName || contactEmail ? { ...(contactName && { name: contactName }), ...(contactEmail && { email: contactEmail }) } : null,
    updateFrequency,
    temporalStart: temporalDate(str(field('temporal_start'))),
    temporalEnd: temporalDate(str(field('temporal_end'))),
    landingPage: `${base}/dataset/${encodeURIComponent(name)}`,
    issued: isoTimestamp(str(pkg.metadata_created)),
    modified: isoTimestamp(str(pkg.metadata_modified)),
    resources,
  }, warnings);
}
