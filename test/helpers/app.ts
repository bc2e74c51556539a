import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../src/app.ts';
import { callAction } from '../../src/actions/registry.ts';
import { publishFile } from '../../src/actions/versions.ts';
import { buildServer } from '../../src/http/server.ts';
import { tempDir } from './paths.ts';

export { backends, openTestApp, type Backend } from './backends.ts';
import { openTestApp, type Backend } from './backends.ts';

/** An app with its HTTP server built (not listening: use server.inject). */
export async function startTestApp(backend?: Backend, overrides: Record<string, unknown> = {}): Promise<{ app: App; server: FastifyInstance; close(): Promise<void> }> {
  const app = await openTestApp(backend, overrides);
  const server = await buildServer(app);
  return { app, server, async close() { await server.close(); await app.close(); } };
}

export const SAMPLE_CSV = [
  'Budget communal 2024;;;',
  '',
  'Article;Libellé;Montant;Date',
  '104/123-01;Frais de bureau;1.234,56;03/02/2024',
  '421/140-02;Entretien voirie (été);12.500,00;15/03/2024',
  '722/724-60;École: rénovation;250.000,00;01/06/2024',
  'Source: Service des finances;;;',
].join('\r\n') + '\r\n';

/** Publishes a small CSV (Windows-1252 by default, like office exports) as the operator. */
export async function publishSample(app: App, opts: { csv?: string; title?: string; nis?: string; encoding?: 'windows-1252' | 'utf-8'; status?: 'published' | 'internal' | 'planned' } = {}): Promise<{ datasetId: string; resourceId: string }> {
  const dir = tempDir('dataville-src-');
  const file = path.join(dir, 'budget.csv');
  const text = opts.csv ?? SAMPLE_CSV;
  const iconv = (await import('iconv-lite')).default;
  fs.writeFileSync(file, (opts.encoding ?? 'windows-1252') === 'utf-8' ? Buffer.from(text) : iconv.encode(text, 'windows-1252'));
  const out = await callAction(publishFile, app.ctx({ kind: 'system' }), {
    organization: opts.nis ?? '92094', title: opts.title ?? 'Budget communal 2024', file: { path: file, name: 'budget.csv' },
    ...(opts.status ? { status: opts.status } : {}),
  });
  return { datasetId: out.dataset.id, resourceId: out.dataset.resources[0].id };
}

/** Runs the job loop of an app until no job is due or running (a few seconds at most in these tests). */
export async function runDueJobs(app: App, now = new Date()): Promise<void> {
  for (let i = 0; i < 600; i++) {
    await app.jobs.tick(now);
    const busy = await app.stores.meta.selectFrom('jobs').select('id').where((eb) => eb.or([eb('state', '=', 'running'), eb.and([eb('state', '=', 'queued'), eb('run_after', '<=', now.toISOString())])])).executeTakeFirst();
    if (!busy) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('jobs still due or running after 30 s');
}

/**
 * Releases every version of a dataset held by the privacy gate, as its DPO would after checking it
 * (the operator acts as DPO here). For tests about other things than privacy, on real files whose
 * contact columns (school e-mails, public buildings' addresses) the guard rightly asks about.
 */
export async function releaseHeld(app: App, datasetId: string): Promise<number> {
  const { releaseHeldVersions } = await import('../../src/actions/privacy.ts');
  return releaseHeldVersions(app.ctx({ kind: 'system' }), datasetId, 'Checked for this test: not personal data.');
}
