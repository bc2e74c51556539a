/**
 * Quasi-identifiers: columns that identify no one alone but single people out together (postcode +
 * birth year + sex identify most people, Sweeney 2000). Candidates are found by name and values;
 * every combination of two or more that holds an attribute of a person is measured in one DuckDB
 * scan (GROUPING SETS), giving the smallest group (k) and the rows in groups smaller than the
 * threshold. A table of counts (a "nombre"/"aantal" column beside the attributes) is measured by the
 * people it counts: a row "1000, 1985, F, 2" is a group of two people.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SchemaField } from '../../ingest/types.ts';
import { sqlIdent } from '../../stores/tables/duckdb.ts';
import type { PrivacyColumn, QuasiIdentifierFinding } from '../types.ts';
import { foldText } from './context.ts';

type Role = 'place' | 'birth' | 'age' | 'sex' | 'nationality' | 'civil-status';

/** Attributes of a person; a place alone (a table of buildings by postcode) is not about people. */
const PERSON_ROLES: Role[] = ['birth', 'age', 'sex', 'nationality', 'civil-status'];
/** Candidates measured at most, in this order of importance (2^6 combinations stay cheap in one scan). */
const MAX_CANDIDATES = 6;
const ROLE_ORDER: Role[] = ['place', 'birth', 'age', 'sex', 'nationality', 'civil-status'];

const NAME_RULES: [Role, RegExp][] = [
  ['birth', /\b(annee de naissance|annee naissance|geboortejaar|jaar van geboorte|birth year|year of birth|geburtsjahr|date de naissance|geboortedatum|geburtsdatum|date of birth|birth ?date|dob|ddn|naissance|geboorte)\b/],
  ['age', /^(age|ages|leeftijd|alter|age en annees|leeftijd in jaren|classe d age|leeftijdsklasse|leeftijdscategorie|tranche d age|age group|altersgruppe|altersklasse)$/],
  ['sex', /^(sexe|sex|geslacht|gender|genre|geschlecht|m f|h f|m v)$/],
  ['place', /\b(code postal|postcode|post code|postal code|postnummer|postleitzahl|plz|cp|zip|zipcode|npa|code nis|nis code|niscode|refnis|commune|gemeente|gemeinde|localite|woonplaats|municipality|deelgemeente|section de commune|wohnort|domicile|residence|ville|city)\b/],
  ['nationality', /\b(nationalite|nationaliteit|nationality|staatsangehorigkeit|nationalitat|pays de naissance|geboorteland|country of birth)\b/],
  ['civil-status', /\b(etat civil|burgerlijke staat|civil status|marital status|familienstand|situation familiale|gezinssituatie)\b/],
];

const SEX_VALUES = new Set(['m', 'f', 'h', 'v', 'x', 'u', 'man', 'vrouw', 'homme', 'femme', 'male', 'female', 'mannelijk', 'vrouwelijk', 'masculin', 'feminin', 'mann', 'frau', 'mannlich', 'weiblich', 'men', 'women', 'hommes', 'femmes', 'mannen', 'vrouwen']);

/** Counts in an aggregated table: the number of people each row stands for. */
const WEIGHT_NAME = /^(nombre|nb|n|aantal|count|total|totaal|effectif|effectifs|anzahl|personnes|personen|inwoners|habitants|population|bevolking|einwohner|valeur|waarde|value|ms population|cnt)$/;

/** Columns whose names say they describe a person (birth, age, sex, nationality, civil status). */
export function personAttributeColumns(fields: SchemaField[]): string[] {
  return fields
    .filter((f) => {
      const role = NAME_RULES.find(([, re]) => re.test(foldText(f.name)))?.[0];
      return role !== undefined && PERSON_ROLES.includes(role);
    })
    .map((f) => f.name);
}

function roleByValues(field: SchemaField, values: string[]): Role | null {
  if (values.length === 0) return null;
  const folded = values.map((v) => foldText(v));
  if (folded.length >= 2 && folded.length <= 4 && folded.every((v) => SEX_VALUES.has(v))) return 'sex';
  if (field.type === 'string' || field.type === 'integer') {
    const postcodes = folded.filter((v) => /^[1-9]\d{3}$/.test(v)).length;
    if (postcodes / folded.length >= 0.9 && folded.length >= 3 && /post|cp|plz|zip|code/.test(foldText(field.name))) return 'place';
  }
  return null;
}

interface Candidate {
  name: string;
  role: Role;
}

export async function findQuasiIdentifiers(
  conn: DuckDBConnection,
  source: string,
  fields: SchemaField[],
  columns: PrivacyColumn[],
  samples: Map<string, string[]>,
  threshold: number,
): Promise<QuasiIdentifierFinding[]> {
  const candidates: Candidate[] = [];
  let weight: string | null = null;
  for (const field of fields) {
    const folded = foldText(field.name);
    const column = columns.find((c) => c.name === field.name);
    const dob = column?.categories.some((c) => c.category === 'date-of-birth' && c.confidence >= 0.5);
    // Direct identifiers (names, numbers) are reported as such; only a date of birth is both.
    const direct = column?.personal && !dob;
    if (field.type === 'integer' && WEIGHT_NAME.test(folded) && !weight) {
      weight = field.name;
      continue;
    }
    if (direct || field.type === 'geojson' || field.type === 'boolean') continue;
    const byName = NAME_RULES.find(([, re]) => re.test(folded))?.[0];
    const role = dob ? 'birth' : byName ?? roleByValues(field, samples.get(field.name) ?? []);
    if (role) candidates.push({ name: field.name, role });
  }
  if (!candidates.some((c) => PERSON_ROLES.includes(c.role)) || candidates.length < 2) return [];
  candidates.sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
  const chosen = candidates.slice(0, MAX_CANDIDATES);
  const n = chosen.length;

  // Every subset of two or more candidates holding an attribute of a person.
  const sets: number[] = [];
  for (let mask = 1; mask < 1 << n; mask++) {
    const members = chosen.filter((_, i) => mask & (1 << i));
    if (members.length >= 2 && members.some((c) => PERSON_ROLES.includes(c.role))) sets.push(mask);
  }
  const ids = chosen.map((c) => sqlIdent(c.name));
  const groupingSets = sets.map((mask) => `(${ids.filter((_, i) => mask & (1 << i)).join(', ')})`).join(', ');
  // GROUPING_ID sets bit (n-1-i) for the i-th argument when it is NOT grouped.
  const gidOf = (mask: number) => {
    let gid = 0;
    for (let i = 0; i < n; i++) if (!(mask & (1 << i))) gid |= 1 << (n - 1 - i);
    return gid;
  };
  const size = weight ? `sum(coalesce(${sqlIdent(weight)}, 0))` : 'count(*)';
  const rows = (
    await conn.runAndReadAll(
      `WITH g AS (SELECT GROUPING_ID(${ids.join(', ')}) AS gid, count(*) AS nrows, ${size} AS size FROM ${source} GROUP BY GROUPING SETS (${groupingSets}))
       SELECT gid, min(size) FILTER (WHERE size > 0) AS k, coalesce(sum(nrows) FILTER (WHERE size > 0 AND size < ${threshold}), 0) AS at_risk FROM g GROUP BY gid`,
    )
  ).getRowsJS();
  const byGid = new Map(rows.map((r) => [Number(r[0]), { k: r[1] === null ? null : Number(r[1]), atRisk: Number(r[2]) }]));

  const measured = sets
    .map((mask) => ({ mask, ...(byGid.get(gidOf(mask)) ?? { k: null, atRisk: 0 }) }))
    .filter((m): m is { mask: number; k: number; atRisk: number } => m.k !== null);
  // Report the smallest risky combinations (no subset of them is risky already) and the whole set.
  const risky = measured.filter((m) => m.k < threshold).sort((a, b) => popcount(a.mask) - popcount(b.mask) || a.k - b.k);
  const minimal: typeof measured = [];
  for (const m of risky) if (!minimal.some((r) => (r.mask & m.mask) === r.mask)) minimal.push(m);
  const full = measured.find((m) => m.mask === (1 << n) - 1);
  const reported = full && !minimal.includes(full) ? [...minimal, full] : minimal;
  return reported
    .map((m) => ({
      columns: chosen.filter((_, i) => m.mask & (1 << i)).map((c) => c.name),
      k: m.k,
      rowsAtRisk: m.atRisk,
      ...(weight ? { weightColumn: weight } : {}),
    }))
    .sort((a, b) => a.k - b.k || a.columns.length - b.columns.length);
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}
