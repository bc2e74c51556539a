import type { AuditReport, ColumnProfile } from '../../quality/types.ts';
import { html, type SafeHtml } from './html.ts';
import { fill, formatNumber, type StringKey } from './i18n.ts';
import type { PageEnv } from './layout.ts';

const ERRORS_SHOWN = 20;
const TOP_VALUES_SHOWN = 3;

/** CKAN datastore type names mapped to the Table Schema names the UI has words for. */
const TYPE_ALIASES: Record<string, string> = { int: 'integer', int4: 'integer', int8: 'integer', bigint: 'integer', numeric: 'number', float: 'number', float8: 'number', text: 'string', bool: 'boolean', timestamp: 'datetime' };

/** A column type in the reader's words (unknown types are shown as they are). */
export function typeLabel(env: PageEnv, type: string): string {
  const key = `type_${TYPE_ALIASES[type] ?? type}`;
  return key in env.t ? env.t[key as StringKey] : type;
}

const LINE_ENDINGS: Record<string, string> = { '\r\n': 'CRLF', '\n': 'LF', '\r': 'CR' };
const visibleChar = (c: string) => (c === '\t' ? 'TAB' : c === ' ' ? 'SPACE' : c);

function fileFacts(env: PageEnv, a: AuditReport): SafeHtml {
  const { t } = env;
  const e = a.encoding;
  const method = e ? fill(t[`enc_${e.method}` as StringKey] ?? e.method, { c: Math.round(e.confidence * 100) }) : '';
  return html`<ul>
<li>${fill(t.rowsColumns, { rows: formatNumber(env.lang, a.rowCount), cols: formatNumber(env.lang, a.columnCount) })}</li>
${e ? html`<li>${t.encoding}${t.colon}<code>${e.encoding}</code> (${method}, BOM${t.colon}${e.bom ? t.yes : t.no})</li>` : ''}
${e && e.invalidSequences > 0 ? html`<li>${fill(t.invalidBytes, { n: formatNumber(env.lang, e.invalidSequences) })}</li>` : ''}
${e?.mojibake ? html`<li>${fill(t.mojibake, { n: formatNumber(env.lang, e.mojibake.repairedCount) })}${e.mojibake.example ? html` (<q>${e.mojibake.example.before}</q> → <q>${e.mojibake.example.after}</q>)` : ''}</li>` : ''}
${a.dialect ? html`<li>${t.dialect}${t.colon}${t.delimiter} <code>${visibleChar(a.dialect.delimiter)}</code>, ${t.quoteChar} <code>${a.dialect.quoteChar}</code>, ${t.lineEnding} <code>${LINE_ENDINGS[a.dialect.lineTerminator] ?? a.dialect.lineTerminator}</code>, ${t.headerRow}${t.colon}${a.dialect.header ? t.yes : t.no}</li>` : ''}
</ul>`;
}

const cellText = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function columnRow(env: PageEnv, c: ColumnProfile): SafeHtml {
  const range = c.min === null && c.max === null ? '' : `${cellText(c.min)} … ${cellText(c.max)}`;
  const top = c.topValues.slice(0, TOP_VALUES_SHOWN).map((v) => `${cellText(v.value) || '∅'} (${formatNumber(env.lang, v.count)})`).join(', ');
  return html`<tr><th scope="row">${c.name}</th><td>${typeLabel(env, c.type)}</td><td class="num">${formatNumber(env.lang, c.nullCount)}</td><td class="num">${formatNumber(env.lang, c.distinctCount)}</td><td>${range}</td><td>${top}</td></tr>`;
}

function errorsPart(env: PageEnv, a: AuditReport, id: string): SafeHtml {
  const { t } = env;
  if (!a.errors.length && !a.errorSummary.length) return html`<p>${t.noErrors}</p>`;
  const shown = a.errors.slice(0, ERRORS_SHOWN);
  return html`<table class="compact"><thead><tr><th scope="col">${t.errKind}</th><th scope="col">${t.errCount}</th></tr></thead>
<tbody>${a.errorSummary.map((s) => html`<tr><th scope="row"><code>${s.type}</code></th><td class="num">${formatNumber(env.lang, s.count)}</td></tr>`)}</tbody></table>
${shown.length ? html`<div class="table-wrap" role="region" aria-labelledby="${id}-errors-caption" tabindex="0"><table>
<caption id="${id}-errors-caption">${t.errorsCaption}</caption>
<thead><tr><th scope="col">${t.errRow}</th><th scope="col">${t.colName}</th><th scope="col">${t.errKind}</th><th scope="col">${t.errMessage}</th></tr></thead>
<tbody>${shown.map((e) => html`<tr><td class="num">${e.rowNumber ?? ''}</td><td>${e.fieldName ?? (e.fieldNumber ? `#${e.fieldNumber}` : '')}</td><td><code>${e.type}</code></td><td>${e.message}</td></tr>`)}</tbody>
</table></div>` : ''}`;
}

/** The audit of a version in plain words: score and deductions, the file, the columns, the errors. */
export function renderAudit(env: PageEnv, a: AuditReport, id: string): SafeHtml {
  const { t } = env;
  return html`<p class="score"><strong>${fill(t.score, { score: formatNumber(env.lang, a.score) })}</strong></p>
${a.deductions.length
    ? html`<ul class="deductions">${a.deductions.map((d) => html`<li><strong>${fill(t.minusPoints, { n: formatNumber(env.lang, d.points) })}</strong>${t.colon}${d.reason}</li>`)}</ul>`
    : html`<p>${t.noDeductions}</p>`}
<h5>${t.fileHeading}</h5>
${fileFacts(env, a)}
<h5 id="${id}-columns">${t.columnsHeading}</h5>
<div class="table-wrap" role="region" aria-labelledby="${id}-columns" tabindex="0"><table>
<thead><tr><th scope="col">${t.colName}</th><th scope="col">${t.colType}</th><th scope="col">${t.colEmpty}</th><th scope="col">${t.colDistinct}</th><th scope="col">${t.colRange}</th><th scope="col">${t.colTop}</th></tr></thead>
<tbody>${a.columns.map((c) => columnRow(env, c))}</tbody>
</table></div>
<h5>${t.errorsHeading}</h5>
${errorsPart(env, a, id)}`;
}
