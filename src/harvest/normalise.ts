/**
 * Turning a remote record's fields into Dataville's: texts per language, EU data themes, licence
 * ids, update frequencies, dates, links and formats; and the hash that tells a changed record from
 * an unchanged one. Nothing here fails a record for a value it does not know: it keeps what it can
 * and says what it could not map (a warning recorded with the run).
 */
import crypto from 'node:crypto';
import { knownLicence } from '../linked/licences.ts';
import type { I18n, Lang } from '../catalog/datasets.ts';
import { foldText } from '../catalog/text.ts';
import type { HarvestRecord, HarvestResource, PageItem, UpdateFrequency } from './types.ts';

export const LANGS: readonly Lang[] = ['fr', 'nl', 'de', 'en'];

/** The same limits as a publisher's own metadata (actions/datasets.ts). */
const MAX_TITLE = 500;
const MAX_DESCRIPTION = 20_000;
const MAX_KEYWORDS = 50;
const MAX_KEYWORD = 100;
const MAX_RESOURCES = 200;

const HTML_TAG = /<\/?(p|br|div|span|ul|ol|li|a|b|i|strong|em|h[1-6]|table|tr|td|th|img|blockquote|code|pre)\b[^>]*>/i;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Plain text from a description that may be HTML (OpenDataSoft's are): paragraphs and list items become lines. */
export function plainText(s: string): string {
  let t = s.replace(/\r\n?/g, '\n');
  if (HTML_TAG.test(t)) {
    t = t.replace(/<\s*br\s*\/?>/gi, '\n').replace(/<\s*li[^>]*>/gi, '\n- ').replace(/<\/\s*(p|div|h[1-6]|ul|ol|tr|blockquote|pre)\s*>/gi, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
        if (e[0] === '#') {
          const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
          return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
        }
        return ENTITIES[e.toLowerCase()] ?? m;
      });
  }
  return t.split('\n').map((l) => l.replace(/[ \t\u00a0]+/g, ' ').trim()).join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** A language tag as one of Dataville's four, or null ("fr-BE" -> fr, "ger" -> de). */
export function langOf(tag: string | null | undefined): Lang | null {
  if (!tag) return null;
  const t = tag.trim().toLowerCase().replace(/^.*\/(language\/)?/, '');
  const base = t.split(/[-_]/)[0];
  const three: Record<string, Lang> = { fra: 'fr', fre: 'fr', nld: 'nl', dut: 'nl', deu: 'de', ger: 'de', eng: 'en' };
  if ((LANGS as readonly string[]).includes(base)) return base as Lang;
  return three[base] ?? null;
}

/**
 * Texts by language from values that may carry a tag. Untagged values take `defaultLang`; values
 * in other languages are kept only when nothing is in fr, nl, de or en (under `defaultLang`).
 */
export function textsByLang(values: { value: string; lang?: string | null }[], defaultLang: Lang): I18n {
  const out: I18n = {};
  const others: string[] = [];
  for (const v of values) {
    const text = plainText(String(v.value ?? ''));
    if (!text) continue;
    const lang = v.lang ? langOf(v.lang) : defaultLang;
    if (!lang) others.push(text);
    else out[lang] ??= text;
  }
  if (!Object.keys(out).length && others.length) out[defaultLang] = others[0];
  return out;
}

export const EU_THEME_CODES = ['AGRI', 'ECON', 'EDUC', 'ENER', 'ENVI', 'GOVE', 'HEAL', 'INTR', 'JUST', 'REGI', 'SOCI', 'TECH', 'TRAN'] as const;
export const EU_THEME_BASE = 'http://publications.europa.eu/resource/authority/data-theme/';

/**
 * Words (folded: lower case, no accents) that name a theme in the categories portals use: CKAN
 * groups, OpenDataSoft's default themes, Flemish and German labels. The first match wins, so the
 * more specific words come first.
 */
const THEME_WORDS: [string, (typeof EU_THEME_CODES)[number]][] = [
  ['agricult', 'AGRI'], ['landbouw', 'AGRI'], ['peche', 'AGRI'], ['visserij', 'AGRI'], ['sylvicult', 'AGRI'], ['bosbouw', 'AGRI'], ['alimentation', 'AGRI'], ['voeding', 'AGRI'], ['food', 'AGRI'], ['fisher', 'AGRI'], ['forestry', 'AGRI'], ['landwirtschaft', 'AGRI'],
  ['energ', 'ENER'],
  ['environ', 'ENVI'], ['milieu', 'ENVI'], ['umwelt', 'ENVI'], ['natuur', 'ENVI'], ['nature', 'ENVI'], ['climat', 'ENVI'], ['klimaat', 'ENVI'], ['dechet', 'ENVI'], ['afval', 'ENVI'], ['water', 'ENVI'], ['eau', 'ENVI'],
  ['mobilit', 'TRAN'], ['transport', 'TRAN'], ['verkeer', 'TRAN'], ['verkehr', 'TRAN'], ['vervoer', 'TRAN'], ['stationnement', 'TRAN'], ['parkeren', 'TRAN'], ['traffic', 'TRAN'],
  ['sante', 'HEAL'], ['gezondheid', 'HEAL'], ['health', 'HEAL'], ['gesundheit', 'HEAL'], ['zorg', 'HEAL'],
  ['justice', 'JUST'], ['justitie', 'JUST'], ['securite', 'JUST'], ['veiligheid', 'JUST'], ['police', 'JUST'], ['politie', 'JUST'], ['criminal', 'JUST'], ['security', 'JUST'], ['sicherheit', 'JUST'], ['legal', 'JUST'],
  ['amenagement', 'REGI'], ['urbanisme', 'REGI'], ['territoire', 'REGI'], ['ruimtelijke', 'REGI'], ['stedenbouw', 'REGI'], ['logement', 'REGI'], ['wonen', 'REGI'], ['huisvesting', 'REGI'], ['housing', 'REGI'], ['region', 'REGI'], ['ville', 'REGI'], ['cities', 'REGI'], ['batiment', 'REGI'], ['gebouw', 'REGI'], ['cadastr', 'REGI'], ['kadaster', 'REGI'], ['raumordnung', 'REGI'],
  ['education', 'EDUC'], ['enseignement', 'EDUC'], ['onderwijs', 'EDUC'], ['formation', 'EDUC'], ['opleiding', 'EDUC'], ['bildung', 'EDUC'], ['culture', 'EDUC'], ['cultuur', 'EDUC'], ['kultur', 'EDUC'], ['patrimoine', 'EDUC'], ['erfgoed', 'EDUC'], ['heritage', 'EDUC'], ['sport', 'EDUC'], ['loisir', 'EDUC'], ['vrije tijd', 'EDUC'], ['freizeit', 'EDUC'], ['jeunesse', 'EDUC'], ['jeugd', 'EDUC'], ['bibliothe', 'EDUC'],
  ['science', 'TECH'], ['wetenschap', 'TECH'], ['technolog', 'TECH'], ['recherche', 'TECH'], ['onderzoek', 'TECH'], ['research', 'TECH'], ['innovation', 'TECH'], ['numerique', 'TECH'], ['digital', 'TECH'], ['wissenschaft', 'TECH'],
  ['international', 'INTR'], ['europe', 'INTR'], ['europa', 'INTR'],
  ['econom', 'ECON'], ['business', 'ECON'], ['emploi', 'ECON'], ['werk', 'ECON'], ['tewerkstelling', 'ECON'], ['entreprise', 'ECON'], ['ondernem', 'ECON'], ['commerce', 'ECON'], ['handel', 'ECON'], ['tourism', 'ECON'], ['toerisme', 'ECON'], ['wirtschaft', 'ECON'], ['finance', 'ECON'], ['financ', 'ECON'],
  ['gouvern', 'GOVE'], ['bestuur', 'GOVE'], ['government', 'GOVE'], ['administration', 'GOVE'], ['overheid', 'GOVE'], ['politi', 'GOVE'], ['citoyen', 'GOVE'], ['burger', 'GOVE'], ['verwaltung', 'GOVE'], ['public sector', 'GOVE'], ['budget', 'GOVE'], ['elect', 'GOVE'], ['verkiezing', 'GOVE'],
  ['social', 'SOCI'], ['sociaal', 'SOCI'], ['sozial', 'SOCI'], ['population', 'SOCI'], ['bevolking', 'SOCI'], ['bevolkerung', 'SOCI'], ['societe', 'SOCI'], ['samenleving', 'SOCI'], ['society', 'SOCI'], ['demograph', 'SOCI'], ['welzijn', 'SOCI'], ['famille', 'SOCI'], ['gezin', 'SOCI'],
];

/** The EU data-theme code a category names, or null. */
export function themeCode(value: string): string | null {
  const v = value.trim();
  if (!v) return null;
  // An IRI: the EU vocabulary, BELGIF's copy of it, or any IRI ending in a code.
  const last = v.replace(/[/#]+$/, '').split(/[/#]/).pop() ?? v;
  if ((EU_THEME_CODES as readonly string[]).includes(last.toUpperCase()) && (last === last.toUpperCase() || v === last)) return last.toUpperCase();
  const words = foldText(/^https?:\/\//.test(v) ? last : v).replace(/[-_]+/g, ' ');
  for (const part of words.split(/[,;/|&]| et | en | and | und /)) {
    for (const [w, code] of THEME_WORDS) if (part.includes(w)) return code;
  }
  return null;
}

/** The first theme that maps; a warning when some were given and none maps (the record keeps no theme). */
export function mapThemes(values: string[]): { theme: string | null; warning: string | null } {
  const given = [...new Set(values.map((v) => v.trim()).filter(Boolean))];
  for (const v of given) {
    const code = themeCode(v);
    if (code) return { theme: code, warning: null };
  }
  return {
    theme: null,
    warning: given.length ? `The theme${given.length > 1 ? 's' : ''} ${given.map((g) => `"${g}"`).join(', ')} could not be mapped to an EU data theme (${EU_THEME_CODES.join(', ')}); the dataset has no theme here.` : null,
  };
}

/** Spellings portals use that the licence list (linked/licences.ts) does not recognise as such. */
const LICENCE_PATTERNS: [RegExp, string][] = [
  [/\bodbl\b|open database licen[cs]e/, 'ODbL-1.0'],
  [/etalab|licence ouverte|open licence/, 'etalab-2.0'],
  [/\bcc ?0\b|cc zero|cc-zero|public domain dedication|creativecommons\.org\/publicdomain\/zero/, 'CC0-1.0'],
  [/modellicentie gratis hergebruik|gratis hergebruik/, 'modellicentie-gratis-hergebruik'],
  [/\bcc[- ]by[- ]sa\b|creative commons (attribution[- ]share ?alike|naamsvermelding[- ]gelijk delen)/, 'CC-BY-SA-4.0'],
  [/\bcc[- ]by\b(?![- ]?(nc|nd|sa))|creative commons (attribution|naamsvermelding)(?! ?-? ?(non|no|share|niet|gelijk))/, 'CC-BY-4.0'],
];

/**
 * The licence id for what a source says (URL first, then its id or title); an unknown licence is
 * kept as given, with a warning, so that nothing the publisher said is lost.
 */
export function mapLicence(candidates: (string | null | undefined)[]): { licence: string | null; warning: string | null } {
  const given = candidates.map((c) => (c ?? '').trim()).filter((c) => c && !/^(notspecified|not specified|license not specified|other)$/i.test(c));
  for (const c of given) {
    const known = knownLicence(c);
    if (known) return { licence: known.id, warning: null };
  }
  for (const c of given) {
    const folded = foldText(c);
    // "CC BY 3.0" is not CC BY 4.0: a pattern applies only when the version named (if any) is its own.
    const version = /\b(\d)\.(\d)\b/.exec(folded)?.[0];
    for (const [re, id] of LICENCE_PATTERNS) if (re.test(folded) && (!version || id.endsWith(version))) return { licence: id, warning: null };
  }
  if (!given.length) return { licence: null, warning: 'The source gives no licence; reusers cannot tell what they may do with the data. Ask the publisher to state one.' };
  const text = given.find((c) => !/^https?:\/\//.test(c)) ?? given[0];
  return { licence: text.slice(0, 200), warning: `The licence "${text}" is not one Dataville recognises (such as CC-BY-4.0, CC0-1.0, ODbL-1.0, etalab-2.0); it is kept as given text. If it is an open licence, ask the publisher to name it by its usual id or URL.` };
}

const EU_FREQUENCY: Record<string, UpdateFrequency> = {
  CONT: 'continuous', UPDATE_CONT: 'continuous', HOURLY: 'continuous', '1MIN': 'continuous', '5MIN': 'continuous', '10MIN': 'continuous', '15MIN': 'continuous', '30MIN': 'continuous', '12HRS': 'daily', BIHOURLY: 'continuous', TRIHOURLY: 'continuous',
  DAILY: 'daily', DAILY_2: 'daily', WEEKLY: 'weekly', WEEKLY_2: 'weekly', WEEKLY_3: 'weekly', BIWEEKLY: 'weekly',
  MONTHLY: 'monthly', MONTHLY_2: 'monthly', MONTHLY_3: 'monthly', BIMONTHLY: 'monthly', QUARTERLY: 'quarterly',
  ANNUAL: 'annual', ANNUAL_2: 'annual', ANNUAL_3: 'annual', BIENNIAL: 'annual', TRIENNIAL: 'annual', QUADRENNIAL: 'annual', QUINQUENNIAL: 'annual', DECENNIAL: 'annual',
  IRREG: 'irregular', NEVER: 'never', UNKNOWN: 'unknown', OP_DATPRO: 'unknown', NOT_PLANNED: 'never', AS_NEEDED: 'irregular',
};
const FREQUENCY_WORDS: [RegExp, UpdateFrequency][] = [
  [/contin|real ?time|temps reel|realtime|hourly|horaire|uurlijks|stundlich|instantan/, 'continuous'],
  [/daily|quotidien|journalier|dagelijks|taglich|\bday\b|\bjour\b/, 'daily'],
  [/weekly|hebdomadaire|wekelijks|wochentlich|\bweek\b|semaine/, 'weekly'],
  [/quarter|trimestr|driemaandelijks|kwartaal|viertelj/, 'quarterly'],
  [/monthly|mensuel|maandelijks|monatlich|\bmonth\b|\bmois\b/, 'monthly'],
  [/annual|yearly|annuel|jaarlijks|jahrlich|\byear\b|par an\b|semestr|biannual|half.?year/, 'annual'],
  [/irreg|ponctuel|onregelmatig|as needed|au besoin|variable/, 'irregular'],
  [/\bnever\b|jamais|nooit|\bnie\b|aucune|no update|historical|historique/, 'never'],
  [/unknown|inconnu|onbekend|unbekannt/, 'unknown'],
];

/** An update frequency from an EU / Dublin Core frequency IRI, an ISO 8601 duration or a word. */
export function mapFrequency(value: string | null | undefined): UpdateFrequency | null {
  const v = (value ?? '').trim();
  if (!v) return null;
  const last = v.replace(/[/#]+$/, '').split(/[/#]/).pop() ?? v;
  const eu = EU_FREQUENCY[last.toUpperCase()];
  if (eu) return eu;
  const iso = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T.*)?$/i.exec(last);
  if (iso && last.length > 1) {
    const [, y, m, w, d] = iso.map((x) => (x ? Number(x) : 0));
    if (y) return 'annual';
    if (m >= 3) return 'quarterly';
    if (m) return 'monthly';
    if (w) return 'weekly';
    if (d) return d >= 7 ? 'weekly' : 'daily';
    return 'continuous';
  }
  const folded = foldText(/^https?:\/\//.test(v) ? last : v);
  for (const [re, f] of FREQUENCY_WORDS) if (re.test(folded)) return f;
  return null;
}

/** An ISO timestamp from a date or date-time the source gives, or null when it is not one. */
export function isoTimestamp(value: string | null | undefined): string | null {
  const v = (value ?? '').trim();
  if (!/^\d{4}-\d{2}(-\d{2})?([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) return null;
  // A time without a zone is UTC: CKAN writes its timestamps so.
  const zoned = /[T ]/.test(v) && !/(Z|[+-]\d{2}:?\d{2})$/.test(v) ? `${v}Z` : v;
  const d = new Date(v.length === 7 ? `${v}-01` : zoned.replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** YYYY, YYYY-MM or YYYY-MM-DD, as a dataset's temporal coverage is written, or null. */
export function temporalDate(value: string | null | undefined): string | null {
  const m = /^(\d{4})(-\d{2})?(-\d{2})?/.exec((value ?? '').trim());
  return m ? m[0] : null;
}

/** An absolute http(s) URL, or null. */
export function httpUrl(value: string | null | undefined, base?: string): string | null {
  const v = (value ?? '').trim();
  if (!v) return null;
  try {
    const u = new URL(v, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** An e-mail address from "mailto:x@y.be" or "x@y.be", or null. */
export function emailOf(value: string | null | undefined): string | null {
  const v = (value ?? '').trim().replace(/^mailto:/i, '');
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? v : null;
}

const MEDIA_FORMATS: Record<string, string> = {
  'text/csv': 'csv', 'application/csv': 'csv', 'application/json': 'json', 'application/geo+json': 'geojson', 'application/vnd.geo+json': 'geojson',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx', 'application/vnd.ms-excel': 'xls', 'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/pdf': 'pdf', 'application/zip': 'zip', 'application/xml': 'xml', 'text/xml': 'xml', 'text/html': 'html', 'application/vnd.google-earth.kml+xml': 'kml',
  'application/x-shapefile': 'shp', 'application/rdf+xml': 'rdf', 'text/turtle': 'ttl', 'application/ld+json': 'jsonld', 'application/parquet': 'parquet',
  'application/vnd.apache.parquet': 'parquet', 'text/tab-separated-values': 'tsv', 'application/gpx+xml': 'gpx', 'text/plain': 'txt',
};
const KNOWN_EXTENSIONS = new Set(['csv', 'tsv', 'json', 'geojson', 'xlsx', 'xls', 'ods', 'pdf', 'zip', 'xml', 'kml', 'kmz', 'shp', 'gpkg', 'rdf', 'ttl', 'jsonld', 'parquet', 'gpx', 'txt', 'html', 'wms', 'wfs']);

/** A media type from a value or an IANA IRI (https://www.iana.org/assignments/media-types/text/csv). */
export function mediaTypeOf(value: string | null | undefined): string | null {
  const v = (value ?? '').trim().toLowerCase().replace(/^https?:\/\/www\.iana\.org\/assignments\/media-types\//, '').split(';')[0].trim();
  return /^[a-z]+\/[a-z0-9.+-]+$/.test(v) ? v : null;
}

/** The short format of a link: from the source's format (a word or an EU file-type IRI), its media type, else the URL's extension. */
export function formatOf(format: string | null | undefined, mediaType: string | null | undefined, url: string): string {
  const f = (format ?? '').trim();
  if (f) {
    const last = f.replace(/[/#]+$/, '').split(/[/#]/).pop() ?? f;
    const fromMedia = mediaTypeOf(f);
    if (fromMedia && MEDIA_FORMATS[fromMedia]) return MEDIA_FORMATS[fromMedia];
    const word = last.toLowerCase().replace(/^\./, '').replace(/[^a-z0-9+-]/g, '');
    if (word && word.length <= 20) return word === 'json_ld' ? 'jsonld' : word;
  }
  const mt = mediaTypeOf(mediaType);
  if (mt && MEDIA_FORMATS[mt]) return MEDIA_FORMATS[mt];
  try {
    const ext = /\.([a-z0-9]{2,7})$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
    if (ext && KNOWN_EXTENSIONS.has(ext)) return ext;
  } catch {
    // A link that is not a URL never reaches here (httpUrl filtered it).
  }
  return 'link';
}

/** Keys sorted at every level, so that the same content always serialises to the same text. */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, stable((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** SHA-256 of the normalised record: equal hashes, nothing to write. */
export function recordHash(record: HarvestRecord): string {
  return crypto.createHash('sha256').update(JSON.stringify(stable(record))).digest('hex');
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** What a kind's reader fills in; finish() checks and trims it into a record. */
export type RecordDraft = Omit<HarvestRecord, 'keywords' | 'resources'> & { keywords: string[]; resources: (HarvestResource | null)[] };

/**
 * Checks a draft: an identifier and a title are required (the record is refused without them);
 * texts longer than a publisher may write are shortened, keywords de-duplicated, resources
 * without a usable link dropped; each change is a warning.
 */
export function finish(draft: RecordDraft, warnings: string[]): PageItem {
  const identifier = draft.identifier.trim();
  if (!identifier) return { ok: false, identifier: null, message: 'A record has no identifier, so it cannot be followed from one run to the next; it was skipped. Ask the publisher to give every dataset an identifier.' };
  if (identifier.length > 500) return { ok: false, identifier: identifier.slice(0, 80), message: `The identifier "${identifier.slice(0, 80)}…" is longer than 500 characters; the record was skipped.` };
  const title: HarvestRecord['title'] = {};
  for (const [l, t] of Object.entries(draft.title)) {
    if (!t) continue;
    if (t.length > MAX_TITLE) warnings.push(`The ${l} title was longer than ${MAX_TITLE} characters and was shortened.`);
    title[l as Lang] = clip(t.replace(/\s+/g, ' '), MAX_TITLE);
  }
  if (!Object.keys(title).length) return { ok: false, identifier, message: `The record "${identifier}" has no title in any language; it was skipped. Ask the publisher to give it a title.` };
  const description: HarvestRecord['description'] = {};
  for (const [l, t] of Object.entries(draft.description)) {
    if (!t) continue;
    if (t.length > MAX_DESCRIPTION) warnings.push(`The ${l} description was longer than ${MAX_DESCRIPTION} characters and was shortened.`);
    description[l as Lang] = clip(t, MAX_DESCRIPTION);
  }
  const seen = new Set<string>();
  const keywords: string[] = [];
  for (const k of draft.keywords) {
    const t = clip(k.replace(/\s+/g, ' ').trim(), MAX_KEYWORD);
    if (!t || seen.has(t.toLowerCase())) continue;
    seen.add(t.toLowerCase());
    keywords.push(t);
  }
  if (keywords.length > MAX_KEYWORDS) warnings.push(`The record has ${keywords.length} keywords; the first ${MAX_KEYWORDS} were kept.`);
  const resources = draft.resources.filter((r): r is HarvestResource => r !== null);
  if (resources.length > MAX_RESOURCES) warnings.push(`The record has ${resources.length} distributions; the first ${MAX_RESOURCES} were kept.`);
  const record: HarvestRecord = {
    ...draft,
    identifier,
    title,
    description,
    keywords: keywords.slice(0, MAX_KEYWORDS),
    publisher: draft.publisher ? clip(draft.publisher, 300) : null,
    resources: resources.slice(0, MAX_RESOURCES).map((r) => ({ ...r, name: clip(r.name.replace(/\s+/g, ' ').trim() || r.format, 300), description: r.description ? clip(r.description, 5000) : null })),
  };
  return { ok: true, record, warnings };
}

/** A link-only resource, or null (with a warning) when the distribution has no http(s) link. */
export function linkResource(
  d: { name?: string | null; url?: string | null; format?: string | null; mediaType?: string | null; description?: string | null },
  warnings: string[], where: string,
): HarvestResource | null {
  const url = httpUrl(d.url);
  if (!url) {
    warnings.push(`${where} has no http(s) link${d.url ? ` ("${String(d.url).slice(0, 100)}")` : ''}; it was left out.`);
    return null;
  }
  const mediaType = mediaTypeOf(d.mediaType);
  const format = formatOf(d.format, mediaType, url);
  const name = (d.name ?? '').trim() || lastSegment(url) || format.toUpperCase();
  const description = d.description ? plainText(d.description) || null : null;
  return { name, url, format, mediaType, description };
}

function lastSegment(url: string): string {
  const seg = new URL(url).pathname.split('/').filter(Boolean).pop() ?? '';
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}
