/**
 * What changed in a table's schema between two versions: the columns added, removed, renamed and
 * retyped. Reusers' code breaks on all but additions, so a refresh with any other change waits
 * for an editor.
 */
import type { SchemaField, TableSchema } from '../ingest/types.ts';

export interface SchemaDiff {
  added: { name: string; type: string; position: number }[];
  removed: { name: string; type: string; position: number }[];
  renamed: { from: string; to: string; type: string; position: number }[];
  retyped: { name: string; from: string; to: string }[];
  changed: boolean;
  /** True when the only change is added columns (an additive change). */
  additiveOnly: boolean;
}

const typeOf = (f: SchemaField) => f.type;

/**
 * Compares by name first. Among the columns left over on both sides, a removed and an added column
 * at the same position with the same type count as a rename (a header reworded), not as a column
 * dropped plus a column added.
 */
export function diffSchemas(before: TableSchema | null, after: TableSchema): SchemaDiff {
  const old = before?.fields ?? [];
  const oldByName = new Map(old.map((f, i) => [f.name, { f, i }]));
  const newNames = new Set(after.fields.map((f) => f.name));
  const retyped: SchemaDiff['retyped'] = [];
  let added: SchemaDiff['added'] = [];
  after.fields.forEach((f, i) => {
    const o = oldByName.get(f.name);
    if (!o) added.push({ name: f.name, type: typeOf(f), position: i + 1 });
    else if (typeOf(o.f) !== typeOf(f)) retyped.push({ name: f.name, from: typeOf(o.f), to: typeOf(f) });
  });
  let removed = old.flatMap((f, i) => (newNames.has(f.name) ? [] : [{ name: f.name, type: typeOf(f), position: i + 1 }]));
  const renamed: SchemaDiff['renamed'] = [];
  if (before) {
    for (const r of removed) {
      const a = added.find((x) => x.position === r.position && x.type === r.type);
      if (a) renamed.push({ from: r.name, to: a.name, type: a.type, position: a.position });
    }
    added = added.filter((a) => !renamed.some((r) => r.to === a.name));
    removed = removed.filter((x) => !renamed.some((r) => r.from === x.name));
  }
  const changed = !!before && (added.length + removed.length + renamed.length + retyped.length > 0);
  return { added: before ? added : [], removed, renamed, retyped, changed, additiveOnly: changed && !removed.length && !renamed.length && !retyped.length };
}

/** The diff in words, for pages and job messages. */
export function describeDiff(d: SchemaDiff): string {
  if (!d.changed) return 'same columns and types';
  const parts = [
    ...d.added.map((a) => `column "${a.name}" (${a.type}) added`),
    ...d.removed.map((r) => `column "${r.name}" removed`),
    ...d.renamed.map((r) => `column "${r.from}" renamed to "${r.to}"`),
    ...d.retyped.map((r) => `column "${r.name}" changed from ${r.from} to ${r.to}`),
  ];
  return parts.join('; ');
}
