/**
 * What the recipe steps work on: a SQL relation (a SELECT over the source Parquet, one nested
 * SELECT per step) and the fields it yields. Steps only build SQL; nothing is read until the recipe
 * writes its output, so DuckDB streams the whole recipe in one pass, in bounded memory.
 */
import { AppError } from '../../errors.ts';
import type { SchemaField } from '../../ingest/types.ts';
import { sqlIdent } from '../../stores/tables/duckdb.ts';

export interface RelationColumn {
  field: SchemaField;
  /** The source columns this one was made from (empty for a count), to follow declared quasi-identifiers. */
  origin: string[];
  /** Aggregated values (sums, means, counts) describe groups, not people: never a quasi-identifier or sensitive column. */
  measure?: boolean;
}

/** A hidden boolean column carried through the steps, counted once at the end to explain what a step could not convert. */
export interface Diagnostic {
  column: string;
  note: (count: number) => string;
}

export interface Relation {
  /** A SELECT yielding `_id`, `_row`, the visible columns and the diagnostics' hidden columns. */
  sql: string;
  columns: RelationColumn[];
  diagnostics: Diagnostic[];
  /** Named parameters ($name) the SQL uses: key material is bound, never written into the SQL text. */
  params: Record<string, string>;
}

/** What a step knows besides its own options. */
export interface StepContext {
  /** "Step 2 (mask)", to say where a problem is. */
  label: string;
  /** 0-based position of the step, to name hidden columns and parameters uniquely. */
  index: number;
  /** The k threshold of the recipe. */
  threshold: number;
  keys: { get(keyRef: string): Buffer };
  /** The day the recipe runs (yyyy-mm-dd), for ages without a reference date. */
  today: string;
  /** Temp tables the step may create (reference lists), dropped by the caller when the recipe is done. */
  tempTable(purpose: string): string;
  /** Runs a statement on the recipe's connection (to fill a temp table). */
  run(sql: string): Promise<void>;
}

/** One column's replacement, made from the previous value of `column`. */
export interface ColumnChange {
  /** SQL over the previous relation's columns. */
  sql: string;
  field: SchemaField;
  /** Hidden boolean SQL over the previous relation's columns, with the note it explains. */
  diagnostics?: { sql: string; note: (count: number) => string }[];
}

export function findColumn(rel: Relation, name: string, ctx: StepContext): RelationColumn {
  const column = rel.columns.find((c) => c.field.name === name);
  if (!column) {
    throw new AppError(
      'validation_failed',
      `${ctx.label} names the column "${name}", which the table does not have at that point (its columns: ${rel.columns.map((c) => c.field.name).join(', ')}). ` +
        'Correct the name in the recipe, or, when the source changed, edit the recipe to match its new columns.',
    );
  }
  return column;
}

/** The output name of a step writing `column`, checked against the other columns. */
export function outputName(rel: Relation, column: string, as: string | undefined, ctx: StepContext): string {
  const name = as ?? column;
  if (name === '_id' || name === '_row') throw new AppError('validation_failed', `${ctx.label}: "${name}" is reserved for the row number columns; choose another name in "as".`);
  if (name !== column && rel.columns.some((c) => c.field.name === name)) {
    throw new AppError('validation_failed', `${ctx.label} writes the column "${name}", which already exists; choose another name in "as", or drop "${name}" first.`);
  }
  return name;
}

/** Replaces one column (same position, maybe a new name), keeping every other column and hidden diagnostic. */
export function replaceColumn(rel: Relation, column: string, change: ColumnChange, ctx: StepContext, params: Record<string, string> = {}): Relation {
  const target = findColumn(rel, column, ctx);
  const select = ['_id', '_row'];
  const columns: RelationColumn[] = [];
  for (const c of rel.columns) {
    if (c === target) {
      select.push(`${change.sql} AS ${sqlIdent(change.field.name)}`);
      columns.push({ field: change.field, origin: c.origin });
    } else {
      select.push(sqlIdent(c.field.name));
      columns.push(c);
    }
  }
  const diagnostics = [...rel.diagnostics];
  for (const d of rel.diagnostics) select.push(sqlIdent(d.column));
  for (const [i, d] of (change.diagnostics ?? []).entries()) {
    const name = `__diag_${ctx.index}_${i}`;
    select.push(`(${d.sql}) AS ${sqlIdent(name)}`);
    diagnostics.push({ column: name, note: d.note });
  }
  return { sql: `SELECT ${select.join(', ')} FROM (${rel.sql}) AS s${ctx.index}`, columns, diagnostics, params: { ...rel.params, ...params } };
}

/** A field for a value a step made: the name, the type, and the title when the column kept its name. */
export function derivedField(previous: SchemaField, name: string, type: SchemaField['type']): SchemaField {
  return { name, type, ...(name === previous.name && previous.title !== undefined && { title: previous.title }) };
}

/** Requires one of the given types, saying what the column is and what to do. */
export function requireType(column: RelationColumn, types: SchemaField['type'][], ctx: StepContext, hint: string): void {
  if (!types.includes(column.field.type)) {
    throw new AppError(
      'validation_failed',
      `${ctx.label}: the column "${column.field.name}" holds ${column.field.type} values, and this step needs ${types.join(' or ')}. ${hint}`,
    );
  }
}

/** Text of a value of any type, as the loader would have written it (dates yyyy-mm-dd). */
export function textSql(ident: string, field: SchemaField): string {
  return field.type === 'string' || field.type === 'geojson' ? ident : `CAST(${ident} AS VARCHAR)`;
}

/** "12 values" / "1 value". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
