/**
 * What every kind of harvest source (CKAN, DCAT-AP, OpenDataSoft) turns its remote records into:
 * one normalised record per dataset, delivered a page at a time, so that sync.ts has one code path
 * whatever the source speaks. Decision 0012 explains the choices.
 */
import type { I18n, Lang } from '../catalog/datasets.ts';

export const HARVEST_KINDS = ['ckan', 'dcat', 'ods'] as const;
export type HarvestKind = (typeof HARVEST_KINDS)[number];

export const UPDATE_FREQUENCIES = ['continuous', 'daily', 'weekly', 'monthly', 'quarterly', 'annual', 'irregular', 'never', 'unknown'] as const;
export type UpdateFrequency = (typeof UPDATE_FREQUENCIES)[number];

/** A distribution held elsewhere: Dataville keeps the link, not the file. */
export interface HarvestResource {
  name: string;
  url: string;
  /** Lower-case short format (csv, json, geojson, xlsx, pdf ...), or "link" when nothing tells. */
  format: string;
  mediaType: string | null;
  description: string | null;
}

/** One dataset of a source, in Dataville's terms. Everything here goes into its hash. */
export interface HarvestRecord {
  /** The source's own identifier (CKAN id, DCAT dct:identifier or IRI, ODS dataset_id). */
  identifier: string;
  title: I18n;
  description: I18n;
  keywords: string[];
  /** One of the 13 EU data-theme codes (ECON, ENVI ...), or null. */
  theme: string | null;
  /** A licence id Dataville knows (CC-BY-4.0 ...), or the source's text when unknown. */
  licence: string | null;
  publisher: string | null;
  contactPoint: { name?: string; email?: string } | null;
  updateFrequency: UpdateFrequency | null;
  temporalStart: string | null;
  temporalEnd: string | null;
  /** The dataset's page at the source. */
  landingPage: string | null;
  /** ISO timestamps from the source, when it gives them. */
  issued: string | null;
  modified: string | null;
  resources: HarvestResource[];
}

/** A record read from a page: normalised (with warnings for a person), or refused with the reason. */
export type PageItem =
  | { ok: true; record: HarvestRecord; warnings: string[] }
  | { ok: false; identifier: string | null; message: string };

export interface Page {
  /** The URL the page was read from, for messages. */
  url: string;
  items: PageItem[];
  /** Entries the source gave on this page, including those left out as not listed (a CKAN draft or deleted dataset). */
  listed: number;
  /** The number of datasets the source says it lists, when it says so (CKAN count, ODS total_count, hydra:totalItems). */
  total?: number;
  /**
   * Set on the last page when the source cannot be listed to its end (an API paging limit): the
   * reason, recorded as an error; datasets missing from this listing are then not removed.
   */
  incomplete?: string;
}

/** What a lister needs to know about the source it reads. */
export interface SourceSpec {
  id: string;
  url: string;
  name: string;
  /** The language of texts that do not say theirs. */
  lang: Lang;
  options: SourceOptions;
}

export interface SourceOptions {
  lang?: Lang;
  maxRecords?: number;
  timeoutMs?: number;
  pageSize?: number;
  /** CKAN: only the datasets of this organization (its name at the portal). */
  organization?: string;
  /** CKAN: an extra Solr filter query. */
  fq?: string;
  /** ODS: an ODSQL filter on the catalog. */
  where?: string;
  /** ODS: facet refinements, e.g. publisher:"Ville de Namur". */
  refine?: string[];
}

export const DEFAULT_MAX_RECORDS = 100_000;
