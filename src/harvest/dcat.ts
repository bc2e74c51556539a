/**
 * DCAT-AP catalogs in any RDF serialisation: Turtle, N-Triples, N-Quads, TriG (n3), JSON-LD
 * (jsonld) and RDF/XML (rdfxml-streaming-parser), told apart by the declared type and, when that
 * says nothing RDF-specific, by the first bytes. A paged catalog links its next page with Hydra
 * (hydra:next on a hydra:PartialCollectionView, or the older hydra:nextPage on a
 * hydra:PagedCollection); each page is parsed into its own store and let go before the next.
 */
import fs from 'node:fs';
import { Parser as N3Parser, Store, StreamParser, DataFactory, type Quad, type Term } from 'n3';
import jsonld from 'jsonld';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import type { Lang } from '../catalog/datasets.ts';
import { showUrl } from '../ingest/fetch/address.ts';
import { badAnswer, MAX_RDF_PAGE_BYTES, type Fetched, type Remote } from './remote.ts';
import { emailOf, finish, httpUrl, isoTimestamp, linkResource, mapFrequency, mapLicence, mapThemes, temporalDate, textsByLang } from './normalise.ts';
import type { HarvestResource, Page, PageItem, SourceSpec } from './types.ts';

const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const RDFS = 'http://www.w3.org/2000/01/rdf-schema#';
const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';
const FOAF = 'http://xmlns.com/foaf/0.1/';
const VCARD = 'http://www.w3.org/2006/vcard/ns#';
const SKOS = 'http://www.w3.org/2004/02/skos/core#';
const HYDRA = 'http://www.w3.org/ns/hydra/core#';
const SCHEMA = ['http://schema.org/', 'https://schema.org/'];
const { namedNode } = DataFactory;

type Syntax = 'turtle' | 'ntriples' | 'nquads' | 'trig' | 'jsonld' | 'rdfxml';
const SYNTAX_NAMES: Record<Syntax, string> = { turtle: 'Turtle', ntriples: 'N-Triples', nquads: 'N-Quads', trig: 'TriG', jsonld: 'JSON-LD', rdfxml: 'RDF/XML' };
const DECLARED: Record<string, Syntax> = {
  'text/turtle': 'turtle', 'application/x-turtle': 'turtle', 'text/n3': 'turtle', 'application/n-triples': 'ntriples', 'application/n-quads': 'nquads',
  'application/trig': 'trig', 'application/ld+json': 'jsonld', 'application/rdf+xml': 'rdfxml',
};
const N3_FORMATS: Record<'turtle' | 'ntriples' | 'nquads' | 'trig', string> = { turtle: 'Turtle', ntriples: 'N-Triples', nquads: 'N-Quads', trig: 'TriG' };

/** Remote JSON-LD contexts a page may load, and their total size: a catalog needs one or two. */
const MAX_CONTEXTS = 10;

/** The serialisation of a downloaded page: by its RDF media type, else by its first bytes. */
export async function syntaxOf(f: Pick<Fetched, 'path' | 'mediaType'>): Promise<Syntax> {
  const declared = f.mediaType ? DECLARED[f.mediaType] : undefined;
  if (declared) return declared;
  const fd = await fs.promises.open(f.path, 'r');
  const buf = Buffer.alloc(4096);
  try {
    await fd.read(buf, 0, buf.length, 0);
  } finally {
    await fd.close();
  }
  const head = buf.toString('utf8').replace(/^\uFEFF/, '').replace(/\0+$/, '').trimStart();
  if (head.startsWith('{') || head.startsWith('[')) return 'jsonld';
  // "<http://…> <…> ." is Turtle or N-Triples; "<?xml", "<!--" or "<rdf:RDF" is XML.
  if (/^<(\?xml|!--|[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?[\s>/])/.test(head)) return 'rdfxml';
  return 'turtle';
}

/** Parses a downloaded page into a store; a syntax error names the URL, the syntax and the line. */
export async function parseRdf(f: Fetched, url: string, remote: Remote): Promise<Store> {
  const syntax = await syntaxOf(f);
  const store = new Store();
  const malformed = (e: unknown) => badAnswer(url, `The catalog at ${showUrl(url)} is not valid ${SYNTAX_NAMES[syntax]}: ${e instanceof Error ? e.message : String(e)} Tell the catalog's publisher; the datasets already harvested from it stay as they are.`, 'malformed');
  if (syntax === 'jsonld') {
    let doc: unknown;
    try {
      doc = JSON.parse((await fs.promises.readFile(f.path, 'utf8')).replace(/^\uFEFF/, ''));
    } catch (e) {
      throw badAnswer(url, `The catalog at ${showUrl(url)} looks like JSON-LD but is not valid JSON (${e instanceof Error ? e.message : String(e)}). Tell the catalog's publisher; the datasets already harvested from it stay as they are.`, 'malformed');
    }
    let nquads: string;
    try {
      nquads = (await jsonld.toRDF(doc as jsonld.JsonLdDocument, { format: 'application/n-quads', base: f.finalUrl, documentLoader: contextLoader(remote) as never })) as unknown as string;
    } catch (e) {
      const inner = e as { message?: string; details?: { cause?: unknown } };
      const cause = inner.details?.cause;
      if (cause && typeof cause === 'object' && 'code' in cause && 'status' in cause) throw cause;
      throw malformed(new Error(`${inner.message ?? String(e)}.`));
    }
    try {
      store.addQuads(new N3Parser({ format: 'N-Quads' }).parse(nquads));
    } catch (e) {
      throw malformed(e);
    }
    return store;
  }
  const input = fs.createReadStream(f.path);
  const parser = syntax === 'rdfxml' ? new RdfXmlParser({ baseIRI: f.finalUrl }) : new StreamParser({ format: N3_FORMATS[syntax], baseIRI: f.finalUrl });
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      input.destroy();
      reject(malformed(e));
    };
    input.on('error', fail);
    parser.on('error', fail);
    parser.on('data', (q: Quad) => store.addQuad(q));
    parser.on('end', () => { if (!failed) resolve(); });
    input.pipe(parser as unknown as NodeJS.WritableStream);
  });
  return store;
}

/**
 * Remote @context documents, fetched like every other request (public addresses, time and size
 * limits) and kept for the run; jsonld's own loader would bypass those checks.
 */
function contextLoader(remote: Remote) {
  const cache = new Map<string, unknown>();
  return async (url: string) => {
    if (!cache.has(url)) {
      if (cache.size >= MAX_CONTEXTS) throw badAnswer(url, `The catalog loads more than ${MAX_CONTEXTS} remote JSON-LD contexts; Dataville stops there. Ask the publisher to inline the context or use fewer.`, 'malformed');
      cache.set(url, await remote.json(url, 'a JSON-LD context'));
    }
    return { contextUrl: undefined, documentUrl: url, document: cache.get(url) };
  };
}

/** Reading one page's store. */
class Graph {
  constructor(readonly store: Store) {}
  objects(s: Term, p: string): Term[] {
    return this.store.getObjects(s, namedNode(p), null);
  }
  objectsAny(s: Term, ps: string[]): Term[] {
    return ps.flatMap((p) => this.objects(s, p));
  }
  first(s: Term, p: string | string[]): Term | undefined {
    return (Array.isArray(p) ? this.objectsAny(s, p) : this.objects(s, p))[0];
  }
  literals(s: Term, p: string | string[]): { value: string; lang: string | null }[] {
    return (Array.isArray(p) ? this.objectsAny(s, p) : this.objects(s, p))
      .filter((o) => o.termType === 'Literal')
      .map((o) => ({ value: o.value, lang: (o as { language?: string }).language || null }));
  }
  /** The text of a property; for a node, its name or label in the wanted language, else its IRI. */
  text(s: Term, p: string | string[], lang: Lang): string | null {
    const o = this.first(s, p);
    if (!o) return null;
    if (o.termType === 'Literal') return pick(this.literals(s, p), lang);
    return this.label(o, lang) ?? (o.termType === 'NamedNode' ? o.value : null);
  }
  label(node: Term, lang: Lang): string | null {
    return pick(this.literals(node, [`${FOAF}name`, `${VCARD}fn`, `${VCARD}organization-name`, `${SKOS}prefLabel`, `${RDFS}label`, `${DCT}title`, `${RDF}value`, `${DCT}identifier`]), lang);
  }
  /** IRIs and literal values of a property, and the labels of its nodes (licences, themes, formats). */
  values(s: Term, p: string | string[], lang: Lang): string[] {
    const out: string[] = [];
    for (const o of Array.isArray(p) ? this.objectsAny(s, p) : this.objects(s, p)) {
      if (o.termType === 'NamedNode' || o.termType === 'Literal') out.push(o.value);
      const l = o.termType !== 'Literal' ? this.label(o, lang) : null;
      if (l) out.push(l);
    }
    return out;
  }
}

function pick(values: { value: string; lang: string | null }[], lang: Lang): string | null {
  if (!values.length) return null;
  const texts = textsByLang(values, lang);
  return texts[lang] ?? Object.values(texts)[0] ?? values[0].value;
}

/** The records of a page, its next page (Hydra) and the total it announces. */
export function readDcatPage(store: Store, spec: Pick<SourceSpec, 'lang'>, url: string): { items: PageItem[]; next: string | null; total: number | undefined; isCatalog: boolean } {
  const g = new Graph(store);
  const typed = store.getSubjects(namedNode(`${RDF}type`), namedNode(`${DCAT}Dataset`), null);
  const linked = store.getObjects(null, namedNode(`${DCAT}dataset`), null);
  const seen = new Set<string>();
  const datasets: Term[] = [];
  for (const d of [...typed, ...linked]) {
    const key = `${d.termType}:${d.value}`;
    if (!seen.has(key)) {
      seen.add(key);
      datasets.push(d);
    }
  }
  const catalogs = store.getSubjects(namedNode(`${RDF}type`), namedNode(`${DCAT}Catalog`), null);
  const nextTerm = store.getObjects(null, namedNode(`${HYDRA}next`), null)[0] ?? store.getObjects(null, namedNode(`${HYDRA}nextPage`), null)[0];
  const next = nextTerm ? httpUrl(nextTerm.value, url) : null;
  const totalTerm = store.getObjects(null, namedNode(`${HYDRA}totalItems`), null)[0];
  const total = totalTerm && /^\d+$/.test(totalTerm.value) ? Number(totalTerm.value) : undefined;
  return {
    items: datasets.map((d) => dcatRecord(g, d, spec.lang)),
    next,
    total,
    isCatalog: datasets.length > 0 || catalogs.length > 0 || nextTerm !== undefined,
  };
}

function dcatRecord(g: Graph, d: Term, lang: Lang): PageItem {
  const warnings: string[] = [];
  const idLiteral = g.literals(d, `${DCT}identifier`)[0]?.value?.trim();
  const identifier = idLiteral || (d.termType === 'NamedNode' ? d.value : '');
  if (!identifier) {
    return { ok: false, identifier: null, message: `A dataset of the catalog${g.literals(d, `${DCT}title`)[0] ? ` ("${g.literals(d, `${DCT}title`)[0].value.slice(0, 80)}")` : ''} has neither a dct:identifier nor an IRI, so it cannot be followed from one run to the next; it was skipped. Ask the publisher to give it one.` };
  }
  const distributions = g.objects(d, `${DCAT}distribution`);

  const theme = mapThemes(g.values(d, `${DCAT}theme`, lang));
  if (theme.warning) warnings.push(theme.warning);
  // DCAT-AP puts the licence on the distributions; the dataset's own comes first when it has one.
  const licenceValues = [...g.values(d, `${DCT}license`, lang), ...distributions.flatMap((x) => g.values(x, `${DCT}license`, lang))];
  const licence = mapLicence(licenceValues);
  if (licence.warning) warnings.push(licence.warning);
  const frequencyValue = g.first(d, `${DCT}accrualPeriodicity`);
  const frequencyText = frequencyValue ? (frequencyValue.termType === 'BlankNode' ? g.label(frequencyValue, lang) : frequencyValue.value) : null;
  const updateFrequency = mapFrequency(frequencyText);
  if (frequencyText && !updateFrequency) warnings.push(`The update frequency "${frequencyText}" is not one Dataville knows; the dataset has none here.`);

  const contact = g.first(d, `${DCAT}contactPoint`);
  let contactPoint: { name?: string; email?: string } | null = null;
  if (contact) {
    const name = contact.termType === 'Literal' ? contact.value : g.label(contact, lang);
    const emailTerm = contact.termType === 'Literal' ? undefined : g.first(contact, `${VCARD}hasEmail`);
    const emailText = emailTerm ? (emailTerm.termType === 'BlankNode' ? g.text(emailTerm, `${VCARD}value`, lang) : emailTerm.value) : null;
    const email = emailOf(emailText);
    if (name || email) contactPoint = { ...(name && { name }), ...(email && { email }) };
  }
  const temporal = g.first(d, `${DCT}temporal`);
  const dateOf = (p: string[]) => (temporal && temporal.termType !== 'Literal' ? temporalDate(g.literals(temporal, p)[0]?.value) : null);

  const resources: (HarvestResource | null)[] = distributions.map((x, i) => {
    const url = g.first(x, `${DCAT}downloadURL`) ?? g.first(x, `${DCAT}accessURL`);
    const name = g.text(x, `${DCT}title`, lang);
    const description = g.text(x, `${DCT}description`, lang);
    const formatTerm = g.first(x, `${DCT}format`);
    const format = formatTerm ? (formatTerm.termType === 'BlankNode' ? g.label(formatTerm, lang) : formatTerm.value) : null;
    const mediaTerm = g.first(x, `${DCAT}mediaType`);
    return linkResource({ name, url: url?.value ?? null, format, mediaType: mediaTerm ? mediaTerm.value : null, description }, warnings, `Its distribution ${name ? `"${name}"` : `#${i + 1}`}`);
  });

  const publisher = g.first(d, `${DCT}publisher`);
  return finish({
    identifier,
    title: textsByLang(g.literals(d, `${DCT}title`), lang),
    description: textsByLang(g.literals(d, `${DCT}description`), lang),
    keywords: pickKeywords(g.literals(d, `${DCAT}keyword`)),
    theme: theme.theme,
    licence: licence.licence,
    publisher: publisher ? (publisher.termType === 'Literal' ? publisher.value : g.label(publisher, lang)) : null,
    contactPoint,
    updateFrequency,
    temporalStart: dateOf([`${DCAT}startDate`, ...SCHEMA.map((s) => `${s}startDate`)]),
    temporalEnd: dateOf([`${DCAT}endDate`, ...SCHEMA.map((s) => `${s}endDate`)]),
    landingPage: httpUrl(g.first(d, `${DCAT}landingPage`)?.value),
    issued: isoTimestamp(g.literals(d, `${DCT}issued`)[0]?.value),
    modified: isoTimestamp(g.literals(d, `${DCT}modified`)[0]?.value),
    resources,
  }, warnings);
}

/** Keywords in the four languages (untagged ones too); others only when there is nothing else. */
function pickKeywords(values: { value: string; lang: string | null }[]): string[] {
  const ours = values.filter((v) => !v.lang || ['fr', 'nl', 'de', 'en'].includes(v.lang.slice(0, 2).toLowerCase()));
  return (ours.length ? ours : values).map((v) => v.value);
}

/** One page fetched, parsed and read; its store is let go when this returns, before the records are written. */
async function readPage(url: string, spec: SourceSpec, remote: Remote) {
  const f = await remote.get(url, 'a DCAT catalog (Turtle, JSON-LD or RDF/XML)', MAX_RDF_PAGE_BYTES);
  let store: Store;
  try {
    store = await parseRdf(f, url, remote);
  } finally {
    await remote.done(f);
  }
  return { ...readDcatPage(store, spec, f.finalUrl), statements: store.size };
}

/** The catalog's pages, each parsed, read and let go before the next is fetched. */
export async function* listDcat(spec: SourceSpec, remote: Remote): AsyncGenerator<Page> {
  let url: string | null = spec.url;
  const visited = new Set<string>();
  let first = true;
  while (url) {
    if (visited.has(url)) throw badAnswer(url, `The catalog's paging comes back to ${showUrl(url)}, a page already read (a loop in hydra:next). Tell the catalog's publisher.`, 'paging_loop');
    visited.add(url);
    const page = await readPage(url, spec, remote);
    if (first && !page.isCatalog) {
      throw badAnswer(url, `The document at ${showUrl(url)} is RDF (${page.statements} statements) but holds no dcat:Catalog or dcat:Dataset. Check that the address is the DCAT catalog itself.`, 'not_catalog');
    }
    first = false;
    yield { url, items: page.items, listed: page.items.length, total: page.total };
    url = page.next;
  }
}
