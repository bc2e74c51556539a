import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors.ts';

/** The one typed configuration object, read from the environment (and CLI flags) and validated once. */
const ConfigSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().default('0.0.0.0'),
  dataDir: z.string().default('./data'),
  databaseUrl: z.string().url().optional(),
  /** Largest accepted upload or source file, in bytes (default 2 GiB). */
  maxUploadBytes: z.coerce.number().int().positive().default(2 * 1024 ** 3),
  /** Widest table accepted. */
  maxColumns: z.coerce.number().int().positive().default(1000),
  /** Memory DuckDB may use before spilling to disk. */
  duckdbMemoryLimit: z.string().default('512MB'),
  duckdbThreads: z.coerce.number().int().positive().optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Base URL under which the portal is reachable (used in links of the API and catalog). */
  publicUrl: z.string().url().optional(),
  /** Jobs this process runs at the same time (0: it runs none in the background, e.g. a web-only process). */
  jobWorkers: z.coerce.number().int().min(0).max(16).default(1),
  /** How often a free worker looks for a job, and a running job proves its process is alive. */
  jobPollMs: z.coerce.number().int().positive().default(2000),
  jobHeartbeatMs: z.coerce.number().int().positive().default(5000),
  /** A running job without a heartbeat for this long lost its process and is run again. */
  jobStaleMs: z.coerce.number().int().positive().default(60_000),
  /** Finished jobs (done or failed) are deleted this many days after they ended; 0 keeps them for ever. */
  jobRetentionDays: z.coerce.number().int().min(0).max(36500).default(90),
  /** Fetching a URL: the whole download must finish within this time. */
  fetchTimeoutMs: z.coerce.number().int().positive().default(120_000),
  /** Allow URLs that resolve to private, loopback or link-local addresses (an administrator's choice). */
  allowPrivateUrls: z.preprocess((v) => (typeof v === 'string' ? ['1', 'true', 'yes'].includes(v.toLowerCase()) : v), z.boolean()).default(false),
  /** Reading sources from paths on the server is allowed under these folders only (':'-separated); none by default. */
  sourcePaths: z.string().default(''),
});

export type Config = z.infer<typeof ConfigSchema> & { dataDir: string };

/** Reads the configuration from an environment (process.env by default) plus overrides. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<keyof Config, unknown>> = {}): Config {
  const raw = {
    port: env.PORT,
    host: env.HOST,
    dataDir: env.DATAVILLE_DATA_DIR,
    databaseUrl: env.DATABASE_URL || undefined,
    maxUploadBytes: env.DATAVILLE_MAX_UPLOAD_BYTES,
    maxColumns: env.DATAVILLE_MAX_COLUMNS,
    duckdbMemoryLimit: env.DATAVILLE_DUCKDB_MEMORY,
    duckdbThreads: env.DATAVILLE_DUCKDB_THREADS,
    logLevel: env.LOG_LEVEL,
    publicUrl: env.DATAVILLE_PUBLIC_URL,
    jobWorkers: env.DATAVILLE_JOB_WORKERS,
    jobPollMs: env.DATAVILLE_JOB_POLL_MS,
    jobHeartbeatMs: env.DATAVILLE_JOB_HEARTBEAT_MS,
    jobStaleMs: env.DATAVILLE_JOB_STALE_MS,
    jobRetentionDays: env.DATAVILLE_JOB_RETENTION_DAYS,
    fetchTimeoutMs: env.DATAVILLE_FETCH_TIMEOUT_MS,
    allowPrivateUrls: env.DATAVILLE_ALLOW_PRIVATE_URLS,
    sourcePaths: env.DATAVILLE_SOURCE_PATHS,
    ...overrides,
  };
  for (const k of Object.keys(raw) as (keyof typeof raw)[]) if (raw[k] === undefined || raw[k] === '') delete raw[k];
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${envNameOf(String(i.path[0]))}: ${i.message}`).join('; ');
    throw new AppError('validation_failed', `The configuration is invalid (${where}). Fix the environment variable and start again.`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.dataDir) };
}

/** Where the HTTP adapter saves the files of requests before an action reads them. */
export function uploadTmpDir(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'tmp', 'uploads');
}

function envNameOf(key: string): string {
  const names: Record<string, string> = {
    port: 'PORT', host: 'HOST', dataDir: 'DATAVILLE_DATA_DIR', databaseUrl: 'DATABASE_URL',
    maxUploadBytes: 'DATAVILLE_MAX_UPLOAD_BYTES', maxColumns: 'DATAVILLE_MAX_COLUMNS',
    duckdbMemoryLimit: 'DATAVILLE_DUCKDB_MEMORY', duckdbThreads: 'DATAVILLE_DUCKDB_THREADS', logLevel: 'LOG_LEVEL',
    publicUrl: 'DATAVILLE_PUBLIC_URL', jobWorkers: 'DATAVILLE_JOB_WORKERS', jobPollMs: 'DATAVILLE_JOB_POLL_MS',
    jobHeartbeatMs: 'DATAVILLE_JOB_HEARTBEAT_MS', jobStaleMs: 'DATAVILLE_JOB_STALE_MS', jobRetentionDays: 'DATAVILLE_JOB_RETENTION_DAYS', fetchTimeoutMs: 'DATAVILLE_FETCH_TIMEOUT_MS',
    allowPrivateUrls: 'DATAVILLE_ALLOW_PRIVATE_URLS', sourcePaths: 'DATAVILLE_SOURCE_PATHS',
  };
  return names[key] ?? key;
}
