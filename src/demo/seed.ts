import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import type { App } from '../app.ts';
import { callAction } from '../actions/registry.ts';
import { publishFile } from '../actions/versions.ts';
import { releaseHeldVersions } from '../actions/privacy.ts';
import { communesByNis } from '../catalog/communes.ts';

/** The commune the demo content belongs to: Namur. */
export const DEMO_NIS = '92094';

/** A small deterministic random generator, so the demo is the same on every machine. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const frNumber = (n: number, decimals = 2) => n.toFixed(decimals).replace('.', ',').replace(/\B(?=(\d{3})+(?!\d))/g, '.');
const frDate = (d: Date) => `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;

interface DemoFile { name: string; title: string; description: string; keywords: string[]; bytes: Buffer; theme: string }

/** Generates the demo files, each as a commune's office software would write it. */
export async function demoFiles(): Promise<DemoFile[]> {
  const r = rng(2024);
  const files: DemoFile[] = [];

  // A budget export from an accounting package: Windows-1252, ';', decimal commas, a title row and a footer.
  const functions = ['Administration générale', 'Sécurité et ordre public', 'Voirie et mobilité', 'Enseignement fondamental', 'Culture et loisirs', 'Action sociale', 'Propreté publique', 'Sports', 'Logement et urbanisme', 'Cultes'];
  const natures = ['Frais de personnel', 'Frais de fonctionnement', 'Transferts', 'Dette'];
  const budget = ['Budget ordinaire 2024 — dépenses par fonction;;;;', ';;;;', 'Fonction;Libellé;Nature;Montant (€);Date du vote'];
  functions.forEach((f, i) => natures.forEach((n, j) => {
    budget.push(`${String(i * 10 + 10).padStart(3, '0')}/${j + 1}1;${f};${n};${frNumber(20000 + r() * 4_000_000)};${frDate(new Date(Date.UTC(2023, 11, 18)))}`);
  }));
  budget.push(';;;;', 'Source : Service des finances, Ville de Namur;;;;');
  files.push({
    name: 'budget-2024-depenses.csv', title: 'Budget ordinaire 2024 — dépenses par fonction',
    description: 'Dépenses du budget ordinaire 2024 voté par le conseil communal, par fonction et par nature, en euros.',
    keywords: ['budget', 'finances', 'dépenses'], theme: 'GOVE', bytes: iconv.encode(budget.join('\r\n') + '\r\n', 'windows-1252'),
  });

  // Remarkable trees: UTF-8, ',', WGS84 coordinates, an oui/non column and dates.
  const species = ['Hêtre pourpre', 'Chêne pédonculé', 'Tilleul à grandes feuilles', 'Platane commun', 'Marronnier d’Inde', 'Séquoia géant', 'Cèdre du Liban', 'Érable sycomore'];
  const places = ['Parc Louise-Marie', 'Citadelle', 'Boulevard de la Meuse', 'Jardin du Maïeur', 'Place d’Armes', 'Rue de Fer', 'Parc d’Amée', 'Quai de Meuse'];
  const trees = ['identifiant,espece,lieu,circonference_cm,hauteur_m,annee_plantation,protege,latitude,longitude,date_inventaire'];
  for (let i = 1; i <= 180; i++) {
    const sp = species[Math.floor(r() * species.length)];
    const pl = places[Math.floor(r() * places.length)];
    trees.push([`NAM-${String(i).padStart(4, '0')}`, sp, `"${pl}"`, Math.round(120 + r() * 500), (8 + r() * 30).toFixed(1), 1850 + Math.floor(r() * 150),
      r() < 0.3 ? 'oui' : 'non', (50.45 + r() * 0.04).toFixed(6), (4.83 + r() * 0.07).toFixed(6), frDate(new Date(Date.UTC(2023, Math.floor(r() * 12), 1 + Math.floor(r() * 28))))].join(','));
  }
  files.push({
    name: 'arbres-remarquables.csv', title: 'Arbres remarquables', description: 'Inventaire des arbres remarquables du territoire communal, avec leur essence, leurs dimensions et leur position.',
    keywords: ['environnement', 'arbres', 'patrimoine naturel'], theme: 'ENVI', bytes: Buffer.from(trees.join('\n') + '\n'),
  });

  // Rooms for hire: UTF-8 with BOM, ';', prices with decimal comma, a postcode column.
  const rooms = ['Nom;Adresse;Code postal;Localité;Capacité;Tarif journée (€);Accessible PMR;Cuisine'];
  const villages = [['5000', 'Namur'], ['5001', 'Belgrade'], ['5002', 'Saint-Servais'], ['5020', 'Temploux'], ['5100', 'Jambes'], ['5101', 'Erpent']];
  for (let i = 1; i <= 24; i++) {
    const [cp, loc] = villages[Math.floor(r() * villages.length)];
    rooms.push(`Salle ${['des fêtes', 'polyvalente', 'du patro', 'communale', 'Saint-Joseph'][i % 5]} ${loc};"Rue ${['de l’Église', 'du Centre', 'des Écoles', 'de la Gare'][i % 4]}, ${1 + Math.floor(r() * 120)}";${cp};${loc};${Math.round(40 + r() * 300)};${frNumber(80 + r() * 400)};${r() < 0.6 ? 'oui' : 'non'};${r() < 0.5 ? 'oui' : 'non'}`);
  }
  files.push({
    name: 'salles-communales.csv', title: 'Salles communales à louer', description: 'Salles que la commune met en location, avec leur capacité, leur tarif et leur accessibilité.',
    keywords: ['salles', 'location', 'vie associative'], theme: 'SOCI', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rooms.join('\r\n') + '\r\n')]),
  });

  // Real figures: the communes of the province of Namur and their legal population on 1 January 2024 (Statbel).
  const province = [...communesByNis().values()].filter((c) => c.province === 'Province de Namur');
  const pop = ['Code INS;Commune;Population au 1er janvier 2024', ...province.map((c) => `${c.nis_code};${c.name_fr};${frNumber(c.population, 0)}`)];
  files.push({
    name: 'population-province-namur-2024.csv', title: 'Population des communes de la province de Namur au 1er janvier 2024',
    description: 'Population légale au 1er janvier 2024 par commune de la province de Namur. Source : Statbel (Direction générale Statistique), 2024.',
    keywords: ['population', 'démographie', 'Statbel'], theme: 'SOCI', bytes: iconv.encode(pop.join('\r\n') + '\r\n', 'windows-1252'),
  });

  // Glass and textile containers as a GIS exports them: GeoJSON points.
  const kinds = ['Bulle à verre', 'Bulle à textile', 'Bulle à verre enterrée'];
  const features = Array.from({ length: 60 }, (_, i) => ({
    type: 'Feature', id: `BUL-${String(i + 1).padStart(3, '0')}`,
    properties: { type: kinds[Math.floor(r() * kinds.length)], rue: `${places[Math.floor(r() * places.length)]}`, vidage: ['lundi', 'mercredi', 'vendredi'][i % 3] },
    geometry: { type: 'Point', coordinates: [Number((4.83 + r() * 0.07).toFixed(6)), Number((50.44 + r() * 0.05).toFixed(6))] },
  }));
  files.push({
    name: 'bulles-a-verre.geojson', title: 'Bulles à verre et à textile', description: 'Emplacements des bulles à verre et à textile, avec leur type et leur jour de vidange.',
    keywords: ['déchets', 'recyclage', 'propreté'], theme: 'ENVI', bytes: Buffer.from(JSON.stringify({ type: 'FeatureCollection', features })),
  });

  // The population office's workbook: a title row, a merged header over two rows, one sheet per year.
  const wb = new ExcelJS.Workbook();
  for (const year of [2022, 2023]) {
    const ws = wb.addWorksheet(`État civil ${year}`);
    ws.addRow([`Mouvements de la population — ${year}`]);
    ws.addRow(['Mois', 'Naissances', null, 'Décès', null]);
    ws.addRow([null, 'Garçons', 'Filles', 'Hommes', 'Femmes']);
    ws.mergeCells('B2:C2');
    ws.mergeCells('D2:E2');
    ws.mergeCells('A2:A3');
    for (let m = 0; m < 12; m++) ws.addRow([new Date(Date.UTC(year, m, 1)), 40 + Math.floor(r() * 30), 38 + Math.floor(r() * 30), 35 + Math.floor(r() * 25), 36 + Math.floor(r() * 25)]);
    ws.getColumn(1).numFmt = 'mm/yyyy';
  }
  files.push({
    name: 'etat-civil.xlsx', title: 'Naissances et décès par mois', description: 'Naissances et décès enregistrés par le service de l’état civil, par mois et par sexe (une feuille par année).',
    keywords: ['population', 'état civil', 'naissances', 'décès'], theme: 'SOCI', bytes: Buffer.from(await wb.xlsx.writeBuffer()),
  });
  return files;
}

/** Seeds the demo commune when the catalog is empty; returns the number of datasets created. */
export async function seedDemo(app: App): Promise<number> {
  const any = await app.stores.meta.selectFrom('datasets').select('id').limit(1).executeTakeFirst();
  if (any) return 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dataville-demo-'));
  try {
    const ctx = app.ctx({ kind: 'system' });
    let n = 0;
    for (const f of await demoFiles()) {
      const file = path.join(dir, f.name);
      fs.writeFileSync(file, f.bytes);
      const out = await callAction(publishFile, ctx, {
        organization: DEMO_NIS, title: { fr: f.title }, description: { fr: f.description }, keywords: f.keywords, theme: f.theme,
        licence: 'CC-BY-4.0', updateFrequency: 'annual', file: { path: file, name: f.name },
      });
      // The privacy guard asks about addresses and names in these files; they are public buildings and
      // statistics, and the decision is recorded as a DPO would record it.
      await releaseHeldVersions(ctx, out.dataset.id, 'Demo content: addresses of public buildings and statistics, not data about persons.');
      n++;
    }
    return n;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
