import { type Kysely, type Migration, type MigrationProvider } from 'kysely';

/** Migrations in code, in order. Each one uses only what both SQLite and PostgreSQL understand. */
const migrations: Record<string, Migration> = {
  '0001_catalog': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('organizations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('nis_code', 'text', (c) => c.unique())
        .addColumn('name_fr', 'text', (c) => c.notNull())
        .addColumn('name_nl', 'text', (c) => c.notNull())
        .addColumn('name_de', 'text', (c) => c.notNull())
        .addColumn('province', 'text')
        .addColumn('region', 'text')
        .addColumn('population', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('is_superadmin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createTable('memberships')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'organization_id'])
        .execute();
      await db.schema.createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('expires_at', 'text')
        .execute();
      await db.schema.createTable('datasets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
        .addColumn('slug', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('keywords', 'text', (c) => c.notNull())
        .addColumn('theme', 'text')
        .addColumn('licence', 'text')
        .addColumn('publisher', 'text')
        .addColumn('contact_point', 'text')
        .addColumn('update_frequency', 'text')
        .addColumn('spatial', 'text')
        .addColumn('temporal_start', 'text')
        .addColumn('temporal_end', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('search_text', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('datasets_org_slug', ['organization_id', 'slug'])
        .execute();
      await db.schema.createIndex('datasets_org').on('datasets').column('organization_id').execute();
      await db.schema.createTable('resources')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('latest_version', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('resources_dataset').on('resources').column('dataset_id').execute();
      await db.schema.createTable('versions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('storage_key', 'text', (c) => c.notNull())
        .addColumn('source_name', 'text', (c) => c.notNull())
        .addColumn('source_bytes', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('row_count', 'bigint', (c) => c.notNull())
        .addColumn('column_count', 'integer', (c) => c.notNull())
        .addColumn('score', 'integer', (c) => c.notNull())
        .addColumn('schema_json', 'text', (c) => c.notNull())
        .addColumn('encoding', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('versions_resource_number', ['resource_id', 'number'])
        .execute();
    },
  },
  '0002_jobs_sources': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('organization_id', 'text')
        .addColumn('dataset_id', 'text')
        .addColumn('resource_id', 'text')
        .addColumn('input_json', 'text', (c) => c.notNull())
        .addColumn('result_json', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('run_after', 'text', (c) => c.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('heartbeat_at', 'text')
        .addColumn('progress_stage', 'text')
        .addColumn('progress_done', 'integer')
        .addColumn('progress_total', 'integer')
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addColumn('history_json', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jobs_claim').on('jobs').columns(['state', 'run_after']).execute();
      await db.schema.createIndex('jobs_org').on('jobs').columns(['organization_id', 'created_at']).execute();
      await db.schema.createTable('resource_sources')
        .addColumn('resource_id', 'text', (c) => c.primaryKey().references('resources.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('location', 'text', (c) => c.notNull())
        .addColumn('options_json', 'text', (c) => c.notNull())
        .addColumn('schedule', 'text')
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('next_run_at', 'text')
        .addColumn('last_run_at', 'text')
        .addColumn('etag', 'text')
        .addColumn('last_modified', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('resource_sources_due').on('resource_sources').columns(['enabled', 'next_run_at']).execute();
      await db.schema.createTable('refresh_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
        .addColumn('job_id', 'text')
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text')
        .addColumn('version_number', 'integer')
        .addColumn('diff_json', 'text')
        .addColumn('held_key', 'text')
        .addColumn('held_json', 'text')
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'text')
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('refresh_runs_resource').on('refresh_runs').columns(['resource_id', 'started_at']).execute();
      await db.schema.alterTable('versions').addColumn('note', 'text').execute();
      await db.schema.alterTable('datasets').addColumn('allow_additive_changes', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('datasets').addColumn('spatial_bbox', 'text').execute();
    },
  },
  '0003_organization_identity': {
    async up(db: Kysely<any>) {
      // What catalogs need to name a publisher: its enterprise number (KBO/BCE), web site and e-mail.
      await db.schema.alterTable('organizations').addColumn('enterprise_number', 'text').execute();
      await db.schema.alterTable('organizations').addColumn('homepage', 'text').execute();
      await db.schema.alterTable('organizations').addColumn('email', 'text').execute();
    },
  },
  '0005_harvest': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('harvest_sources')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('options_json', 'text', (c) => c.notNull())
        .addColumn('schedule', 'text')
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('next_run_at', 'text')
        .addColumn('last_run_at', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createTable('harvest_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('source_id', 'text', (c) => c.notNull().references('harvest_sources.id').onDelete('cascade'))
        .addColumn('job_id', 'text')
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('added', 'integer', (c) => c.notNull())
        .addColumn('updated', 'integer', (c) => c.notNull())
        .addColumn('removed', 'integer', (c) => c.notNull())
        .addColumn('unchanged', 'integer', (c) => c.notNull())
        .addColumn('failed', 'integer', (c) => c.notNull())
        .addColumn('errors_json', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('harvest_runs_source').on('harvest_runs').columns(['source_id', 'started_at']).execute();
      // A harvested dataset belongs to its source and is found again by the source's own identifier.
      await db.schema.alterTable('datasets').addColumn('harvest_source_id', 'text').execute();
      await db.schema.alterTable('datasets').addColumn('harvest_identifier', 'text').execute();
      await db.schema.alterTable('datasets').addColumn('harvest_hash', 'text').execute();
      await db.schema.alterTable('datasets').addColumn('landing_page', 'text').execute();
      await db.schema.createIndex('datasets_harvest').on('datasets').columns(['harvest_source_id', 'harvest_identifier']).unique().execute();
      // A resource may be a link to a file elsewhere (a harvested distribution) instead of versions held here.
      await db.schema.alterTable('resources').addColumn('url', 'text').execute();
      await db.schema.alterTable('resources').addColumn('media_type', 'text').execute();
      await db.schema.alterTable('resources').addColumn('description', 'text').execute();
    },
  },
  '0006_column_mappings': {
    async up(db: Kysely<any>) {
      // A publisher's mapping of a column to a shared vocabulary, kept by column name so that it
      // holds for the later versions of the resource too.
      await db.schema.createTable('column_mappings')
        .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
        .addColumn('column_name', 'text', (c) => c.notNull())
        .addColumn('property', 'text')
        .addColumn('value_template', 'text')
        .addColumn('identifier', 'text')
        .addColumn('updated_by', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('column_mappings_pk', ['resource_id', 'column_name'])
        .execute();
    },
  },
  '0008_privacy_gate': {
    async up(db: Kysely<any>) {
      // 'clear' (nothing personal found), 'flagged' (waits for the DPO; never public), 'reviewed'
      // (the DPO accepted every flagged column), 'withheld' (replaced by an anonymised version; never public).
      await db.schema.alterTable('versions').addColumn('privacy_state', 'text', (c) => c.notNull().defaultTo('clear')).execute();
      await db.schema.alterTable('versions').addColumn('derived_from', 'integer').execute();
      // A dataset whose first data waits for the DPO is published when the DPO clears it.
      await db.schema.alterTable('datasets').addColumn('publish_on_review', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.createTable('privacy_decisions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('version_id', 'text', (c) => c.notNull().references('versions.id').onDelete('cascade'))
        .addColumn('column_name', 'text')
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('recipe_json', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('privacy_decisions_version').on('privacy_decisions').column('version_id').execute();
      // The recipe a DPO applied to a resource, applied again to its next versions without a person.
      await db.schema.createTable('resource_recipes')
        .addColumn('resource_id', 'text', (c) => c.primaryKey().references('resources.id').onDelete('cascade'))
        .addColumn('recipe_json', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0009_gdpr_register': {
    async up(db: Kysely<any>) {
      // The register of processing activities (GDPR Art. 30): one row per processing, structured
      // answers as JSON text. Rows are never deleted: an ended processing stays with its end date,
      // as the Data Protection Authority advises keeping them for accountability (decision 0015).
      await db.schema.createTable('processing_activities')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('purposes', 'text')
        .addColumn('legal_basis', 'text')
        .addColumn('data_subjects', 'text', (c) => c.notNull())
        .addColumn('data_categories', 'text', (c) => c.notNull())
        .addColumn('special_categories', 'text', (c) => c.notNull())
        .addColumn('recipients', 'text', (c) => c.notNull())
        .addColumn('transfers', 'text')
        .addColumn('retention', 'text')
        .addColumn('security_measures', 'text')
        .addColumn('processors', 'text', (c) => c.notNull())
        .addColumn('joint_controllers', 'text')
        .addColumn('source', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('end_date', 'text')
        .addColumn('replaced_by', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('processing_activities_org').on('processing_activities').columns(['organization_id', 'created_at']).execute();
      await db.schema.createTable('processing_datasets')
        .addColumn('processing_id', 'text', (c) => c.notNull().references('processing_activities.id').onDelete('cascade'))
        .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('processing_datasets_pk', ['processing_id', 'dataset_id'])
        .execute();
      await db.schema.createIndex('processing_datasets_dataset').on('processing_datasets').column('dataset_id').execute();
    },
  },
  '0010_register_template': {
    async up(db: Kysely<any>) {
      // Fields of the Data Protection Authority's register model that 0009 lacked (decision 0015):
      // the department that owns a processing ("business process owner"), its type (the Art. 35 DPIA
      // criteria it meets, as a JSON array of codes; empty = "normal"), and the controller's general
      // phone number (E.164) on the identification tab.
      await db.schema.alterTable('processing_activities').addColumn('department', 'text').execute();
      await db.schema.alterTable('processing_activities').addColumn('processing_types', 'text', (c) => c.notNull().defaultTo('[]')).execute();
      await db.schema.alterTable('organizations').addColumn('phone', 'text').execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
