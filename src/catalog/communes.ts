import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

/** A Belgian municipality from the reference list (reference/communes.csv, Statbel REFNIS 2019-2024). */
export interface CommuneRef {
  nis_code: string;
  name_fr: string;
  name_nl: string;
  name_de: string;
  province: string;
  region: string;
  population: number;
}

const FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../reference/communes.csv');
let cache: Map<string, CommuneRef> | undefined;

/** All 581 communes by NIS code (read once; the file is part of the code base, not user data). */
export function communesByNis(): Map<string, CommuneRef> {
  if (!cache) {
    const rows = parse(fs.readFileSync(FILE), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    cache = new Map(rows.map((r) => [r.nis_code, { ...r, population: Number(r.population) } as CommuneRef]));
  }
  return cache;
}

/** The language a commune publishes in first: nl in Flanders, fr elsewhere (Brussels is bilingual, fr first). */
export function defaultLanguageOf(region: string | null | undefined): 'fr' | 'nl' {
  return region && /flamande/i.test(region) ? 'nl' : 'fr';
}
