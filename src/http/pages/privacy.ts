/**
 * The DPO's page: versions that hold personal data and wait for a decision, what was found (with
 * masked examples), and the decisions in a few clicks — accept findings as not personal (with a
 * reason), withhold the version, or publish it without its personal columns (a recipe that drops
 * them, checked for residual risk and saved for the next versions). Plain forms, no script.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App } from '../../app.ts';
import type { Ctx } from '../../context.ts';
import { callAction, listPendingPrivacy, publishWithoutPersonal, reviewPrivacy, withholdVersion } from '../../actions/index.ts';
import { ctxOf } from '../actor.ts';
import { html, type SafeHtml } from './html.ts';
import type { UiLang } from './i18n.ts';
import { formatDate } from './i18n.ts';
import { layout, localized, type PageEnv } from './layout.ts';

type Four = readonly [fr: string, nl: string, de: string, en: string];
const IDX: Record<UiLang, number> = { fr: 0, nl: 1, de: 2, en: 3 };
const w = (env: PageEnv, t: Four, params: Record<string, string | number> = {}) => t[IDX[env.lang]].replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));

const T = {
  title: ['Données personnelles à examiner', 'Te beoordelen persoonsgegevens', 'Zu prüfende personenbezogene Daten', 'Personal data to review'],
  intro: [
    'Ces versions contiennent des données personnelles : elles ne sont publiées nulle part tant que vous n’avez pas décidé.',
    'Deze versies bevatten persoonsgegevens: ze worden nergens gepubliceerd zolang u niet beslist hebt.',
    'Diese Versionen enthalten personenbezogene Daten: Sie werden nirgends veröffentlicht, bevor Sie entschieden haben.',
    'These versions hold personal data: they are published nowhere until you decide.',
  ],
  none: ['Rien à examiner.', 'Niets te beoordelen.', 'Nichts zu prüfen.', 'Nothing to review.'],
  signIn: ['Connectez-vous avec un compte de délégué à la protection des données.', 'Meld u aan met een account van functionaris voor gegevensbescherming.', 'Melden Sie sich mit einem Konto des Datenschutzbeauftragten an.', 'Sign in with a data-protection officer account.'],
  version: ['{resource}, version {n} du {date}', '{resource}, versie {n} van {date}', '{resource}, Version {n} vom {date}', '{resource}, version {n} of {date}'],
  accept: ['Ces éléments ne sont pas des données personnelles — publier', 'Deze elementen zijn geen persoonsgegevens — publiceren', 'Diese Elemente sind keine personenbezogenen Daten — veröffentlichen', 'These are not personal data — publish'],
  reason: ['Motif (consigné au registre des décisions)', 'Reden (vastgelegd in het beslissingsregister)', 'Begründung (im Entscheidungsprotokoll festgehalten)', 'Reason (recorded with the decision)'],
  drop: ['Publier sans les colonnes personnelles', 'Publiceren zonder de persoonlijke kolommen', 'Ohne die personenbezogenen Spalten veröffentlichen', 'Publish without the personal columns'],
  withhold: ['Ne jamais publier cette version', 'Deze versie nooit publiceren', 'Diese Version nie veröffentlichen', 'Never publish this version'],
  combination: ['Combinaison qui isole des personnes (k = {k})', 'Combinatie die personen identificeert (k = {k})', 'Kombination, die Personen herausgreift (k = {k})', 'Combination that singles people out (k = {k})'],
  confidence: ['confiance {c} %', 'zekerheid {c}%', 'Sicherheit {c} %', '{c}% confidence'],
} satisfies Record<string, Four>;

export async function privacyData(ctx: Ctx) {
  if (ctx.actor.kind === 'anonymous') return { signedIn: false, versions: [] as Awaited<ReturnType<typeof pending>> };
  return { signedIn: true, versions: await pending(ctx) };
}
async function pending(ctx: Ctx) {
  return (await callAction(listPendingPrivacy, ctx, {})).versions;
}

export function renderPrivacy(data: Awaited<ReturnType<typeof privacyData>>, env: PageEnv): SafeHtml {
  const body = !data.signedIn
    ? html`<h1>${w(env, T.title)}</h1><p>${w(env, T.signIn)} <a href="${env.href('/login', { next: '/privacy' })}">${env.t.signIn}</a></p>`
    : html`<h1>${w(env, T.title)}</h1><p>${w(env, T.intro)}</p>
${data.versions.length ? data.versions.map((v) => versionBlock(env, v)) : html`<p>${w(env, T.none)}</p>`}`;
  return layout(env, { title: w(env, T.title), body });
}

function versionBlock(env: PageEnv, v: Awaited<ReturnType<typeof pending>>[number]): SafeHtml {
  const personal = v.privacy?.columns.filter((c) => c.personal) ?? [];
  const risky = v.privacy?.quasiIdentifiers.filter((q) => q.k < (v.privacy?.threshold ?? 5)) ?? [];
  const id = `v-${v.version.id}`;
  return html`<section class="resource" aria-labelledby="${id}">
<h2 id="${id}">${localized(env, v.datasetTitle)} — ${w(env, T.version, { resource: v.resourceName, n: v.version.number, date: formatDate(env.lang, v.version.createdAt) })}</h2>
<ul>${personal.map((c) => html`<li><strong>${c.name}</strong>: ${c.categories.map((k) => html`${k.category} (${w(env, T.confidence, { c: Math.round(k.confidence * 100) })}) — ${k.evidence}${k.examples.length ? html` <code>${k.examples.slice(0, 3).join(', ')}</code>` : ''}`)}</li>`)}
${risky.map((q) => html`<li>${w(env, T.combination, { k: q.k })}: <strong>${q.columns.join(' + ')}</strong></li>`)}</ul>
<form method="post" action="/privacy/versions/${v.version.id}/review" class="stacked">
${v.toDecide.map((name) => html`<input type="hidden" name="column" value="${name}">`)}
<label for="${id}-reason">${w(env, T.reason)}</label><input id="${id}-reason" name="reason" required minlength="10">
<button type="submit">${w(env, T.accept)}</button>
</form>
${personal.length ? html`<form method="post" action="/privacy/versions/${v.version.id}/drop-personal"><button type="submit">${w(env, T.drop)}</button></form>` : ''}
<form method="post" action="/privacy/versions/${v.version.id}/withhold" class="stacked">
<label for="${id}-why">${w(env, T.reason)}</label><input id="${id}-why" name="reason" required minlength="10">
<button type="submit">${w(env, T.withhold)}</button>
</form>
</section>`;
}

const form = (req: FastifyRequest) => (req.body && typeof req.body === 'object' ? (req.body as Record<string, string | string[]>) : {});
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

/** The page's buttons, answered with a redirect back to the page. */
export function registerPrivacyForms(server: FastifyInstance, app: App): void {
  server.post('/privacy/versions/:version/review', { schema: { hide: true } }, async (req, reply) => {
    const f = form(req);
    const columns = ([] as string[]).concat(f.column ?? []);
    const reason = one(f.reason);
    await callAction(reviewPrivacy, await ctxOf(app, req), { version: (req.params as Record<string, string>).version, accept: columns.map((column) => ({ column, reason })) });
    return reply.redirect('/privacy', 303);
  });
  server.post('/privacy/versions/:version/withhold', { schema: { hide: true } }, async (req, reply) => {
    await callAction(withholdVersion, await ctxOf(app, req), { version: (req.params as Record<string, string>).version, reason: one(form(req).reason) });
    return reply.redirect('/privacy', 303);
  });
  // The commonest recipe in one click (the action builds and checks it).
  server.post('/privacy/versions/:version/drop-personal', { schema: { hide: true } }, async (req, reply) => {
    await callAction(publishWithoutPersonal, await ctxOf(app, req), { version: (req.params as Record<string, string>).version });
    return reply.redirect('/privacy', 303);
  });
}
