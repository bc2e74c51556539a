import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { columnTruth, count, generateCorpus, precision, recall, type Scores } from '../../bench/privacy-corpus.ts';
import { measureCells } from '../../bench/privacy.ts';
import { useTableEngine } from '../../test/helpers/engine.ts';
import { loadCsvTable } from '../ingest/csv/load.ts';
import { prepareCsv } from '../ingest/csv/prepare.ts';
import { sqlString } from '../stores/tables/duckdb.ts';
import { DETECTOR_VERSION, detectPrivacy, judgeValues, PERSONAL_CONFIDENCE } from './detect.ts';

const env = useTableEngine();

function nn(y: number, m: number, d: number, serial: number): string {
  const base = String(y % 100).padStart(2, '0') + String(m).padStart(2, '0') + String(d).padStart(2, '0') + String(serial).padStart(3, '0');
  return base + String(97 - (Number((y >= 2000 ? '2' : '') + base) % 97)).padStart(2, '0');
}

/** A CSV as a commune exports it, loaded by the real loader (sniffing, typing, Parquet). */
async function load(name: string, csv: string) {
  const file = path.join(env.dir, `${name}.csv`);
  fs.writeFileSync(file, csv);
  const work = path.join(env.dir, `${name}-work`);
  fs.mkdirSync(work, { recursive: true });
  const prepared = await prepareCsv(file, work);
  return env.engine.withConnection(async (conn) => {
    const loaded = await loadCsvTable(conn, { ...prepared }, path.join(work, `${name}.parquet`));
    return { loaded, report: await detectPrivacy(conn, loaded.parquetPath, loaded.schema) };
  });
}

describe('detectPrivacy on a loaded table', () => {
  it('flags the personal columns with evidence and masked examples, leaves the others, and measures k', async () => {
    const postcodes = ['1000', '1030', '1050', '1090'];
    const first = ['Jean', 'Marie', 'Luc', 'Sophie', 'Koen', 'Els', 'Pierre', 'Anne'];
    const last = ['Dupont', 'Peeters', 'Janssens', 'Dubois', 'Maes', 'Lambert', 'Willems', 'Claes'];
    const lines = ['nom;prénom;niss;gsm;email;code postal;année de naissance;sexe;montant;numéro de facture;remarque'];
    for (let i = 0; i < 120; i++) {
      const year = 1920 + ((i * 7) % 97);
      const remark = i === 17 ? 'Rappeler au 0470 12 34 56 après 17h' : 'RAS';
      lines.push(
        [
          last[i % 8],
          first[(i * 3) % 8],
          nn(year, (i % 12) + 1, (i % 28) + 1, 100 + i),
          `+32 47${i % 10} ${String(10 + (i % 90)).padStart(2, '0')} ${String(20 + (i % 70))} ${String(30 + (i % 60))}`,
          `${first[(i * 3) % 8].toLowerCase()}.${last[i % 8].toLowerCase()}${i}@gmail.com`,
          postcodes[i % 4],
          String(year),
          i % 2 ? 'F' : 'M',
          `${(i * 13.7).toFixed(2).replace('.', ',')}`,
          `FAC-2024-${String(i).padStart(5, '0')}`,
          remark,
        ].join(';'),
      );
    }
    const { loaded, report } = await load('people', lines.join('\n') + '\n');
    assert.equal(report.detectorVersion, DETECTOR_VERSION);
    assert.equal(report.threshold, 5);
    assert.equal(report.personal, true);
    const byName = new Map(report.columns.map((c) => [c.name, c]));
    const top = (name: string) => byName.get(name)!.categories[0];
    assert.equal(top('nom').category, 'person-name');
    assert.equal(top('prénom').category, 'person-name');
    assert.equal(top('niss').category, 'national-register-number');
    assert.equal(top('gsm').category, 'phone');
    assert.equal(top('email').category, 'email');
    assert.equal(top('remarque').category, 'free-text-personal');
    for (const name of ['nom', 'prénom', 'niss', 'gsm', 'email', 'remarque']) assert.ok(byName.get(name)!.personal, name);
    for (const name of ['code postal', 'année de naissance', 'sexe', 'montant', 'numéro de facture']) assert.equal(byName.get(name)!.personal, false, name);

    const niss = top('niss');
    assert.equal(niss.cells, niss.sampled);
    assert.match(niss.evidence, /^120 of 120 distinct values sampled are national register \(or BIS\) numbers \(mostly valid check digits\); the column name says so$/);
    // Examples are masked: no raw register number, e-mail or phone is in the report.
    const json = JSON.stringify(report);
    assert.ok(!json.includes(nn(1920, 1, 1, 100)));
    assert.ok(!/@gmail\.com"/.test(json.replace(/"[a-z]\*+@gmail\.com"/g, '')));
    assert.ok(!json.includes('0470 12 34 56'));
    assert.match(niss.examples[0], /^\d{7}\*{4}$/);

    // Postcode + birth year + sex: 120 people over 4 postcodes and 97 birth years: everyone is unique.
    assert.ok(loaded.schema.fields.find((f) => f.name === 'année de naissance')?.type === 'integer');
    const triple = report.quasiIdentifiers.find((q) => q.columns.length === 3);
    assert.deepEqual(triple?.columns, ['code postal', 'année de naissance', 'sexe']);
    assert.equal(triple?.k, 1);
    assert.equal(triple?.rowsAtRisk, 120);
    assert.ok(report.quasiIdentifiers.every((q) => q.k >= 1));
  });

  it('measures k on an aggregated table by its counts, and finds nothing personal in a harmless table', async () => {
    const lines = ['code postal;sexe;classe d’âge;nombre'];
    let n = 0;
    for (const pc of ['1000', '1030']) for (const s of ['M', 'F']) for (const a of ['0-17', '18-64', '65+']) lines.push(`${pc};${s};${a};${++n === 5 ? 2 : 40 + n}`);
    const { report } = await load('counts', lines.join('\n') + '\n');
    assert.equal(report.columns.some((c) => c.personal), false);
    const all = report.quasiIdentifiers.find((q) => q.columns.length === 3)!;
    assert.equal(all.weightColumn, 'nombre');
    assert.equal(all.k, 2, 'the group of two people');
    assert.equal(all.rowsAtRisk, 1);
    assert.equal(report.personal, true);

    const harmless = ['rue;nombre de bancs;date de pose;montant'];
    for (let i = 1; i <= 50; i++) harmless.push(`Rue de la Station;${i};2024-03-${String((i % 28) + 1).padStart(2, '0')};${i * 10},50`);
    const h = await load('benches', harmless.join('\n') + '\n');
    assert.equal(h.report.personal, false, JSON.stringify(h.report.columns));
    assert.deepEqual(h.report.quasiIdentifiers, []);
  });

  it('reads only the start of enormous cells and keeps working', async () => {
    const file = path.join(env.dir, 'big.parquet');
    await env.engine.withConnection((conn) =>
      conn.run(`COPY (SELECT i::BIGINT AS _id, i::BIGINT AS _row,
          CASE WHEN i = 3 THEN 'Contact jean.dupont@gmail.com. ' || repeat('Texte sans rien de personnel. ', 40000) ELSE 'Rien à signaler pour ce dossier ' || i END AS commentaire
        FROM range(1, 51) r(i)) TO ${sqlString(file)} (FORMAT parquet)`),
    );
    const start = performance.now();
    const report = await env.engine.withConnection((conn) => detectPrivacy(conn, file, { fields: [{ name: 'commentaire', type: 'string' }], missingValues: [''] }));
    assert.ok(performance.now() - start < 5000);
    assert.equal(report.columns[0].categories[0].category, 'free-text-personal');
    assert.ok(report.columns[0].personal);
  });
});

describe('measured accuracy on a generated corpus (a smaller run of npm run bench:privacy)', () => {
  const tables = generateCorpus(11, 40);

  it('meets the targets cell by cell for checksum identifiers, e-mails and phones', () => {
    const { scores } = measureCells(tables);
    for (const c of ['national-register-number', 'enterprise-number', 'iban', 'email', 'phone'] as const) {
      const s = scores.get(c)!;
      assert.ok(recall(s) >= 0.99, `${c} recall ${recall(s)}`);
      assert.ok(precision(s) >= 0.95, `${c} precision ${precision(s)}`);
    }
    for (const [c, s] of scores) assert.ok(precision(s) >= 0.95, `${c} precision ${precision(s)}`);
  });

  it('meets the targets per column, names included', () => {
    const scores: Scores = new Map();
    for (const t of tables) {
      t.columns.forEach((col, i) => {
        const neighbours = [t.columns[i - 1]?.name, t.columns[i + 1]?.name].filter((x): x is string => !!x);
        const judged = judgeValues(col.name, col.values, neighbours, col.integer);
        count(scores, columnTruth(col), new Set(judged.categories.filter((f) => f.confidence >= PERSONAL_CONFIDENCE).map((f) => f.category)));
      });
    }
    const names = scores.get('person-name')!;
    assert.ok(recall(names) >= 0.9, `person-name recall ${recall(names)}`);
    for (const [c, s] of scores) assert.ok(precision(s) >= 0.95, `${c} precision ${precision(s)}`);
  });
});
