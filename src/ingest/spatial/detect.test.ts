import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import proj4 from 'proj4';
import { sqlIdent, sqlString } from '../../stores/tables/duckdb.ts';
import { useTableEngine } from '../../../test/helpers/engine.ts';
import { REFERENCE_DIR } from '../../../test/helpers/paths.ts';
import type { SchemaField, SpatialInfo } from '../types.ts';
import { LAMBERT72_PROJ4, lambert72BoxToWgs84, wgs84ToLambert72 } from './crs.ts';
import { classifyName, coordinatePairs, detectSpatial, lambert72ToWgs84 } from './detect.ts';

const db = useTableEngine();
let n = 0;

type Column = { name: string; type: SchemaField['type']; sql?: string };

/** Writes a Parquet file of the rows with DuckDB and runs detectSpatial on it. */
async function detect(columns: Column[], rows: (number | string | null)[][]): Promise<SpatialInfo | null> {
  const file = path.join(db.dir, `t-${++n}.parquet`);
  const literal = (v: number | string | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : sqlString(v));
  const values = rows.map((r) => `(${r.map(literal).join(', ')})`).join(', ');
  const select = columns.map((c, i) => `CAST(col${i} AS ${c.sql ?? (c.type === 'integer' ? 'BIGINT' : c.type === 'number' ? 'DOUBLE' : 'VARCHAR')}) AS ${sqlIdent(c.name)}`);
  const names = columns.map((_, i) => `col${i}`).join(', ');
  return db.engine.withConnection(async (conn) => {
    await conn.run(`COPY (SELECT ${select.join(', ')} FROM (VALUES ${values}) t(${names})) TO ${sqlString(file)} (FORMAT parquet)`);
    return detectSpatial(conn, file, columns.map((c) => ({ name: c.name, type: c.type })));
  });
}

const near = (a: number[], b: number[], tolerance: number) => a.every((v, i) => Math.abs(v - b[i]) <= tolerance);

test('Lambert 72: the definition, a known point and the way back', () => {
  // EPSG's own check of the projection: on the central meridian at 50°47'57.704"N (BD72) lie x 150,000.013, y 165,372.956.
  const bd72 = proj4(LAMBERT72_PROJ4.replace(/ \+towgs84=\S+/, ''), '+proj=longlat +ellps=intl +no_defs');
  const anchor = bd72.inverse([4.36748666666667, 50 + 47 / 60 + 57.704 / 3600]);
  assert.ok(near(anchor, [150000.013, 165372.956], 0.01), String(anchor));
  // Brussels' Grand-Place, lon 4.3525 lat 50.8467: x 148,855 y 170,700 (the datum shift moves it about 100 m from BD72's degrees).
  const [x, y] = wgs84ToLambert72(4.3525, 50.8467);
  assert.ok(near([x, y], [148855, 170700], 5), `${x} ${y}`);
  assert.ok(near(lambert72ToWgs84(x, y), [4.3525, 50.8467], 1e-8));
  const shift = bd72.forward([x, y]);
  assert.ok(Math.abs(shift[1] - 50.8467) * 111_000 > 30 && Math.abs(shift[1] - 50.8467) * 111_000 < 150, String(shift));
});

test('the WGS84 box of a Lambert rectangle holds every point inside it', () => {
  const [minX, minY, maxX, maxY] = [100000, 150000, 200000, 200000];
  const box = lambert72BoxToWgs84(minX, minY, maxX, maxY);
  for (let i = 0; i <= 20; i++) {
    for (let j = 0; j <= 20; j++) {
      const [lon, lat] = lambert72ToWgs84(minX + (maxX - minX) * (i / 20), minY + (maxY - minY) * (j / 20));
      assert.ok(lon >= box[0] - 1e-9 && lon <= box[2] + 1e-9 && lat >= box[1] - 1e-9 && lat <= box[3] + 1e-9, `${lon} ${lat} outside ${box}`);
    }
  }
  // The north edge bulges at the central meridian, above both northern corners.
  assert.ok(box[3] > lambert72ToWgs84(minX, maxY)[1] && box[3] > lambert72ToWgs84(maxX, maxY)[1]);
});

test('column names: accents, case, separators and glued words do not matter', () => {
  const role = (name: string) => {
    const c = classifyName(name);
    return c ? `${c.role}/${c.family}` : null;
  };
  assert.equal(role('Latitude'), 'lat/latlon');
  assert.equal(role('LAT_WGS84'), 'lat/latlon');
  assert.equal(role('Breedtegraad'), 'lat/latlon');
  assert.equal(role('lengtegraad'), 'lon/latlon');
  assert.equal(role('lng'), 'lon/latlon');
  assert.equal(role('geo_long'), 'lon/latlon');
  assert.equal(role('y_wgs84'), 'lat/latlon');
  assert.equal(role('X (WGS 84)'), 'lon/latlon');
  assert.equal(role('x_lambert'), 'x/lambert');
  assert.equal(role('Lambert72_Y'), 'y/lambert');
  assert.equal(role('X_L72'), 'x/lambert');
  assert.equal(role('coordX'), 'x/xy');
  assert.equal(role('Coordonnée Y'), 'y/xy');
  assert.equal(role('xcoord'), 'x/xy');
  assert.equal(role('x'), 'x/xy');
  assert.equal(role('max'), null);
  assert.equal(role('latitude_lambert'), null);
  assert.equal(role('x_y'), null);
  assert.equal(role('lengte'), null);
  assert.deepEqual(
    coordinatePairs([
      { name: 'x', type: 'number' }, { name: 'lat', type: 'string' }, { name: 'y', type: 'integer' },
      { name: 'x_lambert', type: 'integer' }, { name: 'y_lambert', type: 'integer' }, { name: 'Latitude', type: 'number' }, { name: 'Longitude', type: 'number' },
    ]).map((p) => [p.a.name, p.b.name, p.family]),
    [['Longitude', 'Latitude', 'latlon'], ['x_lambert', 'y_lambert', 'lambert'], ['x', 'y', 'xy']],
  );
});

test('latitude/longitude from the reference postcodes', async () => {
  const lines = fs.readFileSync(path.join(REFERENCE_DIR, 'postcodes.csv'), 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const lat = header.indexOf('latitude');
  const lon = header.indexOf('longitude');
  const sample = [lines[1], lines[200], lines[600], lines[1000]].map((l) => l.split(','));
  // Wingene (8750) has no coordinates: empty cells, NULL in Parquet.
  const num = (v: string) => (v === '' ? null : Number(v));
  const rows = sample.map((c) => [Number(c[0]), c[2], num(c[lat]), num(c[lon])]);
  assert.ok(rows.some((r) => r[2] === null));
  const found = await detect([{ name: 'postcode', type: 'integer' }, { name: 'commune_fr', type: 'string' }, { name: 'latitude', type: 'number' }, { name: 'longitude', type: 'number' }], rows);
  const lats = rows.filter((r) => r[2] !== null).map((r) => r[2] as number);
  const lons = rows.filter((r) => r[3] !== null).map((r) => r[3] as number);
  assert.deepEqual(found, {
    kind: 'latlon', bbox: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)], sourceCrs: 'EPSG:4326', columns: { lat: 'latitude', lon: 'longitude' },
  });
});

test('swapped columns, x/y in degrees, placeholders and decimals', async () => {
  // Named latitude/longitude, filled the other way round: read swapped.
  const swapped = await detect([{ name: 'lat', type: 'number' }, { name: 'lon', type: 'number' }], [[4.35, 50.85], [5.57, 50.63], [3.72, 51.05]]);
  assert.deepEqual(swapped, { kind: 'latlon', bbox: [3.72, 50.63, 5.57, 51.05], sourceCrs: 'EPSG:4326', columns: { lat: 'lon', lon: 'lat' } });
  // x/y holding degrees in Belgium (and a 0/0 placeholder, left out).
  const xy = await detect([{ name: 'X', type: 'number' }, { name: 'Y', type: 'number' }], [[4.35, 50.85], [0, 0], [5.57, 50.63]]);
  assert.deepEqual(xy, { kind: 'latlon', bbox: [4.35, 50.63, 5.57, 50.85], sourceCrs: 'EPSG:4326', columns: { lat: 'Y', lon: 'X' } });
  const yx = await detect([{ name: 'coord_x', type: 'number' }, { name: 'coord_y', type: 'number' }], [[50.85, 4.35], [50.63, 5.57]]);
  assert.deepEqual(yx?.columns, { lat: 'coord_x', lon: 'coord_y' });
  // DECIMAL columns (typed from "50,85" say) work the same.
  const dec = await detect([{ name: 'latitude', type: 'number', sql: 'DECIMAL(9,6)' }, { name: 'longitude', type: 'number', sql: 'DECIMAL(9,6)' }], [[50.85, 4.35], [null, 4.4]]);
  assert.deepEqual(dec?.bbox, [4.35, 50.85, 4.35, 50.85]);
});

test('Lambert 72 x/y: bbox in WGS84 around the points', async () => {
  const points = [[4.3525, 50.8467], [5.5714, 50.6326], [3.7174, 51.0543]].map(([lon, lat]) => wgs84ToLambert72(lon, lat).map(Math.round));
  const found = await detect([{ name: 'X_Lambert', type: 'integer' }, { name: 'Y_Lambert', type: 'integer' }, { name: 'nom', type: 'string' }], points.map((p) => [...p, 'a']));
  assert.equal(found?.kind, 'lambert72');
  assert.equal(found?.sourceCrs, 'EPSG:31370');
  assert.deepEqual(found?.columns, { x: 'X_Lambert', y: 'Y_Lambert' });
  const [w, s, e, nn] = found!.bbox;
  assert.ok(near([w, s, e, nn], [3.7174, 50.6326, 5.5714, 51.0543], 0.05), String(found!.bbox));
  // Around the points (up to the metre they were rounded to).
  assert.ok(w <= 3.7174 + 1e-5 && s <= 50.6326 + 1e-5 && e >= 5.5714 - 1e-5 && nn >= 51.0543 - 1e-5);
  // Plain x/y in metres are Lambert too.
  const plain = await detect([{ name: 'x', type: 'number' }, { name: 'y', type: 'number' }], points);
  assert.deepEqual(plain?.columns, { x: 'x', y: 'y' });
});

test('latitude/longitude win over Lambert x/y in the same table', async () => {
  const found = await detect(
    [{ name: 'x', type: 'integer' }, { name: 'y', type: 'integer' }, { name: 'latitude', type: 'number' }, { name: 'longitude', type: 'number' }],
    [[148855, 170700, 50.8467, 4.3525]],
  );
  assert.equal(found?.kind, 'latlon');
});

test('not spatial: other numbers, out of range, text, nothing known', async () => {
  assert.equal(await detect([{ name: 'x', type: 'number' }, { name: 'y', type: 'number' }], [[1, 2], [3, 4]]), null);
  assert.equal(await detect([{ name: 'x', type: 'number' }, { name: 'y', type: 'number' }], [[400000, 170000]]), null);
  assert.equal(await detect([{ name: 'lat', type: 'number' }, { name: 'lon', type: 'number' }], [[95, 4]]), null);
  assert.equal(await detect([{ name: 'lat', type: 'number' }, { name: 'lon', type: 'number' }], [[null, null], [0, 0]]), null);
  assert.equal(await detect([{ name: 'latitude', type: 'string' }, { name: 'longitude', type: 'string' }], [['50.8', '4.3']]), null);
  assert.equal(await detect([{ name: 'montant', type: 'number' }], [[1]]), null);
  // Degrees far from Belgium are fine when the names say latitude/longitude ...
  const world = await detect([{ name: 'latitude', type: 'number' }, { name: 'longitude', type: 'number' }], [[48.85, 2.35], [-33.9, 18.4]]);
  assert.equal(world?.kind, 'latlon');
  // ... but plain x/y need to be in Belgium to be taken for degrees.
  assert.equal(await detect([{ name: 'x', type: 'number' }, { name: 'y', type: 'number' }], [[18.4, -33.9]]), null);
});
