/**
 * Builds reference/firstnames-be.txt, the first-name list of the privacy detectors (src/privacy/names.ts).
 *
 *   node --import tsx scripts/build-firstnames.ts ../shared/data/samples/statbel-firstnames-prov-2017-2025-fr.xlsx
 *
 * Statbel's workbook gives, per year (2017-2025), sex and province, the first names given to at least
 * 5 newborns. Names are summed over every sheet and kept when the total reaches MIN_COUNT, lower-cased
 * with their accents. Newborns' names miss the older generations a municipal table mostly lists, so a
 * hand-compiled list of common first names of Belgians born 1930-2000 (OLDER below, from general
 * knowledge of the Statbel and Wikipedia frequency tables, not from a file) is appended in its own section.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { readXlsx } from '../src/ingest/xlsx/read.ts';

const MIN_COUNT = 10;
const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../reference/firstnames-be.txt');

const OLDER = `
jean marie pierre paul jacques michel andré philippe daniel marc luc patrick alain christian eric éric
françois bernard guy claude serge jean-pierre jean-marie jean-luc jean-claude jean-paul jean-louis jean-marc
jean-françois jean-jacques jean-michel pierre-yves marie-claire marie-christine marie-thérèse marie-louise
marie-paule marie-jeanne anne-marie rené roger georges joseph jozef jos josé henri hendrik frans françois
willy willem wim dirk johan jan koen kris geert guido rudi rudy ronny danny eddy freddy marcel albert
robert raymond gilbert hubert norbert herman hermann walter werner gaston lucien émile emile fernand
armand edmond maurice léon leon gustaaf gustave achiel jules julien louis lode ludo ludovic etienne
étienne stefaan stefan stéphane steven stijn bart tom tim pieter peter piet wouter filip philip
frank franck dominique didier thierry pascal olivier vincent frédéric frederic benoît benoit laurent
sébastien sebastien nicolas christophe xavier yves hugues gérard gerard jean-baptiste raf rik erik
kurt kristof kristoff dimitri yannick jurgen jürgen gert gerd hans jens sven sam joris jeroen
marleen martine monique christiane nicole jacqueline françoise francoise chantal nadine annie anne
anny rita hilde hilda greta godelieve maria mia mieke linda lieve liesbeth els ilse inge ingrid
katrien kathleen karin carine carina martina myriam mireille micheline michèle michele danielle
dani brigitte béatrice beatrice isabelle véronique veronique sylvie sophie nathalie valérie valerie
catherine caroline virginie sandrine stéphanie stephanie delphine céline celine aurélie aurelie
ann an veerle sabine sandra nancy kristel kristien evelyne evelien tine tinne leen lies hanne eline
yvonne yvette ghislaine jeanine jeannine josiane paulette denise simone suzanne germaine madeleine
marguerite odette huguette lucienne andrée andree colette arlette renée renee georgette jeanne
agnès agnes claudine christine françoise geneviève genevieve bernadette mariette annette lutgarde
godfried gilberte josée josee marina marijke margriet rosa rosalie irène irene hélène helene
jozefa jozefien paula alice elisabeth elise maryse nelly betty cindy kelly wendy tamara jessica
vanessa melissa kimberley priscilla audrey laetitia laeticia émilie emilie elodie élodie mélanie
melanie jennifer stéphane gaëlle gaelle anne-sophie marie-france marie-hélène marie-josé
mohamed mohammed ahmed mustafa mehmet ali hassan hussein omar abdel abdelkader fatima khadija
aicha aïcha naima naïma rachid karim said saïd youssef hamza samira nadia malika zineb
kevin jonathan quentin brecht bram thibault thibaut gilles arnaud romain florian cédric cedric grégory gregory
jérôme jerome fabrice julien loïc loic mathieu matthieu maarten jasper tijs tobias jan-willem bjorn björn
glenn gunther günther hendrik ivo jo kenneth lieven marnix nico patrick-jan raf roel sander toon vincent
lien sofie nele elke ellen evy kim jolien lotte marieke justine pauline amandine mélissa gaëlle marine
morgane ophélie stéphanie coralie émeline emeline jennifer kelly sharon tiffany cindy nathalie sylvia
`;

async function main(): Promise<void> {
  const source = process.argv[2];
  if (!source) throw new Error('Give the Statbel first-names workbook (statbel-firstnames-prov-2017-2025-fr.xlsx).');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'firstnames-'));
  try {
    const { tables } = await readXlsx(source, work);
    const counts = new Map<string, number>();
    for (const t of tables) {
      const col = t.header.findIndex((h) => /^pr[ée]nom$/i.test(h.trim()));
      const num = t.header.findIndex((h) => /^nombre$/i.test(h.trim()));
      if (col < 0 || num < 0) continue;
      const rows = parse(fs.readFileSync(t.utf8Path, 'utf8'), { relaxColumnCount: true }) as string[][];
      for (const r of rows) {
        const name = (r[col] ?? '').trim().toLowerCase();
        const n = Number(r[num]);
        if (!name || !Number.isFinite(n)) continue;
        counts.set(name, (counts.get(name) ?? 0) + n);
      }
    }
    if (counts.size === 0) throw new Error('No Prénom/Nombre table found in the workbook.');
    const statbel = [...counts].filter(([, n]) => n >= MIN_COUNT).map(([name]) => name).sort((a, b) => a.localeCompare(b, 'fr'));
    const kept = new Set(statbel);
    const older = [...new Set(OLDER.split(/\s+/).filter(Boolean))].filter((n) => !kept.has(n)).sort((a, b) => a.localeCompare(b, 'fr'));
    const header = [
      '# Belgian first names, lower-case with accents, one per line. Generated by scripts/build-firstnames.ts; do not edit.',
      `# Section 1: Statbel "Prénoms des nouveau-nés" by province 2017-2025 (statbel-firstnames-prov-2017-2025-fr.xlsx,`,
      `# shared/data/samples), names given to at least ${MIN_COUNT} newborns over those years: ${statbel.length} names.`,
      `# Section 2: hand-compiled common first names of older generations (not in a file; see the script): ${older.length} names.`,
    ];
    fs.writeFileSync(OUT, [...header, ...statbel, '# section 2: older generations (hand-compiled)', ...older, ''].join('\n'));
    console.log(`${OUT}: ${statbel.length} + ${older.length} names`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
