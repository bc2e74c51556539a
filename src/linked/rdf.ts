/**
 * A small RDF model and its two serialisations, Turtle and JSON-LD. Dataville writes only simple
 * graphs (a row, a table's vocabulary), so a writer of its own keeps the escaping rules in one
 * reviewed place instead of a dependency at run time; the tests parse both outputs back with n3
 * and jsonld and compare the triples.
 */

export type Term = { iri: string } | { value: string; datatype?: string; lang?: string };
export interface Triple {
  s: string;
  p: string;
  o: Term;
}

export const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  dct: 'http://purl.org/dc/terms/',
  dcat: 'http://www.w3.org/ns/dcat#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  geo: 'http://www.opengis.net/ont/geosparql#',
  csvw: 'http://www.w3.org/ns/csvw#',
  schema: 'https://schema.org/',
} as const;

export const iri = (value: string): Term => ({ iri: value });
export const literal = (value: string, datatype?: string, lang?: string): Term => ({ value, ...(datatype && { datatype }), ...(lang && { lang }) });

const HEX = (c: string) => c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');

/** IRIREF: characters Turtle forbids inside <> (controls, space, <>"{}|^`\) written as \uXXXX. */
export function turtleIri(value: string): string {
  return '<' + value.replace(/[\u0000-\u0020<>"{}|^`\\]/g, (c) => `\\u${HEX(c)}`) + '>';
}

/** STRING_LITERAL_QUOTE: backslash, quote and line breaks escaped; other controls as \uXXXX. */
export function turtleString(value: string): string {
  return '"' + value.replace(/[\\"\n\r\t\u0000-\u001f\u007f]/g, (c) => {
    switch (c) {
      case '\\': return '\\\\';
      case '"': return '\\"';
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      default: return `\\u${HEX(c)}`;
    }
  }) + '"';
}

/** A prefixed name when the local part is plainly safe (letters, digits, _ and - not first), else a full IRI. */
function turtleName(value: string, prefixes: [string, string][]): string {
  for (const [p, ns] of prefixes) {
    if (value.startsWith(ns)) {
      const local = value.slice(ns.length);
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(local)) return `${p}:${local}`;
    }
  }
  return turtleIri(value);
}

function turtleTerm(t: Term, prefixes: [string, string][]): string {
  if ('iri' in t) return turtleName(t.iri, prefixes);
  if (t.lang) return `${turtleString(t.value)}@${t.lang}`;
  if (t.datatype && t.datatype !== `${NS.xsd}string`) return `${turtleString(t.value)}^^${turtleName(t.datatype, prefixes)}`;
  return turtleString(t.value);
}

/** Turtle, subjects in first-seen order. It begins with @prefix, as harvesters sniff Turtle that way. */
export function toTurtle(triples: Triple[], prefixes: Record<string, string>): string {
  const used = Object.entries(prefixes).filter(([, ns]) => triples.some((t) => t.p.startsWith(ns) || t.s.startsWith(ns) || ('iri' in t.o && t.o.iri.startsWith(ns)) || ('datatype' in t.o && t.o.datatype?.startsWith(ns))));
  // Longest namespace first, so that a namespace inside another is not shadowed.
  const ordered = [...used].sort((a, b) => b[1].length - a[1].length);
  const lines = used.map(([p, ns]) => `@prefix ${p}: ${turtleIri(ns)} .`);
  const bySubject = new Map<string, Triple[]>();
  for (const t of triples) bySubject.set(t.s, [...(bySubject.get(t.s) ?? []), t]);
  for (const [s, ts] of bySubject) {
    lines.push('');
    const body = ts.map((t) => `    ${t.p === `${NS.rdf}type` ? 'a' : turtleName(t.p, ordered)} ${turtleTerm(t.o, ordered)}`);
    lines.push(`${turtleName(s, ordered)}\n${body.join(' ;\n')} .`);
  }
  return lines.join('\n') + '\n';
}

/**
 * JSON-LD: one node object per subject, properties as absolute IRIs (valid keys whatever the
 * column is called), so that the document needs no remote context to be read.
 */
export function toJsonLd(triples: Triple[]): Record<string, unknown> {
  const nodes = new Map<string, Record<string, unknown[]>>();
  for (const t of triples) {
    const node = nodes.get(t.s) ?? {};
    nodes.set(t.s, node);
    const key = t.p === `${NS.rdf}type` ? '@type' : t.p;
    const value = t.p === `${NS.rdf}type` && 'iri' in t.o ? t.o.iri
      : 'iri' in t.o ? { '@id': t.o.iri }
      : t.o.lang ? { '@value': t.o.value, '@language': t.o.lang }
      : t.o.datatype && t.o.datatype !== `${NS.xsd}string` ? { '@value': t.o.value, '@type': t.o.datatype }
      : t.o.value;
    (node[key] ??= []).push(value);
  }
  const graph = [...nodes].map(([id, props]) => ({ '@id': id, ...Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v.length === 1 ? v[0] : v])) }));
  return graph.length === 1 ? graph[0] : { '@graph': graph };
}
