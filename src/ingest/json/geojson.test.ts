import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import path from 'node:path';
import { AppError } from '../../errors.ts';
import { tempDir } from '../../../test/helpers/paths.ts';
import { fieldNamesFromLabels } from '../labels.ts';
import { wgs84ToLambert72 } from '../spatial/crs.ts';
import type { PreparedTable } from '../types.ts';
import { readGeoJson } from './geojson.ts';

const dir = tempDir();
let n = 0;

async function read(content: unknown, opts: { maxColumns?: number } = {}): Promise<{ t: PreparedTable; rows: string[] }> {
  const p = path.join(dir, `src-${++n}.geojson`);
  fs.writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  const t = await readGeoJson(p, path.join(dir, `work-${n}`), opts);
  return { t, rows: fs.readFileSync(t.utf8Path, 'utf8').split('\n').slice(0, -1) };
}

async function refused(content: unknown, code: string, pattern: RegExp) {
  await assert.rejects(read(content), (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

const feature = (geometry: unknown, properties: unknown = {}, id?: unknown) => ({ type: 'Feature', ...(id === undefined ? {} : { id }), properties, geometry });
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });
const point = (x: number, y: number) => ({ type: 'Point', coordinates: [x, y] });
const square = (x: number, y: number, d: number) => ({ type: 'Polygon', coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] });

test('a FeatureCollection in WGS84: id, properties, latitude/longitude, geometry', async () => {
  const { t, rows } = await read(collection(
    feature(point(4.3525, 50.8467), { name: 'Grand-Place', address: { street: 'Grote Markt' } }, 'gp'),
    feature(square(4.36, 50.84, 0.01), { name: 'Parc', surface: 13.5 }, 12),
    feature(null, { name: 'Unknown' }),
  ));
  assert.deepEqual(t.header, ['id', 'name', 'address.street', 'surface', 'latitude', 'longitude', 'geometry']);
  assert.deepEqual(rows, [
    'gp,Grand-Place,Grote Markt,,50.8467,4.3525,"{""type"":""Point"",""coordinates"":[4.3525,50.8467]}"',
    '12,Parc,,13.5,,,"{""type"":""Polygon"",""coordinates"":[[[4.36,50.84],[4.37,50.84],[4.37,50.85],[4.36,50.85],[4.36,50.84]]]}"',
    ',Unknown,,,,,',
  ]);
  assert.deepEqual(t.fieldTypes, [null, null, null, null, null, null, 'geojson']);
  assert.deepEqual(t.spatial, {
    kind: 'geometry', bbox: [4.3525, 50.84, 4.37, 50.85], sourceCrs: 'EPSG:4326', geometryTypes: ['Point', 'Polygon'],
    columns: { geometry: 'geometry', lat: 'latitude', lon: 'longitude' },
  });
  assert.deepEqual(t.origin, { format: 'geojson' });
  assert.equal(t.headerRowNumber, 0);
  assert.equal(t.firstDataRowNumber, 1);
  assert.deepEqual(t.notes, ['1 of 3 features have no geometry (an empty cell in "geometry").']);
  assert.equal(t.encoding?.encoding, 'utf-8');
});

test('added columns give way to properties of the same name, the way the loader names them', async () => {
  const { t } = await read(collection(feature(point(4.35, 50.85), { ID: 1, Latitude: 'n/a', latitude_2: 'x', geometry: 'point', longitude: 3 }, 'f1')));
  assert.deepEqual(t.header, ['feature_id', 'ID', 'Latitude', 'latitude_2', 'geometry', 'longitude', 'latitude_3', 'longitude_2', 'geometry_2']);
  assert.deepEqual(t.spatial?.columns, { geometry: 'geometry_2', lat: 'latitude_3', lon: 'longitude_2' });
  assert.equal(t.fieldTypes?.indexOf('geojson'), 8);
  // The loader keeps these names: no duplicates once case is ignored.
  assert.deepEqual(fieldNamesFromLabels(t.header, 0).names, t.header);
});

test('lines, multi-geometries and collections are checked and kept; no lat/lon columns without points', async () => {
  const { t, rows } = await read(collection(
    feature({ type: 'LineString', coordinates: [[4.3, 50.8, 12.5], [4.4, 50.9, 13]] }),
    feature({ type: 'MultiPolygon', coordinates: [square(4, 50, 1).coordinates] }),
    feature({ type: 'GeometryCollection', geometries: [{ type: 'MultiPoint', coordinates: [[5, 51]] }, { type: 'MultiLineString', coordinates: [[[5, 51], [5.5, 51.5]]] }] }),
    feature({ type: 'Polygon', coordinates: [] }),
  ));
  assert.deepEqual(t.header, ['geometry']);
  assert.equal(rows[0], '"{""type"":""LineString"",""coordinates"":[[4.3,50.8,12.5],[4.4,50.9,13]]}"');
  assert.equal(rows[2], '"{""type"":""GeometryCollection"",""geometries"":[{""type"":""MultiPoint"",""coordinates"":[[5,51]]},{""type"":""MultiLineString"",""coordinates"":[[[5,51],[5.5,51.5]]]}]}"');
  assert.deepEqual(t.spatial?.geometryTypes, ['LineString', 'MultiPolygon', 'GeometryCollection', 'MultiPoint', 'MultiLineString', 'Polygon']);
  assert.deepEqual(t.spatial?.bbox, [4, 50, 5.5, 51.5]);
  assert.deepEqual(t.spatial?.columns, { geometry: 'geometry' });
});

test('a single Feature is a table of one row', async () => {
  const { t, rows } = await read(feature(point(4.35, 50.85), { name: 'Stadhuis' }, 1));
  assert.deepEqual(t.header, ['id', 'name', 'latitude', 'longitude', 'geometry']);
  assert.equal(rows.length, 1);
  assert.match(rows[0], /^1,Stadhuis,50.85,4.35,/);
});

test('Lambert 72 (declared or recognised) is converted to WGS84', async () => {
  // Brussels' Grand-Place: proj4 puts lon 4.3525, lat 50.8467 at x 148,855, y 170,700 in Lambert 72.
  const [x, y] = wgs84ToLambert72(4.3525, 50.8467);
  assert.ok(Math.abs(x - 148855) < 10 && Math.abs(y - 170700) < 10, `${x} ${y}`);
  const crs = { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::31370' } };
  const declared = await read({ ...collection(feature(point(x, y), { name: 'Grand-Place' }), feature(square(148000, 170000, 1000))), crs });
  assert.deepEqual(declared.rows[0], 'Grand-Place,50.8467,4.3525,"{""type"":""Point"",""coordinates"":[4.3525,50.8467]}"');
  assert.equal(declared.t.spatial?.sourceCrs, 'EPSG:31370');
  const [w, s, e, nn] = declared.t.spatial!.bbox;
  // The square x 148,000-149,000, y 170,000-171,000 and the point inside it.
  assert.ok(w > 4.339 && w < 4.342 && e > 4.353 && e < 4.356 && s > 50.839 && s < 50.842 && nn > 50.848 && nn < 50.851, String(declared.t.spatial!.bbox));
  assert.match(declared.t.notes!.join(' '), /Belgian Lambert 72 \(EPSG:31370, declared in the file\); they were converted to WGS84/);

  // No crs member, numbers in metres: Lambert 72 told from the range; polygon rings stay closed.
  const recognised = await read(collection(feature(square(150000, 160000, 500), { n: 1 })));
  assert.equal(recognised.t.spatial?.sourceCrs, 'EPSG:31370');
  assert.match(recognised.t.notes!.join(' '), /recognised from the numbers/);
  const [[, geometry]] = parse(recognised.rows[0]) as string[][];
  const ring = JSON.parse(geometry).coordinates[0];
  assert.deepEqual(ring[0], ring[4]);
  assert.ok(Math.abs(ring[0][0] - 4.3674) < 0.01 && Math.abs(ring[0][1] - 50.75) < 0.05, JSON.stringify(ring[0]));

  // The old {"type": "EPSG"} form and the OGC URL form are read too.
  const epsg = await read({ ...collection(feature(point(x, y))), crs: { type: 'EPSG', properties: { code: 31370 } } });
  assert.equal(epsg.t.spatial?.sourceCrs, 'EPSG:31370');
  const url = await read({ ...collection(feature(point(4.35, 50.85))), crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } } });
  assert.equal(url.t.spatial?.sourceCrs, 'EPSG:4326');
});

test('coordinate systems and ranges that do not fit are refused with the feature and the value', async () => {
  await refused(collection(feature(point(4.35, 50.85)), feature(point(200, 50), {}, 'b')), 'unreadable_table', /Feature 2 \(id "b"\) of .* has a position \[200, 50\] outside the range of WGS84/);
  await refused(collection(feature(point(4.35, 50.85)), feature(point(150000, 170000))), 'unreadable_table', /Feature 2 of .* \[150000, 170000\] outside the range of WGS84/);
  await refused({ ...collection(feature(point(4.35, 50.85))), crs: { type: 'name', properties: { name: 'EPSG:31370' } } }, 'unreadable_table', /Feature 1 .* \[4.35, 50.85\] outside the range of Belgian Lambert 72 .*, which the file declares/);
  await refused({ ...collection(feature(point(148855, 170700))), crs: { type: 'name', properties: { name: 'EPSG:4326' } } }, 'unreadable_table', /declares WGS84 \("EPSG:4326"\), but its coordinates are metres in the range of Belgian Lambert 72 \(feature 1 has \[148855, 170700\]\)/);
  await refused({ ...collection(feature(point(650000, 670000))), crs: { type: 'name', properties: { name: 'EPSG:3812' } } }, 'unreadable_table', /declares the coordinate system "EPSG:3812"; .* Export the layer again in WGS84/);
});

test('invalid geometries name the feature and what is wrong', async () => {
  await refused(collection(feature({ type: 'Circle', coordinates: [4, 50] }, {}, 7)), 'unreadable_table', /Feature 1 \(id 7\) .* invalid geometry: its type "Circle" is not a GeoJSON geometry type/);
  await refused(collection(feature(point(4, 50)), feature({ type: 'Point', coordinates: ['4.35', '50.85'] })), 'unreadable_table', /Feature 2 .* coordinates of the Point holds a string \(\["4.35","50.85"\]\); a position is an array of 2 or 3 numbers/);
  await refused(collection(feature({ type: 'Point', coordinates: [4] })), 'unreadable_table', /coordinates of the Point is an array \(\[4\]\)/);
  await refused(collection(feature({ type: 'Point' })), 'unreadable_table', /the Point has no "coordinates"/);
  await refused(collection(feature({ type: 'LineString', coordinates: [[4, 50]] })), 'unreadable_table', /the line coordinates of the LineString has 1 position; a line needs at least 2/);
  await refused(collection(feature({ type: 'Polygon', coordinates: [[[4, 50], [5, 50], [4, 50]]] })), 'unreadable_table', /the ring coordinates\[0\] of the Polygon has 3 positions; a polygon ring needs at least 4/);
  await refused(collection(feature({ type: 'MultiPolygon', coordinates: [[[[4, 50], [5, 50], [5, 51], [4, 51]]]] })), 'unreadable_table', /the ring coordinates\[0\]\[0\] of the MultiPolygon is not closed: it starts at \[4, 50\] and ends at \[4, 51\]/);
  await refused(collection(feature({ type: 'GeometryCollection', geometries: [point(4, 50), { type: 'LineString', coordinates: 5 }] })), 'unreadable_table', /geometries\[1\]: the LineString has "coordinates" that are a number/);
  await refused(collection(feature('POINT(4 50)')), 'unreadable_table', /the geometry is a string \("POINT\(4 50\)"\), not an object/);
});

test('what is not a FeatureCollection of features is refused', async () => {
  await refused(collection(), 'empty_file', /has no features: there are no rows/);
  await refused({ type: 'FeatureCollection' }, 'unreadable_table', /has no "features" member/);
  await refused({ name: 'x', rows: [{ a: 1 }] }, 'unreadable_table', /is not GeoJSON: its object has no "type".*If it is plain JSON, name it \.json/);
  await refused([feature(point(4, 50))], 'unreadable_table', /is not GeoJSON: it holds an array, not an object/);
  await refused(point(4, 50), 'unreadable_table', /holds a bare Point geometry, not features/);
  await refused(collection(point(4, 50)), 'unreadable_table', /Feature 1 of .* has "type": "Point", where a GeoJSON Feature has "type": "Feature"/);
  await refused(collection(feature(null, [1, 2])), 'unreadable_table', /Feature 1 .* has "properties" that are an array/);
  await refused('{"type": "FeatureCollection", "features": [', 'unreadable_table', /not valid JSON: the file ends in the middle of a value/);
  await refused('', 'empty_file', /empty \(0 bytes\)/);
});

test('more properties than allowed', async () => {
  const props = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`p${i}`, i]));
  await assert.rejects(read(collection(feature(null, props)), { maxColumns: 4 }), /more than 4 different properties/);
  await assert.rejects(read(collection(feature(point(4, 50), props)), { maxColumns: 6 }), /give 8 columns with the geometry columns/);
});
