/**
 * Atom feeds (RFC 4287) of new and updated datasets. The XML is written by hand with one escaping
 * helper that also drops characters XML 1.0 cannot hold, so a title with a control character or a
 * lone surrogate (pasted from a spreadsheet) can never make the feed ill-formed.
 */

/** Characters allowed in XML 1.0: #x9 #xA #xD [#x20-#xD7FF] [#xE000-#xFFFD] [#x10000-#x10FFFF]. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text for element content and double- or single-quoted attributes, dropping what XML cannot hold. */
export function xmlEscape(s: string): string {
  return s.replace(NOT_XML_CHAR, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export interface AtomEntry {
  /** A permanent IRI: the dataset's URI. */
  id: string;
  title: string;
  /** ISO 8601 with a time zone. */
  updated: string;
  published?: string;
  /** The page a person reads. */
  link: string;
  /** Other representations (DCAT, Data Package ...). */
  alternates?: { href: string; type: string; title?: string }[];
  summary?: string;
  author?: string;
  categories?: string[];
  language?: string;
}

export interface AtomFeed {
  id: string;
  title: string;
  subtitle?: string;
  /** The feed's own address. */
  self: string;
  /** The page the feed is about. */
  alternate: string;
  updated: string;
  author: string;
  entries: AtomEntry[];
}

const el = (name: string, text: string, attrs = '') => `<${name}${attrs}>${xmlEscape(text)}</${name}>`;
const link = (rel: string, href: string, type?: string, title?: string) =>
  `<link rel="${rel}" href="${xmlEscape(href)}"${type ? ` type="${xmlEscape(type)}"` : ''}${title ? ` title="${xmlEscape(title)}"` : ''}/>`;

/** RFC 3339 timestamps: what Atom requires. Dataville stores ISO 8601 in UTC already. */
function timestamp(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString();
}

export function atomFeed(feed: AtomFeed): string {
  const out = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  ${el('id', feed.id)}`,
    `  ${el('title', feed.title)}`,
    ...(feed.subtitle ? [`  ${el('subtitle', feed.subtitle)}`] : []),
    `  ${el('updated', timestamp(feed.updated))}`,
    `  <author>${el('name', feed.author)}</author>`,
    `  ${link('self', feed.self, 'application/atom+xml')}`,
    `  ${link('alternate', feed.alternate, 'text/html')}`,
    `  ${el('generator', 'Dataville')}`,
  ];
  for (const e of feed.entries) {
    out.push(`  <entry${e.language ? ` xml:lang="${xmlEscape(e.language)}"` : ''}>`);
    out.push(`    ${el('id', e.id)}`);
    out.push(`    ${el('title', e.title || e.id)}`);
    out.push(`    ${el('updated', timestamp(e.updated))}`);
    if (e.published) out.push(`    ${el('published', timestamp(e.published))}`);
    if (e.author) out.push(`    <author>${el('name', e.author)}</author>`);
    out.push(`    ${link('alternate', e.link, 'text/html')}`);
    for (const a of e.alternates ?? []) out.push(`    ${link('alternate', a.href, a.type, a.title)}`);
    for (const c of e.categories ?? []) if (c.trim()) out.push(`    <category term="${xmlEscape(c)}"/>`);
    if (e.summary?.trim()) out.push(`    ${el('summary', e.summary, ' type="text"')}`);
    out.push('  </entry>');
  }
  out.push('</feed>');
  return out.join('\n') + '\n';
}
