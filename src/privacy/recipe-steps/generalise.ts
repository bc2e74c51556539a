/**
 * Generalisation steps: dates to the month or year, ages (or birth dates) to bands, numbers to ranges.
 *
 * Value formats (decision 0014): a month is text "yyyy-mm" (Table Schema has no yearmonth type in
 * our SchemaField, and text sorts right); a year is an integer; an age band is text "30-39" with an
 * open top band "90+"; a range of integers is "20000-29999", of decimal numbers "[20000, 30000)",
 * with "<bottom" and "top+" for the values beyond bottom and top.
 */
import { sqlIdent, sqlString } from '../../stores/tables/duckdb.ts';
import { derivedField, findColumn, outputName, plural, replaceColumn, requireType, type Relation, type StepContext } from './relation.ts';

export interface GeneraliseDateStep {
  op: 'generalise-date';
  column: string;
  to: 'month' | 'year';
  as?: string;
}

export interface AgeBandsStep {
  op: 'age-bands';
  column: string;
  /** Years per band (default 10). */
  width?: number;
  /** Whether the column holds ages or birth dates; by default, read from its type (date: birth dates). */
  from?: 'age' | 'birth-date';
  /** The day ages are counted on, yyyy-mm-dd (birth dates only); default: the day the recipe runs. */
  referenceDate?: string;
  /** Ages from this one on form one open band ("90+"): the oldest residents are few and easy to spot. */
  top?: number;
  /** Output column name; for birth dates the default is "age_band", since the values are no longer dates. */
  as?: string;
}

export interface NumberRangesStep {
  op: 'number-ranges';
  column: string;
  width: number;
  /** Values below it form one band "<bottom"; ranges start from it (default: ranges start at 0, no bottom band). */
  bottom?: number;
  /** Values from it on form one open band "top+" (top-coding: the highest incomes single people out). */
  top?: number;
  as?: string;
}

export function applyGeneraliseDate(rel: Relation, step: GeneraliseDateStep, ctx: StepContext): Relation {
  const column = findColumn(rel, step.column, ctx);
  requireType(column, ['date', 'datetime'], ctx, 'Only typed dates can be generalised; if the values are dates the loader did not recognise, fix their format at the source.');
  const v = sqlIdent(column.field.name);
  const name = outputName(rel, column.field.name, step.as, ctx);
  return step.to === 'year'
    ? replaceColumn(rel, column.field.name, { sql: `CAST(year(${v}) AS BIGINT)`, field: derivedField(column.field, name, 'integer') }, ctx)
    : replaceColumn(rel, column.field.name, { sql: `strftime(${v}, '%Y-%m')`, field: derivedField(column.field, name, 'string') }, ctx);
}

export function applyAgeBands(rel: Relation, step: AgeBandsStep, ctx: StepContext): Relation {
  const column = findColumn(rel, step.column, ctx);
  const from = step.from ?? (column.field.type === 'date' || column.field.type === 'datetime' ? 'birth-date' : 'age');
  const v = sqlIdent(column.field.name);
  let age: string;
  let name: string;
  const diagnostics = [];
  if (from === 'birth-date') {
    requireType(column, ['date', 'datetime'], ctx, 'Age bands from birth dates need a date column; for a column of ages, set "from": "age".');
    const ref = step.referenceDate ?? ctx.today;
    const b = `CAST(${v} AS DATE)`;
    // Whole years lived on the reference day: the birthday of that year counts once it has come.
    age = `(year(DATE ${sqlString(ref)}) - year(${b}) - CASE WHEN strftime(${b}, '%m-%d') > ${sqlString(ref.slice(5))} THEN 1 ELSE 0 END)`;
    name = outputName(rel, column.field.name, step.as ?? 'age_band', ctx);
    diagnostics.push({
      sql: `${b} > DATE ${sqlString(ref)}`,
      note: (n: number) => `${ctx.label}: ${plural(n, 'birth date')} after the reference day ${ref} had no age and became empty.`,
    });
  } else {
    requireType(column, ['integer', 'number'], ctx, 'Age bands need a column of ages (numbers) or of birth dates (dates).');
    age = `CAST(floor(${v}) AS BIGINT)`;
    name = outputName(rel, column.field.name, step.as, ctx);
    diagnostics.push({ sql: `${v} < 0`, note: (n: number) => `${ctx.label}: ${plural(n, 'negative age')} became empty.` });
  }
  const width = step.width ?? 10;
  const low = `(${age} // ${width} * ${width})`;
  // The band below an open top band ends where it starts: 80-84 before "85+" with bands of 10.
  const high = step.top !== undefined ? `least(${low} + ${width - 1}, ${step.top - 1})` : `${low} + ${width - 1}`;
  const label = width === 1 ? `CAST(${age} AS VARCHAR)` : `CAST(${low} AS VARCHAR) || CASE WHEN ${high} > ${low} THEN '-' || CAST(${high} AS VARCHAR) ELSE '' END`;
  const sql =
    `CASE WHEN ${age} IS NULL OR ${age} < 0 THEN NULL ` +
    (step.top !== undefined ? `WHEN ${age} >= ${step.top} THEN ${sqlString(`${step.top}+`)} ` : '') +
    `ELSE ${label} END`;
  return replaceColumn(rel, column.field.name, { sql, field: derivedField(column.field, name, 'string'), diagnostics }, ctx);
}

export function applyNumberRanges(rel: Relation, step: NumberRangesStep, ctx: StepContext): Relation {
  const column = findColumn(rel, step.column, ctx);
  requireType(column, ['integer', 'number'], ctx, 'Ranges need numbers; if the values are numbers the loader kept as text (censored values such as "<5", codes), they cannot be ranged.');
  const v = sqlIdent(column.field.name);
  const origin = step.bottom ?? 0;
  // Whole bounds are written without ".0"; integer columns get closed ranges ("20000-29999").
  const whole = Number.isInteger(step.width) && Number.isInteger(origin);
  const integral = column.field.type === 'integer' && whole;
  const low = `(${origin} + floor((${v} - ${origin}) / ${step.width}) * ${step.width})`;
  const text = (sql: string) => (whole ? `CAST(CAST(${sql} AS BIGINT) AS VARCHAR)` : `CAST(CAST(${sql} AS DOUBLE) AS VARCHAR)`);
  // The range below an open top band ends at it; "lo to hi" when a bound is negative, "-" would read as a sign.
  const high = step.top !== undefined ? `least(${low} + ${step.width}, ${step.top})` : `${low} + ${step.width}`;
  const label = integral
    ? `${text(low)} || CASE WHEN ${low} < 0 THEN ' to ' ELSE '-' END || ${text(`${high} - 1`)}`
    : `'[' || ${text(low)} || ', ' || ${text(high)} || ')'`;
  const sql =
    `CASE WHEN ${v} IS NULL THEN NULL ` +
    (step.bottom !== undefined ? `WHEN ${v} < ${step.bottom} THEN ${sqlString(`<${step.bottom}`)} ` : '') +
    (step.top !== undefined ? `WHEN ${v} >= ${step.top} THEN ${sqlString(`${step.top}+`)} ` : '') +
    `ELSE ${label} END`;
  const name = outputName(rel, column.field.name, step.as, ctx);
  return replaceColumn(rel, column.field.name, { sql, field: derivedField(column.field, name, 'string') }, ctx);
}
