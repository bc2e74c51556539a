import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { extentOfGeometry } from './geometry.ts';
import { communeExtentsFrom } from './build-commune-extents.ts';
import { COMMUNE_EXTENTS } from './commune-extents.ts';
import { communesByNis } from '../catalog/communes.ts';

const BOUNDARIES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data/reference/communes-boundaries-2019.geojson');

test('extent of a polygon with a hole: bounding box, area-weighted centroid, WKT', () => {
  const square = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]];
  const hole = [[0, 0], [0, 2], [2, 2], [2, 0], [0, 0]];
  const e = extentOfGeometry({ type: 'Polygon', coordinates: [square, hole] });
  assert.deepEqual(e.bbox, [0, 0, 4, 4]);
  // 16 - 4 = 12 of area; (16*2 - 4*1) / 12 = 7/3 on each axis.
  assert.deepEqual(e.centroid, [2.33333, 2.33333]);
  assert.equal(e.wkt, 'POLYGON((0 0,4 0,4 4,0 4,0 0),(0 0,0 2,2 2,2 0,0 0))');
  const multi = extentOfGeometry({ type: 'MultiPolygon', coordinates: [[square], [[[10, 10], [12, 10], [12, 12], [10, 10]]]] });
  assert.match(multi.wkt, /^MULTIPOLYGON\(\(\(0 0,.*\)\),\(\(10 10,.*\)\)\)$/);
  assert.deepEqual(multi.bbox, [0, 0, 12, 12]);
});

test('every commune of the reference list has an extent inside Belgium', () => {
  for (const nis of communesByNis().keys()) {
    const e = COMMUNE_EXTENTS[nis];
    assert.ok(e, `no extent for ${nis}: run src/dcat/build-commune-extents.ts`);
    const [w, s, east, n] = e.bbox;
    assert.ok(w >= 2.5 && east <= 6.5 && s >= 49.4 && n <= 51.6 && w < east && s < n, `${nis}: ${e.bbox}`);
    assert.ok(e.centroid[0] >= w && e.centroid[0] <= east && e.centroid[1] >= s && e.centroid[1] <= n, `${nis}: centroid outside its box`);
  }
});

test('commune-extents.ts is what the build script derives from the boundaries', { skip: !fs.existsSync(BOUNDARIES) && `no ${BOUNDARIES}` }, () => {
  assert.deepEqual(COMMUNE_EXTENTS, communeExtentsFrom(fs.readFileSync(BOUNDARIES, 'utf8')));
});
