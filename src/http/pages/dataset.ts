import type { Ctx } from '../../context.ts';
import { callAction, listRefreshes, listVersionsAction, queryRows, showAudit, showDataset } from '../../actions/index.ts';
import { isAppError } from '../../errors.ts';
import { datasetStars, datasetMetadataScore, datasetSchemaOrg } from '../../actions/describe.ts';
import { renderStars, renderMetadataScore, jsonLdScript } from './stars.ts';
import { EXPORT_FORMATS } from '../../actions/rows.ts';
import { html, type SafeHtml } from './html.ts';
import { fill, formatDate, formatNumber, type StringKey } from './i18n.ts';
import { knownOrganization, layout, localized, orgName, organizationPath, plainText, statusBadge, textLang, type PageEnv } from './layout.ts';
import { renderAudit, typeLabel } from './audit.ts';

const PREVIEW_ROWS = 20;

/** Whether the reader may change the dataset (the page then shows the buttons; the actions check again). */
function canEdit(ctx: Ctx, organizationId: string): boolean {
  const a = ctx.actor;
  return a.kind === 'system' || (a.kind === 'user' && (a.superadmin || ['admin', 'editor'].includes(a.roles[organizationId] ?? '')));
}
/** Bookkeeping columns of the row store, not part of the publisher's table. */
const HIDDEN_FIELDS = new Set(['_id', '_row']);

/** The part of a rows.search answer that the preview shows. */
interface PreviewTable {
  fields: { id: string; type: string }[];
  records: Record<string, unknown>[];
  total: number;
}

/** The data of a dataset's page (and its .json twin): metadata, and per resource a preview, the audit and the links. */
export async function datasetData(ctx: Ctx, ref: string) {
  const dataset = await callAction(showDataset, ctx, { dataset: ref });
  const id = encodeURIComponent(dataset.id);
  const resources = await Promise.all(dataset.resources.map(async (r, i) => {
    // The API serves the first resource when none is named, so only the others need the parameter.
    const which = i === 0 ? '' : `?resource=${encodeURIComponent(r.id)}`;
    const links = {
      downloads: Object.fromEntries(EXPORT_FORMATS.map((f) => [f, `/api/datasets/${id}/download.${f}${which}`])) as Record<(typeof EXPORT_FORMATS)[number], string>,
      rows: `/api/resources/${encodeURIComponent(r.id)}/rows`,
      audit: `/api/datasets/${id}/audit${which}`,
    };
    // Refreshes and held versions are for the organization's members; others see the public history only.
    const refreshes = await callAction(listRefreshes, ctx, { resource: r.id, limit: 10 }).catch((e) => {
      if (isAppError(e) && (e.status === 401 || e.status === 403)) return null;
      throw e;
    });
    if (r.latestVersion == null) return { ...r, version: null, preview: null, audit: null, history: [], refreshes, links };
    const [rows, audit, history] = await Promise.all([
      callAction(queryRows, ctx, { resource_id: r.id, limit: PREVIEW_ROWS, records_format: 'objects' }),
      callAction(showAudit, ctx, { dataset: dataset.id, resource: r.id }),
      callAction(listVersionsAction, ctx, { resource: r.id }),
    ]);
    const records = Array.isArray(rows.records) ? (rows.records as Record<string, unknown>[]) : [];
    const preview: PreviewTable = { fields: rows.fields, records, total: rows.total ?? records.length };
    return { ...r, version: audit.version, preview, audit: audit.audit, history: history.versions, refreshes, links };
  }));
  const [stars, metadataScore, schemaOrg] = await Promise.all([
    callAction(datasetStars, ctx, { dataset: dataset.id }),
    callAction(datasetMetadataScore, ctx, { dataset: dataset.id }),
    callAction(datasetSchemaOrg, ctx, { dataset: dataset.id }),
  ]);
  return { dataset, resources, canEdit: canEdit(ctx, dataset.organization.id), stars, metadataScore, schemaOrg };
}
export type DatasetData = Awaited<ReturnType<typeof datasetData>>;
type ResourceData = DatasetData['resources'][number];

const FORMAT_LABELS: Record<string, string> = { csv: 'CSV', json: 'JSON', parquet: 'Parquet', xlsx: 'Excel (XLSX)' };

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function previewTable(env: PageEnv, p: PreviewTable, id: string): SafeHtml {
  const fields = p.fields.filter((f) => !HIDDEN_FIELDS.has(f.id));
  return html`<div class="table-wrap" role="region" aria-labelledby="${id}-preview-caption" tabindex="0"><table class="preview">
<caption id="${id}-preview-caption">${fill(env.t.previewCaption, { shown: formatNumber(env.lang, p.records.length), total: formatNumber(env.lang, p.total) })}</caption>
<thead><tr>${fields.map((f) => html`<th scope="col">${f.id} <span class="type">${typeLabel(env, f.type)}</span></th>`)}</tr></thead>
<tbody>${p.records.map((rec) => html`<tr>${fields.map((f) => html`<td>${cell(rec[f.id])}</td>`)}</tr>`)}</tbody>
</table></div>`;
}

function resourceSection(env: PageEnv, r: ResourceData, index: number, editable: boolean): SafeHtml {
  const { t } = env;
  const id = `r${index + 1}`;
  const heading = html`<h3 id="${id}">${r.name}${r.version ? html` <span class="meta">(${r.format.toUpperCase()}, ${fill(t.version, { n: r.version.number })}, ${formatDate(env.lang, r.version.createdAt)})</span>` : ''}</h3>`;
  if (r.url && !r.version) {
    // A harvested distribution: the file is held by the source, linked as it is.
    const [before, after] = t.externalFile.split('{link}');
    return html`<section aria-labelledby="${id}" class="resource">${heading}${r.description ? html`<p>${r.description}</p>` : ''}<p>${before}<a href="${r.url}" rel="noopener">${r.url}</a>${after ?? ''}</p></section>`;
  }
  if (!r.version || !r.preview || !r.audit) return html`<section aria-labelledby="${id}" class="resource">${heading}<p>${t.noVersion}</p></section>`;
  return html`<section aria-labelledby="${id}" class="resource">${heading}
<h4>${t.downloads}</h4>
<ul class="inline-list downloads">${Object.entries(r.links.downloads).map(([f, href]) => html`<li><a href="${href}" download>${FORMAT_LABELS[f] ?? f}</a></li>`)}</ul>
<h4>${t.preview}</h4>
${previewTable(env, r.preview, id)}
<h4>${t.audit} <span class="meta">(${fill(t.scoreShort, { score: r.audit.score })})</span></h4>
${renderAudit(env, r.audit, id)}
<h4>${t.forDevelopers}</h4>
<ul><li><a href="${r.links.rows}">${t.rowsApi}</a> <code>${r.links.rows}</code></li><li><a href="${r.links.audit}">${t.auditJson}</a></li></ul>
${refreshSection(env, r, id, editable)}
${historySection(env, r, id, editable)}
</section>`;
}

function diffText(env: PageEnv, d: ResourceData['history'][number]['diff']): string {
  const { t } = env;
  if (!d.changed) return t.histNone;
  const parts = [
    d.added.length ? fill(t.diffAdded, { c: d.added.map((a) => a.name).join(', ') }) : '',
    d.removed.length ? fill(t.diffRemoved, { c: d.removed.map((a) => a.name).join(', ') }) : '',
    d.renamed.length ? fill(t.diffRenamed, { c: d.renamed.map((a) => `${a.from} → ${a.to}`).join(', ') }) : '',
    d.retyped.length ? fill(t.diffRetyped, { c: d.retyped.map((a) => `${a.name} (${a.from} → ${a.to})`).join(', ') }) : '',
  ];
  return parts.filter(Boolean).join(' ; ');
}

/** Every version with its date, size, rows, score and the column changes from the one before; editors may serve an older one again. */
function historySection(env: PageEnv, r: ResourceData, id: string, editable: boolean): SafeHtml {
  const { t } = env;
  if (!r.history.length) return html``;
  return html`<h4 id="${id}-history">${t.history}</h4>
<div class="table-wrap" role="region" aria-labelledby="${id}-history" tabindex="0"><table class="history">
<thead><tr><th scope="col">${t.histVersion}</th><th scope="col">${t.histDate}</th><th scope="col">${t.histSize}</th><th scope="col">${t.histRows}</th><th scope="col">${t.histScore}</th><th scope="col">${t.histChanges}</th><th scope="col">${t.downloads}</th></tr></thead>
<tbody>${r.history.map((v) => html`<tr>
<td>${v.number}${v.number === r.latestVersion ? html` <span class="badge">${t.histServed}</span>` : ''}${v.note ? html`<br><span class="meta">${v.note}</span>` : ''}</td>
<td>${formatDate(env.lang, v.createdAt)}</td><td>${formatNumber(env.lang, Math.round(Number(v.sourceBytes) / 1024))} KiB</td><td>${formatNumber(env.lang, Number(v.rowCount))}</td><td>${v.score}/100</td>
<td>${diffText(env, v.diff)}</td>
<td><a href="${v.download}" download>CSV</a>${editable && v.number !== r.latestVersion ? html`<form method="post" action="/resources/${r.id}/versions/${v.number}/rollback" class="inline"><button type="submit">${t.rollback}</button></form>` : ''}</td>
</tr>`)}</tbody></table></div>`;
}

/** For members: where the resource is fetched from, its last refreshes, and any refresh held for a decision. */
function refreshSection(env: PageEnv, r: ResourceData, id: string, editable: boolean): SafeHtml {
  const { t } = env;
  const rf = r.refreshes;
  if (!rf || (!rf.source && !rf.runs.length)) return html``;
  const held = rf.runs.filter((run) => run.waitingForReview);
  return html`<h4 id="${id}-refresh">${t.refreshes}</h4>
${rf.source ? html`<p>${fill(t.sourceLine, { loc: rf.source.location, schedule: rf.source.schedule ?? '—', next: rf.source.nextRunAt ? formatDate(env.lang, rf.source.nextRunAt) : '—' })}</p>` : ''}
${editable && rf.source ? html`<form method="post" action="/resources/${r.id}/refresh"><button type="submit">${t.refreshNow}</button></form>` : ''}
${held.map((h) => html`<div class="notice" role="status"><p><strong>${t.heldTitle}</strong> (${formatDate(env.lang, h.startedAt)})</p><p>${h.message}</p>
${editable ? html`<form method="post" action="/refreshes/${h.id}/approve" class="inline"><button type="submit">${t.approve}</button></form> <form method="post" action="/refreshes/${h.id}/reject" class="inline"><button type="submit">${t.reject}</button></form>` : ''}</div>`)}
<ul>${rf.runs.filter((run) => !run.waitingForReview).map((run) => html`<li>${formatDate(env.lang, run.startedAt)} — <strong>${run.outcome}</strong>: ${run.message}</li>`)}</ul>`;
}

function metadata(env: PageEnv, d: DatasetData['dataset']): SafeHtml {
  const { t } = env;
  const none = html`<span class="muted">${t.notGiven}</span>`;
  const freq = d.updateFrequency ? (t[`freq_${d.updateFrequency}` as StringKey] ?? d.updateFrequency) : null;
  const period = d.temporal.start || d.temporal.end ? `${d.temporal.start ?? '…'} – ${d.temporal.end ?? '…'}` : null;
  const contact = d.contactPoint && (d.contactPoint.name || d.contactPoint.email)
    ? html`${d.contactPoint.name ?? ''}${d.contactPoint.name && d.contactPoint.email ? ', ' : ''}${d.contactPoint.email ? html`<a href="mailto:${d.contactPoint.email}">${d.contactPoint.email}</a>` : ''}`
    : null;
  return html`<dl class="facts">
<dt>${t.keywords}</dt><dd>${d.keywords.length ? html`<ul class="inline-list keywords">${d.keywords.map((k) => html`<li><a href="${env.href('/datasets', { q: k })}">${k}</a></li>`)}</ul>` : none}</dd>
${d.theme ? html`<dt>${t.theme}</dt><dd>${d.theme}</dd>` : ''}
<dt>${t.licence}</dt><dd>${d.licence ?? none}</dd>
<dt>${t.publisher}</dt><dd>${d.publisher ?? none}</dd>
<dt>${t.contact}</dt><dd>${contact ?? none}</dd>
<dt>${t.updateFrequency}</dt><dd>${freq ?? none}</dd>
<dt>${t.spatial}</dt><dd>${d.spatial ?? none}${d.spatialBbox ? html` <span class="meta">(${d.spatialBbox.map((x) => x.toFixed(4)).join(', ')})</span>` : ''}</dd>
<dt>${t.temporal}</dt><dd>${period ?? none}</dd>
<dt>${t.status}</dt><dd>${statusBadge(env, d.status)}</dd>
<dt>${t.updated}</dt><dd>${formatDate(env.lang, d.updatedAt)}</dd>
</dl>`;
}

/** A dataset's page: what it is, then each of its files with a preview, its audit and its downloads. */
export function renderDataset(data: DatasetData, env: PageEnv): SafeHtml {
  const { t } = env;
  const d = data.dataset;
  const org = knownOrganization(d);
  const description = plainText(env, d.description);
  const descLang = textLang(env, d.description);
  const body = html`<h1>${localized(env, d.title)}</h1>
<p class="meta">${org ? html`<a href="${env.href(organizationPath(org))}">${orgName(env, org.name)}</a> · ` : ''}${statusBadge(env, d.status)}${d.landingPage ? html` · ${t.harvestedFrom.split('{link}')[0]}<a href="${d.landingPage}" rel="noopener">${d.landingPage}</a>${t.harvestedFrom.split('{link}')[1] ?? ''}` : ''}</p>
${description ? html`<div class="description"${descLang && descLang !== env.lang ? html` lang="${descLang}"` : ''}>${description.split(/\n\s*\n/).map((para) => html`<p>${para}</p>`)}</div>` : ''}
<section aria-labelledby="about-heading">
<h2 id="about-heading">${t.about}</h2>
${metadata(env, d)}
</section>
${renderStars(env, data.stars)}
${renderMetadataScore(env, data.metadataScore)}
${jsonLdScript(data.schemaOrg)}
<section aria-labelledby="data-heading">
<h2 id="data-heading">${t.data}</h2>
${data.resources.length ? data.resources.map((r, i) => resourceSection(env, r, i, data.canEdit)) : html`<p>${t.noResources}</p>`}
</section>`;
  const crumbs = org ? [{ label: orgName(env, org.name), href: env.href(organizationPath(org)) }] : [];
  return layout(env, { title: plainText(env, d.title), crumbs, body });
}
