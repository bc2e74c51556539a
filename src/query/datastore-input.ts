/**
 * The parameters of CKAN's datastore_search as a zod schema: query strings carry everything as
 * text, JSON bodies carry real types, and both are accepted.
 */
import { z } from 'zod';
import { AppError } from '../errors.ts';

/** CKAN's default ckan.datastore.search.rows_max: larger limits are lowered to it, as CKAN does. */
export const ROWS_MAX = 32000;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Query strings carry everything as text; JSON bodies carry real types. Both are accepted. */
const jsonText = (v: unknown) => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};
const boolish = (name: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? ({ true: true, false: false, '1': true, '0': false } as Record<string, unknown>)[v.toLowerCase()] ?? v : v),
    z.boolean({ error: `${name} must be true or false` }),
  );
const wholeNumber = (name: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
    z.number({ error: `${name} must be a whole number (0 or more)` }).int(`${name} must be a whole number (0 or more)`).min(0, `${name} must be 0 or more`),
  );
const stringList = (name: string) =>
  z.preprocess(
    (v) => {
      if (typeof v !== 'string') return v;
      if (v.trimStart().startsWith('[')) return jsonText(v);
      return v.split(',').map((s) => s.trim()).filter(Boolean);
    },
    z.array(z.string(), { error: `${name} must be a list of field names or a comma-separated string` }),
  );

/** The parameters of datastore_search, as CKAN documents them; strings are accepted for every one. */
export const DatastoreSearchInput = z.strictObject({
  resource_id: z.string().optional(),
  id: z.string().optional(),
  filters: z
    .preprocess(
      jsonText,
      z.record(
        z.string(),
        z.union([scalar, z.array(scalar)], {
          error: 'each filter must be a value or a list of values, e.g. {"city": ["Liège", "Namur"]}',
        }),
        { error: 'filters must be an object of field -> value or list of values, e.g. {"city": ["Liège", "Namur"]}' },
      ),
    )
    .optional(),
  q: z
    .preprocess(
      (v) => (typeof v === 'string' && v.trimStart().startsWith('{') ? jsonText(v) : v),
      z.union([z.string(), z.record(z.string(), z.string())], {
        error: 'q must be a text, or an object of field -> text, e.g. {"street": "rue haute"}',
      }),
    )
    .optional(),
  full_text: z.string().optional(),
  distinct: boolish('distinct').default(false),
  plain: boolish('plain').default(true),
  language: z.string().optional(),
  fields: stringList('fields').optional(),
  sort: z.union([z.string(), z.array(z.string())], { error: 'sort must be a text like "name asc, year desc"' }).optional(),
  limit: wholeNumber('limit').default(100).transform((n) => Math.min(n, ROWS_MAX)),
  offset: wholeNumber('offset').default(0),
  include_total: boolish('include_total').default(true),
  /** CKAN's switch to estimate large totals; totals here are exact and cheap enough, so it is accepted and ignored. */
  total_estimation_threshold: z.union([z.null(), wholeNumber('total_estimation_threshold')]).optional(),
  records_format: z
    .enum(['objects', 'lists', 'csv', 'tsv'], { error: "records_format must be one of 'objects', 'lists', 'csv', 'tsv'" })
    .default('objects'),
});

export type DatastoreSearchParams = z.output<typeof DatastoreSearchInput>;
export type FilterValue = z.output<typeof scalar>;

/** Validates raw parameters (query string or JSON body) into AppError('validation_failed') on failure. */
export function parseDatastoreSearchInput(raw: unknown): DatastoreSearchParams {
  const parsed = DatastoreSearchInput.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const messages = parsed.error.issues.map((i) =>
    i.code === 'unrecognized_keys'
      ? `Unknown parameter ${i.keys.map((k) => `'${k}'`).join(', ')}; parameters are: ${Object.keys(DatastoreSearchInput.shape).join(', ')}`
      : i.message,
  );
  throw new AppError('validation_failed', messages.join('; '), { issues: parsed.error.issues });
}
