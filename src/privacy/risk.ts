/**
 * Residual re-identification risk of a table about to be published: k-anonymity on the declared
 * quasi-identifiers (the smallest number of rows sharing one combination of their values) and
 * distinct l-diversity of the sensitive columns (the fewest different sensitive values within one
 * such group). One GROUP BY over the Parquet; a few more when the table is unsafe, to say which
 * column to drop or coarsen.
 *
 * Empty values are a value like any other: people whose birth date is unknown form one group, and
 * an unknown income counts as one of the values of a group.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { AppError } from '../errors.ts';
import { sqlIdent, sqlString } from '../stores/tables/duckdb.ts';
import { toJsonValue, type ProfileValue } from '../quality/profile.ts';
import { plural } from './recipe-steps/relation.ts';

export interface RiskReport {
  /** The smallest group: k = 1 means someone is unique on the quasi-identifiers. 0 for an empty table. */
  k: number;
  kThreshold: number;
  /** Groups (combinations of quasi-identifier values) with fewer rows than kThreshold. */
  groupsBelow: number;
  rowsBelow: number;
  /** The fewest distinct values of a sensitive column within a group; set when sensitive columns are declared. */
  l?: number;
  lThreshold?: number;
  /** Groups where a sensitive column has fewer than lThreshold distinct values, and their rows. */
  lGroupsBelow?: number;
  lRowsBelow?: number;
  quasiIdentifiers: string[];
  sensitive: string[];
  /** Rows measured (with a weight column: the sum of the weights, i.e. people behind the published rows). */
  rows: number;
  groups: number;
  safe: boolean;
  /** For a person: what was measured, whether it is safe, and when it is not, what to do. Holds no values of the table. */
  explanation: string;
  /**
   * CONFIDENTIAL, for the DPO's preview only (never published, never logged): up to three of the
   * smallest groups with their quasi-identifier values.
   */
  smallestGroups?: { values: Record<string, ProfileValue>; rows: number }[];
  /** When k is below the threshold: what each quasi-identifier's removal would give, fewest rows at risk first. */
  withoutEach?: { column: string; k: number; rowsBelow: number }[];
}

export interface RiskOptions {
  /** Default 2 when sensitive columns are given. */
  lThreshold?: number;
  /** A column holding how many people a row stands for (the count of an aggregate); default: each row is one. */
  weightColumn?: string;
  /** A boolean column; rows where it is true are left out (suppressed cells publish no count). */
  excludeColumn?: string;
}

/** Most quasi-identifiers for which the removal of each is measured (one GROUP BY each). */
const MAX_WITHOUT_EACH = 8;

export async function measureRisk(
  conn: DuckDBConnection,
  parquetPath: string,
  quasiIdentifiers: string[],
  sensitive: string[],
  threshold: number,
  opts: RiskOptions = {},
): Promise<RiskReport> {
  const source = `read_parquet(${sqlString(parquetPath)})`;
  const described = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowsJS();
  const types = new Map(described.map((r) => [String(r[0]), String(r[1])]));
  const present = new Set(types.keys());
  const named = [...quasiIdentifiers, ...sensitive, ...[opts.weightColumn, opts.excludeColumn].filter((c): c is string => !!c)];
  const missing = named.filter((c) => !present.has(c));
  if (missing.length) {
    throw new AppError('validation_failed', `The risk cannot be measured: the table has no column ${missing.map((c) => `"${c}"`).join(', ')} (its columns: ${[...present].filter((c) => c !== '_id' && c !== '_row').join(', ')}). Name the quasi-identifiers and sensitive columns as the table has them.`);
  }
  const both = sensitive.filter((c) => quasiIdentifiers.includes(c));
  if (both.length) {
    throw new AppError('validation_failed', `"${both.join('", "')}" is declared both a quasi-identifier and a sensitive column; a column is one or the other: what someone may know about a person, or what must not be learnt.`);
  }
  const lThreshold = sensitive.length ? opts.lThreshold ?? 2 : undefined;
  const rowsSql = `(SELECT * FROM ${source}${opts.excludeColumn ? ` WHERE NOT coalesce(${sqlIdent(opts.excludeColumn)}, false)` : ''})`;
  const weight = opts.weightColumn ? `coalesce(${sqlIdent(opts.weightColumn)}, 0)` : '1';
  const groupsSql = (qis: string[], withL: boolean) => {
    const keys = qis.map(sqlIdent);
    const ls = withL ? sensitive.map((s, i) => `count(DISTINCT ${sqlIdent(s)}) + CASE WHEN count(*) > count(${sqlIdent(s)}) THEN 1 ELSE 0 END AS l${i}`) : [];
    return `SELECT ${[...keys, `CAST(sum(${weight}) AS BIGINT) AS n`, ...ls].join(', ')} FROM ${rowsSql} AS t${keys.length ? ` GROUP BY ${keys.join(', ')}` : ''}`;
  };
  const T = threshold;
  const perSensitive = sensitive.flatMap((_, i) => [`min(l${i})`, `count(*) FILTER (WHERE l${i} < ${lThreshold})`, `coalesce(sum(n) FILTER (WHERE l${i} < ${lThreshold}), 0)`]);
  const lAll = sensitive.map((_, i) => `l${i}`);
  const lMin = lAll.length > 1 ? `least(${lAll.join(', ')})` : lAll[0];
  const summary = [
    'count(*) FILTER (WHERE n > 0)', 'coalesce(min(n) FILTER (WHERE n > 0), 0)', `count(*) FILTER (WHERE n > 0 AND n < ${T})`,
    `coalesce(sum(n) FILTER (WHERE n < ${T}), 0)`, 'coalesce(sum(n), 0)',
    ...(sensitive.length ? [`min(${lMin})`, `count(*) FILTER (WHERE ${lMin} < ${lThreshold})`, `coalesce(sum(n) FILTER (WHERE ${lMin} < ${lThreshold}), 0)`, ...perSensitive] : []),
  ];
  const row = (await conn.runAndReadAll(`SELECT ${summary.join(', ')} FROM (${groupsSql(quasiIdentifiers, sensitive.length > 0)}) AS g`)).getRowsJS()[0].map((v) => Number(v ?? 0));
  const [groups, k, groupsBelow, rowsBelow, rows] = row;
  const report: RiskReport = { k, kThreshold: T, groupsBelow, rowsBelow, quasiIdentifiers, sensitive, rows, groups, safe: true, explanation: '' };
  const lFailures: { column: string; l: number; groups: number; rows: number }[] = [];
  if (sensitive.length) {
    Object.assign(report, { l: row[5], lThreshold, lGroupsBelow: row[6], lRowsBelow: row[7] });
    sensitive.forEach((column, i) => {
      const [l, g, r] = row.slice(8 + 3 * i, 11 + 3 * i);
      if (rows > 0 && l < lThreshold!) lFailures.push({ column, l, groups: g, rows: r });
    });
  }
  const kFails = rows > 0 && k < T;
  report.safe = !kFails && lFailures.length === 0;

  if (kFails) {
    const keys = quasiIdentifiers.map(sqlIdent);
    const order = ['n', ...keys].join(', ');
    const smallest = await conn.runAndReadAll(`SELECT ${[...quasiIdentifiers.map((q) => (/^(DATE|TIME)/.test(types.get(q) ?? '') ? `CAST(${sqlIdent(q)} AS VARCHAR)` : sqlIdent(q))), 'n'].join(', ')} FROM (${groupsSql(quasiIdentifiers, false)}) AS g WHERE n > 0 AND n < ${T} ORDER BY ${order} LIMIT 3`);
    report.smallestGroups = smallest.getRowsJS().map((r) => ({ values: Object.fromEntries(quasiIdentifiers.map((q, i) => [q, toJsonValue(r[i])])), rows: Number(r[r.length - 1]) }));
    if (quasiIdentifiers.length >= 2 && quasiIdentifiers.length <= MAX_WITHOUT_EACH) {
      report.withoutEach = [];
      for (const column of quasiIdentifiers) {
        const others = quasiIdentifiers.filter((q) => q !== column);
        const r = (await conn.runAndReadAll(`SELECT coalesce(min(n) FILTER (WHERE n > 0), 0), coalesce(sum(n) FILTER (WHERE n < ${T}), 0) FROM (${groupsSql(others, false)}) AS g`)).getRowsJS()[0];
        report.withoutEach.push({ column, k: Number(r[0]), rowsBelow: Number(r[1]) });
      }
      report.withoutEach.sort((a, b) => a.rowsBelow - b.rowsBelow || b.k - a.k);
    }
  }
  report.explanation = explain(report, lFailures, !!opts.weightColumn);
  return report;
}

function explain(r: RiskReport, lFailures: { column: string; l: number; groups: number; rows: number }[], weighted: boolean): string {
  const combo = r.quasiIdentifiers.length ? r.quasiIdentifiers.map((q) => `"${q}"`).join(' + ') : '';
  const unit = weighted ? 'people' : 'rows';
  const count = (n: number) => plural(n, weighted ? 'person' : 'row', unit);
  if (r.rows === 0) return 'The table has no rows: nothing in it can single anyone out.';
  const parts: string[] = [];
  if (r.k >= r.kThreshold) {
    parts.push(
      combo
        ? `Every combination of ${combo} is shared by at least ${fmt(r.k)} ${unit} (k = ${fmt(r.k)}, threshold ${r.kThreshold}).`
        : `No quasi-identifier is declared: the table is one group of ${count(r.rows)} (k = ${fmt(r.k)}, threshold ${r.kThreshold}).`,
    );
  } else {
    const share = ((100 * r.rowsBelow) / r.rows).toFixed(1);
    const what = combo ? `${r.groupsBelow === 1 ? 'combination' : 'combinations'} of ${combo}` : r.groupsBelow === 1 ? 'group' : 'groups';
    let text =
      `Not safe to publish: ${fmt(r.rowsBelow)} of ${fmt(r.rows)} ${unit} (${share}%) are in ${fmt(r.groupsBelow)} ${what} shared by fewer than ${r.kThreshold} ${unit}, ` +
      `the rarest by ${fmt(r.k)} (k = ${fmt(r.k)}, threshold ${r.kThreshold}). Anyone who knows these facts about a person can pick out that person's row. ` +
      (combo
        ? 'Make these columns coarser (dates to the year or age bands, numbers to ranges, addresses to the street, postcodes to the municipality), publish counts by category instead (an aggregate step, which suppresses small cells), or drop one of them'
        : 'The table is too small to publish row by row: publish it as counts (an aggregate step), or not at all');
    const best = r.withoutEach?.[0];
    if (best && best.rowsBelow === 0) {
      text += `: without "${best.column}" every combination would be shared by at least ${fmt(best.k)} ${unit}, which is enough`;
    } else if (best && best.rowsBelow < r.rowsBelow) {
      text += `: without "${best.column}" ${fmt(best.rowsBelow)} ${unit} would remain in combinations shared by fewer than ${r.kThreshold} (the rarest by ${fmt(best.k)})`;
    }
    parts.push(text + '.');
  }
  if (r.sensitive.length) {
    if (!lFailures.length) {
      parts.push(`Within every group, ${r.sensitive.map((s) => `"${s}"`).join(', ')} take${r.sensitive.length === 1 ? 's' : ''} at least ${fmt(r.l!)} different values (l = ${fmt(r.l!)}, threshold ${r.lThreshold}).`);
    } else {
      for (const [i, f] of lFailures.entries()) {
        parts.push(
          `${r.k >= r.kThreshold && i === 0 ? 'Not safe to publish: in' : 'Also, in'} ${plural(f.groups, 'group')}${combo ? ` of ${combo}` : ''} (${count(f.rows)}), "${f.column}" takes fewer than ${r.lThreshold} different values (l = ${f.l}): ` +
            `anyone who knows a person is in such a group learns their "${f.column}". Make the groups larger (coarser quasi-identifiers, or an aggregate step) or generalise "${f.column}" (ranges, bands).`,
        );
      }
    }
  }
  return parts.join(' ');
}

const fmt = (n: number) => n.toLocaleString('en-US');
