import type { Ctx } from '../../context.ts';
import { callAction, searchDatasetsAction, showOrganization } from '../../actions/index.ts';
import { html, type SafeHtml } from './html.ts';
import { fill, formatNumber, placeName } from './i18n.ts';
import { datasetList, layout, orgName, type PageEnv } from './layout.ts';

const SHOWN = 100;

/** "0207.371.245" as the Crossroads Bank for Enterprises writes it. */
function formatEnterpriseNumber(digits: string): string {
  return /^\d{10}$/.test(digits) ? `${digits.slice(0, 4)}.${digits.slice(4, 7)}.${digits.slice(7)}` : digits;
}

/** The data of an organization's page (and its .json twin): the organization and its datasets. */
export async function organizationData(ctx: Ctx, ref: string) {
  const organization = await callAction(showOrganization, ctx, { organization: ref });
  const datasets = await callAction(searchDatasetsAction, ctx, { organization: organization.id, limit: SHOWN });
  return { organization, datasetCount: datasets.total, datasets: datasets.datasets };
}
export type OrganizationData = Awaited<ReturnType<typeof organizationData>>;

/** An organization's page: its names in the three languages, its facts, its datasets. */
export function renderOrganization(data: OrganizationData, env: PageEnv): SafeHtml {
  const { t } = env;
  const o = data.organization;
  const name = orgName(env, o.name);
  const notGiven = html`<span class="muted">${t.notGiven}</span>`;
  const body = html`<h1>${name}</h1>
<dl class="facts">
<dt>${t.namesHeading}</dt>
<dd><ul class="plain">
<li>${t.lang_fr}${t.colon}<span lang="fr">${o.name.fr}</span></li>
<li>${t.lang_nl}${t.colon}<span lang="nl">${o.name.nl}</span></li>
<li>${t.lang_de}${t.colon}<span lang="de">${o.name.de}</span></li>
</ul></dd>
<dt>${t.nisCode}</dt><dd>${o.nisCode ?? notGiven}</dd>
<dt>${t.province}</dt><dd>${o.province ? placeName(env.lang, o.province) : notGiven}</dd>
<dt>${t.region}</dt><dd>${o.region ? placeName(env.lang, o.region) : notGiven}</dd>
<dt>${t.population}</dt><dd>${o.population != null ? formatNumber(env.lang, o.population) : notGiven}</dd>
${o.enterpriseNumber ? html`<dt>${t.enterpriseNumber}</dt><dd>${formatEnterpriseNumber(o.enterpriseNumber)}</dd>` : ''}
${o.homepage ? html`<dt>${t.website}</dt><dd><a href="${o.homepage}" rel="external">${o.homepage}</a></dd>` : ''}
${o.email ? html`<dt>${t.email}</dt><dd><a href="mailto:${o.email}">${o.email}</a></dd>` : ''}
${o.phone ? html`<dt>${t.phone}</dt><dd><a href="tel:${o.phone}">${o.phone}</a></dd>` : ''}
</dl>
<section aria-labelledby="org-datasets">
<h2 id="org-datasets">${t.orgDatasets} (${formatNumber(env.lang, data.datasetCount)})</h2>
${datasetList(env, data.datasets, { heading: 'h3', showOrganization: false })}
${data.datasetCount > data.datasets.length ? html`<p><a href="${env.href('/datasets', { organization: o.slug })}">${fill(t.seeAll, { n: formatNumber(env.lang, data.datasetCount) })}</a></p>` : ''}
</section>
<section aria-labelledby="org-staff">
<h2 id="org-staff">${t.staffHeading}</h2>
<p class="muted">${t.staffSignIn}</p>
<ul>
<li><a href="${env.href(`/organizations/${encodeURIComponent(o.slug)}/register`)}">${t.staffRegister}</a></li>
<li><a href="${env.href('/privacy')}">${t.staffPrivacy}</a></li>
<li><a href="${env.href('/jobs')}">${t.staffJobs}</a></li>
</ul>
</section>`;
  return layout(env, { title: name, crumbs: [{ label: t.organizations, href: `${env.href('/')}#orgs-heading` }], body });
}
