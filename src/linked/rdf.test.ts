import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Parser } from 'n3';
import jsonld from 'jsonld';
import { NS, iri, literal, toJsonLd, toTurtle, turtleIri, type Triple } from './rdf.ts';

/** Triples as sorted N-Triples-like strings, so that two parsers' outputs can be compared. */
function canonical(quads: { subject: { value: string }; predicate: { value: string }; object: { termType: string; value: string; datatype?: { value: string }; language?: string } }[]): string[] {
  return quads.map((q) => {
    // jsonld.js writes doubles in canonical form (1.23456E3): the same value, so compare values.
    const value = q.object.datatype?.value === `${NS.xsd}double` ? String(Number(q.object.value)) : q.object.value;
    const o = q.object.termType === 'NamedNode' ? `<${q.object.value}>`
      : `"${value}"${q.object.language ? `@${q.object.language}` : q.object.datatype && q.object.datatype.value !== `${NS.xsd}string` ? `^^<${q.object.datatype.value}>` : ''}`;
    return `<${q.subject.value}> <${q.predicate.value}> ${o}`;
  }).sort();
}

const ODD = 'quote " backslash \\ newline \n tab \t cr \r bell \u0007 accents éàü emoji 😀 </script> & <b>';
const S = 'https://portal.example/datasets/d1/resources/r1/rows/1';
const triples: Triple[] = [
  { s: S, p: `${NS.dct}isPartOf`, o: iri('https://portal.example/datasets/d1') },
  { s: S, p: 'https://portal.example/datasets/d1/resources/r1/schema#Libell%C3%A9', o: literal(ODD) },
  { s: S, p: 'https://portal.example/datasets/d1/resources/r1/schema#Montant', o: literal('1234.56', `${NS.xsd}double`) },
  { s: S, p: 'https://portal.example/datasets/d1/resources/r1/schema#Date', o: literal('2024-02-03', `${NS.xsd}date`) },
  { s: S, p: 'https://schema.org/name', o: literal('Rue de Fer', undefined, 'fr') },
  { s: S, p: 'https://portal.example/datasets/d1/resources/r1/schema#nis', o: iri('http://vocab.belgif.be/auth/refnis2025/92094') },
  { s: S, p: `${NS.rdf}type`, o: iri('https://schema.org/Thing') },
];

test('Turtle: odd characters survive a round trip through n3', () => {
  const ttl = toTurtle(triples, { dct: NS.dct, xsd: NS.xsd, schema: 'https://schema.org/', v: 'https://portal.example/datasets/d1/resources/r1/schema#' });
  assert.ok(ttl.startsWith('@prefix'), 'harvesters sniff Turtle by its first word');
  const parsed = new Parser().parse(ttl);
  assert.equal(parsed.length, triples.length);
  assert.ok(parsed.some((q) => q.object.value === ODD));
  assert.ok(ttl.includes('schema:name'), 'prefixed names where the local part is plain');
  assert.ok(ttl.includes('<https://portal.example/datasets/d1/resources/r1/schema#Libell%C3%A9>'), 'a local part with % stays a full IRI');
});

test('IRIs with characters Turtle forbids are written as \\u escapes', () => {
  assert.equal(turtleIri('http://x/a b>c'), '<http://x/a\\u0020b\\u003Ec>');
});

test('JSON-LD: the same triples as the Turtle', async () => {
  const ttl = toTurtle(triples, { xsd: NS.xsd });
  const fromTurtle = canonical(new Parser().parse(ttl) as never);
  const nquads = await jsonld.toRDF(toJsonLd(triples) as never, { format: 'application/n-quads' }) as unknown as string;
  const fromJsonLd = canonical(new Parser({ format: 'N-Quads' }).parse(nquads) as never);
  assert.deepEqual(fromJsonLd, fromTurtle);
});
