import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SaxesParser } from 'saxes';
import { atomFeed, xmlEscape } from './atom.ts';

/** Parses XML strictly; returns the text of every element by name (throws on ill-formed XML). */
function parseXml(xml: string): { texts: Map<string, string[]>; attrs: Record<string, string>[] } {
  const parser = new SaxesParser({ xmlns: true });
  const texts = new Map<string, string[]>();
  const attrs: Record<string, string>[] = [];
  const stack: string[] = [];
  let current = '';
  parser.on('error', (e) => { throw e; });
  parser.on('opentag', (t) => {
    stack.push(t.local);
    current = '';
    attrs.push(Object.fromEntries(Object.entries(t.attributes).map(([k, v]) => [k, typeof v === 'string' ? v : v.value])));
  });
  parser.on('text', (t) => { current += t; });
  parser.on('closetag', (t) => {
    texts.set(t.local, [...(texts.get(t.local) ?? []), current]);
    stack.pop();
    current = '';
  });
  parser.write(xml).close();
  return { texts, attrs };
}

const ODD = 'Budget « 2024 » & <dépenses> "quoted" \'single\' \u0001ctrl \uFFFEnon-char \uD800lone 😀 ]]> end';

test('xmlEscape: markup is escaped and characters XML cannot hold are dropped', () => {
  assert.equal(xmlEscape('a & b < c > d " e \' f'), 'a &amp; b &lt; c &gt; d &quot; e &apos; f');
  assert.equal(xmlEscape('x\u0000y\u0008z\uFFFF'), 'xyz');
  assert.equal(xmlEscape('tab\tnl\ncr\r'), 'tab\tnl\ncr\r');
  assert.equal(xmlEscape('😀'), '😀', 'a valid surrogate pair is kept');
});

test('atomFeed: well-formed with odd characters in every text and attribute', () => {
  const xml = atomFeed({
    id: 'https://portal.example/feeds/catalog.atom',
    title: ODD,
    self: 'https://portal.example/feeds/catalog.atom?a=1&b=2',
    alternate: 'https://portal.example/datasets',
    updated: '2024-03-01T10:00:00.000Z',
    author: ODD,
    entries: [{
      id: 'https://portal.example/datasets/1', title: ODD, updated: '2024-03-01T10:00:00.000Z', published: '2024-01-01T00:00:00Z',
      link: 'https://portal.example/datasets/1?x="y"', summary: ODD, author: ODD, categories: [ODD, ''], language: 'fr',
      alternates: [{ href: 'https://portal.example/api/datasets/1/datapackage.json', type: 'application/json', title: ODD }],
    }],
  });
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'));
  const { texts, attrs } = parseXml(xml);
  const expected = ODD.replace(/[\u0001\uFFFE]/g, '').replace('\uD800', '');
  assert.equal(texts.get('title')?.[0], expected);
  assert.equal(texts.get('summary')?.[0], expected);
  assert.deepEqual(texts.get('updated'), ['2024-03-01T10:00:00.000Z', '2024-03-01T10:00:00.000Z']);
  assert.ok(attrs.some((a) => a.href === 'https://portal.example/feeds/catalog.atom?a=1&b=2'));
  assert.ok(attrs.some((a) => a.term === expected));
  assert.equal(attrs.filter((a) => 'term' in a).length, 1, 'empty categories are left out');
});

test('atomFeed: an empty feed is still a valid feed', () => {
  const xml = atomFeed({ id: 'urn:x', title: 't', self: 'https://p/f.atom', alternate: 'https://p/', updated: 'not a date', author: 'Dataville', entries: [] });
  const { texts } = parseXml(xml);
  assert.equal(texts.get('updated')?.[0], '1970-01-01T00:00:00.000Z');
});
