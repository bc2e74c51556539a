/**
 * Is a typed table spatial? Looks for a pair of numeric columns named like coordinates, then checks
 * their values in one aggregate over the Parquet:
 * - latitude/longitude (lat, lon, lng, breedtegraad, lengtegraad, x_wgs84 ...): all values must be
 *   degrees; when most rows fall in Belgium only with the two swapped, the columns are read swapped;
 * - Lambert 72 x/y (x_lambert, lambert_x, x_l72 ...) or plain x/y (x, coord_x, xcoord ...): Lambert
 *   when all values lie in Lambert 72's range; plain x/y holding degrees count as longitude/latitude
 *   (or latitude/longitude) when most rows fall in Belgium.
 * Rows with both values 0 (a placeholder for "unknown") are left out. Names are compared without
 * case, accents or separators ("Coord. X", "coordX", "coord_x" are the same). When a table has
 * both latitude/longitude and Lambert columns, latitude/longitude wins (no conversion needed).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdent, sqlString } from '../../stores/tables/duckdb.ts';
import type { SchemaField, SpatialInfo } from '../types.ts';
import { BELGIUM_WGS84, LAMBERT72_RANGE, lambert72BoxToWgs84, lambert72ToWgs84 } from './crs.ts';

export { lambert72ToWgs84 };

const LAT_WORDS = new Set(['lat', 'latitude', 'latitud', 'breedtegraad', 'breedtegr']);
const LON_WORDS = new Set(['lon', 'lng', 'long', 'longitude', 'longitud', 'lengtegraad', 'lengtegr']);
const WGS_WORDS = new Set(['wgs84', 'wgs', '84', '4326', 'epsg4326', 'gps']);
const LAMBERT_WORDS = new Set(['lambert', 'lambert72', 'lamb72', 'lamb', 'l72', 'lb72', 'bd72', '72', '31370', 'epsg31370', 'belge', 'belgian']);
/** Words that may sit around a coordinate's name without changing what it is. */
const FILLER_WORDS = new Set([
  'coord', 'coords', 'coordinate', 'coordinates', 'coordonnee', 'coordonnees', 'coordinaat', 'coordinaten',
  'geo', 'pos', 'position', 'point', 'punt', 'loc', 'location', 'deg', 'degrees', 'dd', 'decimal', 'decimaal', 'decimale', 'm', 'metres', 'meters',
]);

type Role = 'lat' | 'lon' | 'x' | 'y';
type Family = 'latlon' | 'lambert' | 'xy';

interface Named {
  field: SchemaField;
  role: Role;
  family: Family;
  /** The name with the role word taken out, to pair `x_lambert` with `y_lambert`, not with `coord_y`. */
  rest: string;
}

/** Lower case, no accents, words split at separators and camelCase, glued "coordx"/"xcoord" split too. */
export function nameWords(name: string): string[] {
  const spaced = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();
  const words = spaced.split(/[^a-z0-9]+/).filter(Boolean);
  return words.flatMap((w) => {
    const glued = /^(coord|coordinate|coordonnee|coordinaat|lambert|lambert72|l72|pos)([xy])$/.exec(w) ?? /^([xy])(coord|coordinate|lambert|lambert72|l72|72)$/.exec(w);
    return glued ? [glued[1], glued[2]] : [w];
  });
}

/** What a column name says it holds, or null. */
export function classifyName(name: string): { role: Role; family: Family; rest: string } | null {
  const words = nameWords(name);
  const roleWords = words.filter((w) => LAT_WORDS.has(w) || LON_WORDS.has(w) || w === 'x' || w === 'y');
  if (roleWords.length !== 1) return null;
  const roleWord = roleWords[0];
  const others = words.filter((w) => w !== roleWord);
  const wgs = others.some((w) => WGS_WORDS.has(w));
  const lambert = others.some((w) => LAMBERT_WORDS.has(w));
  if (!others.every((w) => FILLER_WORDS.has(w) || WGS_WORDS.has(w) || LAMBERT_WORDS.has(w))) return null;
  if (wgs && lambert) return null;
  const rest = others.join('_');
  if (LAT_WORDS.has(roleWord)) return lambert ? null : { role: 'lat', family: 'latlon', rest };
  if (LON_WORDS.has(roleWord)) return lambert ? null : { role: 'lon', family: 'latlon', rest };
  if (wgs) return { role: roleWord === 'x' ? 'lon' : 'lat', family: 'latlon', rest };
  // A lone "72" is Lambert only beside "x"/"y" with other Lambert words, or glued ("x72").
  return { role: roleWord as Role, family: lambert ? 'lambert' : 'xy', rest };
}

interface Pair {
  /** The column named for longitude / x. */
  a: SchemaField;
  /** The column named for latitude / y. */
  b: SchemaField;
  family: Family;
}

/** Pairs of numeric columns named like coordinates, best first. */
export function coordinatePairs(fields: SchemaField[]): Pair[] {
  const named: Named[] = [];
  for (const field of fields) {
    if (field.type !== 'number' && field.type !== 'integer') continue;
    const c = classifyName(field.name);
    if (c) named.push({ field, ...c });
  }
  const pairs: Pair[] = [];
  const used = new Set<SchemaField>();
  for (const family of ['latlon', 'lambert', 'xy'] as const) {
    const members = named.filter((n) => n.family === family);
    const [aRole, bRole]: [Role, Role] = family === 'latlon' ? ['lon', 'lat'] : ['x', 'y'];
    // Same words around the role word first ("lat_wgs84" with "lon_wgs84"), then, if one of each is left, those two.
    for (const a of members.filter((n) => n.role === aRole)) {
      const b = members.find((n) => n.role === bRole && n.rest === a.rest && !used.has(n.field));
      if (b && !used.has(a.field)) {
        pairs.push({ a: a.field, b: b.field, family });
        used.add(a.field).add(b.field);
      }
    }
    const aLeft = members.filter((n) => n.role === aRole && !used.has(n.field));
    const bLeft = members.filter((n) => n.role === bRole && !used.has(n.field));
    if (aLeft.length === 1 && bLeft.length === 1) {
      pairs.push({ a: aLeft[0].field, b: bLeft[0].field, family });
      used.add(aLeft[0].field).add(bLeft[0].field);
    }
  }
  return pairs;
}

interface PairStats {
  n: number;
  inBelgium: number;
  swapped: number;
  minA: number;
  maxA: number;
  minB: number;
  maxB: number;
}

/** Finds coordinate columns in a typed table; null when it has none that hold sensible values. */
export async function detectSpatial(conn: DuckDBConnection, parquetPath: string, fields: SchemaField[]): Promise<SpatialInfo | null> {
  const pairs = coordinatePairs(fields);
  if (pairs.length === 0) return null;
  const be = BELGIUM_WGS84;
  const aggregates = pairs.flatMap((p, i) => {
    const a = `CAST(${sqlIdent(p.a.name)} AS DOUBLE)`;
    const b = `CAST(${sqlIdent(p.b.name)} AS DOUBLE)`;
    const known = `${a} IS NOT NULL AND ${b} IS NOT NULL AND isfinite(${a}) AND isfinite(${b}) AND NOT (${a} = 0 AND ${b} = 0)`;
    const box = (lon: string, lat: string) => `${lon} BETWEEN ${be.west} AND ${be.east} AND ${lat} BETWEEN ${be.south} AND ${be.north}`;
    return [
      `count(*) FILTER (WHERE ${known}) AS n${i}`,
      `count(*) FILTER (WHERE ${known} AND ${box(a, b)}) AS be${i}`,
      `count(*) FILTER (WHERE ${known} AND ${box(b, a)}) AS sw${i}`,
      `min(${a}) FILTER (WHERE ${known}) AS mina${i}`,
      `max(${a}) FILTER (WHERE ${known}) AS maxa${i}`,
      `min(${b}) FILTER (WHERE ${known}) AS minb${i}`,
      `max(${b}) FILTER (WHERE ${known}) AS maxb${i}`,
    ];
  });
  const row = (await conn.runAndReadAll(`SELECT ${aggregates.join(', ')} FROM read_parquet(${sqlString(parquetPath)})`)).getRowObjectsJS()[0];
  for (const [i, pair] of pairs.entries()) {
    const s: PairStats = {
      n: Number(row[`n${i}`]), inBelgium: Number(row[`be${i}`]), swapped: Number(row[`sw${i}`]),
      minA: Number(row[`mina${i}`]), maxA: Number(row[`maxa${i}`]), minB: Number(row[`minb${i}`]), maxB: Number(row[`maxb${i}`]),
    };
    const found = judge(pair, s);
    if (found) return found;
  }
  return null;
}

/** What a pair's values say: degrees (maybe swapped), Lambert metres, or neither. */
function judge(pair: Pair, s: PairStats): SpatialInfo | null {
  if (s.n === 0) return null;
  const degrees = s.minA >= -180 && s.maxA <= 180 && s.minB >= -90 && s.maxB <= 90;
  const swappedDegrees = s.minA >= -90 && s.maxA <= 90 && s.minB >= -180 && s.maxB <= 180;
  const lambert = s.minA >= LAMBERT72_RANGE.minX && s.maxA <= LAMBERT72_RANGE.maxX && s.minB >= LAMBERT72_RANGE.minY && s.maxB <= LAMBERT72_RANGE.maxY;
  const mostlyBelgium = s.inBelgium * 2 >= s.n;
  const mostlySwapped = s.swapped * 2 >= s.n && s.swapped > s.inBelgium;
  const latlon = (swap: boolean): SpatialInfo => {
    const [lon, lat] = swap ? [pair.b, pair.a] : [pair.a, pair.b];
    const bbox: [number, number, number, number] = swap ? [s.minB, s.minA, s.maxB, s.maxA] : [s.minA, s.minB, s.maxA, s.maxB];
    return { kind: 'latlon', bbox, sourceCrs: 'EPSG:4326', columns: { lat: lat.name, lon: lon.name } };
  };
  const lambert72 = (): SpatialInfo => ({
    kind: 'lambert72',
    bbox: lambert72BoxToWgs84(s.minA, s.minB, s.maxA, s.maxB),
    sourceCrs: 'EPSG:31370',
    columns: { x: pair.a.name, y: pair.b.name },
  });

  if (pair.family === 'latlon') {
    if (mostlySwapped && swappedDegrees) return latlon(true);
    if (degrees) return latlon(false);
    // Named latitude/longitude but holding metres: Lambert under the wrong names.
    return lambert ? lambert72() : null;
  }
  if (lambert) return lambert72();
  // x/y in degrees: only when the places are in Belgium, else these are other numbers.
  if (mostlySwapped && swappedDegrees) return latlon(true);
  if (mostlyBelgium && degrees) return latlon(false);
  return null;
}
