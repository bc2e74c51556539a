/**
 * The controlled vocabularies of DCAT-AP 3 and how Dataville's own values map onto them. Every
 * concept comes with the label and scheme the SHACL shapes need when the EU vocabularies are not
 * loaded beside the catalog (they never are by a harvester's validator).
 */
import { foldText } from '../catalog/text.ts';
import type { Lang } from '../catalog/datasets.ts';

export const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dcatap: 'http://data.europa.eu/r5r/',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  locn: 'http://www.w3.org/ns/locn#',
  geo: 'http://www.opengis.net/ont/geosparql#',
  hydra: 'http://www.w3.org/ns/hydra/core#',
} as const;

const EU = 'http://publications.europa.eu/resource/authority/';

/** A concept of a controlled vocabulary, with what SHACL checks of it. */
export interface Concept {
  uri: string;
  scheme: string;
  /** English label, as the EU vocabulary gives it. */
  label: string;
}

// ---- Languages -------------------------------------------------------------------------------

export const LANGS: readonly Lang[] = ['fr', 'nl', 'de', 'en'];
const LANGUAGE_CODES: Record<Lang, [string, string]> = { fr: ['FRA', 'French'], nl: ['NLD', 'Dutch'], de: ['DEU', 'German'], en: ['ENG', 'English'] };

export function languageConcept(lang: Lang): Concept {
  const [code, label] = LANGUAGE_CODES[lang];
  return { uri: `${EU}language/${code}`, scheme: `${EU}language`, label };
}

// ---- Data themes -----------------------------------------------------------------------------

export const THEME_SCHEME = `${EU}data-theme`;
export const THEME_SCHEME_TITLE = 'Data theme';

/** The EU data themes: code, English label, and words that name the theme in fr, nl, de and en. */
const THEMES: Record<string, { label: string; words: string[] }> = {
  AGRI: { label: 'Agriculture, fisheries, forestry and food', words: ['agriculture', 'peche', 'sylviculture', 'alimentation', 'landbouw', 'visserij', 'bosbouw', 'voeding', 'landwirtschaft', 'fischerei', 'forstwirtschaft', 'fisheries', 'forestry', 'food'] },
  ECON: { label: 'Economy and finance', words: ['economie', 'finances', 'finance', 'financien', 'wirtschaft', 'finanzen', 'economy', 'budget', 'begroting', 'haushalt'] },
  EDUC: { label: 'Education, culture and sport', words: ['education', 'culture', 'sport', 'sports', 'enseignement', 'onderwijs', 'cultuur', 'bildung', 'kultur'] },
  ENER: { label: 'Energy', words: ['energie', 'energy'] },
  ENVI: { label: 'Environment', words: ['environnement', 'milieu', 'umwelt', 'environment'] },
  GOVE: { label: 'Government and public sector', words: ['gouvernement', 'secteur public', 'administration', 'overheid', 'publieke sector', 'bestuur', 'regierung', 'offentlicher sektor', 'verwaltung', 'government', 'public sector'] },
  HEAL: { label: 'Health', words: ['sante', 'gezondheid', 'gesundheit', 'health'] },
  INTR: { label: 'International issues', words: ['international', 'internationale', 'internationaal', 'international issues'] },
  JUST: { label: 'Justice, legal system and public safety', words: ['justice', 'securite', 'justitie', 'veiligheid', 'justiz', 'sicherheit', 'public safety'] },
  OP_DATPRO: { label: 'Provisional data', words: ['donnees provisoires', 'voorlopige gegevens', 'vorlaufige daten', 'provisional data'] },
  REGI: { label: 'Regions and cities', words: ['regions', 'villes', 'regio', 'steden', 'regionen', 'stadte', 'cities', 'urbanisme', 'amenagement du territoire', 'ruimtelijke ordening'] },
  SOCI: { label: 'Population and society', words: ['population', 'societe', 'bevolking', 'samenleving', 'bevolkerung', 'gesellschaft', 'society', 'social', 'sociaal'] },
  TECH: { label: 'Science and technology', words: ['science', 'technologie', 'wetenschap', 'wissenschaft', 'technik', 'technology'] },
  TRAN: { label: 'Transport', words: ['transport', 'mobilite', 'mobiliteit', 'vervoer', 'verkehr', 'mobilitat', 'mobility'] },
};

/** Used when a dataset names no theme we recognise: a commune's data is public-sector information. */
export const DEFAULT_THEME = 'GOVE';

export function themeConcept(code: string): Concept {
  const t = THEMES[code];
  if (!t) throw new Error(`Unknown EU data theme "${code}": use one of ${Object.keys(THEMES).join(', ')}.`);
  return { uri: `${THEME_SCHEME}/${code}`, scheme: THEME_SCHEME, label: t.label };
}

/**
 * The EU theme codes a dataset's theme field names: codes (GOVE), EU or Belgian theme URIs, or
 * theme names in fr, nl, de or en, several separated by commas or semicolons. What is not
 * recognised is returned apart, so it can still be shown (as a keyword).
 */
export function themesOf(raw: string | null | undefined): { codes: string[]; unrecognised: string[] } {
  const codes: string[] = [];
  const unrecognised: string[] = [];
  for (const part of (raw ?? '').split(/[,;|]+/).map((s) => s.trim()).filter(Boolean)) {
    const code = themeCodeOf(part);
    if (code) { if (!codes.includes(code)) codes.push(code); } else unrecognised.push(part);
  }
  return { codes, unrecognised };
}

function themeCodeOf(part: string): string | undefined {
  const uri = /^https?:\/\/(?:publications\.europa\.eu\/resource\/authority\/data-theme|vocab\.belgif\.be\/auth\/datatheme)\/([A-Z_]+)\/?$/i.exec(part);
  const candidate = (uri ? uri[1] : part).toUpperCase();
  if (THEMES[candidate]) return candidate;
  const folded = foldText(part).replace(/[^a-z ]+/g, ' ').replace(/\s+/g, ' ').trim();
  for (const [code, t] of Object.entries(THEMES)) {
    if (foldText(t.label) === folded || t.words.includes(folded)) return code;
  }
  return undefined;
}

// ---- Frequencies -----------------------------------------------------------------------------

const FREQUENCIES: Record<string, [string, string]> = {
  continuous: ['CONT', 'continuous'],
  daily: ['DAILY', 'daily'],
  weekly: ['WEEKLY', 'weekly'],
  monthly: ['MONTHLY', 'monthly'],
  quarterly: ['QUARTERLY', 'quarterly'],
  annual: ['ANNUAL', 'annual'],
  irregular: ['IRREG', 'irregular'],
  never: ['NEVER', 'never'],
  unknown: ['UNKNOWN', 'unknown'],
};

/** The EU frequency of a dataset's updateFrequency; a dataset that gives none updates at an unknown rate. */
export function frequencyConcept(updateFrequency: string | null | undefined): Concept {
  const [code, label] = FREQUENCIES[updateFrequency ?? 'unknown'] ?? FREQUENCIES.unknown;
  return { uri: `${EU}frequency/${code}`, scheme: `${EU}frequency`, label };
}

// ---- Licences --------------------------------------------------------------------------------

export const LICENCE_TYPE_SCHEME = 'http://purl.org/adms/licencetype/1.0';
const LICENCE_TYPES: Record<string, string> = {
  Attribution: 'Attribution',
  PublicDomain: 'Public domain',
  'ViralEffect-ShareAlike': 'Viral effect (a.k.a. Share-alike)',
  NonCommercialUseOnly: 'Non-commercial use only',
  NoDerivativeWork: 'No derivative work',
  UnknownIPR: 'Unknown IPR',
};

export function licenceTypeConcept(type: string): Concept {
  return { uri: `http://purl.org/adms/licencetype/${type}`, scheme: LICENCE_TYPE_SCHEME, label: LICENCE_TYPES[type] };
}

export interface Licence {
  /** The EU licence URI, or null for a licence outside the EU list. */
  uri: string | null;
  /** ADMS licence types (http://purl.org/adms/licencetype/...). */
  types: string[];
  title: Record<Lang, string>;
}

const same = (t: string): Record<Lang, string> => ({ fr: t, nl: t, de: t, en: t });
/** The EU licences Dataville recognises, with their titles (from the EU licence list). */
const LICENCES: Record<string, Omit<Licence, 'uri'>> = {
  CC_BY_4_0: { types: ['Attribution'], title: { en: 'Creative Commons Attribution 4.0 International', fr: 'Creative Commons Attribution 4.0 International', nl: 'Creative Commons Naamsvermelding 4.0 Internationaal', de: 'Creative Commons Namensnennung 4.0 International' } },
  CC_BYSA_4_0: { types: ['Attribution', 'ViralEffect-ShareAlike'], title: { en: 'Creative Commons Attribution–ShareAlike 4.0 International', fr: 'Creative Commons Attribution – Partage dans les Mêmes Conditions 4.0 International', nl: 'Creative Commons Naamsvermelding–GelijkDelen 4.0 Internationaal', de: 'Creative Commons Namensnennung – Weitergabe unter gleichen Bedingungen 4.0 International' } },
  CC_BYNC_4_0: { types: ['Attribution', 'NonCommercialUseOnly'], title: { en: 'Creative Commons Attribution–NonCommercial 4.0 International', fr: 'Creative Commons Attribution – Pas d’Utilisation Commerciale 4.0 International', nl: 'Creative Commons Naamsvermelding–NietCommercieel 4.0 Internationaal', de: 'Creative Commons Namensnennung – Nicht kommerziell 4.0 International' } },
  CC_BYND_4_0: { types: ['Attribution', 'NoDerivativeWork'], title: { en: 'Creative Commons Attribution–NoDerivs 4.0 International', fr: 'Creative Commons Attribution – Pas de Modification 4.0 International', nl: 'Creative Commons Naamsvermelding–GeenAfgeleideWerken 4.0 Internationaal', de: 'Creative Commons Namensnennung – Keine Bearbeitungen 4.0 International' } },
  CC0: { types: ['PublicDomain'], title: { en: 'Creative Commons CC0 1.0 Universal', fr: 'Creative Commons CC0 1.0 Universel', nl: 'Creative Commons CC0 1.0 Universeel', de: 'Creative Commons CC0 1.0 Universell' } },
  CC_PDM_1_0: { types: ['PublicDomain'], title: { en: 'Creative Commons Public Domain Mark 1.0 Universal', fr: 'Creative Commons Marque du Domaine Public 1.0 Universel', nl: 'Creative Commons Public Domain Mark 1.0 Universeel', de: 'Creative Commons Public Domain Mark 1.0 Universell' } },
  ODC_BY: { types: ['Attribution'], title: same('Open Data Commons Attribution License 1.0') },
  ODC_BL: { types: ['Attribution', 'ViralEffect-ShareAlike'], title: same('Open Data Commons Open Database License 1.0 (ODbL)') },
  ODC_PDDL: { types: ['PublicDomain'], title: same('Open Data Commons Public Domain Dedication and License 1.0') },
};

/** Ways publishers write those licences (SPDX ids, Creative Commons URLs, EU codes), folded to a key. */
const LICENCE_ALIASES: Record<string, string> = {
  'cc-by-4.0': 'CC_BY_4_0', 'cc-by': 'CC_BY_4_0', 'creativecommons.org/licenses/by/4.0': 'CC_BY_4_0',
  'cc-by-sa-4.0': 'CC_BYSA_4_0', 'cc-by-sa': 'CC_BYSA_4_0', 'creativecommons.org/licenses/by-sa/4.0': 'CC_BYSA_4_0',
  'cc-by-nc-4.0': 'CC_BYNC_4_0', 'creativecommons.org/licenses/by-nc/4.0': 'CC_BYNC_4_0',
  'cc-by-nd-4.0': 'CC_BYND_4_0', 'creativecommons.org/licenses/by-nd/4.0': 'CC_BYND_4_0',
  'cc0-1.0': 'CC0', cc0: 'CC0', 'creativecommons.org/publicdomain/zero/1.0': 'CC0',
  'cc-pdm-1.0': 'CC_PDM_1_0', 'creativecommons.org/publicdomain/mark/1.0': 'CC_PDM_1_0',
  'odc-by-1.0': 'ODC_BY', 'opendatacommons.org/licenses/by/1.0': 'ODC_BY', 'opendatacommons.org/licenses/by': 'ODC_BY',
  'odbl-1.0': 'ODC_BL', odbl: 'ODC_BL', 'opendatacommons.org/licenses/odbl/1.0': 'ODC_BL', 'opendatacommons.org/licenses/odbl': 'ODC_BL',
  'pddl-1.0': 'ODC_PDDL', 'opendatacommons.org/licenses/pddl/1.0': 'ODC_PDDL', 'opendatacommons.org/licenses/pddl': 'ODC_PDDL',
};

/** The EU licence a dataset's licence field names, or null when it names none we know. */
export function licenceOf(raw: string | null | undefined): Licence | null {
  const text = (raw ?? '').trim();
  if (!text) return null;
  const eu = /^https?:\/\/publications\.europa\.eu\/resource\/authority\/licence\/([A-Z0-9_]+)\/?$/i.exec(text);
  const key = eu ? eu[1].toUpperCase()
    : LICENCES[text.toUpperCase().replace(/[\s-]+/g, '_')] ? text.toUpperCase().replace(/[\s-]+/g, '_')
      : LICENCE_ALIASES[text.toLowerCase().replace(/^https?:\/\/(www\.)?/, '').replace(/\/(legalcode(\.[a-z]+)?)?$/, '').replace(/\s+/g, '-').replace(/\/$/, '')];
  const known = key ? LICENCES[key] : undefined;
  return known ? { uri: `${EU}licence/${key}`, ...known } : null;
}

// ---- File types and media types --------------------------------------------------------------

export interface FileFormat { fileType: Concept; mediaType: string; label: string }

const FILE_FORMATS: Record<string, FileFormat> = {
  csv: { fileType: { uri: `${EU}file-type/CSV`, scheme: `${EU}file-type`, label: 'CSV' }, mediaType: 'text/csv', label: 'CSV' },
  json: { fileType: { uri: `${EU}file-type/JSON`, scheme: `${EU}file-type`, label: 'JSON' }, mediaType: 'application/json', label: 'JSON' },
  parquet: { fileType: { uri: `${EU}file-type/PARQUET`, scheme: `${EU}file-type`, label: 'Parquet' }, mediaType: 'application/vnd.apache.parquet', label: 'Parquet' },
  xlsx: { fileType: { uri: `${EU}file-type/XLSX`, scheme: `${EU}file-type`, label: 'XLSX' }, mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', label: 'Excel (XLSX)' },
  geojson: { fileType: { uri: `${EU}file-type/GEOJSON`, scheme: `${EU}file-type`, label: 'GeoJSON' }, mediaType: 'application/geo+json', label: 'GeoJSON' },
};

/** Other file types a harvested link may point to (format names as portals write them). */
const LINKED_FORMATS: Record<string, FileFormat> = {
  xls: { fileType: { uri: `${EU}file-type/XLS`, scheme: `${EU}file-type`, label: 'XLS' }, mediaType: 'application/vnd.ms-excel', label: 'Excel (XLS)' },
  ods: { fileType: { uri: `${EU}file-type/ODS`, scheme: `${EU}file-type`, label: 'ODS' }, mediaType: 'application/vnd.oasis.opendocument.spreadsheet', label: 'ODS' },
  pdf: { fileType: { uri: `${EU}file-type/PDF`, scheme: `${EU}file-type`, label: 'PDF' }, mediaType: 'application/pdf', label: 'PDF' },
  zip: { fileType: { uri: `${EU}file-type/ZIP`, scheme: `${EU}file-type`, label: 'ZIP' }, mediaType: 'application/zip', label: 'ZIP' },
  xml: { fileType: { uri: `${EU}file-type/XML`, scheme: `${EU}file-type`, label: 'XML' }, mediaType: 'application/xml', label: 'XML' },
  kml: { fileType: { uri: `${EU}file-type/KML`, scheme: `${EU}file-type`, label: 'KML' }, mediaType: 'application/vnd.google-earth.kml+xml', label: 'KML' },
  html: { fileType: { uri: `${EU}file-type/HTML`, scheme: `${EU}file-type`, label: 'HTML' }, mediaType: 'text/html', label: 'HTML' },
  txt: { fileType: { uri: `${EU}file-type/TXT`, scheme: `${EU}file-type`, label: 'TXT' }, mediaType: 'text/plain', label: 'TXT' },
};

/** The file type of a link's format name or media type ("CSV", "text/csv", "GeoJSON"), if we know it. */
export function linkedFileFormat(format: string | null, mediaType: string | null): FileFormat | undefined {
  const all = { ...FILE_FORMATS, ...LINKED_FORMATS };
  const name = (format ?? '').trim().toLowerCase().replace(/^\./, '');
  if (all[name]) return all[name];
  const type = (mediaType ?? (name.includes('/') ? name : '')).split(';')[0].trim().toLowerCase();
  return Object.values(all).find((f) => f.mediaType === type);
}

export function fileFormat(format: string): FileFormat {
  const f = FILE_FORMATS[format];
  if (!f) throw new Error(`No DCAT file type for the format "${format}": add it to FILE_FORMATS in src/dcat/vocabularies.ts.`);
  return f;
}

/** IANA media types are named by their registry page; DCAT-AP checks that prefix. */
export function mediaTypeUri(mediaType: string): string {
  return `http://www.iana.org/assignments/media-types/${mediaType}`;
}

// ---- Fixed concepts --------------------------------------------------------------------------

export const ACCESS_PUBLIC: Concept = { uri: `${EU}access-right/PUBLIC`, scheme: `${EU}access-right`, label: 'public' };
export const AVAILABILITY_STABLE: Concept = { uri: `${EU}planned-availability/STABLE`, scheme: `${EU}planned-availability`, label: 'stable' };
export const PUBLISHER_TYPE_SCHEME = 'http://purl.org/adms/publishertype/1.0';
export const PUBLISHER_TYPE_SCHEME_TITLE = 'Publisher Type';
export const LOCAL_AUTHORITY: Concept = { uri: 'http://purl.org/adms/publishertype/LocalAuthority', scheme: PUBLISHER_TYPE_SCHEME, label: 'Local Authority' };

/** The Belgian organization URI of an enterprise (KBO/BCE) number, the form data.gov.be uses. */
export function cbeOrganizationUri(enterpriseNumber: string): string {
  return `https://org.belgif.be/id/CbeRegisteredEntity/${enterpriseNumber}`;
}

/** Statbel's REFNIS concept of a commune (2019–2024 geography, the one reference/communes.csv holds). */
export const REFNIS_SCHEME = 'http://vocab.belgif.be/auth/refnis2019';
export function refnisUri(nisCode: string): string {
  return `${REFNIS_SCHEME}/${nisCode}`;
}
