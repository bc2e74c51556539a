import crypto from 'node:crypto';
/**
 * The GeoJSON download (RFC 7946) of a spatial table: one Feature per row, in _id order, its
 * geometry from the table's GeoJSON column or its coordinates (Lambert 72 reprojected to WGS84,
 * as RFC 7946 requires), every other column a property. Streamed row by row into a temp file and
 * renamed, like the other downloads.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SchemaField, SpatialInfo, TableSchema } from '../../ingest/types.ts';
import { lambert72ToWgs84 } from '../../ingest/spatial/crs.ts';
import { keepsInsertionOrder, sqlIdent, sqlString } from '../../stores/tables/duckdb.ts';

export const GEOJSON_MEDIA_TYPE = 'application/geo+json';

/** A cell as a JSON value: numbers stay numbers (big integers become text rather than change), dates stay ISO text. */
function jsonValue(f: SchemaField, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (f.type === 'datetime' && typeof v === 'string') return v.replace(' ', 'T');
  return v;
}

function geometryOf(spatial: SpatialInfo, cells: Map<string, unknown>): string {
  const c = spatial.columns;
  if (spatial.kind === 'geometry' && c.geometry) {
    const g = cells.get(c.geometry);
    // The column holds GeoJSON text, checked and reprojected when the table was read.
    return typeof g === 'string' && g.trim() ? g : 'null';
  }
  const [a, b] = spatial.kind === 'latlon' ? [cells.get(c.lon!), cells.get(c.lat!)] : [cells.get(c.x!), cells.get(c.y!)];
  const x = typeof a === 'bigint' ? Number(a) : a;
  const y = typeof b === 'bigint' ? Number(b) : b;
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) return 'null';
  const [lon, lat] = spatial.kind === 'lambert72' ? lambert72ToWgs84(x, y) : [x, y];
  // Seven decimals of a degree is about a centimetre: more is noise.
  return JSON.stringify({ type: 'Point', coordinates: [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7] });
}

/** Writes the GeoJSON download of a table; returns its size in bytes. */
export async function exportGeoJson(conn: DuckDBConnection, source: { parquetPath: string; schema: TableSchema; spatial: SpatialInfo }, outPath: string): Promise<number> {
  const tmp = `${outPath}.${process.pid}.${crypto.randomUUID()}.tmp`;
  const fields = source.schema.fields.filter((f) => f.name !== '_id' && f.name !== '_row');
  const geometryColumn = source.spatial.kind === 'geometry' ? source.spatial.columns.geometry : undefined;
  const select = fields.map((f) => (f.type === 'date' || f.type === 'datetime' || f.type === 'geojson' ? `CAST(${sqlIdent(f.name)} AS VARCHAR)` : sqlIdent(f.name)));
  const order = (await keepsInsertionOrder(conn)) ? '' : ' ORDER BY _id';
  const out = fs.createWriteStream(tmp);
  try {
    const bbox = source.spatial.bbox;
    out.write(`{"type":"FeatureCollection","bbox":${JSON.stringify(bbox)},"features":[`);
    const result = await conn.stream(`SELECT _id, ${select.join(', ')} FROM read_parquet(${sqlString(source.parquetPath)})${order}`);
    let first = true;
    for await (const chunk of result.yieldRowsJs()) {
      for (const row of chunk) {
        const cells = new Map(fields.map((f, i) => [f.name, row[i + 1]]));
        const properties: Record<string, unknown> = {};
        for (const f of fields) if (f.name !== geometryColumn) properties[f.name] = jsonValue(f, cells.get(f.name));
        const feature = `{"type":"Feature","id":${Number(row[0])},"geometry":${geometryOf(source.spatial, cells)},"properties":${JSON.stringify(properties)}}`;
        if (!out.write((first ? '\n' : ',\n') + feature)) await once(out, 'drain');
        first = false;
      }
    }
    out.end('\n]}\n');
    await once(out, 'finish');
    fs.renameSync(tmp, outPath);
  } catch (e) {
    out.destroy();
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  return fs.statSync(outPath).size;
}
