import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { openTestApp } from './helpers/backends.ts';
import { releaseHeld } from './helpers/app.ts';
import { SAMPLES_DIR } from './helpers/paths.ts';
import type { App } from '../src/app.ts';
import { callAction } from '../src/actions/registry.ts';
import * as A from '../src/actions/index.ts';
import type { SchemaField } from '../src/ingest/types.ts';
import type { AuditReport } from '../src/quality/types.ts';

/**
 * Every real CSV of shared/data/samples is published, downloaded as CSV, and compared cell by cell
 * with an independent reading of the source (iconv-lite + csv-parse, with the dialect the audit
 * reports): what a reader downloads is what the source meant.
 */
const WS = /^[\s\u00a0\u202f]+|[\s\u00a0\u202f]+$/g;

/** What the source cell means, in the canonical text a CSV download should carry. */
function expected(raw: string | undefined, field: SchemaField, missing: Set<string>): string | null {
  if (raw === undefined) return null;
  const t = raw.replace(WS, '');
  if (t === '') return null;
  if (field.type === 'string') return t;
  if (missing.has(t)) return null;
  if (field.type === 'integer' || field.type === 'number') {
    let s = t;
    if (field.groupChar) s = s.split(field.groupChar).join('');
    s = s.replace(/[\s\u00a0\u202f]/g, '');
    if (field.decimalChar === ',') s = s.replace(',', '.');
    return String(Number(s));
  }
  if (field.type === 'boolean') return field.trueValues?.map((v) => v.toLowerCase()).includes(t.toLowerCase()) ? 'true' : 'false';
  if (field.type === 'date' || field.type === 'datetime') {
    const order = (field.format ?? '').match(/%[dmYyHMS]/g) ?? [];
    const nums = t.match(/\d+/g) ?? [];
    const parts: Record<string, number> = {};
    order.forEach((o, i) => (parts[o] = Number(nums[i])));
    let year = parts['%Y'] ?? parts['%y'];
    if (parts['%y'] !== undefined) year = parts['%y'] <= (new Date().getFullYear() % 100) + 10 ? 2000 + parts['%y'] : 1900 + parts['%y'];
    const p2 = (n: number) => String(n).padStart(2, '0');
    const date = `${year}-${p2(parts['%m'])}-${p2(parts['%d'])}`;
    return field.type === 'date' ? date : `${date} ${p2(parts['%H'] ?? 0)}:${p2(parts['%M'] ?? 0)}:${p2(parts['%S'] ?? 0)}`;
  }
  return t;
}

function downloaded(cell: string, field: SchemaField): string | null {
  if (cell === '') return null;
  if (field.type === 'integer' || field.type === 'number') return String(Number(cell));
  if (field.type === 'datetime') return cell.replace('T', ' ').slice(0, 19);
  if (field.type === 'string' && cell.startsWith("'") && /^'[=+\-@\t\r]/.test(cell)) return cell.slice(1);
  return cell;
}

function sourceRecords(file: string, audit: AuditReport): string[][] {
  const bytes = fs.readFileSync(file);
  let text: string;
  const enc = audit.encoding.encoding;
  if (enc === 'utf-16le' || enc === 'utf-16be') text = iconv.decode(bytes, enc);
  else if (enc === 'utf-8') text = bytes.toString('utf8');
  else text = iconv.decode(bytes, 'windows-1252');
  text = text.replace(/^\uFEFF/, '');
  return parse(text, { delimiter: audit.dialect!.delimiter, quote: audit.dialect!.quoteChar, relax_column_count: true, skip_empty_lines: false }) as string[][];
}

describe('every real CSV sample round-trips', () => {
  let app: App;
  before(async () => { app = await openTestApp(); });
  after(async () => { await app.close(); });

  const samples = fs.existsSync(SAMPLES_DIR) ? fs.readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.csv')).sort() : [];
  test('the samples are there', () => assert.ok(samples.length >= 7, `found ${samples.length} CSV samples in ${SAMPLES_DIR}`));

  for (const name of samples) {
    test(name, async () => {
      const file = path.join(SAMPLES_DIR, name);
      const out = await callAction(A.publishFile, app.ctx({ kind: 'system' }), { organization: '92094', title: name, file: { path: file, name } });
      // School contact columns (e-mails, phones) are rightly asked about by the privacy guard: released here.
      await releaseHeld(app, out.dataset.id);
      const audit = out.audit;
      assert.equal(audit.encoding.mojibake, null, 'no sample is mojibake');
      const fields = audit.schema.fields;
      const missing = new Set(audit.schema.missingValues);
      // Rows the ingest dropped (title, blank, footer) are reported with their record numbers.
      const dropped = new Set(audit.errors.filter((e) => ['title-row', 'blank-row', 'footer-row'].includes(e.type)).map((e) => e.rowNumber));
      for (const t of ['title-row', 'blank-row', 'footer-row'] as const) {
        const s = audit.errorSummary.find((x) => x.type === t);
        assert.ok(!s || s.count <= 100, `${t}: all listed`);
      }
      const records = sourceRecords(file, audit);
      let kept = records.map((cells, i) => ({ n: i + 1, cells })).filter((r) => !dropped.has(r.n));
      if (audit.dialect!.header) kept = kept.slice(1);
      const csv = await callAction(A.exportVersion, app.ctx({ kind: 'system' }), { dataset: out.dataset.id, format: 'csv' });
      const rows = parse(fs.readFileSync(csv.path, 'utf8'), { relax_column_count: false }) as string[][];
      const header = rows.shift()!;
      assert.deepEqual(header, fields.map((f) => f.name));
      assert.equal(rows.length, audit.rowCount);
      assert.equal(rows.length, kept.length, `rows: downloaded ${rows.length}, source data records ${kept.length}`);
      let compared = 0;
      rows.forEach((row, i) => {
        const src = kept[i].cells;
        fields.forEach((f, j) => {
          const want = expected(src[j], f, missing);
          const got = downloaded(row[j], f);
          if (want !== got) assert.fail(`${name} record ${kept[i].n}, column ${j + 1} "${f.name}" (${f.type}): source ${JSON.stringify(src[j])} means ${JSON.stringify(want)}, download has ${JSON.stringify(row[j])}`);
          compared++;
        });
      });
      assert.ok(compared > 0);
    });
  }
});
