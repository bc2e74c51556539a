import type { Ctx } from '../../context.ts';
import { callAction, listOrganizations, searchDatasetsAction } from '../../actions/index.ts';
import { html, type SafeHtml } from './html.ts';
import { formatNumber } from './i18n.ts';
import { datasetCount, datasetList, langField, layout, orgName, organizationPath, type PageEnv } from './layout.ts';

const LATEST = 10;

/** The data of the home page (and of /index.json): the organizations and the latest datasets. */
export async function homeData(ctx: Ctx) {
  const [orgs, latest] = await Promise.all([
    callAction(listOrganizations, ctx, { limit: 1000 }),
    callAction(searchDatasetsAction, ctx, { limit: LATEST }),
  ]);
  return {
    organizationCount: orgs.total,
    organizations: orgs.organizations,
    datasetCount: latest.total,
    latestDatasets: latest.datasets,
  };
}
export type HomeData = Awaited<ReturnType<typeof homeData>>;

/** The home page: what the portal is, a search box, the organizations, the latest datasets. */
export function renderHome(data: HomeData, env: PageEnv): SafeHtml {
  const { t } = env;
  const body = html`<h1>${t.tagline}</h1>
<p class="lead">${t.intro}</p>
<form class="search-form" role="search" action="/datasets" method="get">
<label for="q">${t.searchLabel}</label>
<div class="search-row"><input id="q" name="q" type="search">${langField(env)}<button type="submit">${t.searchButton}</button></div>
</form>
<section aria-labelledby="orgs-heading">
<h2 id="orgs-heading">${t.organizations}</h2>
${data.organizations.length
    ? html`<ul class="org-list">${data.organizations.map((o) => html`<li><a href="${env.href(organizationPath(o))}">${orgName(env, o.name)}</a> <span class="meta">${datasetCount(env, o.datasetCount)}</span></li>`)}</ul>`
    : html`<p>${t.noOrganizations}</p>`}
</section>
<section aria-labelledby="latest-heading">
<h2 id="latest-heading">${t.latestDatasets}</h2>
${datasetList(env, data.latestDatasets, { heading: 'h3' })}
<p><a href="${env.href('/datasets')}">${t.allDatasets} (${formatNumber(env.lang, data.datasetCount)})</a></p>
</section>`;
  return layout(env, { title: t.tagline, body });
}
