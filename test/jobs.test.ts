import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { backends, openTestApp } from './helpers/backends.ts';
import { claimJob, completeJob, enqueueJob, failJob, getJob, heartbeat, jobView, recoverLostJobs, localProcessAlive } from '../src/jobs/store.ts';
import { jobRetentionTicker } from '../src/work/index.ts';
import { callAction } from '../src/actions/registry.ts';
import { sweepVersions } from '../src/actions/maintenance.ts';
import { JobRunner } from '../src/jobs/runner.ts';
import { AppError } from '../src/errors.ts';

for (const backend of backends()) {
  describe(`jobs (${backend.name})`, () => {
    const opened: { close(): Promise<void> }[] = [];
    after(async () => { for (const a of opened) await a.close(); });
    const app = async (overrides: Record<string, unknown> = {}) => {
      const a = await openTestApp(backend, overrides);
      opened.push(a);
      return a;
    };

    test('concurrent claimers take different jobs, and none twice', async () => {
      const a = await app();
      const db = a.stores.meta;
      const now = new Date();
      for (let i = 0; i < 12; i++) await enqueueJob(db, { kind: 'test', input: { i } }, new Date(now.getTime() - 1000 + i));
      const claims = await Promise.all(Array.from({ length: 20 }, (_, w) => claimJob(db, a.stores.metaDialect, `host:1:w${w}`, now)));
      const got = claims.filter((c) => c !== undefined);
      assert.equal(got.length, 12, 'every job claimed once, the extra claimers got none');
      assert.equal(new Set(got.map((j) => j!.id)).size, 12);
      for (const j of got) assert.equal(j!.attempts, 1);
      assert.equal(await claimJob(db, a.stores.metaDialect, 'host:1:late', now), undefined);
    });

    test('a job not yet due is not claimed; a claimed job is only changed by its worker', async () => {
      const a = await app();
      const db = a.stores.meta;
      const now = new Date();
      await enqueueJob(db, { kind: 'test', input: {}, runAfter: new Date(now.getTime() + 60_000) }, now);
      assert.equal(await claimJob(db, a.stores.metaDialect, 'h:1:a', now), undefined);
      const later = new Date(now.getTime() + 61_000);
      const j = (await claimJob(db, a.stores.metaDialect, 'h:1:a', later))!;
      assert.equal(await heartbeat(db, j.id, 'h:1:other', later), false);
      assert.equal(await heartbeat(db, j.id, 'h:1:a', later, { stage: 'load', done: 1, total: 3 }), true);
      assert.equal(await completeJob(db, j, 'h:1:other', { ok: 1 }, later), false);
      assert.equal(await completeJob(db, j, 'h:1:a', { ok: 1 }, later), true);
      const v = jobView((await getJob(db, j.id))!);
      assert.equal(v.state, 'done');
      assert.deepEqual(v.result, { ok: 1 });
      assert.deepEqual(v.history.map((e) => e.event), ['queued', 'claimed', 'done']);
    });

    test('a failure that may pass is retried with backoff; others fail at once with the reason', async () => {
      const a = await app();
      const db = a.stores.meta;
      const now = new Date();
      const j1 = await enqueueJob(db, { kind: 'test', input: {}, maxAttempts: 2 }, now);
      let c = (await claimJob(db, a.stores.metaDialect, 'h:1:a', now, { id: j1.id }))!;
      assert.equal(await failJob(db, c, 'h:1:a', { code: 'fetch_failed', message: 'The server answered 503.', retryable: true }, now), 'queued');
      let row = (await getJob(db, j1.id))!;
      assert.equal(row.state, 'queued');
      assert.ok(row.run_after > now.toISOString(), 'waits for its backoff');
      assert.match(row.error_message!, /Attempt 1 failed: The server answered 503\. It will be tried again after/);
      const later = new Date(row.run_after);
      c = (await claimJob(db, a.stores.metaDialect, 'h:1:a', later))!;
      assert.equal(c.attempts, 2);
      assert.equal(await failJob(db, c, 'h:1:a', { code: 'fetch_failed', message: 'The server answered 503.', retryable: true }, later), 'failed');
      row = (await getJob(db, j1.id))!;
      assert.match(row.error_message!, /Failed 2 times; the last time: The server answered 503/);

      const j2 = await enqueueJob(db, { kind: 'test', input: {} }, now);
      c = (await claimJob(db, a.stores.metaDialect, 'h:1:a', now, { id: j2.id }))!;
      assert.equal(await failJob(db, c, 'h:1:a', { code: 'unreadable_table', message: 'Row 3 has an unclosed quote.', retryable: false }, now), 'failed');
      assert.equal((await getJob(db, j2.id))!.error_message, 'Row 3 has an unclosed quote.');
    });

    test('a job whose process stopped is queued again, with the reason in its history', async () => {
      const a = await app();
      const db = a.stores.meta;
      const t0 = new Date();
      // A process on this host that no longer exists (pid far above pid_max is never alive).
      const dead = `${os.hostname()}:99999999:abcd`;
      const j = await enqueueJob(db, { kind: 'test', input: {} }, t0);
      await claimJob(db, a.stores.metaDialect, dead, t0, { id: j.id });
      assert.equal(localProcessAlive(dead), false);
      assert.equal(await recoverLostJobs(db, t0, 60_000, localProcessAlive), 1);
      let row = jobView((await getJob(db, j.id))!);
      assert.equal(row.state, 'queued');
      assert.match(row.history.at(-1)!.message, /stopped before it finished\. It is run again/);

      // Elsewhere (another host): only the heartbeat tells, after the stale limit.
      const remote = 'other-host:123:beef';
      await claimJob(db, a.stores.metaDialect, remote, t0, { id: j.id });
      assert.equal(await recoverLostJobs(db, new Date(t0.getTime() + 30_000), 60_000, localProcessAlive), 0);
      assert.equal(await recoverLostJobs(db, new Date(t0.getTime() + 61_000), 60_000, localProcessAlive), 1);
      row = jobView((await getJob(db, j.id))!);
      assert.match(row.history.at(-1)!.message, /stopped sending signs of life/);
      // Out of attempts (3): failed, not queued forever.
      await claimJob(db, a.stores.metaDialect, remote, t0, { id: j.id });
      assert.equal(await recoverLostJobs(db, new Date(t0.getTime() + 200_000), 60_000, () => false), 1);
      row = jobView((await getJob(db, j.id))!);
      assert.equal(row.state, 'failed');
      assert.match(row.error!.message, /tried 3 times, so it is given up/);
    });

    test('the runner runs queued jobs in the background and a waiting caller gets the result or the error', async () => {
      const a = await app({ jobPollMs: 50, jobHeartbeatMs: 20 });
      let beats = 0;
      const runner = new JobRunner({
        stores: a.stores, config: a.config, makeCtx: a.ctx, log: { info() {}, warn() {}, error() {} },
        handlers: {
          echo: async ({ job, progress }) => {
            progress('work', 1, 2);
            await new Promise((r) => setTimeout(r, 80));
            beats++;
            return JSON.parse(job.input_json);
          },
          broken: async () => { throw new AppError('unreadable_table', 'The file holds no table.'); },
        },
      });
      const out = await runner.submit({ kind: 'echo', input: { x: 1 } }, { wait: true });
      assert.deepEqual(out.result, { x: 1 });
      const row = (await getJob(a.stores.meta, out.job.id))!;
      assert.equal(row.state, 'done');
      assert.equal(row.progress_stage, 'work', 'progress was written by a heartbeat');
      await assert.rejects(runner.submit({ kind: 'broken', input: {} }, { wait: true }), (e: AppError) => e.code === 'unreadable_table');
      const queued = await runner.submit({ kind: 'echo', input: { y: 2 } });
      assert.equal(queued.job.state, 'queued');
      runner.start();
      try {
        const done = await runner.waitFor(queued.job.id, 10_000);
        assert.deepEqual(done.result, { y: 2 });
        assert.equal(beats, 2);
      } finally {
        await runner.stop();
      }
    });

    test('finished jobs are deleted after the retention, queued and running ones never', async () => {
      const a = await app({ jobRetentionDays: 30 });
      const db = a.stores.meta;
      const now = new Date();
      const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
      const finish = async (ended: Date, ok: boolean) => {
        const j = await enqueueJob(db, { kind: 'test', input: {}, maxAttempts: 1 }, ended);
        const c = (await claimJob(db, a.stores.metaDialect, 'h:1:a', ended, { id: j.id }))!;
        if (ok) await completeJob(db, c, 'h:1:a', null, ended);
        else await failJob(db, c, 'h:1:a', { code: 'validation_failed', message: 'bad file', retryable: false }, ended);
        return j.id;
      };
      const oldDone = await finish(daysAgo(40), true);
      const oldFailed = await finish(daysAgo(31), false);
      const recent = await finish(daysAgo(29), true);
      const oldQueued = (await enqueueJob(db, { kind: 'test', input: {}, runAfter: daysAgo(60) }, daysAgo(60))).id;
      const oldRunning = (await enqueueJob(db, { kind: 'test', input: {} }, daysAgo(50))).id;
      await claimJob(db, a.stores.metaDialect, 'h:1:b', daysAgo(50), { id: oldRunning });

      const tick = jobRetentionTicker(() => a.ctx({ kind: 'system' }));
      await tick(now);
      const left = async () => (await db.selectFrom('jobs').select('id').execute()).map((r) => r.id).sort();
      assert.deepEqual(await left(), [recent, oldQueued, oldRunning].sort());
      assert.equal(await getJob(db, oldDone), undefined);
      assert.equal(await getJob(db, oldFailed), undefined);

      // Once an hour per process: a job that ages past the limit meanwhile waits for the next hour.
      const aged = await finish(daysAgo(45), true);
      await tick(new Date(now.getTime() + 60_000));
      assert.ok(await getJob(db, aged));
      await tick(new Date(now.getTime() + 3600_000));
      assert.equal(await getJob(db, aged), undefined);

      // The maintenance action does the same at once, and says how many it deleted.
      await finish(daysAgo(100), false);
      const swept = await callAction(sweepVersions, a.ctx({ kind: 'system' }), { minAgeMinutes: 60 });
      assert.equal(swept.jobsRemoved, 1);
      assert.deepEqual(await left(), [recent, oldQueued, oldRunning].sort());
    });

    test('a retention of 0 days keeps finished jobs for ever', async () => {
      const a = await app({ jobRetentionDays: 0 });
      const db = a.stores.meta;
      const long = new Date(Date.now() - 3650 * 86_400_000);
      const j = await enqueueJob(db, { kind: 'test', input: {} }, long);
      const c = (await claimJob(db, a.stores.metaDialect, 'h:1:a', long, { id: j.id }))!;
      await completeJob(db, c, 'h:1:a', null, long);
      await jobRetentionTicker(() => a.ctx({ kind: 'system' }))(new Date());
      assert.ok(await getJob(db, j.id));
    });
  });
}
