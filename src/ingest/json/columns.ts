/**
 * Objects -> columns. Nested objects are flattened to dotted names (`address.street`); arrays stay
 * JSON text in one cell. Columns are kept in a tree of keys, so that the first pass collects them
 * and the second finds a value's column without building names per row, and so that a key that
 * first shows up in a later row still sits beside its siblings (`address.box` next to
 * `address.street`): order of first appearance, level by level.
 */
import { JsonNumber, JsonObject, toJsonText, type JsonValue } from './value.ts';

/** Objects nested deeper than this stay JSON text: such files are not tables, and recursion stays bounded. */
const MAX_DEPTH = 32;

class ColumnNode {
  /** Position of this node's own column, -1 until numbered (or when it has none). */
  index = -1;
  hasColumn = false;
  children: Map<string, ColumnNode> | null = null;

  child(key: string): ColumnNode {
    this.children ??= new Map();
    let c = this.children.get(key);
    if (!c) {
      c = new ColumnNode();
      this.children.set(key, c);
    }
    return c;
  }
}

export class ColumnTree {
  private readonly root = new ColumnNode();
  /** Columns found so far. */
  count = 0;
  private labels: string[] | null = null;

  /** Registers the columns of one object (first pass). */
  add(obj: JsonObject) {
    this.addTo(this.root, obj, 0);
  }

  private addTo(node: ColumnNode, obj: JsonObject, depth: number) {
    for (const [key, v] of obj.entries) {
      if (v instanceof JsonObject && depth < MAX_DEPTH) {
        if (v.entries.length) this.addTo(node.child(key), v, depth + 1);
        continue;
      }
      const c = node.child(key);
      if (!c.hasColumn) {
        c.hasColumn = true;
        this.count++;
      }
    }
  }

  /** Numbers the columns (depth first, each level in order of first appearance) and returns their labels. */
  finish(): string[] {
    if (this.labels) return this.labels;
    const labels: string[] = [];
    const walk = (node: ColumnNode, prefix: string) => {
      for (const [key, c] of node.children ?? []) {
        const label = prefix ? `${prefix}.${key}` : key;
        if (c.hasColumn) {
          c.index = labels.length;
          labels.push(label);
        }
        walk(c, label);
      }
    };
    walk(this.root, '');
    this.labels = labels;
    return labels;
  }

  /** Writes the cells of one object into `cells` (second pass; `offset` shifts the positions). */
  fill(obj: JsonObject, cells: string[], offset = 0) {
    this.fillFrom(this.root, obj, cells, offset, 0);
  }

  private fillFrom(node: ColumnNode, obj: JsonObject, cells: string[], offset: number, depth: number) {
    for (const [key, v] of obj.entries) {
      const c = node.children?.get(key);
      if (!c) continue;
      if (v instanceof JsonObject && depth < MAX_DEPTH) {
        if (v.entries.length) this.fillFrom(c, v, cells, offset, depth + 1);
        continue;
      }
      if (c.index >= 0) cells[offset + c.index] = cellText(v);
    }
  }
}

/**
 * A value as the loader reads it: numbers as written, true/false, null and empty arrays as empty
 * cells, arrays (and objects too deep to flatten) as compact JSON.
 */
export function cellText(v: JsonValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v) && v.length === 0) return '';
  return toJsonText(v);
}
