/**
 * Aggregation by category with small-cell suppression: one row per group, its count and measures,
 * and a `suppressed` flag. A group of fewer people than the threshold keeps its row (readers see
 * that a cell exists and was withheld, as in Statbel's tables) but its count and measures are empty.
 * A sum or mean over fewer non-empty values than the threshold is emptied too (a mean of two
 * incomes gives both away to either person), the rest of its row stays.
 *
 * Only primary suppression: the output has no margins, so a withheld cell cannot be recovered by
 * subtraction from this table alone; a total published elsewhere could, and that is for the DPO.
 */
import { AppError } from '../../errors.ts';
import type { SchemaField } from '../../ingest/types.ts';
import { sqlIdent } from '../../stores/tables/duckdb.ts';
import { findColumn, plural, requireType, type Relation, type RelationColumn, type StepContext } from './relation.ts';

export interface AggregateMeasure {
  /** The column summed or averaged; for a count, the column whose non-empty values are counted (default: rows). */
  column?: string;
  fn: 'count' | 'sum' | 'mean';
  /** Output name (default "count", "count_<column>", "sum_<column>", "mean_<column>"). */
  as?: string;
}

export interface AggregateStep {
  op: 'aggregate';
  groupBy: string[];
  /** A count of rows is always written (added as "count" when none is asked): the risk and the reader need it. */
  measures?: AggregateMeasure[];
  /** Groups with fewer rows are suppressed (default: the recipe's threshold, 5). */
  suppressBelow?: number;
}

/** What the caller needs to finish the aggregate: its SQL, the count column, what the suppression notes say. */
export interface AggregatePlan {
  /** SELECT with `_id`, `_row` (the group's number, groups sorted by their keys), the keys, measures and `suppressed`. */
  sql: string;
  columns: RelationColumn[];
  countColumn: string;
  suppressedColumn: string;
  threshold: number;
  /** One row: suppressed groups, the rows in them, then per measure the groups where only it was emptied. */
  statsSql: string;
  /** Notes for the DPO from the statsSql row (these counts are below the threshold: never for publication). */
  statsNotes(row: unknown[]): string[];
  notes: string[];
}

export const SUPPRESSED_COLUMN = 'suppressed';

export function planAggregate(rel: Relation, step: AggregateStep, ctx: StepContext): AggregatePlan {
  const threshold = step.suppressBelow ?? ctx.threshold;
  const keys = step.groupBy.map((name) => findColumn(rel, name, ctx));
  const measures = [...(step.measures ?? [])];
  const notes: string[] = [];
  if (!measures.some((m) => m.fn === 'count' && m.column === undefined)) {
    measures.unshift({ fn: 'count' });
    notes.push(`${ctx.label}: a "count" column was added: how many people each row stands for is what makes a table of sums or means readable and safe.`);
  }
  const taken = new Set(keys.map((k) => k.field.name));
  const claim = (name: string) => {
    if (name === '_id' || name === '_row' || name === SUPPRESSED_COLUMN || taken.has(name)) {
      throw new AppError('validation_failed', `${ctx.label}: the output column "${name}" would clash with ${taken.has(name) ? 'another output column' : 'a column the aggregate writes itself'}; give the measure another name with "as".`);
    }
    taken.add(name);
    return name;
  };

  // `inner` is the GROUP BY's select list, `select` the one over its result.
  const inner = keys.map((k) => sqlIdent(k.field.name));
  const groupNumber = `CAST(row_number() OVER (ORDER BY ${inner.length ? inner.map((k) => `${k} ASC NULLS LAST`).join(', ') : '1'}) AS BIGINT)`;
  const select = [`${groupNumber} AS _id`, `${groupNumber} AS _row`, ...inner];
  const columns: RelationColumn[] = keys.map((k) => ({ field: k.field, origin: k.origin }));
  const measureColumns: string[] = [];
  const emptied: string[] = [];
  let countColumn = '';
  const n = '__n';
  inner.push(`count(*) AS ${n}`);
  for (const [i, m] of measures.entries()) {
    const source = m.column === undefined ? undefined : findColumn(rel, m.column, ctx);
    if (m.fn !== 'count') {
      if (!source) throw new AppError('validation_failed', `${ctx.label}: a ${m.fn} needs a "column" to ${m.fn === 'sum' ? 'add up' : 'average'}.`);
      requireType(source, ['integer', 'number'], ctx, `A ${m.fn} needs numbers; count the values instead ("fn": "count").`);
    }
    const name = claim(m.as ?? (m.fn === 'count' ? (source ? `count_${source.field.name}` : 'count') : `${m.fn}_${source!.field.name}`));
    const col = source ? sqlIdent(source.field.name) : '';
    const type: SchemaField['type'] = m.fn === 'mean' ? 'number' : m.fn === 'count' ? 'integer' : source!.field.type;
    const value = `__m${i}`;
    const nonEmpty = `__nn${i}`;
    inner.push(
      m.fn === 'count' ? `count(${col || '*'}) AS ${value}` : m.fn === 'sum' ? `sum(${col}) AS ${value}` : `avg(${col}) AS ${value}`,
      `count(${col || '*'}) AS ${nonEmpty}`,
    );
    // Counts are withheld with their group; sums and means also when too few values stand behind them.
    const keep = m.fn === 'count' ? `${n} >= ${threshold}` : `${n} >= ${threshold} AND ${nonEmpty} >= ${threshold}`;
    select.push(`CASE WHEN ${keep} THEN CAST(${value} AS ${type === 'integer' ? 'BIGINT' : 'DOUBLE'}) END AS ${sqlIdent(name)}`);
    columns.push({ field: { name, type }, origin: source ? source.origin : [], measure: true });
    measureColumns.push(name);
    if (m.fn !== 'count') emptied.push(`count(*) FILTER (WHERE ${n} >= ${threshold} AND ${nonEmpty} < ${threshold})`);
    if (m.fn === 'count' && !source && !countColumn) countColumn = name;
  }
  select.push(`${n} < ${threshold} AS ${SUPPRESSED_COLUMN}`);
  columns.push({ field: { name: SUPPRESSED_COLUMN, type: 'boolean' }, origin: [], measure: true });
  const groupBy = keys.length ? ` GROUP BY ${keys.map((k) => sqlIdent(k.field.name)).join(', ')}` : '';
  const sql = `SELECT ${select.join(', ')} FROM (SELECT ${inner.join(', ')} FROM (${rel.sql}) AS s${ctx.index}${groupBy}) AS g`;
  const statsSql =
    `SELECT count(*) FILTER (WHERE ${n} < ${threshold}), coalesce(sum(${n}) FILTER (WHERE ${n} < ${threshold}), 0), count(*)${emptied.map((e) => `, ${e}`).join('')} ` +
    `FROM (SELECT ${inner.join(', ')} FROM (${rel.sql}) AS s${ctx.index}${groupBy}) AS g`;
  const sumsAndMeans = measureColumns.filter((_, i) => measures[i].fn !== 'count');
  const statsNotes = (row: unknown[]): string[] => {
    const [groups, rows, total, ...perMeasure] = row.map(Number);
    const out = [
      groups
        ? `${ctx.label}: ${plural(groups, 'group')} of ${plural(total, 'group')} had fewer than ${threshold} rows (${plural(rows, 'row')} in all): their count and measures are empty and "${SUPPRESSED_COLUMN}" is true.`
        : `${ctx.label}: every one of the ${plural(total, 'group')} has at least ${threshold} rows; nothing was suppressed.`,
    ];
    perMeasure.forEach((k, i) => {
      if (k) out.push(`${ctx.label}: "${sumsAndMeans[i]}" is empty in ${plural(k, 'further group')}, where fewer than ${threshold} values stood behind it.`);
    });
    return out;
  };
  return { sql, columns, countColumn, suppressedColumn: SUPPRESSED_COLUMN, threshold, statsSql, statsNotes, notes };
}
