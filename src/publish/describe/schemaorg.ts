/**
 * schema.org Dataset JSON-LD for a dataset's page: what search engines (Google Dataset Search)
 * read. Names in the portal's languages, the licence's URL, the publisher with its enterprise
 * URI, the area with its REFNIS URI and box, the period, and one DataDownload per download.
 */
import { pickLang, type Lang } from '../../catalog/datasets.ts';
import type { DescribedDataset } from './types.ts';

const LANGS: Lang[] = ['fr', 'nl', 'de', 'en'];

/** A text in every language it has, as JSON-LD language values; a single language stays a plain string. */
function texts(t: Partial<Record<Lang, string>>): unknown {
  const present = LANGS.filter((l) => t[l]?.trim());
  if (present.length <= 1) return present.length ? t[present[0]] : undefined;
  return present.map((l) => ({ '@value': t[l], '@language': l }));
}

/** ISO 8601 interval, open ends written "..", as schema.org's temporalCoverage takes it. */
function period(start: string | null, end: string | null): string | undefined {
  if (!start && !end) return undefined;
  return `${start ?? '..'}/${end ?? '..'}`;
}

export function schemaOrgDataset(d: DescribedDataset): Record<string, unknown> {
  const v = d.view;
  const description = pickLang(v.description);
  const title = pickLang(v.title);
  const org = d.organization;
  const publisher = {
    '@type': 'Organization',
    name: v.publisher ?? org.name,
    ...(org.homepage && { url: org.homepage }),
    ...(org.email && { email: org.email }),
    ...(org.enterpriseUri && { '@id': org.enterpriseUri, identifier: org.enterpriseUri.split('/').pop() }),
  };
  const bbox = v.spatialBbox;
  const place = v.spatial || bbox ? {
    '@type': 'Place',
    ...(v.spatial && { name: org.nisUri && v.spatial === org.nisUri.split('/').pop() ? org.name : v.spatial }),
    ...(org.nisUri && v.spatial === org.nisUri.split('/').pop() && { sameAs: org.nisUri }),
    // schema.org boxes are "south west north east".
    ...(bbox && { geo: { '@type': 'GeoShape', box: `${bbox[1]} ${bbox[0]} ${bbox[3]} ${bbox[2]}` } }),
  } : undefined;
  const contact = v.contactPoint && (v.contactPoint.email || v.contactPoint.name)
    ? { '@type': 'ContactPoint', contactType: 'data', ...(v.contactPoint.name && { name: v.contactPoint.name }), ...(v.contactPoint.email && { email: v.contactPoint.email }) }
    : undefined;
  return {
    '@context': 'https://schema.org/',
    '@type': 'Dataset',
    '@id': d.uri,
    url: d.page,
    identifier: v.id,
    name: texts(v.title) ?? title,
    // Search engines want a description; the title stands in when the publisher gave none.
    description: texts(v.description) ?? (description || title),
    ...(v.keywords.length && { keywords: v.keywords }),
    ...(d.licence ? { license: d.licence.url } : v.licence ? { license: v.licence } : {}),
    isAccessibleForFree: true,
    publisher,
    creator: publisher,
    ...(contact && { contactPoint: contact }),
    ...(place && { spatialCoverage: place }),
    ...(period(v.temporal.start, v.temporal.end) && { temporalCoverage: period(v.temporal.start, v.temporal.end) }),
    dateCreated: v.createdAt,
    dateModified: v.updatedAt,
    ...(v.theme && { about: v.theme }),
    inLanguage: LANGS.filter((l) => v.title[l]?.trim() || v.description[l]?.trim()),
    distribution: d.resources.flatMap((r) => [
      ...r.downloads.map((x) => ({
        '@type': 'DataDownload', name: `${r.name} (${x.format.toUpperCase()})`, encodingFormat: x.mediaType.split(';')[0], contentUrl: x.url,
        ...(x.bytes !== null && { contentSize: `${x.bytes} B` }),
      })),
      ...(r.link ? [{ '@type': 'DataDownload', name: r.name, contentUrl: r.link.url, ...(r.link.mediaType && { encodingFormat: r.link.mediaType }) }] : []),
    ]),
    ...(d.resources.some((r) => r.schema) && {
      variableMeasured: [...new Set(d.resources.flatMap((r) => r.columns.map((c) => c.column)))].slice(0, 200),
    }),
  };
}
