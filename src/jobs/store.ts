/**
 * Jobs in the metadata store: any number of processes claim them, none runs one twice.
 *
 * - Claim: one UPDATE of the oldest due queued job, guarded by `state = 'queued'`. On PostgreSQL the
 *   candidate is chosen `FOR UPDATE SKIP LOCKED`, so concurrent claimers take different jobs instead
 *   of waiting on each other; SQLite has one writer at a time, so the UPDATE is atomic by itself.
 * - A running job proves its process is alive with a heartbeat. Every writer's update is guarded by
 *   `locked_by = <its id>`: a process that lost its job (declared dead, then picked up elsewhere)
 *   can no longer change it.
 * - A running job whose heartbeat is older than the stale limit, or whose process on this machine
 *   is gone, is queued again (or failed, past its attempts) with the reason written down.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { sql } from 'kysely';
import type { MetaDb } from '../stores/meta/db.ts';
import type { JobState, JobTable } from '../stores/meta/schema.ts';

export interface NewJob {
  kind: string;
  input: unknown;
  organizationId?: string | null;
  datasetId?: string | null;
  resourceId?: string | null;
  createdBy?: string | null;
  maxAttempts?: number;
  runAfter?: Date;
}

export interface JobEvent {
  at: string;
  event: 'queued' | 'claimed' | 'retry' | 'lost' | 'done' | 'failed';
  message: string;
}

/** What a failed attempt tells the store: the reason for a person, and whether trying again may help. */
export interface JobFailure {
  code: string;
  message: string;
  retryable: boolean;
}

/** A process's identity in `locked_by`: the host and pid let a restarted process recognise its dead predecessor. */
export function newWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
}

/** Backoff before attempt n+1 (n >= 1): 30 s, 2 min, 8 min ... capped at 1 h. */
export function backoffMs(attempts: number): number {
  return Math.min(3600_000, 30_000 * 4 ** Math.max(0, attempts - 1));
}

const event = (now: Date, e: JobEvent['event'], message: string): JobEvent => ({ at: now.toISOString(), event: e, message });

function withEvent(job: Pick<JobTable, 'history_json'>, e: JobEvent): string {
  const history = JSON.parse(job.history_json) as JobEvent[];
  history.push(e);
  // A job retried for days keeps its first and its latest events.
  return JSON.stringify(history.length > 50 ? [...history.slice(0, 10), ...history.slice(-40)] : history);
}

export async function enqueueJob(db: MetaDb, j: NewJob, now: Date): Promise<JobTable> {
  const iso = now.toISOString();
  const row: JobTable = {
    id: crypto.randomUUID(), kind: j.kind, state: 'queued',
    organization_id: j.organizationId ?? null, dataset_id: j.datasetId ?? null, resource_id: j.resourceId ?? null,
    input_json: JSON.stringify(j.input ?? {}), result_json: null, attempts: 0, max_attempts: j.maxAttempts ?? 3,
    run_after: (j.runAfter ?? now).toISOString(), locked_by: null, heartbeat_at: null,
    progress_stage: null, progress_done: null, progress_total: null, error_code: null, error_message: null,
    history_json: JSON.stringify([event(now, 'queued', 'Waiting for a worker.')]),
    created_by: j.createdBy ?? null, created_at: iso, started_at: null, finished_at: null, updated_at: iso,
  };
  await db.insertInto('jobs').values(row).execute();
  return row;
}

/**
 * Claims a job for `workerId`: the one given by id (if still queued), or the oldest due one of the
 * given kinds. Returns undefined when there is none.
 */
export async function claimJob(db: MetaDb, dialect: 'sqlite' | 'postgres', workerId: string, now: Date, opts: { id?: string; kinds?: string[] } = {}): Promise<JobTable | undefined> {
  const iso = now.toISOString();
  let candidate = db.selectFrom('jobs').select('id').where('state', '=', 'queued').where('run_after', '<=', iso);
  if (opts.kinds?.length) candidate = candidate.where('kind', 'in', opts.kinds);
  candidate = candidate.orderBy('run_after').orderBy('created_at').limit(1);
  if (dialect === 'postgres') candidate = candidate.forUpdate().skipLocked();
  const update = db.updateTable('jobs')
    .set({ state: 'running', locked_by: workerId, heartbeat_at: iso, started_at: sql`coalesce(started_at, ${iso})`, attempts: sql`attempts + 1`, updated_at: iso })
    .where('state', '=', 'queued');
  // By id: the caller just queued it and runs it now, due or not.
  const claimed = await (opts.id ? update.where('id', '=', opts.id) : update.where('id', '=', candidate)).returningAll().executeTakeFirst();
  if (!claimed) return undefined;
  const history_json = withEvent(claimed, event(now, 'claimed', `Attempt ${claimed.attempts} of ${claimed.max_attempts}, run by ${workerId}.`));
  await db.updateTable('jobs').set({ history_json }).where('id', '=', claimed.id).where('locked_by', '=', workerId).execute();
  return { ...claimed, history_json };
}

/** Records liveness and progress; false when the job is no longer this worker's (it was declared lost). */
export async function heartbeat(db: MetaDb, id: string, workerId: string, now: Date, progress?: { stage: string; done: number; total: number }): Promise<boolean> {
  const r = await db.updateTable('jobs')
    .set({ heartbeat_at: now.toISOString(), updated_at: now.toISOString(), ...(progress && { progress_stage: progress.stage, progress_done: progress.done, progress_total: progress.total }) })
    .where('id', '=', id).where('locked_by', '=', workerId).where('state', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function completeJob(db: MetaDb, job: JobTable, workerId: string, result: unknown, now: Date): Promise<boolean> {
  const iso = now.toISOString();
  const r = await db.updateTable('jobs')
    .set({
      state: 'done', result_json: JSON.stringify(result ?? null), finished_at: iso, updated_at: iso, error_code: null, error_message: null,
      history_json: withEvent(job, event(now, 'done', 'Finished.')),
    })
    .where('id', '=', job.id).where('locked_by', '=', workerId).where('state', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Ends an attempt that failed: queued again after a backoff when it may help, failed otherwise. */
export async function failJob(db: MetaDb, job: JobTable, workerId: string, f: JobFailure, now: Date): Promise<JobState> {
  const iso = now.toISOString();
  const retry = f.retryable && job.attempts < job.max_attempts;
  const runAfter = new Date(now.getTime() + backoffMs(job.attempts));
  const message = retry
    ? `Attempt ${job.attempts} failed: ${f.message} It will be tried again after ${runAfter.toISOString()}.`
    : job.attempts > 1 && f.retryable ? `Failed ${job.attempts} times; the last time: ${f.message}` : f.message;
  await db.updateTable('jobs')
    .set({
      state: retry ? 'queued' : 'failed', error_code: f.code, error_message: message, updated_at: iso,
      run_after: retry ? runAfter.toISOString() : job.run_after, locked_by: null, finished_at: retry ? null : iso,
      history_json: withEvent(job, event(now, retry ? 'retry' : 'failed', message)),
    })
    .where('id', '=', job.id).where('locked_by', '=', workerId).where('state', '=', 'running')
    .execute();
  return retry ? 'queued' : 'failed';
}

/**
 * Gives running jobs whose process is gone to someone else: the heartbeat is older than staleMs, or
 * the process named in locked_by ran on this host and no longer exists. Each is queued again (or
 * failed when out of attempts) with the reason in its history. Returns how many were recovered.
 */
export async function recoverLostJobs(db: MetaDb, now: Date, staleMs: number, isAlive: (workerId: string) => boolean | undefined): Promise<number> {
  const limit = new Date(now.getTime() - staleMs).toISOString();
  const running = await db.selectFrom('jobs').selectAll().where('state', '=', 'running').execute();
  let n = 0;
  for (const job of running) {
    const alive = job.locked_by ? isAlive(job.locked_by) : false;
    const stale = (job.heartbeat_at ?? '') < limit;
    if (alive === true || (alive === undefined && !stale)) continue;
    const why = alive === false
      ? `The process that ran it (${job.locked_by}) stopped before it finished.`
      : `The process that ran it (${job.locked_by}) stopped sending signs of life at ${job.heartbeat_at}.`;
    const retry = job.attempts < job.max_attempts;
    const message = retry ? `${why} It is run again.` : `${why} It had been tried ${job.attempts} times, so it is given up; start it again when the cause is fixed.`;
    const r = await db.updateTable('jobs')
      .set({
        state: retry ? 'queued' : 'failed', locked_by: null, updated_at: now.toISOString(), error_code: retry ? job.error_code : 'lost',
        error_message: message, finished_at: retry ? null : now.toISOString(), run_after: now.toISOString(),
        history_json: withEvent(job, event(now, 'lost', message)),
      })
      // Only if nobody touched it since we looked (its heartbeat and owner are unchanged).
      .where('id', '=', job.id).where('state', '=', 'running').where('locked_by', '=', job.locked_by!)
      .where('heartbeat_at', job.heartbeat_at === null ? 'is' : '=', job.heartbeat_at)
      .executeTakeFirst();
    n += Number(r.numUpdatedRows);
  }
  return n;
}

/** Whether the process of a worker id is alive: known only for processes on this host. */
export function localProcessAlive(workerId: string): boolean | undefined {
  const [host, pid] = workerId.split(':');
  if (host !== os.hostname() || !/^\d+$/.test(pid ?? '')) return undefined;
  if (Number(pid) === process.pid) return undefined; // ours: the heartbeat says whether the job still runs
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes the jobs that ended (done or failed) before `before`: the job list is a work log, not the
 * history of the data (versions, refresh runs and privacy decisions keep that). Queued and running
 * jobs are never touched. Returns how many were deleted.
 */
export async function pruneFinishedJobs(db: MetaDb, before: Date): Promise<number> {
  const r = await db.deleteFrom('jobs').where('state', 'in', ['done', 'failed']).where('finished_at', '<', before.toISOString()).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function getJob(db: MetaDb, id: string): Promise<JobTable | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface JobFilter {
  state?: JobState;
  kind?: string;
  organizationIds?: string[] | 'all';
  datasetId?: string;
  resourceId?: string;
  limit: number;
  offset: number;
}

export async function listJobs(db: MetaDb, f: JobFilter): Promise<{ total: number; jobs: JobTable[] }> {
  let q = db.selectFrom('jobs');
  if (f.state) q = q.where('state', '=', f.state);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.datasetId) q = q.where('dataset_id', '=', f.datasetId);
  if (f.resourceId) q = q.where('resource_id', '=', f.resourceId);
  if (f.organizationIds !== undefined && f.organizationIds !== 'all') {
    if (!f.organizationIds.length) return { total: 0, jobs: [] };
    q = q.where('organization_id', 'in', f.organizationIds);
  }
  const total = Number((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const jobs = await q.selectAll().orderBy('created_at', 'desc').limit(f.limit).offset(f.offset).execute();
  return { total, jobs };
}

/** The public view of a job: what it is, where it stands, and why, in words. */
export function jobView(j: JobTable) {
  return {
    id: j.id, kind: j.kind, state: j.state, organizationId: j.organization_id, datasetId: j.dataset_id, resourceId: j.resource_id,
    attempts: j.attempts, maxAttempts: j.max_attempts, runAfter: j.run_after,
    progress: j.progress_stage ? { stage: j.progress_stage, done: j.progress_done, total: j.progress_total } : null,
    heartbeatAt: j.heartbeat_at, worker: j.locked_by,
    error: j.error_message ? { code: j.error_code, message: j.error_message } : null,
    result: j.result_json ? JSON.parse(j.result_json) : null,
    history: JSON.parse(j.history_json) as JobEvent[],
    createdBy: j.created_by, createdAt: j.created_at, startedAt: j.started_at, finishedAt: j.finished_at, updatedAt: j.updated_at,
  };
}
export type JobView = ReturnType<typeof jobView>;
