/**
 * The four RDF serialisations of a catalog graph, each written by a library: Turtle and
 * N-Triples by N3.js, JSON-LD by jsonld-streaming-serializer (compacted with our prefixes), RDF/XML by graphy.
 */
import { createRequire } from 'node:module';
import n3 from 'n3';
import { JsonLdSerializer } from 'jsonld-streaming-serializer';
import { NS } from './vocabularies.ts';

export const RDF_FORMATS = {
  turtle: { extension: 'ttl', mediaType: 'text/turtle' },
  rdfxml: { extension: 'rdf', mediaType: 'application/rdf+xml' },
  jsonld: { extension: 'jsonld', mediaType: 'application/ld+json' },
  ntriples: { extension: 'nt', mediaType: 'application/n-triples' },
} as const;
export type RdfFormat = keyof typeof RDF_FORMATS;

export function formatOfExtension(ext: string): RdfFormat | undefined {
  return (Object.keys(RDF_FORMATS) as RdfFormat[]).find((f) => RDF_FORMATS[f].extension === ext);
}

/** Writes the quads in a format. Turtle starts with its prefix declarations (data.gov.be recognises Turtle by them). */
export async function serializeQuads(quads: n3.Quad[], format: RdfFormat): Promise<string> {
  switch (format) {
    case 'turtle': return write(quads, { prefixes: { ...NS }, format: 'Turtle' });
    case 'ntriples': return write(quads, { format: 'N-Triples' });
    case 'jsonld': return toJsonLd(quads);
    case 'rdfxml': return toRdfXml(quads);
  }
}

/** N3.js's streaming writer: prefix declarations first, then the triples grouped by subject. */
function write(quads: n3.Quad[], options: n3.WriterOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const writer = new n3.Writer(options);
    writer.addQuads(quads);
    writer.end((error, result: string) => (error ? reject(error) : resolve(result)));
  });
}

/** Streams the quads (grouped by subject) into one JSON-LD document with our prefixes as inline context: nothing is fetched. */
function toJsonLd(quads: n3.Quad[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const serializer = new JsonLdSerializer({ context: { ...NS }, space: '  ' });
    let out = '';
    serializer.on('data', (chunk: Buffer | string) => { out += chunk.toString(); });
    serializer.on('end', () => resolve(out.endsWith('\n') ? out : `${out}\n`));
    serializer.on('error', reject);
    for (const q of quads) serializer.write(q);
    serializer.end();
  });
}

interface XmlScriber {
  on(event: 'data', listener: (chunk: string) => void): void;
  on(event: 'end', listener: () => void): void;
  on(event: 'error', listener: (e: Error) => void): void;
  write(q: n3.Quad): void;
  end(): void;
}
const require = createRequire(import.meta.url);
const xmlScriber = require('@graphy/content.xml.scribe') as (config: { prefixes: Record<string, string> }) => XmlScriber;

function toRdfXml(quads: n3.Quad[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const { rdf: _rdf, ...prefixes } = NS;
    const scriber = xmlScriber({ prefixes });
    let out = '';
    scriber.on('data', (chunk) => { out += chunk; });
    scriber.on('end', () => resolve(out));
    scriber.on('error', reject);
    for (const q of quads) scriber.write(q);
    scriber.end();
  });
}

/**
 * The format an Accept header asks for (q-values and wildcards honoured; application/json counts
 * as JSON-LD). Turtle when nothing we serve is acceptable: a catalog is better than an error
 * for a browser or a harvester that sends no useful Accept.
 */
export function negotiateFormat(accept: string | undefined): RdfFormat {
  const byType: Record<string, RdfFormat> = {
    'text/turtle': 'turtle', 'application/x-turtle': 'turtle',
    'application/rdf+xml': 'rdfxml',
    'application/ld+json': 'jsonld', 'application/json': 'jsonld',
    'application/n-triples': 'ntriples',
  };
  const order: RdfFormat[] = ['turtle', 'rdfxml', 'jsonld', 'ntriples'];
  let best: { format: RdfFormat; q: number; specificity: number } | undefined;
  for (const part of (accept ?? '').split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';').map((s) => s.trim());
    if (!type) continue;
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0)) continue;
    const candidates: [RdfFormat, number][] = byType[type] ? [[byType[type], type === 'application/json' ? 1 : 2]]
      : type === '*/*' ? [[order[0], 0]]
        : type.endsWith('/*') ? order.filter((f) => RDF_FORMATS[f].mediaType.startsWith(type.slice(0, -1))).map((f) => [f, 0] as [RdfFormat, number])
          : [];
    for (const [format, specificity] of candidates.slice(0, 1)) {
      if (!best || q > best.q || (q === best.q && specificity > best.specificity)) best = { format, q, specificity };
    }
  }
  return best?.format ?? 'turtle';
}
