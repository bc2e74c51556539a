/**
 * Runs jobs: in the background (a loop per process claiming due jobs) and in the foreground (an
 * action that queued a job and waits for it, like `dataville publish`, runs it itself at once).
 * Either way the job's row says where it stands; see store.ts for the claiming rules.
 */
import type { Actor, Ctx, Logger, ProgressFn, Stores } from '../context.ts';
import type { Config } from '../config.ts';
import { AppError, isAppError, type ErrorCode, errorCodes } from '../errors.ts';
import type { JobTable } from '../stores/meta/schema.ts';
import {
  claimJob, completeJob, enqueueJob, failJob, getJob, heartbeat, jobView, localProcessAlive, newWorkerId, recoverLostJobs,
  type JobFailure, type JobView, type NewJob,
} from './store.ts';

export interface JobRun {
  job: JobTable;
  /** A context acting as the system, on behalf of job.created_by (authorization was checked when the job was queued). */
  ctx: Ctx;
  progress: ProgressFn;
  /** Aborted when the job was taken away from this process (declared lost): stop and write nothing. */
  signal: AbortSignal;
}
export type JobHandler = (run: JobRun) => Promise<unknown>;

/** Something to do on each tick of the loop, e.g. queue the refreshes that are due. */
export type Ticker = (now: Date) => Promise<void>;

export interface JobRunnerDeps {
  stores: Stores;
  config: Config;
  makeCtx(actor: Actor, extra?: { progress?: ProgressFn; requestId?: string }): Ctx;
  log: Logger;
  handlers: Record<string, JobHandler>;
  tickers?: Ticker[];
}

export interface SubmitResult {
  job: JobView;
  /** Set when the job finished while the caller waited. */
  result?: unknown;
}

/** Input errors fail at once; a remote server's trouble and our own (internal) errors are tried again. */
export function failureOf(e: unknown): JobFailure {
  if (isAppError(e)) return { code: e.code, message: e.message, retryable: e.status >= 500 };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message: `An unexpected error stopped the job: ${message}`, retryable: true };
}

export class JobRunner {
  readonly workerId = newWorkerId();
  private timer: NodeJS.Timeout | null = null;
  private running = new Map<string, Promise<void>>();
  /** Jobs this process runs, by id, to give them up cleanly when the process is told to stop. */
  private claimed = new Map<string, JobTable>();
  private ticking = false;
  private stopped = false;

  constructor(private readonly deps: JobRunnerDeps) {}

  /** Starts the background loop (no-op when the config gives this process no workers). */
  start(): void {
    if (this.timer || this.deps.config.jobWorkers === 0) return;
    this.stopped = false;
    const loop = () => {
      this.tick().catch((e) => this.deps.log.error('job loop failed', { error: e instanceof Error ? e.message : String(e) }));
      if (!this.stopped) this.timer = setTimeout(loop, this.deps.config.jobPollMs);
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Stops claiming, then waits for the jobs this process runs (up to waitMs; the rest are recovered by the next process). */
  async stop(waitMs = 30_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.race([Promise.allSettled([...this.running.values()]), new Promise((r) => setTimeout(r, waitMs).unref())]);
  }

  /** One round: give lost jobs back, run the tickers, claim what free slots allow. */
  async tick(now = new Date()): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const { meta } = this.deps.stores;
      const recovered = await recoverLostJobs(meta, now, this.deps.config.jobStaleMs, localProcessAlive);
      if (recovered) this.deps.log.warn('jobs recovered from a stopped process', { count: recovered });
      for (const t of this.deps.tickers ?? []) await t(now);
      while (!this.stopped && this.running.size < this.deps.config.jobWorkers) {
        const job = await claimJob(meta, this.deps.stores.metaDialect, this.workerId, now, { kinds: Object.keys(this.deps.handlers) });
        if (!job) break;
        const p = this.execute(job).finally(() => this.running.delete(job.id));
        this.running.set(job.id, p.then(() => {}, () => {}));
      }
    } finally {
      this.ticking = false;
    }
  }

  /**
   * Queues a job. With wait, runs it here at once and resolves with its result, or rejects with
   * its error (the same AppError an inline call would give); if another process claimed it first,
   * waits for that one (up to waitMs, then resolves with the job still running).
   */
  async submit(j: NewJob, opts: { wait?: boolean; waitMs?: number; progress?: ProgressFn } = {}): Promise<SubmitResult> {
    const { meta, metaDialect } = this.deps.stores;
    const queued = await enqueueJob(meta, j, new Date());
    if (!opts.wait) return { job: jobView(queued) };
    const claimed = await claimJob(meta, metaDialect, this.workerId, new Date(), { id: queued.id });
    if (claimed) {
      const p = this.execute(claimed, opts.progress, true);
      this.running.set(claimed.id, p.then(() => {}, () => {}));
      try {
        const result = await p;
        return { job: jobView((await getJob(meta, queued.id))!), result };
      } finally {
        this.running.delete(claimed.id);
      }
    }
    return this.waitFor(queued.id, opts.waitMs ?? 3600_000);
  }

  /** Waits until a job is done or failed (polling the store), or until waitMs passed. */
  async waitFor(id: string, waitMs: number): Promise<SubmitResult> {
    const until = Date.now() + waitMs;
    for (;;) {
      const job = await getJob(this.deps.stores.meta, id);
      if (!job) throw new AppError('job_not_found', `There is no job ${id}.`);
      if (job.state === 'done') return { job: jobView(job), result: job.result_json ? JSON.parse(job.result_json) : null };
      if (job.state === 'failed') throw errorOfJob(job);
      if (Date.now() >= until) return { job: jobView(job) };
      await new Promise((r) => setTimeout(r, Math.min(500, this.deps.config.jobPollMs)));
    }
  }

  /** Runs a claimed job with heartbeats; records its end. `rethrow`: the caller waits and wants the error itself. */
  private async execute(job: JobTable, onProgress?: ProgressFn, rethrow = false): Promise<unknown> {
    const { meta } = this.deps.stores;
    const handler = this.deps.handlers[job.kind];
    this.claimed.set(job.id, job);
    const abort = new AbortController();
    let latest: { stage: string; done: number; total: number } | undefined;
    let beat = Promise.resolve();
    const timer = setInterval(() => {
      beat = heartbeat(meta, job.id, this.workerId, new Date(), latest).then((mine) => {
        if (!mine) abort.abort(new Error('The job was given to another process.'));
      }, (e) => this.deps.log.warn('heartbeat failed', { job: job.id, error: e instanceof Error ? e.message : String(e) }));
    }, this.deps.config.jobHeartbeatMs);
    timer.unref();
    const progress: ProgressFn = (stage, done, total) => {
      latest = { stage, done, total };
      onProgress?.(stage, done, total);
    };
    try {
      if (!handler) throw new AppError('internal', `No handler for jobs of kind "${job.kind}" in this version of Dataville.`);
      const ctx = this.deps.makeCtx({ kind: 'system' }, { progress, requestId: `job-${job.id}` });
      const result = await handler({ job, ctx, progress, signal: abort.signal });
      clearInterval(timer);
      await beat;
      await completeJob(meta, job, this.workerId, result, new Date());
      return result;
    } catch (e) {
      clearInterval(timer);
      await beat;
      // A caller that waits gets the error itself and decides; only a lost process makes it run again.
      const f = rethrow ? { ...failureOf(e), retryable: false } : failureOf(e);
      const state = await failJob(meta, job, this.workerId, f, new Date());
      this.deps.log[state === 'failed' ? 'error' : 'warn']('job attempt failed', { job: job.id, kind: job.kind, state, error: f.message });
      if (rethrow) throw e;
      return undefined;
    } finally {
      this.claimed.delete(job.id);
    }
  }

  /**
   * Ends the jobs this process runs as failed, with the reason (an operator pressed Ctrl-C): they
   * are not picked up again by the next process, as a killed process's jobs would be.
   */
  async abandon(reason: string): Promise<void> {
    const now = new Date();
    for (const job of this.claimed.values()) {
      await failJob(this.deps.stores.meta, job, this.workerId, { code: 'cancelled', message: reason, retryable: false }, now).catch(() => {});
    }
  }
}

/** The error a failed job ended with, as the AppError an inline call would have thrown. */
export function errorOfJob(job: JobTable): AppError {
  const code = (job.error_code && job.error_code in errorCodes ? job.error_code : 'internal') as ErrorCode;
  return new AppError(code, job.error_message ?? 'The job failed without a reason; this is a bug in Dataville.', { job: job.id });
}
