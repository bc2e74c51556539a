/**
 * The metadata schema, the same on SQLite and PostgreSQL. Timestamps are ISO-8601 text and
 * structured values JSON text so that one set of migrations serves both dialects.
 */
export interface OrganizationTable {
  id: string;
  slug: string;
  nis_code: string | null;
  name_fr: string;
  name_nl: string;
  name_de: string;
  province: string | null;
  region: string | null;
  population: number | null;
  created_at: string;
}

export interface UserTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  /** 1 for an instance administrator (regional host), 0 otherwise. */
  is_superadmin: number;
  created_at: string;
}

export interface MembershipTable {
  user_id: string;
  organization_id: string;
  role: 'admin' | 'editor' | 'dpo' | 'viewer';
  created_at: string;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  /** SHA-256 of the token: tokens are 256-bit random, so a fast hash is enough (no brute force). */
  token_hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

export interface DatasetTable {
  id: string;
  organization_id: string;
  slug: string;
  /** JSON {fr, nl, de, en} */
  title: string;
  description: string;
  /** JSON array of strings */
  keywords: string;
  theme: string | null;
  licence: string | null;
  publisher: string | null;
  /** JSON {name, email} */
  contact_point: string | null;
  update_frequency: string | null;
  spatial: string | null;
  temporal_start: string | null;
  temporal_end: string | null;
  status: 'internal' | 'planned' | 'published';
  /** Lower-case, accent-free text of titles, descriptions and keywords, for metadata search. */
  search_text: string;
  created_at: string;
  updated_at: string;
}

export interface ResourceTable {
  id: string;
  dataset_id: string;
  name: string;
  format: string;
  /** Number of the version served; null until the first version is committed. */
  latest_version: number | null;
  created_at: string;
  updated_at: string;
}

export interface VersionTable {
  id: string;
  resource_id: string;
  number: number;
  /** Folder of the version in the blob store, relative to its root. */
  storage_key: string;
  source_name: string;
  source_bytes: number;
  sha256: string;
  format: string;
  row_count: number;
  column_count: number;
  score: number;
  /** JSON Table Schema */
  schema_json: string;
  encoding: string;
  created_by: string | null;
  created_at: string;
}

export interface Database {
  organizations: OrganizationTable;
  users: UserTable;
  memberships: MembershipTable;
  api_tokens: ApiTokenTable;
  datasets: DatasetTable;
  resources: ResourceTable;
  versions: VersionTable;
  kysely_migration?: { name: string; timestamp: string };
}
