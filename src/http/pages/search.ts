import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { callAction, listOrganizations, searchDatasetsAction } from '../../actions/index.ts';
import { validationError } from '../../actions/registry.ts';
import { html, raw, type SafeHtml } from './html.ts';
import { countOf, fill, formatNumber } from './i18n.ts';
import { datasetList, langField, layout, orgName, type PageEnv } from './layout.ts';

const PER_PAGE = 20;

const SearchQuery = z.object({
  q: z.string().max(500).optional(),
  organization: z.string().max(200).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
});

/** The data of the search page (and of /datasets.json): one page of matching datasets. */
export async function searchData(ctx: Ctx, query: Record<string, string>) {
  const parsed = SearchQuery.safeParse(query);
  if (!parsed.success) throw validationError(parsed.error, 'the search page');
  const q = parsed.data.q?.trim() || undefined;
  const organization = parsed.data.organization?.trim() || undefined;
  const { page } = parsed.data;
  const [result, orgs] = await Promise.all([
    callAction(searchDatasetsAction, ctx, { q, organization, limit: PER_PAGE, offset: (page - 1) * PER_PAGE }),
    callAction(listOrganizations, ctx, { limit: 1000 }),
  ]);
  const selected = organization ? orgs.organizations.find((o) => [o.id, o.slug, o.nisCode].includes(organization)) : undefined;
  return {
    q: q ?? '',
    organization: selected ? { id: selected.id, slug: selected.slug, name: selected.name } : null,
    page,
    perPage: PER_PAGE,
    pageCount: Math.max(1, Math.ceil(result.total / PER_PAGE)),
    total: result.total,
    datasets: result.datasets,
    organizations: orgs.organizations.map((o) => ({ slug: o.slug, name: o.name, datasetCount: o.datasetCount })),
  };
}
export type SearchData = Awaited<ReturnType<typeof searchData>>;

/** The search page: the form, the count, the results and the pages. */
export function renderSearch(data: SearchData, env: PageEnv): SafeHtml {
  const { t } = env;
  const pageHref = (page: number) => env.href('/datasets', { q: data.q, organization: data.organization?.slug, page: page > 1 ? page : undefined });
  const count = countOf(env.lang, data.total, t.resultsOne, t.resultsOther);
  const body = html`<h1>${t.datasets}</h1>
<form class="search-form" role="search" action="/datasets" method="get">
<div class="field"><label for="q">${t.searchLabel}</label><input id="q" name="q" type="search" value="${data.q}"></div>
<div class="field"><label for="organization">${t.organization}</label>
<select id="organization" name="organization"><option value="">${t.allOrganizations}</option>${data.organizations.map((o) => html`<option value="${o.slug}"${o.slug === data.organization?.slug ? raw(' selected') : ''}>${orgName(env, o.name)} (${formatNumber(env.lang, o.datasetCount)})</option>`)}</select></div>
${langField(env)}<button type="submit">${t.searchButton}</button>
</form>
<h2 id="results-heading">${count}${data.q ? html` ${fill(t.resultsFor, { q: data.q })}` : ''}</h2>
${data.total ? datasetList(env, data.datasets, { heading: 'h3' }) : html`<p>${t.noResults}</p>`}
${data.pageCount > 1 ? html`<nav class="pagination" aria-label="${t.pagination}"><ul class="inline-list">
${data.page > 1 ? html`<li><a href="${pageHref(data.page - 1)}" rel="prev">${t.previous}</a></li>` : ''}
<li aria-current="page">${fill(t.pageOf, { page: formatNumber(env.lang, data.page), pages: formatNumber(env.lang, data.pageCount) })}</li>
${data.page < data.pageCount ? html`<li><a href="${pageHref(data.page + 1)}" rel="next">${t.next}</a></li>` : ''}
</ul></nav>` : ''}`;
  return layout(env, { title: data.q ? `${t.datasets} — ${data.q}` : t.datasets, body });
}
