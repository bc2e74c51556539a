/**
 * GeoJSON geometries (RFC 7946): checked on the first pass, written back as compact GeoJSON text on
 * the second, their coordinates converted to WGS84 when the source is in Lambert 72. Members other
 * than type, coordinates and geometries (a geometry's own bbox, foreign members) are not kept:
 * they would describe the source coordinates, not the written ones.
 */
import { JsonNumber, JsonObject, kindOf, preview, type JsonValue } from './value.ts';

/** How deep positions sit in `coordinates`, per geometry type. */
const POSITION_DEPTH: Record<string, number> = { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 };

/** A geometry that breaks the rules; the message says what and where inside the geometry. */
export class GeometryError extends Error {}

export type PositionVisitor = (x: number, y: number) => void;

/** Checks a geometry, calls `visit` for every position and adds its type(s) to `types`. */
export function checkGeometry(g: JsonValue, visit: PositionVisitor, types: Set<string>, depth = 0): void {
  if (!(g instanceof JsonObject)) throw new GeometryError(`the geometry is ${kindOf(g)} (${preview(g)}), not an object such as {"type": "Point", "coordinates": [4.35, 50.85]}`);
  const type = g.get('type');
  if (typeof type !== 'string' || (type !== 'GeometryCollection' && !(type in POSITION_DEPTH))) {
    throw new GeometryError(
      `its type ${type === undefined ? 'is missing' : `${preview(type ?? null)} is not a GeoJSON geometry type`} ` +
        '(Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon or GeometryCollection)',
    );
  }
  types.add(type);
  if (type === 'GeometryCollection') {
    const members = g.get('geometries');
    if (!Array.isArray(members)) throw new GeometryError(`the GeometryCollection has no "geometries" array${members === undefined ? '' : ` (it is ${kindOf(members)})`}`);
    if (depth > 8) throw new GeometryError('GeometryCollections are nested more than 8 deep');
    members.forEach((m, i) => {
      try {
        checkGeometry(m, visit, types, depth + 1);
      } catch (err) {
        if (err instanceof GeometryError) throw new GeometryError(`geometries[${i}]: ${err.message}`);
        throw err;
      }
    });
    return;
  }
  const coordinates = g.get('coordinates');
  if (!Array.isArray(coordinates)) {
    throw new GeometryError(`the ${type} has ${coordinates === undefined ? 'no "coordinates"' : `"coordinates" that are ${kindOf(coordinates)} (${preview(coordinates)}), not an array`}`);
  }
  // An empty geometry (RFC 7946 lets processors read it as null): nothing to check.
  if (coordinates.length === 0) return;
  checkCoordinates(type, coordinates, visit);
}

function checkCoordinates(type: string, coordinates: JsonValue[], visit: PositionVisitor) {
  const pos = (v: JsonValue, at: string) => {
    const p = position(v, at, type);
    visit(p[0], p[1]);
    return p;
  };
  const list = (v: JsonValue, at: string): JsonValue[] => {
    if (!Array.isArray(v)) throw new GeometryError(`${type} ${at} is ${kindOf(v)} (${preview(v)}), not an array of positions`);
    return v;
  };
  const line = (v: JsonValue, at: string) => {
    const points = list(v, at);
    if (points.length < 2) throw new GeometryError(`the line ${at} of the ${type} has ${points.length} position${points.length === 1 ? '' : 's'}; a line needs at least 2`);
    points.forEach((p, i) => pos(p, `${at}[${i}]`));
  };
  const ring = (v: JsonValue, at: string) => {
    const points = list(v, at);
    if (points.length < 4) throw new GeometryError(`the ring ${at} of the ${type} has ${points.length} position${points.length === 1 ? '' : 's'}; a polygon ring needs at least 4 (the last repeating the first)`);
    const ps = points.map((p, i) => pos(p, `${at}[${i}]`));
    const a = ps[0];
    const b = ps[ps.length - 1];
    if (a[0] !== b[0] || a[1] !== b[1]) {
      throw new GeometryError(`the ring ${at} of the ${type} is not closed: it starts at [${a[0]}, ${a[1]}] and ends at [${b[0]}, ${b[1]}]; its last position must repeat the first`);
    }
  };
  const polygon = (v: JsonValue, at: string) => list(v, at).forEach((r, i) => ring(r, `${at}[${i}]`));
  const c = 'coordinates';
  switch (type) {
    case 'Point':
      pos(coordinates, c);
      return;
    case 'MultiPoint':
      coordinates.forEach((p, i) => pos(p, `${c}[${i}]`));
      return;
    case 'LineString':
      line(coordinates, c);
      return;
    case 'MultiLineString':
      coordinates.forEach((l, i) => line(l, `${c}[${i}]`));
      return;
    case 'Polygon':
      polygon(coordinates, c);
      return;
    case 'MultiPolygon':
      coordinates.forEach((p, i) => polygon(p, `${c}[${i}]`));
      return;
  }
}

function position(v: JsonValue, at: string, type: string): [number, number] {
  if (!Array.isArray(v) || v.length < 2 || !v.every((n) => n instanceof JsonNumber)) {
    const what = Array.isArray(v) && v.length >= 2 ? `holds ${kindOf(v.find((n) => !(n instanceof JsonNumber)) ?? null)}` : `is ${kindOf(v)}`;
    throw new GeometryError(`${at} of the ${type} ${what} (${preview(v)}); a position is an array of 2 or 3 numbers, [longitude, latitude]`);
  }
  const x = (v[0] as JsonNumber).value;
  const y = (v[1] as JsonNumber).value;
  if (!Number.isFinite(x) || !Number.isFinite(y)) throw new GeometryError(`${at} of the ${type} holds a number too large to be a coordinate (${preview(v)})`);
  return [x, y];
}

/** Converts a source position [x, y] to WGS84 [lon, lat]. */
export type Transform = (x: number, y: number) => [number, number];

/** Digits kept for converted coordinates: 1e-7 degree is about 1 cm. */
const ROUND = 1e7;

export function roundDegrees(v: number): string {
  return String(Math.round(v * ROUND) / ROUND);
}

export interface WrittenPoint {
  lon: string;
  lat: string;
}

/**
 * A checked geometry as compact GeoJSON text, positions converted by `transform` when given (else
 * their numbers written as the source wrote them). `visit` gets every written position in WGS84.
 */
export function geometryText(g: JsonObject, transform: Transform | null, visit: PositionVisitor): { text: string; point: WrittenPoint | null } {
  const type = g.get('type') as string;
  if (type === 'GeometryCollection') {
    const members = (g.get('geometries') as JsonValue[]).map((m) => geometryText(m as JsonObject, transform, visit).text);
    return { text: `{"type":"GeometryCollection","geometries":[${members.join(',')}]}`, point: null };
  }
  let point: WrittenPoint | null = null;
  const writePosition = (p: JsonNumber[]): string => {
    const rest = p.slice(2).map((n) => n.text);
    if (transform) {
      const [lon, lat] = transform(p[0].value, p[1].value);
      const out = { lon: roundDegrees(lon), lat: roundDegrees(lat) };
      visit(Number(out.lon), Number(out.lat));
      point = out;
      return `[${[out.lon, out.lat, ...rest].join(',')}]`;
    }
    visit(p[0].value, p[1].value);
    point = { lon: p[0].text, lat: p[1].text };
    return `[${[p[0].text, p[1].text, ...rest].join(',')}]`;
  };
  const write = (v: JsonValue[], depth: number): string => (depth === 0 ? writePosition(v as JsonNumber[]) : `[${v.map((x) => write(x as JsonValue[], depth - 1)).join(',')}]`);
  const coordinates = g.get('coordinates') as JsonValue[];
  const text = coordinates.length === 0 ? '[]' : write(coordinates, POSITION_DEPTH[type]);
  return { text: `{"type":${JSON.stringify(type)},"coordinates":${text}}`, point: type === 'Point' ? point : null };
}
