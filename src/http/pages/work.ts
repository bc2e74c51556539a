/**
 * Pages for the people who publish: signing in, the jobs of their organizations, and the buttons of
 * the dataset page (roll back, approve or reject a held refresh, refresh now, retry a job). Each
 * button is a plain form POST (no script needed) answered with a redirect back (post/redirect/get).
 * Session cookies are SameSite=Lax, so another site cannot make a browser send these forms.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App } from '../../app.ts';
import type { Ctx } from '../../context.ts';
import { approveRefresh, callAction, listJobsAction, refreshResource, rejectRefresh, retryJob, rollbackVersion, signIn, signOut } from '../../actions/index.ts';
import { isAppError } from '../../errors.ts';
import type { JobView } from '../../jobs/store.ts';
import { ctxOf, SESSION_COOKIE, sessionToken } from '../actor.ts';
import { html, type SafeHtml } from './html.ts';
import { formatDate, type StringKey } from './i18n.ts';
import { layout, type PageEnv } from './layout.ts';

export async function jobsData(ctx: Ctx, query: Record<string, string>) {
  if (ctx.actor.kind === 'anonymous') return { signedIn: false, total: 0, jobs: [] as JobView[] };
  const out = await callAction(listJobsAction, ctx, { state: query.state, limit: query.limit ?? 100 });
  return { signedIn: true, total: out.total, jobs: out.jobs };
}

export function renderJobs(data: Awaited<ReturnType<typeof jobsData>>, env: PageEnv): SafeHtml {
  const { t } = env;
  const body = !data.signedIn
    ? html`<h1>${t.jobs}</h1><p>${t.needSignIn} <a href="${env.href('/login', { next: '/jobs' })}">${t.signIn}</a></p>`
    : html`<h1>${t.jobs}</h1><p>${t.jobsIntro}</p>
${data.jobs.length ? html`<div class="table-wrap" role="region" aria-label="${t.jobs}" tabindex="0"><table>
<thead><tr><th scope="col">${t.histDate}</th><th scope="col">${t.jobKind}</th><th scope="col">${t.jobState}</th><th scope="col">${t.jobWhy}</th></tr></thead>
<tbody>${data.jobs.map((j) => html`<tr>
<td>${formatDate(env.lang, j.createdAt)}</td>
<td>${t[`kind_${j.kind}` as StringKey] ?? j.kind}${j.datasetId ? html` — <a href="${env.href(`/datasets/${j.datasetId}`)}">${j.datasetId.slice(0, 8)}</a>` : ''}</td>
<td>${t[`state_${j.state}` as StringKey] ?? j.state}${j.state === 'running' && j.progress ? html`<br><span class="meta">${j.progress.stage} ${j.progress.done}/${j.progress.total}</span>` : ''}<br><span class="meta">${j.attempts}/${j.maxAttempts}</span></td>
<td>${j.error ? j.error.message : j.state === 'running' ? html`<span class="meta">♥ ${j.heartbeatAt ?? ''}</span>` : ''}${j.state === 'failed' ? html`<form method="post" action="/jobs/${j.id}/retry" class="inline"><button type="submit">${t.retry}</button></form>` : ''}</td>
</tr>`)}</tbody></table></div>` : html`<p>${t.jobsNone}</p>`}`;
  return layout(env, { title: t.jobs, body });
}

export function renderLogin(data: { failed: boolean; next: string }, env: PageEnv): SafeHtml {
  const { t } = env;
  const body = html`<h1>${t.signIn}</h1><p>${t.signInIntro}</p>
${data.failed ? html`<p class="notice" role="alert">${t.signInFailed}</p>` : ''}
<form method="post" action="/login" class="stacked">
<input type="hidden" name="next" value="${data.next}">
<label for="email">${t.email}</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">${t.password}</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">${t.signIn}</button>
</form>`;
  return layout(env, { title: t.signIn, body });
}

/** Only paths of this site may be the target of a redirect after a form (no open redirect). */
function localPath(p: unknown, fallback: string): string {
  return typeof p === 'string' && /^\/(?![/\\])/.test(p) ? p : fallback;
}

/** Back to the page the form was on. */
function back(req: FastifyRequest, fallback: string): string {
  const ref = req.headers.referer;
  if (!ref) return fallback;
  try {
    const u = new URL(ref);
    // Compared as URLs, so that "host:80" and "host" (the default port) are the same site.
    return u.host === new URL(`${u.protocol}//${req.headers.host ?? ''}`).host ? u.pathname + u.search : fallback;
  } catch {
    return fallback;
  }
}

const form = (req: FastifyRequest) => (req.body && typeof req.body === 'object' ? (req.body as Record<string, string>) : {});

/** Registers the form endpoints; the pages themselves are registered with the others. */
export function registerForms(server: FastifyInstance, app: App): void {
  server.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    // A repeated field (several checkboxes of one name) becomes a list; a single one stays a string.
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(body as string)) {
      const had = out[k];
      out[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
    }
    done(null, out);
  });
  server.post('/login', { schema: { hide: true } }, async (req, reply) => {
    const f = form(req);
    const next = localPath(f.next, '/jobs');
    try {
      const s = await callAction(signIn, await ctxOf(app, req), { email: f.email ?? '', password: f.password ?? '' });
      const secure = req.protocol === 'https' ? '; Secure' : '';
      reply.header('Set-Cookie', `${SESSION_COOKIE}=${encodeURIComponent(s.token)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${12 * 3600}${secure}`);
      return reply.redirect(next, 303);
    } catch (e) {
      if (isAppError(e) && e.code === 'unauthenticated') return reply.redirect(`/login?failed=1&next=${encodeURIComponent(next)}`, 303);
      throw e;
    }
  });
  server.post('/logout', { schema: { hide: true } }, async (req, reply) => {
    const token = sessionToken(req);
    if (token) await callAction(signOut, app.ctx({ kind: 'anonymous' }), { token });
    reply.header('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
    return reply.redirect('/', 303);
  });
  const button = (url: string, run: (ctx: Ctx, p: Record<string, string>) => Promise<unknown>) => {
    server.post(url, { schema: { hide: true } }, async (req, reply) => {
      await run(await ctxOf(app, req), (req.params ?? {}) as Record<string, string>);
      return reply.redirect(back(req, '/jobs'), 303);
    });
  };
  button('/resources/:resource/versions/:version/rollback', (ctx, p) => callAction(rollbackVersion, ctx, p));
  button('/resources/:resource/refresh', (ctx, p) => callAction(refreshResource, ctx, { resource: p.resource, wait: false }));
  button('/refreshes/:run/approve', (ctx, p) => callAction(approveRefresh, ctx, p));
  button('/refreshes/:run/reject', (ctx, p) => callAction(rejectRefresh, ctx, p));
  button('/jobs/:job/retry', (ctx, p) => callAction(retryJob, ctx, p));
}

