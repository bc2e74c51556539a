/**
 * Header labels -> field names. A name is the label as a person reads it (trimmed, runs of white
 * space made one space), made unique without regard to case: DuckDB, and so the Parquet columns we
 * write with it, treat `Name` and `name` as the same column.
 */
import type { TableError } from './types.ts';

/** Columns every typed table carries; a label with one of these names is renamed. */
export const RESERVED_NAMES = ['_id', '_row'];

export interface FieldNames {
  names: string[];
  /** The cleaned label where it differs from the name (duplicates); undefined otherwise. */
  titles: (string | undefined)[];
  errors: TableError[];
  /** Lower-cased names in use, for naming further columns with uniqueName. */
  taken: Set<string>;
}

/** Trims a label and collapses inner white space (line breaks, tabs, no-break spaces) to one space. */
export function cleanLabel(label: string): string {
  return label.replace(/[\s\u00a0\u202f\ufeff]+/gu, ' ').trim();
}

/** The first of base, base_2, base_3 ... not yet in taken (compared case-insensitively); adds it to taken. */
export function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}_${n}`;
  taken.add(name.toLowerCase());
  return name;
}

/** Field names for raw header labels: blank labels become field_N, duplicates get _2, _3 ... */
export function fieldNamesFromLabels(labels: string[], headerRowNumber: number): FieldNames {
  const cleaned = labels.map(cleanLabel);
  const taken = new Set(RESERVED_NAMES);
  const rowNumber = headerRowNumber > 0 ? headerRowNumber : undefined;
  const errors: TableError[] = [];
  // Real labels claim their names first, so a blank third column never takes "field_3" from a column labelled so.
  for (const label of cleaned) if (label) taken.add(label.toLowerCase());
  const firstUse = new Map<string, number>();
  const names: string[] = [];
  const titles: (string | undefined)[] = [];
  cleaned.forEach((label, i) => {
    const fieldNumber = i + 1;
    if (!label) {
      const name = uniqueName(`field_${fieldNumber}`, taken);
      names.push(name);
      titles.push(undefined);
      errors.push({
        type: 'blank-header', rowNumber, fieldNumber, fieldName: name,
        message: `Column ${fieldNumber} has no label in the header; it was named "${name}". Give it a label in the source file.`,
      });
      return;
    }
    const key = label.toLowerCase();
    const first = firstUse.get(key);
    if (first === undefined && !RESERVED_NAMES.includes(key)) {
      firstUse.set(key, fieldNumber);
      names.push(label);
      titles.push(undefined);
      return;
    }
    // The label itself is in taken already, so this yields label_2, label_3 ...
    const name = uniqueName(label, taken);
    names.push(name);
    titles.push(label);
    if (first !== undefined) {
      errors.push({
        type: 'duplicate-label', rowNumber, fieldNumber, fieldName: name,
        message: `The label "${label}" of column ${fieldNumber} repeats column ${first}; this column was named "${name}". Give each column its own label in the source file.`,
      });
    }
  });
  return { names, titles, errors, taken };
}
