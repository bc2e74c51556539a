/**
 * Steps for direct identifiers: drop them, mask them, or replace them by keyed pseudonyms.
 */
import crypto from 'node:crypto';
import { AppError } from '../../errors.ts';
import { sqlIdent, sqlString } from '../../stores/tables/duckdb.ts';
import { derivedField, findColumn, outputName, replaceColumn, textSql, type Relation, type StepContext } from './relation.ts';

export interface DropStep {
  op: 'drop';
  columns: string[];
}

export interface MaskStep {
  op: 'mask';
  column: string;
  /** Characters kept at the start (default 0). */
  keepStart?: number;
  /** Characters kept at the end (default 0). */
  keepEnd?: number;
  /** The character that replaces letters and digits (default "*"). */
  char?: string;
  as?: string;
}

export interface PseudonymiseStep {
  op: 'pseudonymise';
  column: string;
  /** Name of the secret key in the key store (src/privacy/keys.ts); the key itself never enters the recipe or the catalog. */
  keyRef: string;
  /** Hex characters kept of the HMAC-SHA256 (16..64, even; default 32, i.e. 128 bits). */
  length?: number;
  /**
   * How values are written before hashing, so that two spellings of one identifier get one pseudonym:
   * 'digits' keeps digits only (national register numbers "85.07.30-033.61" and "85073003361"),
   * 'lower' trims and lower-cases (e-mail addresses). Default 'none': the value as stored.
   */
  normalise?: 'none' | 'digits' | 'lower';
  as?: string;
}

export function applyDrop(rel: Relation, step: DropStep, ctx: StepContext): Relation {
  for (const name of step.columns) findColumn(rel, name, ctx);
  const drop = new Set(step.columns);
  const columns = rel.columns.filter((c) => !drop.has(c.field.name));
  if (!columns.length) {
    throw new AppError('validation_failed', `${ctx.label} drops every column of the table; keep at least one, or do not publish this table.`);
  }
  const select = ['_id', '_row', ...columns.map((c) => sqlIdent(c.field.name)), ...rel.diagnostics.map((d) => sqlIdent(d.column))];
  return { ...rel, sql: `SELECT ${select.join(', ')} FROM (${rel.sql}) AS s${ctx.index}`, columns };
}

const ALNUM = sqlString('[\\p{L}\\p{N}]');

/**
 * Letters and digits become `char`; separators stay, so the format still shows ("85.**.**-***.**").
 * A value no longer than what is kept is masked whole: keeping 2 + 2 of "Ana" would show it all.
 */
export function applyMask(rel: Relation, step: MaskStep, ctx: StepContext): Relation {
  const column = findColumn(rel, step.column, ctx);
  const start = step.keepStart ?? 0;
  const end = step.keepEnd ?? 0;
  // regexp_replace reads backslashes and $ in the replacement; the schema allows neither.
  const char = sqlString(step.char ?? '*');
  const v = textSql(sqlIdent(column.field.name), column.field);
  const maskAll = (text: string) => `regexp_replace(${text}, ${ALNUM}, ${char}, 'g')`;
  const sql =
    `CASE WHEN ${v} IS NULL THEN NULL WHEN length(${v}) <= ${start + end} THEN ${maskAll(v)} ` +
    `ELSE left(${v}, ${start}) || ${maskAll(`substr(${v}, ${start + 1}, length(${v}) - ${start + end})`)} || right(${v}, ${end}) END`;
  const name = outputName(rel, column.field.name, step.as, ctx);
  return replaceColumn(rel, column.field.name, { sql, field: derivedField(column.field, name, 'string') }, ctx);
}

/** The two padded keys of HMAC (RFC 2104) as hex: what the SQL needs, computed once here. */
export function hmacPads(key: Buffer): { inner: string; outer: string } {
  const block = Buffer.alloc(64);
  (key.length > 64 ? crypto.createHash('sha256').update(key).digest() : key).copy(block);
  const inner = Buffer.alloc(64);
  const outer = Buffer.alloc(64);
  for (let i = 0; i < 64; i++) {
    inner[i] = block[i] ^ 0x36;
    outer[i] = block[i] ^ 0x5c;
  }
  return { inner: inner.toString('hex'), outer: outer.toString('hex') };
}

/**
 * HMAC-SHA256 computed by DuckDB from its sha256() — H((K ^ opad) || H((K ^ ipad) || m)) — so the
 * pass stays parallel and streaming; the padded keys are bound parameters, never SQL text (tested
 * against node:crypto). Without the key, a pseudonym cannot be recomputed from a guessed value.
 */
export function applyPseudonymise(rel: Relation, step: PseudonymiseStep, ctx: StepContext): Relation {
  const column = findColumn(rel, step.column, ctx);
  let key: Buffer;
  try {
    key = ctx.keys.get(step.keyRef);
  } catch (err) {
    if (err instanceof AppError) throw new AppError(err.code, `${ctx.label}: ${err.message}`, err.details);
    throw err;
  }
  if (key.length < 16) {
    throw new AppError('validation_failed', `${ctx.label}: the key "${step.keyRef}" is shorter than 16 bytes, too short to keep pseudonyms from being recomputed; create a new key in the key store.`);
  }
  const pads = hmacPads(key);
  const inner = `k${ctx.index}_inner`;
  const outer = `k${ctx.index}_outer`;
  const v = textSql(sqlIdent(column.field.name), column.field);
  const normalised =
    step.normalise === 'digits' ? `nullif(regexp_replace(${v}, '[^0-9]', '', 'g'), '')`
    : step.normalise === 'lower' ? `nullif(lower(trim(${v})), '')`
    : v;
  const hmac = `sha256(unhex($${outer}) || unhex(sha256(unhex($${inner}) || encode(${normalised}))))`;
  const sql = `CASE WHEN ${normalised} IS NULL THEN NULL ELSE left(${hmac}, ${step.length ?? 32}) END`;
  const name = outputName(rel, column.field.name, step.as, ctx);
  return replaceColumn(rel, column.field.name, { sql, field: derivedField(column.field, name, 'string') }, ctx, { [inner]: pads.inner, [outer]: pads.outer });
}
