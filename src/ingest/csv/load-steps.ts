/**
 * Step functions over rowids: "how many dropped rows (or empty lines) come at or before this row".
 * They turn DuckDB's rowid into the published `_id` and the source record number `_row`.
 */

/** A sorted list of breakpoints, counted at or below a position. */
export class StepFunction {
  /** Past this many breakpoints, SQL gets a table of offsets instead of a CASE tree. */
  static readonly MAX_SQL = 1024;
  private readonly points: number[];

  constructor(points: number[]) {
    this.points = [...points].sort((a, b) => a - b);
  }

  get size(): number {
    return this.points.length;
  }

  /** Breakpoints <= x, by binary search. */
  countAtOrBelow(x: number): number {
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.points[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** countAtOrBelow for non-decreasing x, in amortised constant time. */
  cursor(): (x: number) => number {
    let i = 0;
    return (x) => {
      while (i < this.points.length && this.points[i] <= x) i++;
      return i;
    };
  }
}

/** SQL for the number of sorted points <= expr: a balanced CASE tree, log2(n) comparisons per row. */
export function countAtOrBelowSql(expr: string, points: number[]): string {
  const sorted = [...points].sort((a, b) => a - b);
  const node = (lo: number, hi: number): string => {
    if (lo === hi) return String(lo);
    const mid = (lo + hi) >> 1;
    return `CASE WHEN ${expr} >= ${sorted[mid]} THEN ${node(mid + 1, hi)} ELSE ${node(lo, mid)} END`;
  };
  return `(${node(0, sorted.length)})`;
}
