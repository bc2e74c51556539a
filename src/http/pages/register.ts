/**
 * The register of processing activities as a page for the DPO: the controller and its DPOs, a
 * contents table, then one block per processing with every column of the register, made to be
 * printed on A4 (the site's header, footer and links to the files are left off the paper).
 */
import type { Ctx } from '../../context.ts';
import { callAction } from '../../actions/registry.ts';
import { listRegister } from '../../actions/gdpr.ts';
import {
  cellTexts, columnWords, datasetTitle, DPIA_WORDS, dpoLine, formatPhone, IDENTITY_WORDS, organizationName, REGISTER_COLUMNS, STATUS_WORDS,
  type ColumnKey, type Four, type ProcessingView, type RegisterView,
} from '../../gdpr/model.ts';
import { html, raw, type SafeHtml } from './html.ts';
import { formatDate, formatNumber } from './i18n.ts';
import { layout, organizationPath, type PageEnv } from './layout.ts';

const W = {
  intro: [
    "Établi à partir de l'inventaire des données de la commune et complété par son délégué à la protection des données. Les rubriques que l'article 30.1 du RGPD exige sont signalées « à compléter » tant qu'elles sont vides.",
    'Opgesteld op basis van de inventaris van de gegevens van de gemeente en aangevuld door haar functionaris voor gegevensbescherming. De rubrieken die artikel 30.1 AVG vereist, worden als „aan te vullen” gemarkeerd zolang ze leeg zijn.',
    'Erstellt aus dem Datenbestand der Gemeinde und ergänzt durch ihren Datenschutzbeauftragten. Die von Artikel 30 Abs. 1 DSGVO verlangten Angaben sind als „zu ergänzen“ markiert, solange sie leer sind.',
    "Made from the municipality's data inventory and completed by its data protection officer. The entries GDPR Article 30(1) requires are marked “to complete” while they are empty.",
  ],
  download: ['Télécharger', 'Downloaden', 'Herunterladen', 'Download'],
  xlsx: ['Excel (modèle de l’APD)', 'Excel (model van de GBA)', 'Excel (Modell der Datenschutzbehörde)', 'Excel (the authority’s model)'],
  csv: ['CSV pour Excel', 'CSV voor Excel', 'CSV für Excel', 'CSV for Excel'],
  printHint: [
    "Pour l'imprimer, utilisez la commande Imprimer du navigateur : la mise en page est prévue pour le format A4.",
    'Gebruik de afdrukopdracht van de browser om het af te drukken: de opmaak is voorzien voor A4.',
    'Zum Drucken den Druckbefehl des Browsers verwenden: das Layout ist für A4 gedacht.',
    "To print it, use the browser's Print command: the layout is made for A4 paper.",
  ],
  contents: ['Sommaire', 'Overzicht', 'Übersicht', 'Contents'],
  toComplete: ['À compléter', 'Aan te vullen', 'Zu ergänzen', 'To complete'],
  complete: ['complet', 'volledig', 'vollständig', 'complete'],
  none: [
    "Le registre ne compte encore aucun traitement. Dataville peut en proposer à partir des jeux de données où l'audit a trouvé des données personnelles (POST /api/organizations/{organization}/register/proposals).",
    'Het register bevat nog geen verwerkingen. Dataville kan er voorstellen op basis van de datasets waarin de audit persoonsgegevens vond (POST /api/organizations/{organization}/register/proposals).',
    'Das Verzeichnis enthält noch keine Verarbeitung. Dataville kann welche aus den Datensätzen vorschlagen, in denen die Prüfung personenbezogene Daten fand (POST /api/organizations/{organization}/register/proposals).',
    'The register has no processing yet. Dataville can propose some from the datasets whose audit found personal data (POST /api/organizations/{organization}/register/proposals).',
  ],
  noDpo: [
    "Aucun délégué à la protection des données n'est désigné dans Dataville : un administrateur peut donner le rôle « dpo » à un membre.",
    'Er is in Dataville geen functionaris voor gegevensbescherming aangeduid: een beheerder kan een lid de rol „dpo” geven.',
    'In Dataville ist kein Datenschutzbeauftragter benannt: ein Administrator kann einem Mitglied die Rolle „dpo“ geben.',
    'No data protection officer is named in Dataville: an admin can give a member the role "dpo".',
  ],
  noEmail: [
    "L'adresse e-mail de la commune manque : un administrateur peut la renseigner (PATCH /api/organizations/{organization}).",
    'Het e-mailadres van de gemeente ontbreekt: een beheerder kan het invullen (PATCH /api/organizations/{organization}).',
    'Die E-Mail-Adresse der Gemeinde fehlt: ein Administrator kann sie eintragen (PATCH /api/organizations/{organization}).',
    "The municipality's e-mail address is missing: an admin can set it (PATCH /api/organizations/{organization}).",
  ],
  needSignIn: [
    'Le registre des activités de traitement est réservé au délégué à la protection des données et aux administrateurs de la commune.',
    'Het register van de verwerkingsactiviteiten is voorbehouden aan de functionaris voor gegevensbescherming en de beheerders van de gemeente.',
    'Das Verzeichnis von Verarbeitungstätigkeiten ist dem Datenschutzbeauftragten und den Administratoren der Gemeinde vorbehalten.',
    'The record of processing activities is for the data protection officer and the admins of the municipality.',
  ],
  signIn: ['Se connecter', 'Aanmelden', 'Anmelden', 'Sign in'],
} as const satisfies Record<string, Four>;

const say = (env: PageEnv, words: Four) => words[['fr', 'nl', 'de', 'en'].indexOf(env.lang)];

/** Print rules of this page only: A4, no site chrome, one processing never split across pages when it fits. */
const STYLE = raw(`<style>
.register dd { white-space: pre-line; }
.register .processing { border-top: 1px solid #999; margin-top: 1.5rem; padding-top: 0.5rem; }
.register .to-complete { color: #a00000; font-weight: 600; }
.register .dpia-warning { border-left: 4px solid #a06000; padding: 0.25rem 0.75rem; background: #fff6e5; font-weight: 600; }
@media print {
  @page { size: A4; margin: 15mm 12mm; }
  .site-header, .site-footer, .crumbs, .skip-link, .no-print { display: none !important; }
  body { font-size: 10pt; }
  .register .processing { break-inside: avoid-page; page-break-inside: avoid; }
  .register a { color: inherit; text-decoration: none; }
  .register .facts { grid-template-columns: 16rem 1fr; }
}
</style>`);

/** The data of the register page (and its .json twin): the register, or that the reader must sign in. */
export async function registerData(ctx: Ctx, organization: string) {
  if (ctx.actor.kind === 'anonymous') return { signedIn: false as const, organization, register: null, files: null };
  const register = await callAction(listRegister, ctx, { organization });
  const base = `/api/organizations/${encodeURIComponent(register.organization.slug)}/register`;
  return { signedIn: true as const, organization, register, files: { xlsx: `${base}.xlsx`, csv: `${base}.csv` } };
}
export type RegisterData = Awaited<ReturnType<typeof registerData>>;

/** A cell's text, or a dash when empty (the page shows every column, like the printed model). */
function value(text: string): SafeHtml {
  return text ? html`${text}` : html`<span class="muted">—</span>`;
}

/** The cells of one processing as a definition list, in the register's column order. */
function processingBlock(env: PageEnv, p: ProcessingView): SafeHtml {
  const text = cellTexts(p, env.lang);
  const missing = new Set<ColumnKey>(p.missing);
  const shown = REGISTER_COLUMNS.filter((c) => c.key !== 'number' && c.key !== 'name');
  const cell = (key: ColumnKey): SafeHtml => {
    if (key === 'datasets' && p.datasets.length) {
      return html`<ul class="plain">${p.datasets.map((d) => html`<li><a href="${env.href(`/datasets/${encodeURIComponent(d.organizationSlug)}/${encodeURIComponent(d.slug)}`)}">${datasetTitle(d, env.lang)}</a></li>`)}</ul>`;
    }
    if (key === 'createdAt' || key === 'updatedAt') return html`${formatDate(env.lang, key === 'createdAt' ? p.createdAt : p.updatedAt)}`;
    if (key === 'endDate' && p.endDate) return html`${formatDate(env.lang, p.endDate)}`;
    if (key === 'replacedBy' && p.replacedBy) return html`<a href="#processing-${p.replacedBy.number}">${text.replacedBy}</a>`;
    if (missing.has(key) && !text[key]) return html`<span class="to-complete">${say(env, W.toComplete)}</span>`;
    const v = value(text[key]);
    return missing.has(key) ? html`${v} <span class="to-complete">(${say(env, W.toComplete)})</span>` : v;
  };
  return html`<section class="processing" id="processing-${p.number}" aria-labelledby="processing-${p.number}-name">
<h2 id="processing-${p.number}-name">${p.number}. ${p.name} <span class="status status-${p.status}">${say(env, STATUS_WORDS[p.status])}</span></h2>
${p.dpiaLikely ? html`<p class="dpia-warning" role="note">⚠ ${say(env, DPIA_WORDS)}${env.t.colon}${text.processingTypes.split('\n').join(', ')}</p>` : ''}
${p.missing.length ? html`<p class="to-complete">${say(env, W.toComplete)}${env.t.colon}${p.missing.map((k) => say(env, columnWords(k))).join(', ')}</p>` : ''}
<dl class="facts">${shown.map((c) => html`<dt>${say(env, c.words)}</dt><dd>${cell(c.key)}</dd>`)}</dl>
</section>`;
}

function identity(env: PageEnv, r: RegisterView): SafeHtml {
  const w = IDENTITY_WORDS;
  const row = (words: Four, v: SafeHtml | string) => html`<dt>${say(env, words)}</dt><dd>${v}</dd>`;
  return html`<section aria-labelledby="register-identity">
<h2 id="register-identity">${say(env, w.identificationSheet)}</h2>
<dl class="facts">
${row(w.controller, organizationName(r.organization.name, env.lang))}
${row(w.nisCode, value(r.organization.nisCode ?? ''))}
${row(w.enterpriseNumber, value(r.enterpriseNumber ?? ''))}
${row(w.email, r.email ? html`<a href="mailto:${r.email}">${r.email}</a>` : html`<span class="to-complete">${say(env, W.toComplete)}</span>`)}
${row(w.phone, r.phone ? html`<a href="tel:${r.phone}">${formatPhone(r.phone)}</a>` : value(''))}
${row(w.homepage, r.homepage && /^https?:\/\//i.test(r.homepage) ? html`<a href="${r.homepage}">${r.homepage}</a>` : value(r.homepage ?? ''))}
${row(w.dpo, r.dpo.length ? html`${r.dpo.map(dpoLine).join('\n')}` : html`<span class="to-complete">${say(env, W.toComplete)}</span>`)}
${row(w.date, formatDate(env.lang, r.generatedAt))}
${row(w.counts, `${formatNumber(env.lang, r.counts.active)} / ${formatNumber(env.lang, r.counts.ended)}`)}
${row(w.basisLabel, say(env, w.basis))}
</dl>
${r.missing.includes('dpo') ? html`<p class="notice no-print">${say(env, W.noDpo)}</p>` : ''}
${r.missing.includes('email') ? html`<p class="notice no-print">${say(env, W.noEmail).replace('{organization}', r.organization.slug)}</p>` : ''}
</section>`;
}

function contents(env: PageEnv, r: RegisterView): SafeHtml {
  const c = (k: ColumnKey) => say(env, columnWords(k));
  return html`<section aria-labelledby="register-contents">
<h2 id="register-contents">${say(env, W.contents)}</h2>
<div class="table-wrap" role="region" aria-labelledby="register-contents" tabindex="0"><table>
<thead><tr><th scope="col">${c('number')}</th><th scope="col">${c('name')}</th><th scope="col">${c('status')}</th><th scope="col">${c('endDate')}</th><th scope="col">${say(env, W.toComplete)}</th></tr></thead>
<tbody>${r.processings.map((p) => html`<tr>
<td class="num">${p.number}</td><td><a href="#processing-${p.number}">${p.name}</a></td><td>${say(env, STATUS_WORDS[p.status])}</td>
<td>${p.endDate ? formatDate(env.lang, p.endDate) : ''}</td>
<td>${p.missing.length ? html`<span class="to-complete">${p.missing.map((k) => c(k)).join(', ')}</span>` : say(env, W.complete)}</td>
</tr>`)}</tbody>
</table></div>
</section>`;
}

/** The register page: printable, one block per processing. */
export function renderRegister(data: RegisterData, env: PageEnv): SafeHtml {
  const title = say(env, IDENTITY_WORDS.register);
  if (!data.signedIn) {
    const next = `/organizations/${encodeURIComponent(data.organization)}/register`;
    return layout(env, { title, body: html`<h1>${title}</h1><p>${say(env, W.needSignIn)} <a href="${env.href('/login', { next })}">${say(env, W.signIn)}</a></p>` });
  }
  const r = data.register;
  const name = organizationName(r.organization.name, env.lang);
  const body = html`${STYLE}<div class="register">
<h1>${title} — ${name}</h1>
<p>${say(env, W.intro)}</p>
<p class="no-print">${say(env, W.download)}${env.t.colon}<a href="${data.files.xlsx}" download>${say(env, W.xlsx)}</a> · <a href="${data.files.csv}" download>${say(env, W.csv)}</a></p>
<p class="no-print meta">${say(env, W.printHint)}</p>
${identity(env, r)}
${r.processings.length
    ? html`${contents(env, r)}${r.processings.map((p) => processingBlock(env, p))}`
    : html`<p>${say(env, W.none).replace('{organization}', r.organization.slug)}</p>`}
</div>`;
  return layout(env, { title: `${title} — ${name}`, crumbs: [{ label: name, href: env.href(organizationPath(r.organization)) }], body });
}
