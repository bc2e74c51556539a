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
  /** KBO/BCE enterprise number, 10 digits without dots (e.g. 0123456749), set by an admin. */
  enterprise_number: string | null;
  homepage: string | null;
  email: string | null;
  /** General phone number in E.164 (e.g. +3281248611), set by an admin; the register's identification. */
  phone: string | null;
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
  /** 1: a refresh that only adds columns is published without review; other schema changes are always held. */
  allow_additive_changes: number;
  /** JSON [west, south, east, north] in WGS84, from the spatial tables of its resources; null when none is spatial. */
  spatial_bbox: string | null;
  /** Set on datasets imported by a harvest source: the source, its identifier there, a hash of the record, its page there. */
  harvest_source_id: string | null;
  harvest_identifier: string | null;
  harvest_hash: string | null;
  landing_page: string | null;
  /** 1 while the dataset's first data waits for the DPO: it is published when the DPO clears it. */
  publish_on_review: number;
  created_at: string;
  updated_at: string;
}

export interface ResourceTable {
  id: string;
  dataset_id: string;
  name: string;
  format: string;
  /** Number of the version served; null until the first version is committed (and always for a link). */
  latest_version: number | null;
  /** A link to a file held elsewhere (a harvested distribution); null for files held here. */
  url: string | null;
  media_type: string | null;
  description: string | null;
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
  /** How the version came to be when not a plain upload: "Refresh of <url>", "Rollback to version 2" ... */
  note: string | null;
  /** The privacy gate: 'clear', 'flagged' (waits for the DPO, never public), 'reviewed', 'withheld' (never public). */
  privacy_state: 'clear' | 'flagged' | 'reviewed' | 'withheld';
  /** The version an anonymised version was made from. */
  derived_from: number | null;
}

export interface PrivacyDecisionTable {
  id: string;
  version_id: string;
  /** The column decided on; null for a decision on the whole version (a recipe). */
  column_name: string | null;
  decision: 'not-personal' | 'recipe' | 'withhold';
  recipe_json: string | null;
  reason: string;
  decided_by: string;
  decided_at: string;
}

export interface ResourceRecipeTable {
  resource_id: string;
  recipe_json: string;
  updated_by: string;
  updated_at: string;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed';

/** A long operation, claimed from this table by any process (jobs/store.ts). */
export interface JobTable {
  id: string;
  kind: string;
  state: JobState;
  organization_id: string | null;
  dataset_id: string | null;
  resource_id: string | null;
  input_json: string;
  result_json: string | null;
  attempts: number;
  max_attempts: number;
  /** Not claimed before this time (ISO): retries wait here with their backoff. */
  run_after: string;
  /** `host:pid:random` of the process running it. */
  locked_by: string | null;
  heartbeat_at: string | null;
  progress_stage: string | null;
  progress_done: number | null;
  progress_total: number | null;
  error_code: string | null;
  /** The reason in words, for a person, when failed (or when the last attempt failed and a retry waits). */
  error_message: string | null;
  /** JSON array of {at, event, message}: every claim, retry, loss of a process, end. */
  history_json: string;
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

/** Where a resource's file comes from when Dataville fetches it itself, and when. */
export interface ResourceSourceTable {
  resource_id: string;
  kind: 'url' | 'path';
  location: string;
  /** JSON: reader options (sheet, pointer). */
  options_json: string;
  /** 'hourly' | 'daily' | 'weekly' | 'monthly' | a cron expression; null: only on demand. */
  schedule: string | null;
  enabled: number;
  next_run_at: string | null;
  last_run_at: string | null;
  etag: string | null;
  last_modified: string | null;
  created_at: string;
  updated_at: string;
}

export type RefreshOutcome = 'new_version' | 'unchanged' | 'not_modified' | 'held' | 'approved' | 'rejected' | 'failed';

export interface RefreshRunTable {
  id: string;
  resource_id: string;
  job_id: string | null;
  trigger: 'schedule' | 'manual';
  outcome: RefreshOutcome;
  message: string;
  sha256: string | null;
  version_number: number | null;
  /** JSON SchemaDiff against the version served when the run happened. */
  diff_json: string | null;
  /** Blob key of a held version waiting for an editor. */
  held_key: string | null;
  /** JSON of the held StagedVersion without its folder. */
  held_json: string | null;
  decided_by: string | null;
  decided_at: string | null;
  started_at: string;
  finished_at: string;
}

export interface HarvestSourceTable {
  id: string;
  organization_id: string;
  kind: 'ckan' | 'dcat' | 'ods';
  url: string;
  name: string;
  /** JSON: kind-specific options (a CKAN organization to restrict to, an ODS refine filter ...). */
  options_json: string;
  schedule: string | null;
  enabled: number;
  next_run_at: string | null;
  last_run_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface HarvestRunTable {
  id: string;
  source_id: string;
  job_id: string | null;
  trigger: 'schedule' | 'manual';
  outcome: 'done' | 'partial' | 'failed';
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  failed: number;
  /** JSON array of {identifier?, message}: records that could not be imported, and why. */
  errors_json: string;
  message: string;
  started_at: string;
  finished_at: string;
}

/** A publisher's mapping of one column of a resource to a shared vocabulary (src/linked/mappings.ts). */
export interface ColumnMappingTable {
  resource_id: string;
  column_name: string;
  /** Absolute IRI of the property the column's values are stated with (schema.org, OSLO ...); null: the dataset's own. */
  property: string | null;
  /** IRI template with {value}: the column's values become links to these IRIs. */
  value_template: string | null;
  /** 'nis' | 'postcode' | 'enterprise' to force a Belgian identifier, 'none' to refuse one recognised by mistake; null: from the values. */
  identifier: string | null;
  updated_by: string | null;
  updated_at: string;
}

export interface Database {
  organizations: OrganizationTable;
  users: UserTable;
  memberships: MembershipTable;
  api_tokens: ApiTokenTable;
  datasets: DatasetTable;
  resources: ResourceTable;
  versions: VersionTable;
  jobs: JobTable;
  resource_sources: ResourceSourceTable;
  refresh_runs: RefreshRunTable;
  harvest_sources: HarvestSourceTable;
  harvest_runs: HarvestRunTable;
  column_mappings: ColumnMappingTable;
  privacy_decisions: PrivacyDecisionTable;
  resource_recipes: ResourceRecipeTable;
  processing_activities: ProcessingActivityTable;
  processing_datasets: ProcessingDatasetTable;
  kysely_migration?: { name: string; timestamp: string };
}

/** One processing activity of an organization's GDPR register (Art. 30(1)); src/gdpr/model.ts reads it. */
export interface ProcessingActivityTable {
  id: string;
  organization_id: string;
  name: string;
  /** The service or department that owns the processing (the model's "business process owner"). */
  department: string | null;
  purposes: string | null;
  /** JSON {grounds: ('consent' | 'contract' | 'legal-obligation' | 'vital-interests' | 'public-task' | 'legitimate-interests')[], reference: string | null} */
  legal_basis: string | null;
  /** JSON array of the Art. 35 DPIA criteria the processing meets (PROCESSING_TYPES in src/gdpr/model.ts); [] is a "normal" processing. */
  processing_types: string;
  /** JSON array of strings: known codes (src/gdpr/model.ts) or a DPO's own words. */
  data_subjects: string;
  data_categories: string;
  /** JSON {categories: Art. 9/10 codes[], condition: string | null} (the Art. 9(2) or Art. 10 ground). */
  special_categories: string;
  recipients: string;
  transfers: string | null;
  retention: string | null;
  security_measures: string | null;
  /** JSON array of {name, contact?}. */
  processors: string;
  joint_controllers: string | null;
  source: string | null;
  status: 'active' | 'ended';
  /** YYYY-MM-DD, set when ended. */
  end_date: string | null;
  /** The processing that took over, when ended (the model's "traitement de remplacement"). */
  replaced_by: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** The datasets of the inventory a processing concerns. */
export interface ProcessingDatasetTable {
  processing_id: string;
  dataset_id: string;
}
