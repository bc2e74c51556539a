/**
 * Coordinate systems Dataville reads: WGS84 longitude/latitude (EPSG:4326) and Belgian Lambert 72
 * (EPSG:31370), converted to WGS84 with proj4 and EPSG's 7-parameter BD72 -> WGS84 transformation
 * (accurate to about a metre, plenty for open data; surveying needs NGI's grid).
 */
import proj4 from 'proj4';

/** EPSG:31370 as EPSG publishes it, with the Helmert parameters of transformation 15929. */
export const LAMBERT72_PROJ4 =
  '+proj=lcc +lat_0=90 +lon_0=4.36748666666667 +lat_1=51.1666672333333 +lat_2=49.8333339 +x_0=150000.013 +y_0=5400088.438 ' +
  '+ellps=intl +towgs84=-106.8686,52.2978,-103.7239,0.3366,-0.457,1.8422,-1.2747 +units=m +no_defs';

const lambert72 = proj4(LAMBERT72_PROJ4, 'EPSG:4326');

/**
 * Where Lambert 72 coordinates of Belgium (land and its sea) lie, with a margin: EPSG gives
 * x -4,855..297,193 and y 20,937..287,814. Degrees never reach y >= 10,000, so the ranges also
 * tell metres from degrees, and a placeholder (0, 0) falls outside.
 */
export const LAMBERT72_RANGE = { minX: -10_000, maxX: 310_000, minY: 10_000, maxY: 300_000 } as const;

/** Belgium's box in WGS84, with a small margin: used to tell degrees from other numbers and spot swapped axes. */
export const BELGIUM_WGS84 = { west: 2.5, east: 6.5, south: 49.4, north: 51.6 } as const;

/** Belgian Lambert 72 x/y (metres) to WGS84 [longitude, latitude] (degrees). */
export function lambert72ToWgs84(x: number, y: number): [number, number] {
  const [lon, lat] = lambert72.forward([x, y]);
  return [lon, lat];
}

/** WGS84 longitude/latitude (degrees) to Belgian Lambert 72 [x, y] (metres). */
export function wgs84ToLambert72(lon: number, lat: number): [number, number] {
  const [x, y] = lambert72.inverse([lon, lat]);
  return [x, y];
}

export function inLambert72Range(x: number, y: number): boolean {
  return x >= LAMBERT72_RANGE.minX && x <= LAMBERT72_RANGE.maxX && y >= LAMBERT72_RANGE.minY && y <= LAMBERT72_RANGE.maxY;
}

export function inWgs84Range(lon: number, lat: number): boolean {
  return lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90;
}

export function inBelgium(lon: number, lat: number): boolean {
  return lon >= BELGIUM_WGS84.west && lon <= BELGIUM_WGS84.east && lat >= BELGIUM_WGS84.south && lat <= BELGIUM_WGS84.north;
}

/** False easting of Lambert 72: the x of its central meridian. */
const CENTRAL_X = 150000.013;

/**
 * The WGS84 box [west, south, east, north] around a Lambert 72 rectangle. Meridians converge to
 * the north, so the extremes are the four corners, except the north, which peaks where the central
 * meridian crosses the top edge. The box holds the whole rectangle, a slight superset of the box of
 * the points inside it.
 */
export function lambert72BoxToWgs84(minX: number, minY: number, maxX: number, maxY: number): [number, number, number, number] {
  const points = [
    lambert72ToWgs84(minX, minY), lambert72ToWgs84(maxX, minY), lambert72ToWgs84(minX, maxY), lambert72ToWgs84(maxX, maxY),
    lambert72ToWgs84(Math.min(maxX, Math.max(minX, CENTRAL_X)), maxY),
  ];
  const lons = points.map((p) => p[0]);
  const lats = points.map((p) => p[1]);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}
