/** What the self-describing documents are built from, gathered once by src/actions/describe.ts. */
import type { DatasetView } from '../../catalog/datasets.ts';
import type { SpatialInfo, TableSchema } from '../../ingest/types.ts';
import type { KnownLicence } from '../../linked/licences.ts';
import type { ColumnLink } from '../../linked/table.ts';

export interface DescribedDownload {
  format: string;
  url: string;
  mediaType: string;
  /** Known once the file was made (downloads are made on first request). */
  bytes: number | null;
}

export interface DescribedResource {
  id: string;
  name: string;
  format: string;
  /** The version served; null for a resource without data or a link to a file elsewhere. */
  version: { number: number; createdAt: string; rowCount: number; sha256: string } | null;
  schema: TableSchema | null;
  /** Every column with its RDF property and links (empty without a version). */
  columns: ColumnLink[];
  spatial: SpatialInfo | null;
  downloads: DescribedDownload[];
  /** A link to a file held elsewhere (harvested), with its media type. */
  link: { url: string; mediaType: string | null } | null;
  /** The row URIs' template: replace {id} with a row's _id (1..n, the CSV's row order). */
  rowUriTemplate: string;
  vocabulary: string;
}

export interface DescribedDataset {
  /** The public address of the portal, without a trailing slash. */
  base: string;
  /** The dataset's IRI, as the DCAT-AP catalog names it (`{page}#dataset`). */
  uri: string;
  /** The dataset's page (its landing page and the access URL of its distributions). */
  page: string;
  view: DatasetView;
  organization: { name: string; homepage: string | null; email: string | null; enterpriseUri: string | null; nisUri: string | null };
  licence: KnownLicence | null;
  resources: DescribedResource[];
}
