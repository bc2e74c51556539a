/**
 * JSON -> PreparedTable, in two streaming passes: the first finds the array of objects that is the
 * table and collects its columns, the second writes one body row per object.
 *
 * Where the table is:
 * - a top-level array of objects (pointer "");
 * - in a top-level object, the one array of objects reached through object members at most two
 *   levels down ("/data", "/result/records"). Several such arrays: an error lists their pointers,
 *   the caller picks one with `pointer` (any depth, array indices allowed: "/0/items"). Arrays of
 *   objects three or four levels down are named as choices when none is higher up;
 * - JSON Lines (one object per line, also concatenated objects): several top-level values, or a
 *   name ending in .jsonl / .ndjson. Row numbers count the objects.
 * A .json file that is GeoJSON (top-level "type": "FeatureCollection" or "Feature") is read by
 * readGeoJson, unless a pointer was given.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors.ts';
import type { PreparedTable } from '../types.ts';
import { BodyWriter, canonicalTable } from './body.ts';
import { ColumnTree } from './columns.ts';
import { readGeoJson } from './geojson.ts';
import { JsonSource, withFallback, type Token } from './source.ts';
import { JsonObject, ValueAssembler, kindOf, preview, type JsonValue } from './value.ts';
import { JsonWalker, formatPointer, isPrefix, isValueStart, parsePointer, samePath, type Action, type Path, type ValueKind, type WalkHandler } from './walker.ts';

export interface ReadJsonOptions {
  /** Tables with more columns are refused (default 1000). */
  maxColumns?: number;
  /** JSON Pointer (RFC 6901) of the array to read, when the file holds several. */
  pointer?: string;
}

/** Arrays this many object levels down are taken as the table without asking. */
const AUTO_DEPTH = 2;
/** Arrays down to this level are looked at, to be offered as choices. */
const SEARCH_DEPTH = 4;
/** The first top-level object is kept (to become row 1 if the file turns out to be JSON Lines) while it is this small. */
const FIRST_VALUE_TOKENS = 100_000;

/** Reads a JSON file (array of objects, object holding one, or JSON Lines) into `workDir/body.csv`. */
export async function readJson(sourcePath: string, workDir: string, opts: ReadJsonOptions = {}): Promise<PreparedTable> {
  const maxColumns = opts.maxColumns ?? 1000;
  const src = await JsonSource.open(sourcePath);
  const target = opts.pointer === undefined ? null : parsePointer(opts.pointer);
  if (target === null && opts.pointer !== undefined) {
    throw new AppError('bad_request', `"${opts.pointer}" is not a JSON Pointer: it must be empty (the whole file) or start with "/", as in "/data" or "/result/records".`, { pointer: opts.pointer });
  }
  const lines = /\.(jsonl|ndjson)$/i.test(sourcePath);
  const survey = await withFallback(src, () => surveyJson(src, { target, lines, maxColumns }));
  if (survey.geojson && target === null) return readGeoJson(sourcePath, workDir, { maxColumns });

  if (target && survey.mode === 'tree' && !survey.tables.some((t) => samePath(t.path, target))) {
    // The pass followed the pointer only: one more, looking everywhere, finds the arrays to offer instead.
    const all = await surveyJson(src, { target: null, lines: false, maxColumns }).catch(() => null);
    if (all) survey.choices = all.tables;
  }
  const table = chooseTable(src.name, survey, target, maxColumns);
  const header = table.columns.finish();
  if (header.length === 0) {
    throw new AppError('empty_file', `The objects of ${arrayName(table, survey.mode)} in "${src.name}" have no keys, so the table has no columns. Check the export: each object should hold the values of one row ({"name": ..., "population": ...}).`);
  }

  await fs.promises.mkdir(workDir, { recursive: true });
  const utf8Path = path.join(workDir, 'body.csv');
  const rows = await writeRows(src, utf8Path, survey.mode === 'lines' ? null : table.path, table.columns, header.length);
  if (rows !== table.rows) throw new Error(`JSON reader: ${rows} rows written, ${table.rows} counted in "${src.name}"`);

  const notes: string[] = [];
  if (survey.mode === 'lines') notes.push(`Read as JSON Lines: ${table.rows} objects, one per row; row numbers count the objects.`);
  else if (target === null && table.path.length > 0) notes.push(`The table is the array at "${formatPointer(table.path)}", the only array of objects near the top of the file.`);
  if (src.report().method === 'fallback') notes.push('The file is not UTF-8 and was read as Windows-1252 (Latin-1); JSON should be UTF-8: export it as UTF-8 if you can.');
  return {
    ...canonicalTable(src, utf8Path, header),
    origin: survey.mode === 'lines' ? { format: 'json' } : { format: 'json', pointer: formatPointer(table.path) },
    ...(notes.length ? { notes } : {}),
  };
}

interface TableSurvey {
  path: Path;
  rows: number;
  objects: number;
  /** First element that is not an object. */
  other: { index: number; value: JsonValue } | null;
  /** Elements by kind, for messages. */
  kinds: Map<string, number>;
  columns: ColumnTree;
  /** More columns than allowed: collection stopped. */
  overflow: boolean;
}

interface Survey {
  mode: 'tree' | 'lines';
  top: ValueKind | null;
  topScalar: JsonValue;
  topKeys: string[];
  tables: TableSurvey[];
  /** Arrays to offer when the pointer given leads nowhere. */
  choices?: TableSurvey[];
  /** Set when a pointer was given and something other than an array was found there. */
  targetKind: ValueKind | null;
  geojson: boolean;
}

interface SurveyOptions {
  target: Path | null;
  lines: boolean;
  maxColumns: number;
}

/** First pass: where the arrays are, what their elements are, and the columns of their objects. */
async function surveyJson(src: JsonSource, o: SurveyOptions): Promise<Survey> {
  const survey: Survey = { mode: o.lines ? 'lines' : 'tree', top: null, topScalar: null, topKeys: [], tables: [], targetKind: null, geojson: false };
  const byPointer = new Map<string, TableSurvey>();
  let topType: JsonValue = null;
  const tableAt = (p: Path): TableSurvey => {
    const key = formatPointer(p);
    let t = byPointer.get(key);
    if (!t) {
      t = newTable(p);
      byPointer.set(key, t);
      survey.tables.push(t);
    }
    return t;
  };
  const addElement = (t: TableSurvey, index: number, v: JsonValue, strict: boolean) => {
    t.rows = index + 1;
    const kind = kindOf(v);
    t.kinds.set(kind, (t.kinds.get(kind) ?? 0) + 1);
    if (!(v instanceof JsonObject)) {
      t.other ??= { index, value: v };
      return;
    }
    t.objects++;
    if (t.overflow) return;
    t.columns.add(v);
    if (t.columns.count > o.maxColumns) {
      if (strict) throw tooManyColumns(src.name, t, o.maxColumns);
      t.overflow = true;
    }
  };

  const table = (p: Path): Action => {
    tableAt(p);
    return 'table';
  };
  const handler: WalkHandler = {
    action(p: Path, kind: ValueKind): Action {
      if (p.length === 0) survey.top = kind;
      if (p.length === 1 && survey.top === 'object' && survey.topKeys.length < 50) survey.topKeys.push(p[0]);
      if (o.target) {
        if (samePath(p, o.target)) {
          if (kind === 'array') return table(p);
          survey.targetKind = kind;
          return 'skip';
        }
        return isPrefix(p, o.target) && kind !== 'scalar' ? 'descend' : 'skip';
      }
      if (kind === 'array') return p.length <= SEARCH_DEPTH ? table(p) : 'skip';
      if (kind === 'object') return p.length < SEARCH_DEPTH ? 'descend' : 'skip';
      if (p.length === 0) return 'assemble';
      return p.length === 1 && p[0] === 'type' ? 'assemble' : 'skip';
    },
    element(p, index, v) {
      // Elements of the top-level array, or of the requested one, are the table for sure: stop early.
      addElement(tableAt(p), index, v, p.length === 0 || o.target !== null);
    },
    value(p, v) {
      if (p.length === 0) survey.topScalar = v;
      else topType = v;
    },
  };

  const walker = new JsonWalker(handler);
  // The first top-level object, kept in case a second value follows (JSON Lines).
  let first: ValueAssembler | null = null;
  let firstDone = false;
  const lineRows = newTable([]);
  let lineAsm: ValueAssembler | null = null;
  let lineIndex = 0;
  const pushLine = (t: Token) => {
    if (!lineAsm) {
      if (!isValueStart(t)) return;
      lineAsm = new ValueAssembler();
    }
    if (lineAsm.push(t)) {
      addElement(lineRows, lineIndex++, lineAsm.value, true);
      lineAsm = null;
    }
  };
  if (o.lines) survey.tables = [lineRows];

  for await (const batch of src.tokens()) {
    for (const t of batch) {
      if (survey.mode === 'lines') {
        pushLine(t);
        continue;
      }
      if (walker.depth === 0 && walker.topValues === 1 && isValueStart(t)) {
        // A second top-level value: JSON Lines, and the first value is row 1.
        if (!first || !firstDone) throw severalValues(src.name, survey.top);
        survey.mode = 'lines';
        survey.tables = [lineRows];
        addElement(lineRows, lineIndex++, first.value, true);
        first = null;
        pushLine(t);
        continue;
      }
      if (walker.topValues === 0 && t.name === 'startObject' && !o.target) first = new ValueAssembler();
      if (first && !firstDone) {
        if (first.tokens > FIRST_VALUE_TOKENS) first = null;
        else if (first.push(t)) firstDone = true;
      }
      walker.push(t);
    }
  }
  if (survey.mode === 'lines') {
    survey.top = lineRows.rows > 0 ? 'array' : null;
  }
  survey.geojson = survey.mode === 'tree' && survey.top === 'object' && (topType === 'FeatureCollection' || topType === 'Feature');
  return survey;
}

function newTable(p: Path): TableSurvey {
  return { path: p, rows: 0, objects: 0, other: null, kinds: new Map(), columns: new ColumnTree(), overflow: false };
}

/** Picks the table from the survey, or says why there is none. */
function chooseTable(name: string, s: Survey, target: Path | null, maxColumns: number): TableSurvey {
  if (s.top === null) {
    throw new AppError('empty_file', `The file "${name}" contains only blank space, no JSON. Check that the export finished and upload it again.`);
  }
  if (s.mode === 'lines') return checkRows(name, s.tables[0], maxColumns, 'lines');
  if (target) {
    const t = s.tables.find((x) => samePath(x.path, target));
    const pointer = formatPointer(target);
    if (!t) {
      const found = s.targetKind ? `holds ${s.targetKind === 'scalar' ? 'a single value' : `an ${s.targetKind}`}, not an array` : 'does not exist in the file';
      throw new AppError('unreadable_table', `The pointer "${pointer}" ${found}. ${choices(name, s)}`, { pointer, candidates: candidates(s) });
    }
    return checkRows(name, t, maxColumns, 'tree');
  }
  if (s.top === 'scalar') {
    throw new AppError('unreadable_table', `The file "${name}" holds a single value (${preview(s.topScalar)}), not a table. A JSON table is an array of objects, one per row: [{"name": "...", "population": 1234}, ...].`);
  }
  if (s.top === 'array') return checkRows(name, s.tables.find((t) => t.path.length === 0)!, maxColumns, 'tree');

  const near = s.tables.filter((t) => t.objects > 0 && t.path.length <= AUTO_DEPTH);
  if (near.length === 1) return checkRows(name, near[0], maxColumns, 'tree');
  if (near.length > 1) {
    throw new AppError(
      'unreadable_table',
      `The file "${name}" holds several arrays of objects: ${near.map(describeTable).join(', ')}. Choose the one that is the table by its JSON Pointer.`,
      { candidates: candidates(s) },
    );
  }
  const keys = s.topKeys.length ? `keys ${s.topKeys.slice(0, 10).map((k) => JSON.stringify(k)).join(', ')}${s.topKeys.length > 10 ? ', ...' : ''}` : 'no keys';
  throw new AppError(
    'unreadable_table',
    `The file "${name}" is JSON that is not an array: an object with ${keys}, and no array of objects in its first two levels. ${choices(name, s)}`,
    { candidates: candidates(s) },
  );
}

/** The table's elements must all be objects, and not too many columns. */
function checkRows(name: string, t: TableSurvey, maxColumns: number, mode: 'tree' | 'lines'): TableSurvey {
  const at = arrayName(t, mode);
  if (t.rows === 0) {
    throw new AppError('empty_file', `${capital(at)} in "${name}" is empty: there are no rows. Check that the export finished, or that it selected any records.`);
  }
  if (t.objects === 0) {
    const kinds = [...t.kinds.entries()].map(([k, n]) => `${n} ${plural(k, n)}`).join(', ');
    const example = t.other ? ` (the first is ${preview(t.other.value)})` : '';
    const arrays = t.kinds.has('an array')
      ? ' Rows written as arrays of cells need their column names: turn each row into an object ({"name": ..., "population": ...}), or export the table as CSV.'
      : ' Each row must be an object with named values, such as {"name": "Gent", "population": 263000}; a list of single values is not a table, or it needs its column name: [{"value": 12}, ...].';
    throw new AppError('unreadable_table', `${capital(at)} in "${name}" holds ${kinds}${example}, not objects.${arrays}`, { kinds: Object.fromEntries(t.kinds) });
  }
  if (t.other) {
    const pos = t.other.index + 1;
    const unit = mode === 'lines' ? 'value' : 'element';
    throw new AppError(
      'unreadable_table',
      `${capital(unit)} ${pos} of ${at} in "${name}" is ${kindOf(t.other.value)} (${preview(t.other.value)}), while the rows are objects (${t.objects} of ${t.rows}). ` +
        `Make every ${unit} an object, or remove that one.`,
      { position: pos },
    );
  }
  if (t.overflow || t.columns.count > maxColumns) throw tooManyColumns(name, t, maxColumns);
  return t;
}

function tooManyColumns(name: string, t: TableSurvey, maxColumns: number): AppError {
  return new AppError(
    'too_many_columns',
    `The objects of ${arrayName(t)} in "${name}" have more than ${maxColumns} different keys (nested keys count as columns such as "address.street"); Dataville reads at most ${maxColumns} columns. ` +
      'Check that the keys are names of values, not data (such as one key per date or per id), or split the table.',
    { maxColumns },
  );
}

/** Second pass: one body line per object of the table. */
async function writeRows(src: JsonSource, file: string, table: Path | null, columns: ColumnTree, width: number): Promise<number> {
  const writer = new BodyWriter(file);
  const row = (v: JsonValue) => {
    const cells = new Array<string>(width).fill('');
    columns.fill(v as JsonObject, cells);
    writer.add(cells);
  };
  try {
    if (table === null) {
      let asm: ValueAssembler | null = null;
      for await (const batch of src.tokens()) {
        for (const t of batch) {
          if (!asm) {
            if (!isValueStart(t)) continue;
            asm = new ValueAssembler();
          }
          if (asm.push(t)) {
            row(asm.value);
            asm = null;
          }
        }
        if (writer.pending) await writer.flush();
      }
    } else {
      const walker = new JsonWalker({
        action: (p, kind) => (samePath(p, table) ? (kind === 'array' ? 'table' : 'skip') : isPrefix(p, table) && kind !== 'scalar' ? 'descend' : 'skip'),
        element: (_p, _i, v) => row(v),
      });
      for await (const batch of src.tokens()) {
        for (const t of batch) walker.push(t);
        if (writer.pending) await writer.flush();
      }
    }
    await writer.close();
  } catch (err) {
    writer.destroy();
    await fs.promises.rm(file, { force: true });
    throw err;
  }
  return writer.rows;
}

function severalValues(name: string, first: ValueKind | null): AppError {
  return new AppError(
    'unreadable_table',
    `The file "${name}" holds several JSON values one after the other${first && first !== 'object' ? `, the first being ${first === 'array' ? 'an array' : 'a single value'}` : ''}. ` +
      'A JSON file holds one value (an array of objects); JSON Lines hold one complete object per line. Export the file again in one of these forms.',
  );
}

/** "the top-level array", "the array at "/data"" or "the JSON Lines". */
function arrayName(t: TableSurvey, mode: 'tree' | 'lines' = 'tree'): string {
  if (mode === 'lines') return 'the JSON Lines';
  return t.path.length === 0 ? 'the top-level array' : `the array at "${formatPointer(t.path)}"`;
}

function describeTable(t: TableSurvey): string {
  return `"${formatPointer(t.path)}" (${t.objects} object${t.objects === 1 ? '' : 's'})`;
}

function candidates(s: Survey): { pointer: string; objects: number }[] {
  return (s.choices ?? s.tables).filter((t) => t.objects > 0).map((t) => ({ pointer: formatPointer(t.path), objects: t.objects }));
}

function choices(name: string, s: Survey): string {
  const tables = s.choices ?? s.tables;
  const found = tables.filter((t) => t.objects > 0);
  if (found.length) return `Arrays of objects in "${name}": ${found.map(describeTable).join(', ')}. Choose the table by its JSON Pointer.`;
  const other = tables.filter((t) => t.rows > 0);
  if (other.length) {
    return `It holds arrays of single values only (${other.slice(0, 5).map((t) => `"${formatPointer(t.path)}"`).join(', ')}). A table is an array of objects, one per row: [{"name": "...", "population": 1234}, ...].`;
  }
  return 'A JSON table is an array of objects, one per row: [{"name": "...", "population": 1234}, ...].';
}

function plural(kind: string, n: number): string {
  const word = kind.replace(/^an? /, '');
  return n === 1 ? word : word === 'null' ? 'nulls' : `${word}s`;
}

function capital(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}
