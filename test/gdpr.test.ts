import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { backends, openTestApp } from './helpers/backends.ts';
import { publishSample } from './helpers/app.ts';
import { callAction } from '../src/actions/registry.ts';
import { createDataset } from '../src/actions/datasets.ts';
import {
  createProcessing, endProcessing, exportRegister, listRegister, proposeProcessings, showProcessing, updateProcessing,
} from '../src/actions/gdpr.ts';
import { updateOrganization } from '../src/actions/organizations.ts';
import { resolveOrganization } from '../src/catalog/organizations.ts';
import { buildServer } from '../src/http/server.ts';
import { versionPaths } from '../src/catalog/versions.ts';
import { createApiToken, createUser, grantRole, actorFromToken } from '../src/users/accounts.ts';
import { registerData, renderRegister } from '../src/http/pages/register.ts';
import { pageEnv } from '../src/http/pages/layout.ts';
import type { AppError } from '../src/errors.ts';
import type { Ctx, Role } from '../src/context.ts';
import type { PrivacyReport } from '../src/privacy/types.ts';

const finding = (category: string, confidence: number) => ({ category, confidence, cells: 3, sampled: 3, evidence: `3 of 3 sampled cells look like ${category}`, examples: ['J*** D***'] });

/** What the privacy guard would write into the audit of a table with names and national register numbers. */
const PRIVACY: PrivacyReport = {
  detectorVersion: 1,
  personal: true,
  threshold: 5,
  columns: [
    { name: 'Libellé', personal: true, categories: [finding('person-name', 0.9), finding('street-address', 0.2)] } as PrivacyReport['columns'][number],
    { name: 'Article', personal: true, categories: [finding('national-register-number', 0.97)] } as PrivacyReport['columns'][number],
    { name: 'Montant', personal: false, categories: [] },
  ],
  quasiIdentifiers: [{ columns: ['Date', 'Montant'], k: 1, rowsAtRisk: 3 }],
};

for (const backend of backends()) {
  describe(`GDPR register of processing activities (${backend.name})`, () => {
    let app: Awaited<ReturnType<typeof openTestApp>>;
    const ctxs: Partial<Record<Role | 'otherDpo', Ctx>> = {};
    let published: { datasetId: string; resourceId: string };
    let internalId: string;
    let gentDatasetId: string;
    let slug: string;

    const as = (who: Role | 'otherDpo'): Ctx => ctxs[who]!;
    const anonymous = () => app.ctx({ kind: 'anonymous' });

    /** Writes a privacy report into the audit.json of the newest version of a resource, as the guard would. */
    async function setPrivacy(resourceId: string, report: PrivacyReport) {
      const v = await app.stores.meta.selectFrom('versions').selectAll().where('resource_id', '=', resourceId).orderBy('number', 'desc').executeTakeFirstOrThrow();
      const file = versionPaths(app.stores, v).audit;
      const audit = JSON.parse(fs.readFileSync(file, 'utf8'));
      fs.writeFileSync(file, JSON.stringify({ ...audit, privacy: report }));
    }

    before(async () => {
      app = await openTestApp(backend);
      const now = new Date();
      const namur = await resolveOrganization(app.stores.meta, '92094', now);
      const gent = await resolveOrganization(app.stores.meta, '44021', now);
      slug = namur.slug;
      for (const role of ['admin', 'editor', 'dpo', 'viewer'] as const) {
        const u = await createUser(app.stores.meta, { email: `${role}@namur.be`, name: `Namur ${role}`, password: 'a long password here' }, now);
        await grantRole(app.stores.meta, u.id, namur.id, role, now);
        ctxs[role] = app.ctx(await actorFromToken(app.stores.meta, await createApiToken(app.stores.meta, u.id, 't', now), now));
      }
      const other = await createUser(app.stores.meta, { email: 'dpo@gent.be', name: 'Gent DPO', password: 'a long password here' }, now);
      await grantRole(app.stores.meta, other.id, gent.id, 'dpo', now);
      ctxs.otherDpo = app.ctx(await actorFromToken(app.stores.meta, await createApiToken(app.stores.meta, other.id, 't', now), now));

      published = await publishSample(app, { title: 'Primes communales 2024' });
      await setPrivacy(published.resourceId, PRIVACY);
      const internal = await callAction(createDataset, as('admin'), {
        organization: '92094', title: 'Registre des chiens', status: 'internal', keywords: ['animaux', 'Données personnelles'],
        description: 'Liste des chiens déclarés et de leurs détenteurs.',
      });
      internalId = internal.id;
      gentDatasetId = (await publishSample(app, { title: 'Begroting Gent', nis: '44021' })).datasetId;
    });
    after(async () => { await app?.close(); });

    test('only the DPO or an admin of the organization reads or writes its register', async () => {
      for (const who of ['dpo', 'admin'] as const) {
        const r = await callAction(listRegister, as(who), { organization: '92094' });
        assert.equal(r.organization.nisCode, '92094');
        assert.deepEqual(r.dpo, [{ name: 'Namur dpo', email: 'dpo@namur.be' }]);
      }
      for (const who of ['editor', 'viewer', 'otherDpo'] as const) {
        await assert.rejects(callAction(listRegister, as(who), { organization: '92094' }), (e: AppError) => e.code === 'forbidden' && /dpo/.test(e.message), who);
        await assert.rejects(callAction(createProcessing, as(who), { organization: '92094', name: 'x' }), (e: AppError) => e.code === 'forbidden', who);
        await assert.rejects(callAction(exportRegister, as(who), { organization: '92094', format: 'csv' }), (e: AppError) => e.code === 'forbidden', who);
        await assert.rejects(callAction(proposeProcessings, as(who), { organization: '92094' }), (e: AppError) => e.code === 'forbidden', who);
      }
      await assert.rejects(callAction(listRegister, anonymous(), { organization: '92094' }), (e: AppError) => e.code === 'unauthenticated');
      await assert.rejects(callAction(listRegister, as('dpo'), { organization: 'nowhere' }), (e: AppError) => e.code === 'organization_not_found');
    });

    test('a processing is created with the datasets it concerns, completed, changed, ended and reopened', async () => {
      const p = await callAction(createProcessing, as('dpo'), {
        organization: '92094',
        name: 'Octroi des primes communales',
        purposes: 'Instruire les demandes de primes et verser les montants octroyés.',
        datasets: [published.datasetId, `${slug}/${(await app.stores.meta.selectFrom('datasets').select('slug').where('id', '=', internalId).executeTakeFirstOrThrow()).slug}`],
        dataSubjects: ['applicants'],
        dataCategories: ['person-name', 'iban'],
      });
      assert.equal(p.number, 1);
      assert.equal(p.status, 'active');
      assert.deepEqual(p.datasets.map((d) => d.id).sort(), [published.datasetId, internalId].sort());
      assert.deepEqual(p.missing, ['recipients', 'retention', 'securityMeasures', 'legalBasis']);

      const done = await callAction(updateProcessing, as('admin'), {
        processing: p.id,
        legalBasis: { grounds: ['public-task'], reference: 'Règlement communal relatif aux primes du 12 mars 2024' },
        recipients: ['internal-services'],
        retention: '10 ans après le dernier paiement',
        securityMeasures: 'Accès limité au service des finances ; journalisation des accès.',
        specialCategories: { categories: ['health'] },
        processors: [{ name: 'Imio', contact: 'dpo@imio.be' }],
        transfers: '   ',
      });
      assert.deepEqual(done.missing, ['specialCategories'], 'health data needs its Art. 9(2) condition');
      assert.equal(done.transfers, null, 'blank text is stored as nothing');
      const complete = await callAction(updateProcessing, as('dpo'), { processing: p.id, specialCategories: { categories: ['health'], condition: 'Art. 9.2.g RGPD' } });
      assert.deepEqual(complete.missing, []);
      assert.equal(complete.purposes, p.purposes, 'fields not given are kept');

      await assert.rejects(callAction(updateProcessing, as('dpo'), { processing: p.id, datasets: [gentDatasetId] }),
        (e: AppError) => e.code === 'validation_failed' && /another organization/.test(e.message));
      await assert.rejects(callAction(createProcessing, as('dpo'), { organization: '92094', name: 'x', datasets: ['no-such-dataset'] }), (e: AppError) => e.code === 'dataset_not_found');
      await assert.rejects(callAction(createProcessing, as('dpo'), { organization: '92094', name: 'x', legalBasis: { grounds: ['because'] } }), (e: AppError) => e.code === 'validation_failed');
      await assert.rejects(callAction(showProcessing, as('otherDpo'), { processing: p.id }), (e: AppError) => e.code === 'forbidden');
      await assert.rejects(callAction(showProcessing, as('dpo'), { processing: 'nope' }), (e: AppError) => e.code === 'not_found');

      const next = await callAction(createProcessing, as('dpo'), { organization: '92094', name: 'Primes communales (nouveau logiciel)', datasets: [published.datasetId] });
      assert.equal(next.number, 2);
      for (const endDate of ['2024-02-30', '2024-13-01', '2024-00-10']) {
        await assert.rejects(callAction(endProcessing, as('dpo'), { processing: p.id, endDate }), (e: AppError) => e.code === 'validation_failed' && /YYYY-MM-DD/.test(e.message), endDate);
      }
      await assert.rejects(callAction(endProcessing, as('dpo'), { processing: p.id, replacedBy: p.id }), (e: AppError) => e.code === 'validation_failed');
      const ended = await callAction(endProcessing, as('dpo'), { processing: p.id, endDate: '2024-12-31', replacedBy: next.id });
      assert.equal(ended.status, 'ended');
      assert.equal(ended.endDate, '2024-12-31');
      assert.deepEqual(ended.replacedBy, { id: next.id, number: 2, name: next.name });

      const active = await callAction(listRegister, as('dpo'), { organization: '92094', status: 'active' });
      assert.deepEqual(active.processings.map((x) => x.number), [2], 'a filtered list keeps the register numbers');
      const all = await callAction(listRegister, as('dpo'), { organization: '92094' });
      assert.deepEqual(all.counts, { active: 1, ended: 1, incomplete: 1 });

      const reopened = await callAction(updateProcessing, as('dpo'), { processing: p.id, status: 'active' });
      assert.equal(reopened.endDate, null);
      assert.equal(reopened.replacedBy, null);
      await callAction(endProcessing, as('dpo'), { processing: p.id, endDate: '2024-12-31', replacedBy: next.id });
    });

    test('proposals come from the datasets whose audit (or keywords) show personal data, and apply writes them', async () => {
      const out = await callAction(proposeProcessings, as('dpo'), { organization: '92094' });
      assert.equal(out.applied, false);
      // Processing 2 (active) concerns the published dataset but records no categories nor the public.
      const upd = out.proposals.find((p) => p.kind === 'update' && p.dataset.id === published.datasetId);
      assert.ok(upd && upd.kind === 'update', JSON.stringify(out.proposals));
      assert.equal(upd.processing.number, 2);
      assert.deepEqual(upd.add, { dataCategories: ['national-register-number', 'person-name'], recipients: ['public'] });
      assert.match(upd.reason, /Libellé \(person-name\)/);
      assert.match(upd.reason, /Date \+ Montant single out people \(k = 1\)/);
      // Only an ended processing concerns the internal dataset, whose keywords say it is personal.
      const fresh = out.proposals.find((p) => p.kind === 'new' && p.dataset.id === internalId);
      assert.ok(fresh && fresh.kind === 'new', JSON.stringify(out.proposals));
      assert.deepEqual(fresh.keywords, ['Données personnelles']);
      assert.equal(fresh.processing.name, 'Registre des chiens');
      assert.equal(fresh.processing.purposes, 'Liste des chiens déclarés et de leurs détenteurs.');
      assert.deepEqual(fresh.processing.recipients, []);
      assert.match(fresh.processing.securityMeasures ?? '', /membres de l'organisation/);
      assert.equal(out.proposals.length, 2, 'nothing is proposed for datasets without personal data');
      assert.equal((await callAction(listRegister, as('dpo'), { organization: slug })).processings.length, 2, 'proposing alone writes nothing');

      const applied = await callAction(proposeProcessings, as('admin'), { organization: '92094', apply: 'true' });
      assert.equal(applied.created.length, 1);
      assert.equal(applied.created[0].number, 3);
      assert.deepEqual(applied.created[0].datasets.map((d) => d.id), [internalId]);
      assert.deepEqual(applied.updated.map((p) => p.number), [2]);
      assert.deepEqual(applied.updated[0].dataCategories, ['national-register-number', 'person-name']);
      assert.deepEqual(applied.updated[0].recipients, ['public']);
      assert.equal((await callAction(proposeProcessings, as('dpo'), { organization: '92094' })).proposals.length, 0, 'the register now covers the inventory');

      // A new finding in the data makes a new proposal for the processing that concerns it.
      await setPrivacy(published.resourceId, { ...PRIVACY, columns: [...PRIVACY.columns, { name: 'Contact', personal: true, categories: [finding('email', 0.8) as PrivacyReport['columns'][number]['categories'][number]] }] });
      const again = await callAction(proposeProcessings, as('dpo'), { organization: '92094' });
      assert.deepEqual(again.proposals.map((p) => p.kind === 'update' && p.add), [{ dataCategories: ['email'], recipients: [] }]);
    });

    test('XLSX in the model\'s form: identification sheet, register sheet with FR and NL headers, one row per processing with its datasets', async () => {
      await callAction(createProcessing, as('dpo'), { organization: '92094', name: '=HYPERLINK("http://evil")', purposes: '-1+1' });
      const file = await callAction(exportRegister, as('dpo'), { organization: '92094', format: 'xlsx', lang: 'fr-nl' });
      assert.equal(file.mediaType, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      assert.match(file.filename, new RegExp(`^registre-register-${slug}-\\d{4}-\\d{2}-\\d{2}-[0-9a-f]{8}\\.xlsx$`));
      assert.equal(file.bytes, fs.statSync(file.path).size);
      const again = await callAction(exportRegister, as('admin'), { organization: '92094', format: 'xlsx', lang: 'fr-nl' });
      assert.equal(again.path, file.path, 'the same register the same day is written once');

      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file.path);
      assert.deepEqual(wb.worksheets.map((s) => s.name), ['Identification - Identificatie', 'Registre - Register']);
      const ident = wb.worksheets[0];
      const identRows = new Map<string, unknown>();
      ident.eachRow((row) => identRows.set(String(row.getCell(1).value), row.getCell(3).value));
      assert.match(String(identRows.get('Responsable du traitement')), /^Namur/);
      assert.equal(identRows.get('Délégué à la protection des données'), 'Namur dpo <dpo@namur.be>');

      const sheet = wb.worksheets[1];
      const header = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
      const fr = header(1);
      const nl = header(2);
      assert.deepEqual(fr.slice(0, 9), [
        'N°', 'Activité de traitement', 'Service responsable', 'Responsable(s) conjoint(s) du traitement', 'Finalité(s) du traitement', 'Catégories de personnes concernées',
        'Catégories de données à caractère personnel', 'Catégories de destinataires', 'Transferts vers un pays tiers ou une organisation internationale (et garanties)',
      ]);
      assert.equal(nl[4], 'Doeleinde(n) van de verwerking');
      assert.ok(fr.includes('Base juridique (art. 6 RGPD)') && fr.includes('Données sensibles (art. 9 et 10 RGPD)') && fr.includes('Sous-traitant(s)'));
      assert.ok(fr.includes('Statut') && fr.includes('Date de fin du traitement') && fr.includes('Jeux de données concernés'));
      assert.equal(sheet.getRow(1).getCell(5).font?.color?.argb, 'FFC00000', 'Art. 30 columns are red, as in the model');
      assert.equal(sheet.getRow(1).getCell(3).font?.color?.argb, 'FF000000', 'the department is the model\'s own column, not Art. 30');
      assert.equal(sheet.rowCount, 2 + 4, 'two header rows and one row per processing');

      const col = (label: string) => fr.indexOf(label) + 1;
      const row3 = sheet.getRow(3);
      assert.equal(row3.getCell(1).value, 1);
      assert.equal(row3.getCell(col('Activité de traitement')).value, 'Octroi des primes communales');
      assert.equal(row3.getCell(col('Statut')).value, 'Terminé / Beëindigd');
      assert.ok(row3.getCell(col('Date de fin du traitement')).value instanceof Date);
      assert.equal((row3.getCell(col('Date de fin du traitement')).value as Date).toISOString().slice(0, 10), '2024-12-31');
      assert.match(String(row3.getCell(col('Base juridique (art. 6 RGPD)')).value), /^e\) Mission d'intérêt public.* \/ e\) Taak van algemeen belang/);
      const datasets = String(row3.getCell(col('Jeux de données concernés')).value).split('\n');
      assert.equal(datasets.length, 2);
      assert.ok(datasets.some((d) => d.startsWith(`Primes communales 2024 (${slug}/`)), datasets.join('|'));
      assert.ok(datasets.some((d) => d.startsWith(`Registre des chiens (${slug}/`) && d.endsWith('interne / intern)')), datasets.join('|'));
      assert.equal(sheet.getRow(4).getCell(col('Catégories de destinataires')).value, 'Le public (données ouvertes) / Het publiek (open data)');
      const evil = sheet.getRow(6).getCell(col('Activité de traitement'));
      assert.equal(evil.value, '=HYPERLINK("http://evil")', 'a text cell, never a formula');
      assert.equal(evil.formula, undefined);

      // The commune's language by default: Namur is in Wallonia, so one French header row.
      const frOnly = await callAction(exportRegister, as('dpo'), { organization: '92094' });
      const wb2 = new ExcelJS.Workbook();
      await wb2.xlsx.readFile(frOnly.path);
      assert.deepEqual(wb2.worksheets.map((s) => s.name), ['Identification', 'Registre']);
      assert.equal(wb2.worksheets[1].rowCount, 1 + 4);
    });

    test('CSV for Excel: UTF-8 with BOM, ";" between fields, parsed back with csv-parse', async () => {
      const file = await callAction(exportRegister, as('dpo'), { organization: '92094', format: 'csv', lang: 'nl' });
      assert.equal(file.mediaType, 'text/csv; charset=utf-8');
      assert.match(file.filename, new RegExp(`^register-verwerkingen-${slug}-.*\\.csv$`));
      const bytes = fs.readFileSync(file.path);
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      assert.ok(bytes.includes(Buffer.from('\r\n')), 'CRLF line ends');
      const rows = parse(bytes, { bom: true, delimiter: ';' }) as string[][];
      const [header, ...body] = rows;
      assert.deepEqual(header.slice(0, 4), ['Verwerkingsverantwoordelijke', 'Functionaris voor gegevensbescherming', 'Nr.', 'Verwerkingsactiviteit']);
      assert.equal(body.length, 4);
      const at = (label: string) => header.indexOf(label);
      assert.match(body[0][0], /^Namen/);
      assert.equal(body[0][1], 'Namur dpo <dpo@namur.be>');
      assert.equal(body[0][at('Status')], 'Beëindigd');
      assert.equal(body[0][at('Verwerker(s)')], 'Imio (dpo@imio.be)');
      assert.equal(body[0][at('Gevoelige gegevens (art. 9 en 10 AVG)')], 'Gegevens over gezondheid\nArt. 9.2.g RGPD');
      assert.equal(body[1][at('Categorieën van persoonsgegevens')], 'Rijksregisternummer\nNaam en voornaam');
      assert.equal(body[3][at('Verwerkingsactiviteit')], `'=HYPERLINK("http://evil")`, 'formula-like cells are neutralised');
      assert.equal(body[3][at('Doeleinde(n) van de verwerking')], `'-1+1`);

      const comma = await callAction(exportRegister, as('dpo'), { organization: '92094', format: 'csv', lang: 'en', delimiter: ',', status: 'active' });
      const enRows = parse(fs.readFileSync(comma.path), { bom: true }) as string[][];
      assert.equal(enRows[0][3], 'Processing activity');
      assert.equal(enRows.length, 1 + 3, 'only the active processings');
    });

    test('the printable page shows the register to its DPO and asks others to sign in', async () => {
      const env = (lang: 'fr' | 'nl') => pageEnv(`/organizations/${slug}/register`, {}, lang, false, `/organizations/${slug}/register.json`);
      const data = await registerData(as('dpo'), slug);
      assert.equal(data.signedIn, true);
      assert.equal(data.files?.xlsx, `/api/organizations/${slug}/register.xlsx`);
      const page = renderRegister(data, env('fr')).toString();
      assert.equal(page.match(/<h1[\s>]/g)?.length, 1);
      assert.match(page, /<h1>Registre des activités de traitement — Namur<\/h1>/);
      assert.match(page, /@media print/);
      assert.match(page, /@page \{ size: A4/);
      assert.match(page, /id="processing-1"/);
      assert.match(page, /Octroi des primes communales/);
      assert.match(page, /=HYPERLINK\(&quot;http:\/\/evil&quot;\)/, 'text is escaped');
      assert.match(page, /<dt>Base juridique \(art. 6 RGPD\)<\/dt><dd>e\) Mission d&#39;intérêt public/);
      assert.match(page, /class="to-complete">À compléter/);
      assert.ok(page.includes(`href="/datasets/${slug}/registre-des-chiens">Registre des chiens</a>`));
      assert.match(page, /<a href="#processing-2">2\. Primes communales \(nouveau logiciel\)<\/a>/, 'the ended processing links the one that replaced it');
      const nl = renderRegister(data, env('nl')).toString();
      assert.match(nl, /<h1>Register van de verwerkingsactiviteiten — Namen<\/h1>/);
      assert.match(nl, /<dt>Rechtsgrond \(art. 6 AVG\)<\/dt>/);

      const anon = await registerData(anonymous(), slug);
      assert.equal(anon.signedIn, false);
      const signIn = renderRegister(anon, env('fr')).toString();
      assert.ok(signIn.includes(`href="/login?next=%2Forganizations%2F${slug}%2Fregister"`));
      assert.doesNotMatch(signIn, /Octroi/);
      await assert.rejects(registerData(as('viewer'), slug), (e: AppError) => e.code === 'forbidden');
    });

    test('the model\'s business process owner, type of processing (Art. 35 criteria, dpiaLikely) and general phone number, through the action, the JSON page, XLSX and CSV', async () => {
      // Two criteria, given out of order and once twice: kept once each, in the model's order.
      const cams = await callAction(createProcessing, as('dpo'), {
        organization: '92094', name: 'Vidéosurveillance des parcs', department: '  Service Prévention  ',
        purposes: 'Prévenir les dégradations dans les parcs communaux.', processingTypes: ['large-scale', 'systematic-monitoring', 'large-scale'],
      });
      assert.equal(cams.number, 5);
      assert.equal(cams.department, 'Service Prévention', 'trimmed');
      assert.deepEqual(cams.processingTypes, ['systematic-monitoring', 'large-scale']);
      assert.equal(cams.dpiaLikely, true);
      const shown = await callAction(showProcessing, as('admin'), { processing: cams.id });
      assert.deepEqual([shown.department, shown.processingTypes, shown.dpiaLikely], ['Service Prévention', ['systematic-monitoring', 'large-scale'], true]);
      // One criterion is not enough; an empty list is a normal processing; null clears the department.
      const one = await callAction(updateProcessing, as('dpo'), { processing: cams.id, processingTypes: ['large-scale'], department: null });
      assert.deepEqual([one.processingTypes, one.dpiaLikely, one.department], [['large-scale'], false, null]);
      const none = await callAction(updateProcessing, as('dpo'), { processing: cams.id, processingTypes: [] });
      assert.deepEqual([none.processingTypes, none.dpiaLikely], [[], false]);
      const back = await callAction(updateProcessing, as('dpo'), { processing: cams.id, processingTypes: ['systematic-monitoring', 'large-scale'], department: 'Service Prévention' });
      assert.equal(back.dpiaLikely, true);
      assert.equal(back.purposes, cams.purposes, 'fields not given are kept');
      const first = (await callAction(listRegister, as('dpo'), { organization: '92094' })).processings[0];
      assert.deepEqual([first.processingTypes, first.dpiaLikely, first.department], [[], false, null], 'processings from before have no type and no department');

      // Unknown codes and over-long departments are refused with the field, the value and the codes to use.
      await assert.rejects(callAction(createProcessing, as('dpo'), { organization: '92094', name: 'x', processingTypes: ['cameras'] }),
        (e: AppError) => e.code === 'validation_failed' && /processingTypes\.0: "cameras" is not a type of processing\. Use the Art\. 35 DPIA criteria profiling, automated-decision, .*prevents-rights, or an empty list/.test(e.message));
      await assert.rejects(callAction(updateProcessing, as('dpo'), { processing: cams.id, processingTypes: ['profiling', 'Normal'] }),
        (e: AppError) => e.code === 'validation_failed' && /processingTypes\.1: "Normal" is not a type/.test(e.message));
      await assert.rejects(callAction(updateProcessing, as('dpo'), { processing: cams.id, department: 'x'.repeat(201) }),
        (e: AppError) => e.code === 'validation_failed' && /department/.test(e.message));
      assert.deepEqual((await callAction(showProcessing, as('dpo'), { processing: cams.id })).processingTypes, ['systematic-monitoring', 'large-scale'], 'a refused change changes nothing');

      // The general phone number of the identification tab.
      await callAction(updateOrganization, as('admin'), { organization: '92094', phone: '081 24 86 11' });

      // Over HTTP: 400 for a bad code, and the page's JSON twin carries the new fields.
      const server = await buildServer(app);
      try {
        const actor = as('dpo').actor;
        assert.ok(actor.kind === 'user');
        const token = await createApiToken(app.stores.meta, actor.userId, 'http', new Date());
        const auth = { authorization: `Bearer ${token}` };
        const bad = await server.inject({ method: 'POST', url: '/api/organizations/92094/register', headers: auth, payload: { name: 'Caméras', processingTypes: ['cctv'] } });
        assert.equal(bad.statusCode, 400);
        assert.equal(bad.json().error.code, 'validation_failed');
        assert.match(bad.json().error.message, /processingTypes\.0: "cctv" is not a type of processing/);
        const res = await server.inject({ method: 'GET', url: `/organizations/${slug}/register.json`, headers: auth });
        assert.equal(res.statusCode, 200);
        const twin = res.json();
        assert.equal(twin.register.phone, '+3281248611');
        const viaPage = twin.register.processings.find((p: { id: string }) => p.id === cams.id);
        assert.deepEqual([viaPage.department, viaPage.processingTypes, viaPage.dpiaLikely], ['Service Prévention', ['systematic-monitoring', 'large-scale'], true]);
        assert.equal(twin.register.processings[0].dpiaLikely, false);
        assert.equal(twin.register.processings.length, 5, 'the refused POST wrote nothing');
      } finally {
        await server.close();
      }

      // XLSX: the department right after the activity, the type right after the legal basis, with its note.
      const file = await callAction(exportRegister, as('dpo'), { organization: '92094', format: 'xlsx', lang: 'fr' });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file.path);
      const identRows = new Map<string, unknown>();
      wb.worksheets[0].eachRow((row) => identRows.set(String(row.getCell(1).value), row.getCell(2).value));
      assert.equal(identRows.get('Numéro de téléphone général'), '+32 81 24 86 11');
      const sheet = wb.worksheets[1];
      const fr = (sheet.getRow(1).values as unknown[]).slice(1);
      assert.deepEqual(fr.slice(1, 3), ['Activité de traitement', 'Service responsable']);
      const typeCol = fr.indexOf('Type de traitement');
      assert.equal(fr[typeCol - 1], 'Base juridique (art. 6 RGPD)');
      assert.equal(fr[typeCol + 1], 'Données sensibles (art. 9 et 10 RGPD)');
      const note = sheet.getRow(1).getCell(typeCol + 1).note;
      const noteText = typeof note === 'string' ? note : (note?.texts ?? []).map((t) => t.text).join('');
      assert.match(noteText, /article 35 du RGPD et des lignes directrices du CEPD/);
      assert.match(noteText, /deux ou plus nécessite probablement une AIPD/);
      assert.equal(sheet.rowCount, 1 + 5);
      const row5 = sheet.getRow(6);
      assert.equal(row5.getCell(2).value, 'Vidéosurveillance des parcs');
      assert.equal(row5.getCell(3).value, 'Service Prévention');
      assert.equal(row5.getCell(typeCol + 1).value, 'Surveillance systématique (p. ex. caméras dans des lieux publics)\nTraitement à grande échelle');
      assert.equal(sheet.getRow(2).getCell(3).value, null, 'no department: an empty cell');
      assert.equal(sheet.getRow(2).getCell(typeCol + 1).value, 'Normal', 'no criterion: a normal processing');

      // CSV (English): same columns, same values, the phone in the controller's cell.
      const csv = await callAction(exportRegister, as('dpo'), { organization: '92094', format: 'csv', lang: 'en' });
      const [header, ...body] = parse(fs.readFileSync(csv.path), { bom: true, delimiter: ';' }) as string[][];
      assert.deepEqual(header.slice(3, 5), ['Processing activity', 'Responsible department']);
      const at = (label: string) => header.indexOf(label);
      assert.equal(at('Type of processing'), at('Legal basis (Art. 6 GDPR)') + 1);
      assert.equal(body.length, 5);
      assert.equal(body[4][at('Responsible department')], 'Service Prévention');
      assert.equal(body[4][at('Type of processing')], 'Systematic monitoring (e.g. cameras in public areas)\nLarge-scale processing');
      assert.equal(body[0][at('Type of processing')], 'Normal');
      assert.equal(body[0][at('Responsible department')], '');
      assert.match(body[0][0], /^Namur, .*\+32 81 24 86 11$/);

      // The printable page: the warning on the processing that meets two criteria only, the phone in the identification.
      const page = renderRegister(await registerData(as('dpo'), slug), pageEnv(`/organizations/${slug}/register`, {}, 'en', true, `/organizations/${slug}/register.json`)).toString();
      const block = (n: number) => page.slice(page.indexOf(`id="processing-${n}"`), page.indexOf('</section>', page.indexOf(`id="processing-${n}"`)));
      assert.match(block(5), /class="dpia-warning"[^>]*>⚠ Likely needs a DPIA \(2 or more criteria\): Systematic monitoring \(e\.g\. cameras in public areas\), Large-scale processing<\/p>/);
      assert.match(block(5), /<dt>Responsible department<\/dt><dd>Service Prévention<\/dd>/);
      assert.match(block(1), /<dt>Type of processing<\/dt><dd>Normal<\/dd>/);
      assert.doesNotMatch(block(1), /dpia-warning/);
      assert.equal(page.match(/class="dpia-warning"/g)?.length, 1);
      assert.match(page, /<dt>General phone number<\/dt><dd><a href="tel:\+3281248611">\+32 81 24 86 11<\/a><\/dd>/);
      const frPage = renderRegister(await registerData(as('dpo'), slug), pageEnv(`/organizations/${slug}/register`, {}, 'fr', true, `/organizations/${slug}/register.json`)).toString();
      assert.match(frPage, /Analyse d&#39;impact \(AIPD\) probablement nécessaire \(2 critères ou plus\)/);
    });
  });
}
