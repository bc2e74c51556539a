import type { DatasetView, I18n } from '../../catalog/datasets.ts';
import { html, raw, type SafeHtml } from './html.ts';
import { UI_LANGS, countOf, formatDate, stringsFor, type Strings, type UiLang } from './i18n.ts';

/** What every template needs besides its data: the language, its words, and how to make links. */
export interface PageEnv {
  lang: UiLang;
  /** The reader chose the language with ?lang= (so links and forms carry it on). */
  explicitLang: boolean;
  t: Strings;
  /** A link inside the portal; keeps ?lang= when the reader chose the language explicitly. */
  href(path: string, params?: Record<string, string | number | null | undefined>): string;
  /** This page in another language. */
  langHref(lang: UiLang): string;
  /** This page's JSON twin. */
  jsonUrl: string;
}

/** Builds the environment of one request from its path, query and language. */
export function pageEnv(path: string, query: Record<string, string>, lang: UiLang, explicitLang: boolean, jsonUrl: string): PageEnv {
  const withQuery = (p: string, params: Record<string, string | number | null | undefined>) => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
    const s = qs.toString();
    return s ? `${p}?${s}` : p;
  };
  return {
    lang,
    explicitLang,
    t: stringsFor(lang),
    jsonUrl,
    href: (p, params = {}) => withQuery(p, { ...params, lang: explicitLang ? lang : undefined }),
    langHref: (l) => withQuery(path, { ...query, lang: l }),
  };
}

const LANG_LABELS: Record<UiLang, string> = { fr: 'Français', nl: 'Nederlands', de: 'Deutsch', en: 'English' };

/** The page around the content: skip link, header with navigation and languages, main, footer. */
export function layout(env: PageEnv, page: { title: string; crumbs?: { label: string; href: string }[]; body: SafeHtml }): SafeHtml {
  const { t } = env;
  const crumbs = page.crumbs?.length
    ? html`<nav aria-label="${t.breadcrumb}" class="crumbs"><ol>${[{ label: t.home, href: env.href('/') }, ...page.crumbs].map((c) => html`<li><a href="${c.href}">${c.label}</a></li>`)}<li aria-current="page">${page.title}</li></ol></nav>`
    : '';
  return html`<!doctype html>
<html lang="${env.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} — Dataville</title>
<link rel="stylesheet" href="/static/site.css">
<link rel="alternate" type="application/json" href="${env.jsonUrl}">
</head>
<body>
<a class="skip-link" href="#main">${t.skip}</a>
<header class="site-header">
<div class="container header-row">
<a class="brand" href="${env.href('/')}">Dataville</a>
<nav aria-label="${t.mainNav}"><ul class="inline-list"><li><a href="${env.href('/datasets')}">${t.datasets}</a></li><li><a href="/api/docs">${t.apiDocs}</a></li><li><a href="${env.href('/jobs')}">${t.jobs}</a></li><li><a href="${env.href('/privacy')}">DPO</a></li></ul></nav>
<nav aria-label="${t.langNav}"><ul class="inline-list langs">${UI_LANGS.map((l) => html`<li><a href="${env.langHref(l)}" hreflang="${l}" lang="${l}"${l === env.lang ? raw(' aria-current="true"') : ''}>${LANG_LABELS[l]}</a></li>`)}</ul></nav>
</div>
</header>
<main id="main" tabindex="-1" class="container">
${crumbs}
${page.body}
</main>
<footer class="site-footer">
<div class="container"><p>${t.footer} · <a href="${env.jsonUrl}" type="application/json">${t.jsonVersion}</a> · <a href="/api/docs">${t.apiDocs}</a></p></div>
</footer>
</body>
</html>
`;
}

/** The hidden field that keeps an explicitly chosen language across a form submission. */
export function langField(env: PageEnv): SafeHtml {
  return env.explicitLang ? html`<input type="hidden" name="lang" value="${env.lang}">` : html``;
}

/** Text in the reader's language when there is one, else in another, marked with its language. */
export function localized(env: PageEnv, text: I18n): SafeHtml {
  const lang = textLang(env, text);
  if (!lang) return html``;
  return lang === env.lang ? html`${text[lang]}` : html`<span lang="${lang}">${text[lang]}</span>`;
}

/** The language the text will be shown in: the reader's when given, else the first one there is. */
export function textLang(env: PageEnv, text: I18n): UiLang | undefined {
  return text[env.lang] ? env.lang : UI_LANGS.find((l) => text[l]);
}

/** The plain-text variant of localized(), for <title> and attributes. */
export function plainText(env: PageEnv, text: I18n): string {
  const lang = textLang(env, text);
  return lang ? text[lang] ?? '' : '';
}

/** An organization's name in the reader's language (English readers get the French name). */
export function orgName(env: PageEnv, name: { fr: string; nl: string; de: string }): string {
  return env.lang === 'nl' ? name.nl : env.lang === 'de' ? name.de : name.fr;
}

export type KnownOrganization = Extract<DatasetView['organization'], { slug: string }>;

/** A dataset's organization, or null when the view carries only its id. */
export function knownOrganization(d: Pick<DatasetView, 'organization'>): KnownOrganization | null {
  const o = d.organization;
  return o.slug !== undefined ? o : null;
}

/** The readable address of a dataset: /datasets/org-slug/dataset-slug when the organization is known. */
export function datasetPath(d: Pick<DatasetView, 'id' | 'slug' | 'organization'>): string {
  const org = knownOrganization(d);
  return org ? `/datasets/${encodeURIComponent(org.slug)}/${encodeURIComponent(d.slug)}` : `/datasets/${encodeURIComponent(d.id)}`;
}

export function organizationPath(o: { slug: string }): string {
  return `/organizations/${encodeURIComponent(o.slug)}`;
}

/** The dataset count of an organization in words. */
export function datasetCount(env: PageEnv, n: number): string {
  return countOf(env.lang, n, env.t.datasetsOne, env.t.datasetsOther);
}

export function statusBadge(env: PageEnv, status: string): SafeHtml {
  const label = env.t[`status_${status}` as 'status_published'] ?? status;
  return html`<span class="status status-${status}">${label}</span>`;
}

function excerpt(s: string, max = 240): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 40))}…`;
}

function organizationLink(env: PageEnv, org: KnownOrganization | null): SafeHtml {
  return org ? html`<a href="${env.href(organizationPath(org))}">${orgName(env, org.name)}</a> · ` : html``;
}

/** A list of datasets: title, organization, status, date and the start of the description. */
export function datasetList(env: PageEnv, datasets: DatasetView[], opts: { heading: 'h2' | 'h3'; showOrganization?: boolean }): SafeHtml {
  const { t } = env;
  if (!datasets.length) return html`<p>${t.noDatasets}</p>`;
  const h = raw(opts.heading);
  return html`<ul class="dataset-list">${datasets.map((d) => html`<li>
<${h} class="dataset-title"><a href="${env.href(datasetPath(d))}">${localized(env, d.title)}</a></${h}>
<p class="meta">${opts.showOrganization !== false ? organizationLink(env, knownOrganization(d)) : ''}${statusBadge(env, d.status)} · ${t.updated} ${formatDate(env.lang, d.updatedAt)}</p>
${plainText(env, d.description) ? html`<p>${excerpt(plainText(env, d.description))}</p>` : ''}
</li>`)}</ul>`;
}
