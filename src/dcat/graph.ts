/**
 * The DCAT-AP 3 graph of published datasets: catalog, datasets, distributions (one per download
 * format of each resource), the data services (the row API and its CKAN twin), publishers,
 * contact points, places, and the vocabulary triples the SHACL shapes need. Only what the catalog
 * data says, plus documented fallbacks (docs/decisions/0009-dcat-ap.md); no string concatenation
 * of RDF: terms go into an N3 store and the serialisers write them.
 */
import n3 from 'n3';
import { slugify } from '../catalog/text.ts';
import { communesByNis, defaultLanguageOf } from '../catalog/communes.ts';
import type { I18n, Lang } from '../catalog/datasets.ts';
import { EXPORT_FORMATS } from '../actions/rows.ts';
import type { CatalogDataset, CatalogLink, CatalogResource } from '../actions/catalog.ts';
import type { organizationView } from '../catalog/organizations.ts';
import { COMMUNE_EXTENTS } from './commune-extents.ts';
import { knownLicence } from '../linked/licences.ts';
import { bboxWkt, pointWkt } from './geometry.ts';
import {
  ACCESS_PUBLIC, AVAILABILITY_STABLE, DEFAULT_THEME, LANGS, LOCAL_AUTHORITY, NS, PUBLISHER_TYPE_SCHEME,
  PUBLISHER_TYPE_SCHEME_TITLE, REFNIS_SCHEME, THEME_SCHEME, THEME_SCHEME_TITLE, cbeOrganizationUri, fileFormat, frequencyConcept,
  languageConcept, licenceOf, licenceTypeConcept, linkedFileFormat, mediaTypeUri, refnisUri, themeConcept, themesOf, type Concept, type Licence,
} from './vocabularies.ts';

export type OrganizationView = ReturnType<typeof organizationView>;

const { namedNode, literal, quad } = n3.DataFactory;
type Node = n3.NamedNode;
type Obj = n3.NamedNode | n3.Literal;

/** Hydra paging of a partial catalog: which page this is and where the others are. */
export interface CatalogPage {
  number: number;
  last: number;
  totalItems: number;
  /** The address of page n (same format and page size). */
  url(n: number): string;
}

export interface CatalogGraphInput {
  /** Base URL of the portal, without a trailing slash (https://data.example.be). */
  base: string;
  /** The organizations publishing in this catalog (all of them, not only those on this page). */
  organizations: OrganizationView[];
  datasets: CatalogDataset[];
  firstCreatedAt: string | null;
  lastUpdatedAt: string | null;
  page?: CatalogPage;
}

/**
 * Makes text safe in every serialisation: XML 1.0 cannot carry most control characters and turns
 * CR LF into LF, so the graph holds the same normalised text whatever the format asked for.
 */
export function cleanText(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    // Lone surrogates are not characters; U+FFFE/U+FFFF and C0 controls other than tab and LF are not allowed in XML.
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g, '')
    .trim();
}

const dcat = (l: string) => namedNode(NS.dcat + l);
const dct = (l: string) => namedNode(NS.dct + l);
const foaf = (l: string) => namedNode(NS.foaf + l);
const vcard = (l: string) => namedNode(NS.vcard + l);
const skos = (l: string) => namedNode(NS.skos + l);
const hydra = (l: string) => namedNode(NS.hydra + l);
const xsd = (l: string) => namedNode(NS.xsd + l);
const a = namedNode(`${NS.rdf}type`);

/** The texts of an I18n value in the four catalog languages, cleaned, empty ones left out. */
function texts(t: I18n | undefined): [Lang, string][] {
  return LANGS.flatMap((l) => {
    const v = t?.[l];
    const c = v === undefined ? '' : cleanText(v);
    return c ? [[l, c] as [Lang, string]] : [];
  });
}

/** A calendar date of an ISO timestamp. */
const dayOf = (iso: string) => iso.slice(0, 10);

/** First and last day of a YYYY, YYYY-MM or YYYY-MM-DD period. */
function periodBounds(p: string): { start: string; end: string } {
  const [y, m, d] = p.split('-');
  if (d) return { start: p, end: p };
  if (m) {
    const last = new Date(Date.UTC(Number(y), Number(m), 0)).getUTCDate();
    return { start: `${y}-${m}-01`, end: `${y}-${m}-${String(last).padStart(2, '0')}` };
  }
  return { start: `${y}-01-01`, end: `${y}-12-31` };
}

const plural = (n: number, one: string, other: string) => `${n} ${n === 1 ? one : other}`;

/** Collects the triples; the store drops duplicates, so shared nodes (vocabularies, agents) are described once. */
class GraphWriter {
  readonly store = new n3.Store();
  private described = new Set<string>();

  add(s: Node, p: Node, o: Obj): void {
    this.store.addQuad(quad(s, p, o));
  }
  /** Literals in several languages, one per language. */
  addTexts(s: Node, p: Node, values: [Lang, string][]): void {
    for (const [l, v] of values) this.add(s, p, literal(v, l));
  }
  /** Runs describe once per node. */
  once(key: string, describe: () => void): void {
    if (this.described.has(key)) return;
    this.described.add(key);
    describe();
  }
  concept(c: Concept, ...types: string[]): Node {
    const node = namedNode(c.uri);
    this.once(c.uri, () => {
      for (const t of types) this.add(node, a, namedNode(t));
      this.add(node, a, skos('Concept'));
      this.add(node, skos('prefLabel'), literal(c.label, 'en'));
      this.add(node, skos('inScheme'), namedNode(c.scheme));
    });
    return node;
  }
  document(uri: string): Node {
    const node = namedNode(uri);
    this.once(`doc ${uri}`, () => this.add(node, a, foaf('Document')));
    return node;
  }
}

/** Builds the catalog graph of the given datasets. */
export function buildCatalogGraph(input: CatalogGraphInput): n3.Store {
  return new CatalogBuilder(input).build();
}

class CatalogBuilder {
  private g = new GraphWriter();
  private base: string;
  private orgs: Map<string, OrganizationView>;

  constructor(private input: CatalogGraphInput) {
    this.base = input.base.replace(/\/+$/, '');
    this.orgs = new Map(input.organizations.map((o) => [o.id, o]));
  }

  build(): n3.Store {
    const { g, base, input } = this;
    const catalog = namedNode(`${base}/catalog`);
    const single = input.organizations.length === 1 ? input.organizations[0] : undefined;
    const publisher = single ? this.agent(single) : this.portalAgent();
    const contact = single ? this.organizationContact(single) : this.portalContact();

    g.add(catalog, a, dcat('Catalog'));
    g.addTexts(catalog, dct('title'), this.catalogTitle(single));
    g.addTexts(catalog, dct('description'), this.catalogDescription(single));
    g.add(catalog, dct('identifier'), literal(`${base}/catalog`));
    g.add(catalog, dct('publisher'), publisher);
    g.add(catalog, foaf('homepage'), g.document(`${base}/`));
    for (const l of LANGS) g.add(catalog, dct('language'), this.language(l));
    // The catalog's own records are facts about public data: offered without conditions.
    g.add(catalog, dct('license'), this.licence(licenceOf('CC0')!));
    if (input.firstCreatedAt) g.add(catalog, dct('issued'), this.dateTime(input.firstCreatedAt));
    if (input.lastUpdatedAt) g.add(catalog, dct('modified'), this.dateTime(input.lastUpdatedAt));
    for (const o of input.organizations) if (o.nisCode) this.addSpatial(catalog, [o.nisCode]);
    g.add(catalog, dcat('themeTaxonomy'), this.themeScheme());

    const datasetNodes = input.datasets.map((d) => this.dataset(d));
    for (const node of datasetNodes) g.add(catalog, dcat('dataset'), node);
    for (const service of this.services(input.datasets, datasetNodes, publisher, contact)) g.add(catalog, dcat('service'), service);
    if (input.page) this.paging(catalog, input.page);
    return g.store;
  }

  // ---- Catalog ------------------------------------------------------------------------------

  private catalogTitle(single: OrganizationView | undefined): [Lang, string][] {
    if (single) {
      const n = this.names(single);
      return [['fr', `Données ouvertes de ${n.fr}`], ['nl', `Open data van ${n.nl}`], ['de', `Offene Daten von ${n.de}`], ['en', `Open data of ${n.en}`]];
    }
    const host = new URL(this.base).host;
    return [['fr', `Données ouvertes — ${host}`], ['nl', `Open data — ${host}`], ['de', `Offene Daten — ${host}`], ['en', `Open data — ${host}`]];
  }

  private catalogDescription(single: OrganizationView | undefined): [Lang, string][] {
    const n = single ? this.names(single) : undefined;
    const count = this.input.organizations.length;
    return [
      ['fr', n ? `Catalogue des jeux de données publiés par ${n.fr}, avec leurs téléchargements (CSV, JSON, Parquet, XLSX) et l’API qui interroge leurs lignes.` : `Catalogue des jeux de données publiés par ${count} organisations, avec leurs téléchargements (CSV, JSON, Parquet, XLSX) et l’API qui interroge leurs lignes.`],
      ['nl', n ? `Catalogus van de datasets die ${n.nl} publiceert, met hun downloads (CSV, JSON, Parquet, XLSX) en de API die hun rijen bevraagt.` : `Catalogus van de datasets die ${count} organisaties publiceren, met hun downloads (CSV, JSON, Parquet, XLSX) en de API die hun rijen bevraagt.`],
      ['de', n ? `Katalog der von ${n.de} veröffentlichten Datensätze, mit ihren Downloads (CSV, JSON, Parquet, XLSX) und der API, die ihre Zeilen abfragt.` : `Katalog der von ${count} Organisationen veröffentlichten Datensätze, mit ihren Downloads (CSV, JSON, Parquet, XLSX) und der API, die ihre Zeilen abfragt.`],
      ['en', n ? `Catalogue of the datasets published by ${n.en}, with their downloads (CSV, JSON, Parquet, XLSX) and the API that queries their rows.` : `Catalogue of the datasets published by ${count} organisations, with their downloads (CSV, JSON, Parquet, XLSX) and the API that queries their rows.`],
    ];
  }

  private paging(catalog: Node, page: CatalogPage): void {
    const { g } = this;
    const view = namedNode(page.url(page.number));
    g.add(catalog, a, hydra('Collection'));
    g.add(catalog, hydra('totalItems'), literal(String(page.totalItems), xsd('integer')));
    g.add(catalog, hydra('view'), view);
    g.add(view, a, hydra('PartialCollectionView'));
    g.add(view, hydra('first'), namedNode(page.url(1)));
    g.add(view, hydra('last'), namedNode(page.url(page.last)));
    if (page.number > 1) g.add(view, hydra('previous'), namedNode(page.url(Math.min(page.number - 1, page.last))));
    if (page.number < page.last) g.add(view, hydra('next'), namedNode(page.url(page.number + 1)));
  }

  private themeScheme(): Node {
    const node = namedNode(THEME_SCHEME);
    this.g.once(THEME_SCHEME, () => {
      this.g.add(node, a, skos('ConceptScheme'));
      this.g.add(node, dct('title'), literal(THEME_SCHEME_TITLE, 'en'));
    });
    return node;
  }

  // ---- Agents, contacts, places --------------------------------------------------------------

  /** An organization's names in the four languages; English uses the local official name. */
  private names(o: OrganizationView): Record<Lang, string> {
    const local = defaultLanguageOf(o.region) === 'nl' ? o.name.nl : o.name.fr;
    return { fr: cleanText(o.name.fr) || local, nl: cleanText(o.name.nl) || local, de: cleanText(o.name.de) || local, en: cleanText(local) };
  }

  private organizationKey(o: OrganizationView): string {
    return encodeURIComponent(o.nisCode ?? o.slug);
  }

  /** The publisher: its Belgian organization URI when the admin set its enterprise number, else the portal's own. */
  private agent(o: OrganizationView): Node {
    const { g } = this;
    const node = namedNode(o.enterpriseNumber ? cbeOrganizationUri(o.enterpriseNumber) : `${this.base}/organizations/${this.organizationKey(o)}#organization`);
    g.once(`agent ${o.id}`, () => {
      g.add(node, a, foaf('Agent'));
      g.add(node, a, foaf('Organization'));
      g.addTexts(node, foaf('name'), Object.entries(this.names(o)) as [Lang, string][]);
      g.add(node, dct('type'), this.publisherType());
      if (o.email) g.add(node, foaf('mbox'), mailto(o.email));
      const homepage = o.homepage ? safeUrl(o.homepage) : undefined;
      if (homepage) g.add(node, foaf('homepage'), g.document(homepage));
    });
    return node;
  }

  /** The portal as publisher of a catalog shared by several organizations (a regional host). */
  private portalAgent(): Node {
    const { g } = this;
    const node = namedNode(`${this.base}/catalog#publisher`);
    const host = new URL(this.base).host;
    g.once('portal agent', () => {
      g.add(node, a, foaf('Agent'));
      g.add(node, a, foaf('Organization'));
      g.addTexts(node, foaf('name'), [['fr', `Portail de données ouvertes ${host}`], ['nl', `Open dataportaal ${host}`], ['de', `Offenes Datenportal ${host}`], ['en', `Open data portal ${host}`]]);
      g.add(node, dct('type'), this.publisherType());
      g.add(node, foaf('homepage'), g.document(`${this.base}/`));
    });
    return node;
  }

  private publisherType(): Node {
    const scheme = namedNode(PUBLISHER_TYPE_SCHEME);
    this.g.once(PUBLISHER_TYPE_SCHEME, () => {
      this.g.add(scheme, a, skos('ConceptScheme'));
      this.g.add(scheme, dct('title'), literal(PUBLISHER_TYPE_SCHEME_TITLE, 'en'));
    });
    return this.g.concept(LOCAL_AUTHORITY);
  }

  /**
   * A contact point (vcard:Organization, as the Belgian profile asks). The federal profile wants
   * organization names of at least 3 characters; for the one commune with a shorter name (As) the
   * name is said with the word for municipality.
   */
  private contact(node: Node, o: OrganizationView, fn: string, email: string | null | undefined): Node {
    const { g } = this;
    g.once(`contact ${node.value}`, () => {
      g.add(node, a, vcard('Kind'));
      g.add(node, a, vcard('Organization'));
      g.add(node, vcard('fn'), literal(fn));
      const n = this.names(o);
      const generic: Record<Lang, (s: string) => string> = { fr: (s) => `Commune de ${s}`, nl: (s) => `Gemeente ${s}`, de: (s) => `Gemeinde ${s}`, en: (s) => `Municipality of ${s}` };
      g.addTexts(node, vcard('organization-name'), LANGS.map((l) => [l, n[l].length < 3 ? generic[l](n[l]) : n[l]]));
      if (email) g.add(node, vcard('hasEmail'), mailto(email));
      g.add(node, vcard('hasURL'), namedNode((o.homepage && safeUrl(o.homepage)) || `${this.base}/organizations/${this.organizationKey(o)}`));
    });
    return node;
  }

  private organizationContact(o: OrganizationView): Node {
    return this.contact(namedNode(`${this.base}/organizations/${this.organizationKey(o)}#contact`), o, this.names(o)[defaultLanguageOf(o.region)], o.email);
  }

  private portalContact(): Node {
    const { g } = this;
    const node = namedNode(`${this.base}/catalog#contact`);
    g.once('portal contact', () => {
      g.add(node, a, vcard('Kind'));
      g.add(node, a, vcard('Organization'));
      g.add(node, vcard('fn'), literal(`Open data — ${new URL(this.base).host}`));
      g.addTexts(node, vcard('organization-name'), [['fr', 'Portail de données ouvertes'], ['nl', 'Open dataportaal'], ['de', 'Offenes Datenportal'], ['en', 'Open data portal']]);
      g.add(node, vcard('hasURL'), namedNode(`${this.base}/`));
    });
    return node;
  }

  /** Places as Statbel REFNIS concepts with their extent (docs/decisions/0009-dcat-ap.md: why not GeoNames). */
  private addSpatial(subject: Node, nisCodes: string[]): void {
    const { g } = this;
    for (const nis of nisCodes) {
      const node = namedNode(refnisUri(nis));
      g.add(subject, dct('spatial'), node);
      g.once(`place ${nis}`, () => {
        g.add(node, a, dct('Location'));
        g.add(node, skos('inScheme'), namedNode(REFNIS_SCHEME));
        g.add(node, skos('notation'), literal(nis));
        const c = communesByNis().get(nis);
        if (c) g.addTexts(node, skos('prefLabel'), [['fr', c.name_fr], ['nl', c.name_nl], ['de', c.name_de]]);
        const e = COMMUNE_EXTENTS[nis];
        if (e) {
          const wkt = namedNode(`${NS.geo}wktLiteral`);
          g.add(node, dcat('bbox'), literal(bboxWkt(e.bbox), wkt));
          g.add(node, dcat('centroid'), literal(pointWkt(e.centroid), wkt));
          g.add(node, namedNode(`${NS.locn}geometry`), literal(e.wkt, wkt));
        }
      });
    }
  }

  /** The REFNIS codes a dataset's spatial field names (5-digit commune codes), else its organization's commune. */
  private spatialCodes(d: CatalogDataset, o: OrganizationView | undefined): string[] {
    const known = communesByNis();
    const codes = (d.spatial ?? '').split(/[\s,;]+/).filter((c) => /^\d{5}$/.test(c) && known.has(c));
    if (codes.length) return [...new Set(codes)];
    return o?.nisCode ? [o.nisCode] : [];
  }

  // ---- Vocabularies ------------------------------------------------------------------------

  private language(l: Lang): Node {
    return this.g.concept(languageConcept(l), `${NS.dct}LinguisticSystem`);
  }

  /** What the licence allows, in words (dct:rights): reusers and the metadata quality check read it. */
  private rights(licenceField: string | null | undefined): Node | undefined {
    const known = knownLicence(licenceField);
    if (!known) return undefined;
    const { g } = this;
    const node = namedNode(`${this.base}/catalog#rights-${slugify(known.id)}`);
    g.once(`rights ${known.id}`, () => {
      g.add(node, a, dct('RightsStatement'));
      g.add(node, namedNode(`${NS.rdfs}label`), literal(known.conditions, 'en'));
    });
    return node;
  }

  private licence(l: Licence): Node {
    const { g } = this;
    const node = namedNode(l.uri!);
    g.once(`licence ${l.uri}`, () => {
      g.add(node, a, dct('LicenseDocument'));
      g.addTexts(node, dct('title'), LANGS.map((lang) => [lang, l.title[lang]]));
      for (const t of l.types) g.add(node, dct('type'), g.concept(licenceTypeConcept(t)));
    });
    return node;
  }

  /**
   * A dataset's licence: the EU licence it names, or a licence of its own described by its text
   * (typed "unknown IPR": the EU list does not say what it allows). None when the field is empty.
   */
  private datasetLicence(raw: string | null, lang: Lang): Node | undefined {
    const known = licenceOf(raw);
    if (known) return this.licence(known);
    const text = cleanText(raw ?? '');
    if (!text) return undefined;
    const uri = safeUrl(text) ?? `${this.base}/catalog#licence-${slugify(text)}`;
    const { g } = this;
    const node = namedNode(uri);
    g.once(`licence ${uri}`, () => {
      g.add(node, a, dct('LicenseDocument'));
      g.add(node, dct('title'), literal(text, lang));
      g.add(node, dct('type'), g.concept(licenceTypeConcept('UnknownIPR')));
    });
    return node;
  }

  private dateTime(iso: string) {
    return literal(new Date(iso).toISOString(), xsd('dateTime'));
  }

  private date(day: string) {
    return literal(day, xsd('date'));
  }

  // ---- Datasets and distributions ------------------------------------------------------------

  private datasetUri(d: CatalogDataset): string {
    return `${this.base}/datasets/${encodeURIComponent(d.id)}#dataset`;
  }

  private landingPage(d: CatalogDataset): string {
    return `${this.base}/datasets/${encodeURIComponent(d.id)}`;
  }

  private dataset(d: CatalogDataset): Node {
    const { g } = this;
    const o = this.orgs.get(d.organizationId);
    const lang: Lang = defaultLanguageOf(o?.region);
    const node = namedNode(this.datasetUri(d));
    const landing = this.landingPage(d);
    const titles = texts(d.title);
    if (!titles.length) titles.push([lang, cleanText(d.slug)]);
    const titleLangs = titles.map(([l]) => l);
    const names = o ? this.names(o) : undefined;

    g.add(node, a, dcat('Dataset'));
    g.add(node, dct('identifier'), literal(d.id));
    g.addTexts(node, dct('title'), titles);
    const descriptions = texts(d.description);
    g.addTexts(node, dct('description'), descriptions.length ? descriptions : this.describeTables(d, titleLangs, names));

    const { codes, unrecognised } = themesOf(d.theme);
    const keywords = [...new Set([...d.keywords, ...unrecognised].map(cleanText).filter(Boolean))];
    // A dataset without keywords is at least findable by its commune's name.
    if (!keywords.length && names) keywords.push(names[lang]);
    for (const k of keywords) g.add(node, dcat('keyword'), literal(k, lang));
    for (const code of codes.length ? codes : [DEFAULT_THEME]) g.add(node, dcat('theme'), g.concept(themeConcept(code)));

    if (o) {
      g.add(node, dct('publisher'), this.agent(o));
      const cp = d.contactPoint;
      const contactName = cp?.name ? cleanText(cp.name) : '';
      g.add(node, dcat('contactPoint'), contactName || cp?.email
        ? this.contact(namedNode(`${landing}#contact`), o, contactName || this.names(o)[lang], cp?.email ?? o.email)
        : this.organizationContact(o));
    }
    this.addSpatial(node, this.spatialCodes(d, o));
    this.temporal(node, d, landing);
    g.add(node, dct('accrualPeriodicity'), g.concept(frequencyConcept(d.updateFrequency), `${NS.dct}Frequency`));
    g.add(node, dct('accessRights'), g.concept(ACCESS_PUBLIC, `${NS.dct}RightsStatement`));
    g.add(node, dcat('landingPage'), g.document(landing));
    g.add(node, dct('issued'), this.dateTime(d.createdAt));
    // Created and first committed in one publish, a dataset may carry an update a millisecond before its creation.
    g.add(node, dct('modified'), this.dateTime(d.updatedAt > d.createdAt ? d.updatedAt : d.createdAt));
    const languages = new Set<Lang>([...titleLangs, ...descriptions.map(([l]) => l)]);
    for (const l of languages) g.add(node, dct('language'), this.language(l));
    const licence = this.datasetLicence(d.licence, lang);
    // DCAT-AP 3 puts the licence on distributions; the federal profile also wants it on the dataset.
    if (licence) g.add(node, dct('license'), licence);

    for (const r of d.resources) {
      for (const format of EXPORT_FORMATS) {
        g.add(node, dcat('distribution'), this.distribution(d, r, format, titles, [...languages], licence, d.resources.length > 1));
      }
    }
    for (const link of d.links ?? []) g.add(node, dcat('distribution'), this.linkDistribution(d, link, titles, [...languages], licence, lang));
    // A harvested dataset keeps its page at the source.
    const origin = d.landingPage ? safeUrl(d.landingPage) : undefined;
    if (origin) g.add(node, foaf('page'), g.document(origin));
    return node;
  }

  /**
   * A harvested distribution: a link to a file held elsewhere. What its source did not say
   * (availability, sometimes the format) stays unsaid rather than guessed.
   */
  private linkDistribution(d: CatalogDataset, link: CatalogLink, titles: [Lang, string][], languages: Lang[], licence: Node | undefined, lang: Lang): Node {
    const { g } = this;
    const landing = this.landingPage(d);
    const node = namedNode(`${landing}#${encodeURIComponent(link.id)}`);
    const name = cleanText(link.name) || cleanText(link.url);
    g.add(node, a, dcat('Distribution'));
    g.add(node, dct('title'), literal(name, lang));
    const description = cleanText(link.description ?? '');
    const fallback: Record<Lang, string> = {
      fr: `Lien vers « ${name} », publié à une autre adresse.`, nl: `Link naar ‘${name}’, elders gepubliceerd.`,
      de: `Link zu „${name}“, an anderer Stelle veröffentlicht.`, en: `Link to “${name}”, published elsewhere.`,
    };
    g.addTexts(node, dct('description'), description ? [[lang, description]] : titles.map(([l]) => [l, fallback[l]]));
    g.add(node, dcat('accessURL'), namedNode(safeUrl(link.url) ?? landing));
    const f = linkedFileFormat(link.format, link.mediaType);
    const declared = (link.mediaType ?? '').split(';')[0].trim().toLowerCase();
    const mediaType = f?.mediaType ?? (/^[a-z]+\/[a-z0-9.+-]+$/.test(declared) ? declared : undefined);
    if (f) g.add(node, dct('format'), g.concept(f.fileType, `${NS.dct}MediaTypeOrExtent`));
    if (mediaType) {
      g.add(node, dcat('mediaType'), namedNode(mediaTypeUri(mediaType)));
      g.add(namedNode(mediaTypeUri(mediaType)), a, dct('MediaType'));
    }
    if (licence) g.add(node, dct('license'), licence);
    g.add(node, dct('issued'), this.dateTime(link.createdAt));
    g.add(node, dct('modified'), this.dateTime(link.updatedAt > link.createdAt ? link.updatedAt : link.createdAt));
    for (const l of languages) g.add(node, dct('language'), this.language(l));
    return node;
  }

  /** The period a dataset covers: the one its publisher gave, completed by its version dates. */
  private temporal(node: Node, d: CatalogDataset, landing: string): void {
    const firstData = d.resources.map((r) => r.firstPublishedAt).sort()[0] ?? d.createdAt;
    const lastData = d.resources.map((r) => r.latest.createdAt).sort().pop() ?? d.updatedAt;
    const given = { start: d.temporal.start ? periodBounds(d.temporal.start).start : undefined, end: d.temporal.end ? periodBounds(d.temporal.end).end : undefined };
    let start = given.start ?? dayOf(firstData);
    let end = given.end ?? dayOf(lastData);
    if (end < start) {
      // Only one bound was given and the version dates fall on the other side of it.
      if (!given.start) start = d.temporal.end ? periodBounds(d.temporal.end).start : end;
      else if (!given.end) end = start;
      else [start, end] = [end, start];
    }
    const period = namedNode(`${landing}#temporal`);
    this.g.add(node, dct('temporal'), period);
    this.g.add(period, a, dct('PeriodOfTime'));
    this.g.add(period, dcat('startDate'), this.date(start));
    this.g.add(period, dcat('endDate'), this.date(end));
  }

  /** A description of a dataset that has none, from what its tables hold. */
  private describeTables(d: CatalogDataset, langs: Lang[], names: Record<Lang, string> | undefined): [Lang, string][] {
    const list = (l: Lang) => d.resources.map((r) => {
      const rows = r.latest.rowCount, cols = r.latest.columnCount, name = cleanText(r.name);
      const item: Record<Lang, string> = {
        fr: `« ${name} » (${plural(rows, 'ligne', 'lignes')}, ${plural(cols, 'colonne', 'colonnes')})`,
        nl: `‘${name}’ (${plural(rows, 'rij', 'rijen')}, ${plural(cols, 'kolom', 'kolommen')})`,
        de: `„${name}“ (${plural(rows, 'Zeile', 'Zeilen')}, ${plural(cols, 'Spalte', 'Spalten')})`,
        en: `“${name}” (${plural(rows, 'row', 'rows')}, ${plural(cols, 'column', 'columns')})`,
      };
      return item[l];
    }).join('; ');
    const by = (l: Lang) => names?.[l] ?? new URL(this.base).host;
    const sentence: Record<Lang, (l: Lang) => string> = {
      fr: (l) => `Données publiées par ${by(l)} : ${list(l)}.`,
      nl: (l) => `Gegevens gepubliceerd door ${by(l)}: ${list(l)}.`,
      de: (l) => `Von ${by(l)} veröffentlichte Daten: ${list(l)}.`,
      en: (l) => `Data published by ${by(l)}: ${list(l)}.`,
    };
    return langs.map((l) => [l, sentence[l](l)]);
  }

  private distribution(
    d: CatalogDataset, r: CatalogResource, format: (typeof EXPORT_FORMATS)[number], titles: [Lang, string][],
    languages: Lang[], licence: Node | undefined, severalResources: boolean,
  ): Node {
    const { g } = this;
    const landing = this.landingPage(d);
    const node = namedNode(`${landing}#${encodeURIComponent(r.id)}-${format}`);
    const f = fileFormat(format);
    const name = cleanText(r.name);
    const rows = r.latest.rowCount, cols = r.latest.columnCount, v = r.latest.number;
    const descriptions: Record<Lang, string> = {
      fr: `Téléchargement ${f.label} de « ${name} », version ${v} : ${plural(rows, 'ligne', 'lignes')}, ${plural(cols, 'colonne', 'colonnes')}.`,
      nl: `Download in ${f.label} van ‘${name}’, versie ${v}: ${plural(rows, 'rij', 'rijen')}, ${plural(cols, 'kolom', 'kolommen')}.`,
      de: `Download als ${f.label} von „${name}“, Version ${v}: ${plural(rows, 'Zeile', 'Zeilen')}, ${plural(cols, 'Spalte', 'Spalten')}.`,
      en: `${f.label} download of “${name}”, version ${v}: ${plural(rows, 'row', 'rows')}, ${plural(cols, 'column', 'columns')}.`,
    };
    const query = r.position === 0 ? '' : `?resource=${encodeURIComponent(r.id)}`;

    g.add(node, a, dcat('Distribution'));
    g.addTexts(node, dct('title'), titles.map(([l, t]) => [l, severalResources ? `${t} – ${name} (${f.label})` : `${t} (${f.label})`]));
    g.addTexts(node, dct('description'), titles.map(([l]) => [l, descriptions[l]]));
    g.add(node, dcat('accessURL'), namedNode(landing));
    g.add(node, dcat('downloadURL'), namedNode(`${this.base}/api/datasets/${encodeURIComponent(d.id)}/download.${format}${query}`));
    g.add(node, dct('format'), g.concept(f.fileType, `${NS.dct}MediaTypeOrExtent`));
    const mediaType = namedNode(mediaTypeUri(f.mediaType));
    g.add(node, dcat('mediaType'), mediaType);
    g.add(mediaType, a, dct('MediaType'));
    if (licence) g.add(node, dct('license'), licence);
    const rights = this.rights(d.licence);
    if (rights) g.add(node, dct('rights'), rights);
    g.add(node, namedNode(`${NS.dcatap}availability`), g.concept(AVAILABILITY_STABLE));
    g.add(node, dcat('accessService'), namedNode(this.serviceUri('api')));
    g.add(node, dct('issued'), this.dateTime(r.firstPublishedAt));
    g.add(node, dct('modified'), this.dateTime(r.latest.createdAt));
    for (const l of languages) g.add(node, dct('language'), this.language(l));
    const bytes = r.downloadBytes[format];
    if (bytes != null) g.add(node, dcat('byteSize'), literal(String(bytes), xsd('nonNegativeInteger')));
    return node;
  }

  // ---- Data services -----------------------------------------------------------------------

  private serviceUri(which: 'api' | 'ckan'): string {
    return `${this.base}/catalog#${which === 'api' ? 'api' : 'ckan-api'}`;
  }

  /** The row API and its CKAN-compatible twin, each serving the datasets of this document. */
  private services(datasets: CatalogDataset[], datasetNodes: Node[], publisher: Node, contact: Node) {
    const { g, base } = this;
    const themes = new Set<string>();
    const licences = new Map<string, { count: number; raw: string | null; lang: Lang }>();
    for (const d of datasets) {
      const { codes } = themesOf(d.theme);
      for (const c of codes.length ? codes : [DEFAULT_THEME]) themes.add(c);
      const key = licenceOf(d.licence)?.uri ?? cleanText(d.licence ?? '');
      if (!key) continue;
      const entry = licences.get(key) ?? { count: 0, raw: d.licence, lang: defaultLanguageOf(this.orgs.get(d.organizationId)?.region) };
      entry.count++;
      licences.set(key, entry);
    }
    if (!themes.size) themes.add(DEFAULT_THEME);
    // The API adds no condition of its own; the licence most of its datasets carry stands for it.
    const common = [...licences.values()].sort((x, y) => y.count - x.count)[0];
    const licence = common ? this.datasetLicence(common.raw, common.lang) : this.licence(licenceOf('CC0')!);

    const defs = [
      {
        uri: this.serviceUri('api'), endpoint: `${base}/api`, standard: 'https://spec.openapis.org/oas/v3.0.3',
        title: [['fr', 'API de données ouvertes (lignes et téléchargements)'], ['nl', 'Open-data-API (rijen en downloads)'], ['de', 'Open-Data-API (Zeilen und Downloads)'], ['en', 'Open data API (rows and downloads)']] as [Lang, string][],
        description: [
          ['fr', 'Interroge les lignes de chaque tableau publié (filtres, tri, recherche plein texte) et télécharge ses versions en CSV, JSON, Parquet ou XLSX. Décrite en OpenAPI.'],
          ['nl', 'Bevraagt de rijen van elke gepubliceerde tabel (filters, sortering, zoeken in volledige tekst) en downloadt haar versies als CSV, JSON, Parquet of XLSX. Beschreven in OpenAPI.'],
          ['de', 'Fragt die Zeilen jeder veröffentlichten Tabelle ab (Filter, Sortierung, Volltextsuche) und lädt ihre Versionen als CSV, JSON, Parquet oder XLSX herunter. In OpenAPI beschrieben.'],
          ['en', 'Queries the rows of every published table (filters, sorting, full-text search) and downloads its versions as CSV, JSON, Parquet or XLSX. Described in OpenAPI.'],
        ] as [Lang, string][],
        keywords: ['API', 'OpenAPI'],
      },
      {
        uri: this.serviceUri('ckan'), endpoint: `${base}/api/3/action`, standard: 'https://docs.ckan.org/en/2.11/api/',
        title: [['fr', 'API compatible CKAN (datastore_search)'], ['nl', 'CKAN-compatibele API (datastore_search)'], ['de', 'CKAN-kompatible API (datastore_search)'], ['en', 'CKAN-compatible API (datastore_search)']] as [Lang, string][],
        description: [
          ['fr', 'Les lignes de chaque tableau publié, avec les paramètres et les réponses de l’action datastore_search de CKAN, pour les outils écrits pour CKAN.'],
          ['nl', 'De rijen van elke gepubliceerde tabel, met de parameters en antwoorden van de CKAN-actie datastore_search, voor tools die voor CKAN geschreven zijn.'],
          ['de', 'Die Zeilen jeder veröffentlichten Tabelle, mit den Parametern und Antworten der CKAN-Aktion datastore_search, für Werkzeuge, die für CKAN geschrieben wurden.'],
          ['en', 'The rows of every published table, with the parameters and answers of CKAN’s datastore_search action, for tools written for CKAN.'],
        ] as [Lang, string][],
        keywords: ['API', 'CKAN', 'datastore_search'],
      },
    ];
    return defs.map((s) => {
      const node = namedNode(s.uri);
      g.add(node, a, dcat('DataService'));
      g.addTexts(node, dct('title'), s.title);
      g.addTexts(node, dct('description'), s.description);
      g.add(node, dcat('endpointURL'), namedNode(s.endpoint));
      g.add(namedNode(s.endpoint), a, namedNode(`${NS.rdfs}Resource`));
      const description = namedNode(`${base}/api/docs/json`);
      g.add(node, dcat('endpointDescription'), description);
      g.add(description, a, namedNode(`${NS.rdfs}Resource`));
      g.add(node, dct('conformsTo'), namedNode(s.standard));
      g.add(namedNode(s.standard), a, dct('Standard'));
      g.add(node, dcat('landingPage'), g.document(`${base}/api/docs`));
      for (const ds of datasetNodes) g.add(node, dcat('servesDataset'), ds);
      g.add(node, dct('publisher'), publisher);
      g.add(node, dcat('contactPoint'), contact);
      for (const code of themes) g.add(node, dcat('theme'), g.concept(themeConcept(code)));
      for (const k of s.keywords) for (const l of LANGS) g.add(node, dcat('keyword'), literal(k, l));
      if (licence) g.add(node, dct('license'), licence);
      g.add(node, dct('accessRights'), g.concept(ACCESS_PUBLIC, `${NS.dct}RightsStatement`));
      return node;
    });
  }
}

/** An http(s) URL usable as an IRI as it is in every serialisation, or undefined. */
export function safeUrl(text: string): string | undefined {
  if (!/^https?:\/\//i.test(text)) return undefined;
  try {
    const href = new URL(text).href;
    return /^[\x21-\x7e]+$/.test(href) && !/[<>"{}|\\^`]/.test(href) ? href : undefined;
  } catch {
    return undefined;
  }
}

/** Reading order of the nodes: catalog, datasets, distributions, services, then what they point to. */
const RANK = [`${NS.dcat}Catalog`, `${NS.dcat}Dataset`, `${NS.dcat}Distribution`, `${NS.dcat}DataService`, `${NS.foaf}Agent`, `${NS.vcard}Kind`, `${NS.dct}PeriodOfTime`, `${NS.dct}Location`, `${NS.dct}LicenseDocument`];

/** The quads of a catalog graph grouped by subject, in reading order (RANK, then the order they were described in). */
export function catalogQuads(store: n3.Store): n3.Quad[] {
  const groups = new Map<string, n3.Quad[]>();
  for (const q of store.getQuads(null, null, null, null)) {
    const key = q.subject.value;
    const list = groups.get(key);
    if (list) list.push(q); else groups.set(key, [q]);
  }
  const rank = (quads: n3.Quad[]) => {
    const types = quads.filter((q) => q.predicate.value === `${NS.rdf}type`).map((q) => RANK.indexOf(q.object.value)).filter((i) => i >= 0);
    return types.length ? Math.min(...types) : RANK.length;
  };
  return [...groups.values()].map((quads, i) => ({ quads, i, r: rank(quads) })).sort((x, y) => x.r - y.r || x.i - y.i).flatMap((g) => g.quads);
}

const mailto = (email: string) => namedNode(`mailto:${encodeURI(email)}`);
