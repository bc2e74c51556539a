/**
 * GeoJSON -> PreparedTable, in two streaming passes (one feature in memory at a time).
 *
 * Columns: the feature `id` when features have one, the properties flattened as for JSON,
 * `latitude` and `longitude` when there are Point geometries, and `geometry` (GeoJSON text in
 * WGS84, typed 'geojson'). Added columns take another name when a property has theirs (`id` ->
 * `feature_id`, `latitude_2` ...).
 *
 * Coordinates: RFC 7946 says WGS84 longitude/latitude. Belgian files often are in Lambert 72
 * (EPSG:31370), said by the old `crs` member or only seen from the numbers (metres, far past 180):
 * those are converted to WGS84. The first pass checks geometries and finds the coordinate system,
 * the second converts and writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors.ts';
import { fieldNamesFromLabels, uniqueName } from '../labels.ts';
import { inBelgium, inLambert72Range, inWgs84Range, lambert72ToWgs84 } from '../spatial/crs.ts';
import type { PreparedTable, SchemaField, SpatialInfo } from '../types.ts';
import { BodyWriter, canonicalTable } from './body.ts';
import { ColumnTree, cellText } from './columns.ts';
import { GeometryError, checkGeometry, geometryText, type Transform } from './geometry.ts';
import { JsonSource, withFallback } from './source.ts';
import { JsonObject, kindOf, preview, toJsonText, type JsonValue } from './value.ts';
import { JsonWalker, type Action, type Path, type ValueKind } from './walker.ts';

export interface ReadGeoJsonOptions {
  /** Tables with more columns are refused (default 1000). */
  maxColumns?: number;
}

const TOP_MEMBERS = new Set(['type', 'crs', 'geometry', 'properties', 'id']);

interface Top {
  kind: ValueKind | null;
  members: Map<string, JsonValue>;
  /** What "features" was when it was not an array. */
  featuresKind: string | null;
  featuresSeen: boolean;
}

/** Streams the features of a FeatureCollection (or the one top-level Feature) to `onFeature`. */
async function walkFeatures(src: JsonSource, onFeature: (feature: JsonValue, index: number) => void, afterBatch?: () => Promise<void>): Promise<Top> {
  const top: Top = { kind: null, members: new Map(), featuresKind: null, featuresSeen: false };
  const walker = new JsonWalker({
    action(p: Path, kind: ValueKind): Action {
      if (p.length === 0) {
        top.kind = kind;
        return kind === 'object' ? 'descend' : 'skip';
      }
      if (p.length === 1 && p[0] === 'features') {
        top.featuresSeen = true;
        if (kind === 'array') return 'table';
        top.featuresKind = kind === 'scalar' ? 'a single value' : `an ${kind}`;
        return 'skip';
      }
      return p.length === 1 && TOP_MEMBERS.has(p[0]) ? 'assemble' : 'skip';
    },
    element: (_p, index, v) => onFeature(v, index),
    value: (p, v) => top.members.set(p[0], v),
  });
  for await (const batch of src.tokens()) {
    for (const t of batch) {
      if (walker.depth === 0 && walker.topValues === 1 && t.name !== 'endObject' && t.name !== 'endArray') {
        throw new AppError('unreadable_table', `The file "${src.name}" holds several JSON values one after the other; a GeoJSON file holds one FeatureCollection. Export the layer again as GeoJSON.`);
      }
      walker.push(t);
    }
    if (afterBatch) await afterBatch();
  }
  if (top.kind === 'object' && top.members.get('type') === 'Feature') {
    const feature = new JsonObject();
    for (const [k, v] of top.members) feature.entries.push([k, v]);
    onFeature(feature, 0);
  }
  return top;
}

interface Survey {
  features: number;
  nullGeometries: number;
  hasId: boolean;
  types: Set<string>;
  columns: ColumnTree;
  positions: number;
  /** Positions inside Belgium's box, and inside it with x and y swapped. */
  inBelgium: number;
  swapped: number;
  notDegrees: { feature: string; x: number; y: number } | null;
  notLambert: { feature: string; x: number; y: number } | null;
}

/** Reads a GeoJSON FeatureCollection (or one Feature) into `workDir/body.csv`. */
export async function readGeoJson(sourcePath: string, workDir: string, opts: ReadGeoJsonOptions = {}): Promise<PreparedTable> {
  const maxColumns = opts.maxColumns ?? 1000;
  const src = await JsonSource.open(sourcePath, 'GeoJSON');
  const name = src.name;

  const { survey, top } = await withFallback(src, async () => {
    const s: Survey = {
      features: 0, nullGeometries: 0, hasId: false, types: new Set(), columns: new ColumnTree(),
      positions: 0, inBelgium: 0, swapped: 0, notDegrees: null, notLambert: null,
    };
    let current = '';
    const visit = (x: number, y: number) => {
      s.positions++;
      if (inBelgium(x, y)) s.inBelgium++;
      else if (inBelgium(y, x)) s.swapped++;
      if (!s.notDegrees && !inWgs84Range(x, y)) s.notDegrees = { feature: current, x, y };
      if (!s.notLambert && !inLambert72Range(x, y)) s.notLambert = { feature: current, x, y };
    };
    const t = await walkFeatures(src, (v, index) => {
      s.features = index + 1;
      const f = checkFeature(name, v, index);
      current = f.label;
      if (f.id !== null) s.hasId = true;
      if (f.properties) {
        s.columns.add(f.properties);
        if (s.columns.count > maxColumns) {
          throw new AppError(
            'too_many_columns',
            `The features of "${name}" have more than ${maxColumns} different properties (nested ones count as columns such as "address.street"); Dataville reads at most ${maxColumns} columns. Remove properties that are not needed, or split the layer.`,
            { maxColumns },
          );
        }
      }
      if (f.geometry === null) {
        s.nullGeometries++;
        return;
      }
      try {
        checkGeometry(f.geometry, visit, s.types);
      } catch (err) {
        if (err instanceof GeometryError) {
          throw new AppError('unreadable_table', `${capital(f.label)} of "${name}" has an invalid geometry: ${err.message}. Correct it in the source (a GIS can repair geometries) and export the layer again.`, { feature: index + 1 });
        }
        throw err;
      }
    });
    return { survey: s, top: t };
  });

  checkCollection(name, top, survey);
  const crs = decideCrs(name, top.members.get('crs'), survey);

  // Columns: id, properties, latitude/longitude (Point layers), geometry.
  const propLabels = survey.columns.finish();
  const taken = fieldNamesFromLabels(propLabels, 0).taken;
  const idName = survey.hasId ? uniqueName(taken.has('id') ? 'feature_id' : 'id', taken) : null;
  const hasPoints = survey.types.has('Point');
  const latName = hasPoints ? uniqueName('latitude', taken) : null;
  const lonName = hasPoints ? uniqueName('longitude', taken) : null;
  const geometryName = uniqueName('geometry', taken);
  const header = [...(idName ? [idName] : []), ...propLabels, ...(hasPoints ? [latName!, lonName!] : []), geometryName];
  const propOffset = idName ? 1 : 0;
  const latAt = hasPoints ? propOffset + propLabels.length : -1;
  const geometryAt = header.length - 1;
  if (header.length > maxColumns) {
    throw new AppError('too_many_columns', `The features of "${name}" give ${header.length} columns with the geometry columns; Dataville reads at most ${maxColumns}. Remove properties that are not needed.`, { maxColumns });
  }

  await fs.promises.mkdir(workDir, { recursive: true });
  const utf8Path = path.join(workDir, 'body.csv');
  const writer = new BodyWriter(utf8Path);
  const bbox = [Infinity, Infinity, -Infinity, -Infinity];
  try {
    const transform: Transform | null = crs.crs === 'EPSG:31370' ? lambert72ToWgs84 : null;
    let current = '';
    const visit = (lon: number, lat: number) => {
      if (!Number.isFinite(lon) || !Number.isFinite(lat) || !inWgs84Range(lon, lat)) {
        throw new AppError('unreadable_table', `${capital(current)} of "${name}" has a position outside the earth after conversion to WGS84 (longitude ${lon}, latitude ${lat}). Check its coordinates in the source.`);
      }
      if (lon < bbox[0]) bbox[0] = lon;
      if (lat < bbox[1]) bbox[1] = lat;
      if (lon > bbox[2]) bbox[2] = lon;
      if (lat > bbox[3]) bbox[3] = lat;
    };
    await walkFeatures(src, (v, index) => {
      const f = checkFeature(name, v, index);
      current = f.label;
      const cells = new Array<string>(header.length).fill('');
      if (idName && f.id !== null) cells[0] = cellText(f.id);
      if (f.properties) survey.columns.fill(f.properties, cells, propOffset);
      if (f.geometry) {
        const g = geometryText(f.geometry as JsonObject, transform, visit);
        cells[geometryAt] = g.text;
        if (g.point && latAt >= 0) {
          cells[latAt] = g.point.lat;
          cells[latAt + 1] = g.point.lon;
        }
      }
      writer.add(cells);
    }, async () => {
      if (writer.pending) await writer.flush();
    });
    await writer.close();
  } catch (err) {
    writer.destroy();
    await fs.promises.rm(utf8Path, { force: true });
    throw err;
  }

  const notes = [...crs.notes];
  if (survey.nullGeometries) {
    notes.push(`${survey.nullGeometries} of ${survey.features} feature${survey.features === 1 ? ' has' : 's have'} no geometry (an empty cell in "${geometryName}").`);
  }
  if (survey.positions === 0) notes.push('No feature has coordinates: the layer is not shown on a map.');
  if (src.report().method === 'fallback') notes.push('The file is not UTF-8 and was read as Windows-1252 (Latin-1); GeoJSON must be UTF-8: export it as UTF-8 if you can.');
  const fieldTypes: (SchemaField['type'] | null)[] = header.map((_, i) => (i === geometryAt ? 'geojson' : null));
  const spatial: SpatialInfo | undefined = survey.positions
    ? {
        kind: 'geometry',
        bbox: bbox as [number, number, number, number],
        sourceCrs: crs.crs,
        geometryTypes: [...survey.types],
        columns: { geometry: geometryName, ...(latName && lonName ? { lat: latName, lon: lonName } : {}) },
      }
    : undefined;
  return {
    ...canonicalTable(src, utf8Path, header),
    origin: { format: 'geojson' },
    fieldTypes,
    ...(spatial ? { spatial } : {}),
    ...(notes.length ? { notes } : {}),
  };
}

interface FeatureParts {
  label: string;
  id: JsonValue;
  properties: JsonObject | null;
  geometry: JsonValue;
}

function checkFeature(name: string, v: JsonValue, index: number): FeatureParts {
  const n = index + 1;
  if (!(v instanceof JsonObject)) {
    throw new AppError('unreadable_table', `Feature ${n} of "${name}" is ${kindOf(v)} (${preview(v)}), not a GeoJSON Feature: each element of "features" must be {"type": "Feature", "geometry": ..., "properties": {...}}.`, { feature: n });
  }
  const idValue = v.get('id');
  const id = idValue === undefined ? null : idValue;
  const label = `feature ${n}${id !== null ? ` (id ${preview(id, 40)})` : ''}`;
  const type = v.get('type');
  if (type !== 'Feature') {
    throw new AppError(
      'unreadable_table',
      `${capital(label)} of "${name}" has ${type === undefined ? 'no "type"' : `"type": ${preview(type)}`}, where a GeoJSON Feature has "type": "Feature". ` +
        'Each element of "features" must be {"type": "Feature", "geometry": ..., "properties": {...}}.',
      { feature: n },
    );
  }
  const properties = v.get('properties');
  if (properties !== undefined && properties !== null && !(properties instanceof JsonObject)) {
    throw new AppError('unreadable_table', `${capital(label)} of "${name}" has "properties" that are ${kindOf(properties)} (${preview(properties)}); they must be an object ({"name": ...}) or null.`, { feature: n });
  }
  const geometry = v.get('geometry');
  return { label, id, properties: properties instanceof JsonObject ? properties : null, geometry: geometry === undefined ? null : geometry };
}

/** The top of the file must be a FeatureCollection with features, or a Feature. */
function checkCollection(name: string, top: Top, s: Survey) {
  if (top.kind === null) throw new AppError('empty_file', `The file "${name}" contains only blank space, no GeoJSON. Check that the export finished and upload it again.`);
  const how = 'A GeoJSON file is an object {"type": "FeatureCollection", "features": [...]}: export the layer again as GeoJSON.';
  if (top.kind !== 'object') {
    throw new AppError('unreadable_table', `The file "${name}" is not GeoJSON: it holds ${top.kind === 'array' ? 'an array' : 'a single value'}, not an object. ${how}`);
  }
  const type = top.members.get('type');
  if (type === 'Feature') return;
  if (type !== 'FeatureCollection') {
    const geometryTypes = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection'];
    if (typeof type === 'string' && geometryTypes.includes(type)) {
      throw new AppError('unreadable_table', `The file "${name}" holds a bare ${type} geometry, not features: there are no properties to make a table. Wrap it in a Feature ({"type": "Feature", "geometry": ..., "properties": {...}}), or export the layer again.`);
    }
    throw new AppError(
      'unreadable_table',
      `The file "${name}" is not GeoJSON: its object has ${type === undefined ? 'no "type"' : `"type": ${preview(type)}`}, where GeoJSON has "type": "FeatureCollection" or "Feature". ${how} If it is plain JSON, name it .json.`,
    );
  }
  if (!top.featuresSeen) throw new AppError('unreadable_table', `The FeatureCollection in "${name}" has no "features" member. ${how}`);
  if (top.featuresKind) throw new AppError('unreadable_table', `The "features" of "${name}" are ${top.featuresKind}, not an array of features. ${how}`);
  if (s.features === 0) {
    throw new AppError('empty_file', `The FeatureCollection in "${name}" has no features: there are no rows. Check that the export finished, or that the layer holds any features.`);
  }
}

/** Names the `crs` member may carry, old GeoJSON (2008) style. */
function declaredCrs(crs: JsonValue | undefined): string | null {
  if (!(crs instanceof JsonObject)) return null;
  const props = crs.get('properties');
  if (!(props instanceof JsonObject)) return null;
  const value = props.get('name') ?? props.get('code') ?? props.get('href');
  return value === undefined || value === null ? null : typeof value === 'string' ? value : toJsonText(value);
}

function decideCrs(name: string, crsMember: JsonValue | undefined, s: Survey): { crs: SpatialInfo['sourceCrs']; notes: string[] } {
  const declared = declaredCrs(crsMember);
  const code = declared === null ? null : /CRS84|CRS:84/i.test(declared) ? '4326' : (/(\d{4,5})(?!.*\d)/.exec(declared)?.[1] ?? declared);
  const lambertNote = (how: string) =>
    `The coordinates are in Belgian Lambert 72 (EPSG:31370, ${how}); they were converted to WGS84 longitude/latitude (EPSG:4326) with EPSG's BD72 to WGS84 transformation (accurate to about a metre). The original file is kept as it is.`;
  const outside = (p: { feature: string; x: number; y: number }, system: string) =>
    new AppError(
      'unreadable_table',
      `${capital(p.feature)} of "${name}" has a position [${p.x}, ${p.y}] outside the range of ${system}. Correct that position in the source, or check that the file says which coordinate system it uses.`,
      { x: p.x, y: p.y },
    );

  if (code === '31370' || code === '31300') {
    if (s.notLambert) throw outside(s.notLambert, 'Belgian Lambert 72 (x about 20,000 to 300,000 m, y 20,000 to 250,000 m), which the file declares');
    return { crs: 'EPSG:31370', notes: [lambertNote('declared in the file')] };
  }
  if (code !== null && code !== '4326' && code !== '4258') {
    throw new AppError(
      'unreadable_table',
      `The file "${name}" declares the coordinate system ${JSON.stringify(declared)}; Dataville reads GeoJSON in WGS84 (EPSG:4326, as the GeoJSON standard says) or Belgian Lambert 72 (EPSG:31370). ` +
        'Export the layer again in WGS84 (EPSG:4326).',
      { crs: declared },
    );
  }
  const notes: string[] = [];
  if (code === '4258') notes.push('The file declares ETRS89 (EPSG:4258), read as WGS84: in Belgium the two differ by less than a metre.');
  if (s.notDegrees) {
    if (code === null && !s.notLambert) return { crs: 'EPSG:31370', notes: [lambertNote('recognised from the numbers: the file does not say which system it uses')] };
    if (!s.notLambert) {
      throw new AppError(
        'unreadable_table',
        `The file "${name}" declares WGS84 (${JSON.stringify(declared)}), but its coordinates are metres in the range of Belgian Lambert 72 ` +
          `(${s.notDegrees.feature} has [${s.notDegrees.x}, ${s.notDegrees.y}]). Export the layer again with the right coordinate system, or remove the wrong "crs" member.`,
        { crs: declared },
      );
    }
    throw outside(s.notDegrees, 'WGS84 longitude/latitude (longitude -180 to 180, latitude -90 to 90)');
  }
  if (s.swapped > 0 && s.swapped >= s.positions / 2 && s.swapped > s.inBelgium) {
    notes.push('Most positions read as a place in Belgium only with longitude and latitude swapped: GeoJSON writes [longitude, latitude]. Check the layer on the map and export it again if it is misplaced.');
  }
  return { crs: 'EPSG:4326', notes };
}

function capital(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}
