/**
 * Anonymisation recipes: the methods Belgian communes use before publishing personal data (drop
 * direct identifiers, mask, keyed pseudonyms, geographic aggregation, generalisation, counts by
 * category with small cells suppressed), applied to a typed Parquet table as a new derived table,
 * with a before/after preview and the residual risk (k-anonymity, l-diversity) measured on the
 * result. A recipe is plain JSON: saved with the resource, it anonymises the next refresh the same
 * way without a person; `risk.safe` says whether the result may be published (decision 0014).
 *
 * Pure functions over Parquet: the caller decides where the output goes, who may see the preview,
 * and refuses to publish an unsafe result. The output is written even when unsafe, for the DPO.
 */
import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { duckdbType } from '../ingest/infer.ts';
import type { TableSchema } from '../ingest/types.ts';
import { toJsonValue } from '../quality/profile.ts';
import { sqlIdent, sqlString } from '../stores/tables/duckdb.ts';
import { KEY_NAME } from './keys.ts';
import { planAggregate, type AggregateMeasure, type AggregatePlan, type AggregateStep } from './recipe-steps/aggregate.ts';
import { applyAddressToStreet, applyGeoToCommune, applyGeoToPostcode, type AddressToStreetStep, type GeoToCommuneStep, type GeoToPostcodeStep } from './recipe-steps/geo.ts';
import { applyAgeBands, applyGeneraliseDate, applyNumberRanges, type AgeBandsStep, type GeneraliseDateStep, type NumberRangesStep } from './recipe-steps/generalise.ts';
import { applyDrop, applyMask, applyPseudonymise, type DropStep, type MaskStep, type PseudonymiseStep } from './recipe-steps/identifiers.ts';
import { plural, type Relation, type StepContext } from './recipe-steps/relation.ts';
import { measureRisk, type RiskReport } from './risk.ts';

export type { RiskReport, RiskOptions } from './risk.ts';
export { measureRisk } from './risk.ts';
export type {
  AddressToStreetStep, AgeBandsStep, AggregateMeasure, AggregateStep, DropStep, GeneraliseDateStep, GeoToCommuneStep, GeoToPostcodeStep, MaskStep, NumberRangesStep, PseudonymiseStep,
};

export type RecipeStep =
  | DropStep
  | MaskStep
  | PseudonymiseStep
  | GeneraliseDateStep
  | AgeBandsStep
  | NumberRangesStep
  | AddressToStreetStep
  | GeoToPostcodeStep
  | GeoToCommuneStep
  | AggregateStep;

export interface Recipe {
  /** Applied in order; an aggregate, if any, comes last. */
  steps: RecipeStep[];
  /**
   * Columns that together could single someone out (postcode, birth date, sex ...), named as in the
   * source or as the recipe writes them; a generalised column is measured in its new form. Required
   * unless the recipe aggregates (then: the group-by columns); `[]` states there are none.
   */
  quasiIdentifiers?: string[];
  /** Columns nobody may learn about a person (income, diagnosis): measured for l-diversity. */
  sensitive?: string[];
  /** Smallest group allowed (k), also the default small-cell threshold of an aggregate. Default 5. */
  threshold?: number;
  /** Fewest distinct sensitive values allowed in a group (l). Default 2. */
  lThreshold?: number;
}

export interface AnonymiseResult {
  parquetPath: string;
  schema: TableSchema;
  rowCount: number;
  risk: RiskReport;
  /**
   * CONFIDENTIAL: the first rows before (real values, direct identifiers included) and after, for
   * the DPO's review only; never publish, log or store it with the version's public metadata.
   */
  preview: { before: Record<string, unknown>[]; after: Record<string, unknown>[] };
  /** What each step did and what it could not convert, for the DPO (may name counts below the threshold). */
  notes: string[];
}

export const DEFAULT_THRESHOLD = 5;
const PREVIEW_ROWS = 10;

const OPS = ['drop', 'mask', 'pseudonymise', 'generalise-date', 'age-bands', 'number-ranges', 'address-to-street', 'geo-to-postcode', 'geo-to-commune', 'aggregate'] as const;
const SECTOR_OPS = new Set(['address-to-sector', 'geo-to-sector', 'statistical-sector', 'sector']);

const name = z.string().min(1, 'a column name is needed');
const as = name.optional();
const positive = z.number().positive().finite();

const StepSchema = z
  .unknown()
  .superRefine((v, ctx) => {
    const op = typeof v === 'object' && v !== null ? (v as { op?: unknown }).op : undefined;
    if (typeof op === 'string' && SECTOR_OPS.has(op)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'Statistical sectors cannot be derived here: placing an address in a sector needs Statbel\'s statistical sector file (polygons or its address list), which Dataville does not ship. ' +
          'Publish by street, postcode or municipality instead ("address-to-street", "geo-to-postcode", "geo-to-commune"); a table that already has a sector column can be published by sector, or generalised with "geo-to-commune" and "from": "sector".',
      });
    } else if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
      ctx.addIssue({ code: 'custom', message: `Each step needs an "op", one of: ${OPS.join(', ')}${typeof op === 'string' ? ` (not "${op}")` : ''}.` });
    }
  })
  .pipe(
    z.discriminatedUnion('op', [
      z.strictObject({ op: z.literal('drop'), columns: z.array(name).min(1, 'name at least one column to drop') }),
      z.strictObject({
        op: z.literal('mask'), column: name, keepStart: z.int().min(0).max(100).optional(), keepEnd: z.int().min(0).max(100).optional(),
        char: z.string().regex(/^[^\\$]$/u, 'one character, other than "\\" and "$"').optional(), as,
      }),
      z.strictObject({
        op: z.literal('pseudonymise'), column: name,
        keyRef: z.string().regex(KEY_NAME, 'a key name: 1 to 64 letters, digits, ".", "_" or "-"'),
        length: z.int().min(16).max(64).refine((n) => n % 2 === 0, 'an even number of hex characters').optional(),
        normalise: z.enum(['none', 'digits', 'lower']).optional(), as,
      }),
      z.strictObject({ op: z.literal('generalise-date'), column: name, to: z.enum(['month', 'year']), as }),
      z.strictObject({
        op: z.literal('age-bands'), column: name, width: z.int().min(1).max(50).optional(), from: z.enum(['age', 'birth-date']).optional(),
        referenceDate: z.iso.date('a date written yyyy-mm-dd').optional(), top: z.int().min(1).max(150).optional(), as,
      }),
      z.strictObject({ op: z.literal('number-ranges'), column: name, width: positive, bottom: z.number().finite().optional(), top: z.number().finite().optional(), as }),
      z.strictObject({ op: z.literal('address-to-street'), column: name, as }),
      z.strictObject({ op: z.literal('geo-to-postcode'), column: name, as }),
      z.strictObject({
        op: z.literal('geo-to-commune'), column: name, from: z.enum(['postcode', 'sector', 'nis']).optional(),
        output: z.enum(['nis', 'name-fr', 'name-nl', 'name-de']).optional(), as,
      }),
      z.strictObject({
        op: z.literal('aggregate'), groupBy: z.array(name).min(1, 'group by at least one column'),
        measures: z.array(z.strictObject({ column: name.optional(), fn: z.enum(['count', 'sum', 'mean']), as })).optional(),
        suppressBelow: z.int().min(2).max(1000).optional(),
      }),
    ]),
  );

export const RecipeSchema: z.ZodType<Recipe> = z
  .strictObject({
    steps: z.array(StepSchema).min(1, 'a recipe needs at least one step'),
    quasiIdentifiers: z.array(name).optional(),
    sensitive: z.array(name).optional(),
    threshold: z.int().min(2).max(1000).optional(),
    lThreshold: z.int().min(1).max(100).optional(),
  })
  .superRefine((r, ctx) => {
    const last = r.steps.length - 1;
    r.steps.forEach((s, i) => {
      if (s.op === 'aggregate' && i !== last) {
        ctx.addIssue({ code: 'custom', path: ['steps', i], message: 'The aggregate must be the last step: put the steps that coarsen or drop columns before it, so that groups form on the coarsened values.' });
      }
      if (s.op === 'number-ranges' && s.bottom !== undefined && s.top !== undefined && s.top <= s.bottom) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'top'], message: '"top" must be above "bottom".' });
      }
    });
    if (r.steps[last]?.op !== 'aggregate' && r.quasiIdentifiers === undefined) {
      ctx.addIssue({
        code: 'custom', path: ['quasiIdentifiers'],
        message: 'A recipe that publishes rows must name its quasi-identifiers (the columns that together could single someone out, e.g. postcode, birth date, sex; the privacy report lists candidates), or [] when there are none, so that the residual risk can be measured.',
      });
    }
  });

/** Validates a recipe (from JSON, e.g. a saved one) into a Recipe, or throws a validation error that names each problem. */
export function parseRecipe(input: unknown): Recipe {
  const parsed = RecipeSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const where = i.path.map((p, j) => (i.path[j - 1] === 'steps' ? `step ${Number(p) + 1}` : typeof p === 'number' ? `#${p + 1}` : p === 'steps' ? '' : `"${String(p)}"`)).filter(Boolean).join(' ');
    return `${where ? `${where}: ` : ''}${i.message}`;
  });
  throw new AppError('validation_failed', `The anonymisation recipe is not valid: ${problems.join('; ')}`, { issues: parsed.error.issues });
}

let runs = 0;

/**
 * Applies a recipe to a typed Parquet table (`_id`, `_row`, fields) and writes the result with the
 * same layout: row by row, `_id` and `_row` are the source's; for an aggregate, both are the
 * group's number (groups sorted by their keys). Then measures the residual risk on the result.
 */
export async function applyRecipe(
  conn: DuckDBConnection,
  input: { parquetPath: string; schema: TableSchema },
  recipe: Recipe,
  out: { parquetPath: string },
  keys: { get(keyRef: string): Buffer },
): Promise<AnonymiseResult> {
  const r = parseRecipe(recipe);
  const threshold = r.threshold ?? DEFAULT_THRESHOLD;
  const source = `read_parquet(${sqlString(input.parquetPath)})`;
  await checkInput(conn, source, input.schema);

  const run = ++runs;
  const temps: string[] = [];
  const notes: string[] = [];
  const today = new Date().toISOString().slice(0, 10);
  let rel: Relation = {
    sql: `SELECT ${['_id', '_row', ...input.schema.fields.map((f) => sqlIdent(f.name))].join(', ')} FROM ${source}`,
    columns: input.schema.fields.map((f) => ({ field: f, origin: [f.name] })),
    diagnostics: [],
    params: {},
  };
  try {
    let aggregate: AggregatePlan | null = null;
    for (const [index, step] of r.steps.entries()) {
      const ctx: StepContext = {
        label: `Step ${index + 1} (${step.op})`,
        index,
        threshold,
        keys,
        today,
        tempTable(purpose) {
          const t = sqlIdent(`__recipe_${process.pid}_${run}_${index}_${purpose}`);
          temps.push(t);
          return t;
        },
        async run(sql) {
          await conn.run(sql);
        },
      };
      if (step.op === 'aggregate') {
        aggregate = planAggregate(rel, step, ctx);
        notes.push(describeStep(step, ctx, rel, aggregate), ...aggregate.notes);
      } else {
        const before = rel;
        rel = await applyStep(rel, step, ctx);
        notes.push(describeStep(step, ctx, before, null));
      }
    }

    const columns = aggregate ? aggregate.columns : rel.columns;
    const fields = columns.map((c) => c.field);
    const body = aggregate ? aggregate.sql : rel.sql;
    // Sorted by _id: reference lookups are joins and groups come out of a hash table, neither in order.
    const typed = `SELECT CAST(_id AS BIGINT) AS _id, CAST(_row AS BIGINT) AS _row, ${fields.map((f) => `CAST(${sqlIdent(f.name)} AS ${duckdbType(f)}) AS ${sqlIdent(f.name)}`).join(', ')} FROM (${body}) AS o ORDER BY _id`;
    const rowCount = await writeParquet(conn, typed, rel.params, out.parquetPath);

    if (rel.diagnostics.length) {
      const sql = `SELECT ${rel.diagnostics.map((d) => `count(*) FILTER (WHERE ${sqlIdent(d.column)})`).join(', ')} FROM (${rel.sql}) AS r`;
      const counts = (await conn.runAndReadAll(sql, used(sql, rel.params))).getRowsJS()[0].map(Number);
      rel.diagnostics.forEach((d, i) => {
        if (counts[i] > 0) notes.push(d.note(counts[i]));
      });
    }
    if (aggregate) {
      const stats = (await conn.runAndReadAll(aggregate.statsSql, used(aggregate.statsSql, rel.params))).getRowsJS()[0];
      notes.push(...aggregate.statsNotes(stats));
    }

    const quasi = followColumns(r.quasiIdentifiers ?? (aggregate ? (r.steps[r.steps.length - 1] as AggregateStep).groupBy : []), 'quasi-identifier', columns, input.schema, notes);
    const sensitive = followColumns(r.sensitive ?? [], 'sensitive column', columns, input.schema, notes);
    const risk = await measureRisk(conn, out.parquetPath, quasi, sensitive, threshold, {
      ...(r.lThreshold !== undefined && { lThreshold: r.lThreshold }),
      ...(aggregate && { weightColumn: aggregate.countColumn, excludeColumn: aggregate.suppressedColumn }),
    });
    const preview = { before: await firstRows(conn, input.parquetPath), after: await firstRows(conn, out.parquetPath) };
    return { parquetPath: out.parquetPath, schema: { fields, missingValues: input.schema.missingValues }, rowCount, risk, preview, notes };
  } finally {
    for (const t of temps) await conn.run(`DROP TABLE IF EXISTS ${t}`);
  }
}

async function applyStep(rel: Relation, step: Exclude<RecipeStep, AggregateStep>, ctx: StepContext): Promise<Relation> {
  switch (step.op) {
    case 'drop': return applyDrop(rel, step, ctx);
    case 'mask': return applyMask(rel, step, ctx);
    case 'pseudonymise': return applyPseudonymise(rel, step, ctx);
    case 'generalise-date': return applyGeneraliseDate(rel, step, ctx);
    case 'age-bands': return applyAgeBands(rel, step, ctx);
    case 'number-ranges': return applyNumberRanges(rel, step, ctx);
    case 'address-to-street': return applyAddressToStreet(rel, step, ctx);
    case 'geo-to-postcode': return applyGeoToPostcode(rel, step, ctx);
    case 'geo-to-commune': return applyGeoToCommune(rel, step, ctx);
  }
}

/** The source schema must describe the Parquet: a recipe saved for an older version of the source must not run on a different table. */
async function checkInput(conn: DuckDBConnection, source: string, schema: TableSchema) {
  let present: Set<string>;
  try {
    present = new Set((await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowsJS().map((row) => String(row[0])));
  } catch (err) {
    throw new AppError('validation_failed', `The table to anonymise cannot be read (${source}): ${(err as Error).message.split('\n')[0]}. Pass the Parquet file of a loaded version.`);
  }
  const missing = ['_id', '_row', ...schema.fields.map((f) => f.name)].filter((c) => !present.has(c));
  if (missing.length) {
    throw new AppError('validation_failed', `The table to anonymise does not match its schema: it has no column ${missing.map((c) => `"${c}"`).join(', ')}. Pass the Parquet file and schema of the same loaded version.`);
  }
}

/** Only the parameters a statement names may be bound (DuckDB refuses others). */
function used(sql: string, params: Record<string, string>): Record<string, string> | undefined {
  const entries = Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql));
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** One COPY to `<path>.tmp`, renamed once complete (as the loader writes). Returns the rows written. */
async function writeParquet(conn: DuckDBConnection, sql: string, params: Record<string, string>, target: string): Promise<number> {
  const tmp = `${target}.tmp`;
  const copy = `COPY (${sql}) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000)`;
  try {
    const reader = await conn.runAndReadAll(copy, used(copy, params));
    await fs.promises.rename(tmp, target);
    return Number(reader.getRowsJS()[0][0]);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Declared columns, followed to what the recipe made of them: a generalised column under its new
 * name; a dropped or aggregated-away one no longer counts (noted). A name neither the source nor
 * the result has is a mistake in the recipe.
 */
function followColumns(names: string[], role: string, columns: Relation['columns'], schema: TableSchema, notes: string[]): string[] {
  const result: string[] = [];
  for (const n of names) {
    const direct = columns.find((c) => c.field.name === n && !c.measure);
    const made = direct ? [direct] : columns.filter((c) => !c.measure && c.origin.includes(n));
    if (made.length) {
      for (const c of made) if (!result.includes(c.field.name)) result.push(c.field.name);
      if (!direct) notes.push(`The ${role} "${n}" is measured as ${made.map((c) => `"${c.field.name}"`).join(', ')}, which the recipe made from it.`);
    } else if (schema.fields.some((f) => f.name === n)) {
      notes.push(`The ${role} "${n}" is not in the result (dropped or aggregated away), so it no longer counts.`);
    } else {
      throw new AppError('validation_failed', `The recipe declares the ${role} "${n}", which is neither a column of the table (${schema.fields.map((f) => f.name).join(', ')}) nor one the recipe writes. Correct the name.`);
    }
  }
  return result;
}

async function firstRows(conn: DuckDBConnection, parquetPath: string): Promise<Record<string, unknown>[]> {
  const source = `read_parquet(${sqlString(parquetPath)})`;
  const types = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowsJS().map((row) => [String(row[0]), String(row[1])] as const);
  const select = types.map(([c, t]) => (/^(DATE|TIME)/.test(t) ? `CAST(${sqlIdent(c)} AS VARCHAR) AS ${sqlIdent(c)}` : sqlIdent(c)));
  const rows = (await conn.runAndReadAll(`SELECT ${select.join(', ')} FROM ${source} ORDER BY _id LIMIT ${PREVIEW_ROWS}`)).getRowObjectsJS();
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toJsonValue(v)])));
}

/** What a step does, in a sentence for the DPO. */
function describeStep(step: RecipeStep, ctx: StepContext, before: Relation, plan: AggregatePlan | null): string {
  const q = (s: string) => `"${s}"`;
  const target = (column: string, as: string | undefined) => (as && as !== column ? `${q(column)} (written as ${q(as)})` : q(column));
  let text: string;
  switch (step.op) {
    case 'drop':
      text = `removed ${step.columns.map(q).join(', ')}.`;
      break;
    case 'mask':
      text = `letters and digits of ${target(step.column, step.as)} replaced by "${step.char ?? '*'}", keeping the first ${step.keepStart ?? 0} and the last ${step.keepEnd ?? 0} characters (short values wholly).`;
      break;
    case 'pseudonymise':
      text = `${target(step.column, step.as)} replaced by keyed pseudonyms (HMAC-SHA256 with the key ${q(step.keyRef)}, ${step.length ?? 32} hex characters${step.normalise && step.normalise !== 'none' ? `, values normalised: ${step.normalise}` : ''}): a value gets the same pseudonym in every version made with this key, and nobody without the key can recompute it.`;
      break;
    case 'generalise-date':
      text = step.to === 'year' ? `${target(step.column, step.as)} generalised to the year (an integer).` : `${target(step.column, step.as)} generalised to the month (text yyyy-mm).`;
      break;
    case 'age-bands': {
      const width = step.width ?? 10;
      const open = step.top !== undefined ? `, ${step.top} and over as "${step.top}+"` : '';
      const type = before.columns.find((c) => c.field.name === step.column)?.field.type;
      const from = step.from ?? (type === 'date' || type === 'datetime' ? 'birth-date' : 'age');
      text = from === 'age'
        ? `${target(step.column, step.as)} turned into age bands of ${plural(width, 'year')}${open}.`
        : `${q(step.column)} turned into ${q(step.as ?? 'age_band')}: ages on ${step.referenceDate ?? ctx.today} in bands of ${plural(width, 'year')}${open}.`;
      break;
    }
    case 'number-ranges':
      text = `${target(step.column, step.as)} turned into ranges of ${step.width}${step.bottom !== undefined ? ` from ${step.bottom} (below: "<${step.bottom}")` : ''}${step.top !== undefined ? `, ${step.top} and over as "${step.top}+"` : ''}.`;
      break;
    case 'address-to-street':
      text = `${target(step.column, step.as)} reduced to the street name (house numbers, boxes, postcodes and localities removed).`;
      break;
    case 'geo-to-postcode':
      text = `${target(step.column, step.as)} reduced to its postcode.`;
      break;
    case 'geo-to-commune': {
      const output = step.output ?? 'nis';
      const language = { fr: 'French', nl: 'Dutch', de: 'German' }[output.slice(5)];
      const from = { postcode: 'postcodes', sector: 'statistical sectors', nis: 'NIS codes' }[step.from ?? 'postcode'];
      text = `${target(step.column, step.as)} (${from}) replaced by ${output === 'nis' ? "the municipality's NIS code" : `the ${language} name of the municipality`}.`;
      break;
    }
    case 'aggregate': {
      const measures = plan!.columns.filter((c) => c.measure && c.field.name !== plan!.suppressedColumn).map((c) => q(c.field.name));
      text = `rows grouped by ${step.groupBy.map(q).join(', ')} into ${measures.join(', ')}; groups of fewer than ${plan!.threshold} rows suppressed.`;
      break;
    }
  }
  return `${ctx.label}: ${text}`;
}
