import assert from 'node:assert/strict';
import { test } from 'node:test';
import { negotiateFormat } from './serialize.ts';
import { cleanText, safeUrl } from './graph.ts';

test('Accept: exact types, q-values, wildcards; Turtle when nothing we serve is asked for', () => {
  assert.equal(negotiateFormat(undefined), 'turtle');
  assert.equal(negotiateFormat('text/html'), 'turtle');
  assert.equal(negotiateFormat('application/rdf+xml'), 'rdfxml');
  assert.equal(negotiateFormat('application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"'), 'jsonld');
  assert.equal(negotiateFormat('application/n-triples, text/turtle;q=0.1'), 'ntriples');
  assert.equal(negotiateFormat('application/json, application/ld+json'), 'jsonld');
  assert.equal(negotiateFormat('text/turtle;q=0, */*;q=0.1'), 'turtle');
  assert.equal(negotiateFormat('application/rdf+xml;q=0'), 'turtle');
});

test('text is the same in every serialisation: line ends, controls, lone surrogates', () => {
  assert.equal(cleanText('  a\r\nb\rc\u0000\u0007\u000B d\t😀 '), 'a\nb\nc d\t😀');
  assert.equal(cleanText('x\uD800y\uDC00'), 'x\uFFFDy\uFFFD');
  assert.equal(cleanText('\uFFFE\uFFFF'), '');
});

test('URLs become IRIs only when every serialisation can carry them as they are', () => {
  assert.equal(safeUrl('https://www.namur.be/'), 'https://www.namur.be/');
  assert.equal(safeUrl('https://x.example/a b?q=<1>'), 'https://x.example/a%20b?q=%3C1%3E');
  assert.equal(safeUrl('https://x.example/{a}|b'), undefined);
  assert.equal(safeUrl('ftp://x.example/'), undefined);
  assert.equal(safeUrl('not a url'), undefined);
});
