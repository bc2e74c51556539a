/**
 * Extents of places for dct:Location nodes (dcat:bbox, dcat:centroid, locn:geometry), as WKT in
 * CRS84 (longitude latitude), the default reference system of GeoSPARQL's wktLiteral.
 */

type Position = number[];
type Ring = Position[];
export type PolygonalGeometry = { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };

export interface Extent {
  /** [west, south, east, north] */
  bbox: [number, number, number, number];
  /** [longitude, latitude] of the area-weighted centroid. */
  centroid: [number, number];
  /** The outline as WKT (POLYGON or MULTIPOLYGON). */
  wkt: string;
}

const round5 = (n: number) => Math.round(n * 1e5) / 1e5;
const pos = (p: Position) => `${p[0]} ${p[1]}`;
const ringWkt = (r: Ring) => `(${r.map(pos).join(',')})`;
const polygonWkt = (rings: Ring[]) => `(${rings.map(ringWkt).join(',')})`;

/** Signed area and area-weighted centre of a ring (shoelace formula, planar in degrees). */
function ringMoments(ring: Ring): { area: number; cx: number; cy: number } {
  let a = 0, cx = 0, cy = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x0, y0] = ring[i];
    const [x1, y1] = ring[i + 1];
    const cross = x0 * y1 - x1 * y0;
    a += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  a /= 2;
  return a === 0 ? { area: 0, cx: ring[0][0], cy: ring[0][1] } : { area: a, cx: cx / (6 * a), cy: cy / (6 * a) };
}

/** The extent of a (multi)polygon: its bounding box, centroid (holes subtracted) and WKT outline. */
export function extentOfGeometry(g: PolygonalGeometry): Extent {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  let area = 0, sx = 0, sy = 0;
  for (const rings of polygons) {
    rings.forEach((ring, i) => {
      for (const [x, y] of ring) {
        w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y);
      }
      // The outer ring adds its area and holes take theirs away, whatever the ring orientation.
      const m = ringMoments(ring);
      const a = (i === 0 ? 1 : -1) * Math.abs(m.area);
      area += a; sx += a * m.cx; sy += a * m.cy;
    });
  }
  if (!Number.isFinite(w)) throw new Error('The geometry has no coordinates: give a Polygon or MultiPolygon with at least one ring.');
  const centroid: [number, number] = area ? [round5(sx / area), round5(sy / area)] : [round5((w + e) / 2), round5((s + n) / 2)];
  const wkt = g.type === 'Polygon' ? `POLYGON${polygonWkt(g.coordinates)}` : `MULTIPOLYGON(${g.coordinates.map(polygonWkt).join(',')})`;
  return { bbox: [w, s, e, n], centroid, wkt };
}

/** A bounding box as a WKT polygon (closed ring, counter-clockwise from the south-west corner). */
export function bboxWkt([w, s, e, n]: [number, number, number, number]): string {
  return `POLYGON((${w} ${s},${e} ${s},${e} ${n},${w} ${n},${w} ${s}))`;
}

export function pointWkt([x, y]: [number, number]): string {
  return `POINT(${x} ${y})`;
}
