/** Lower case without accents, for metadata search and slugs. */
export function foldText(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** A URL-safe name from a title: "Budget 2024 — Liège" -> "budget-2024-liege". */
export function slugify(s: string): string {
  const slug = foldText(s).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80);
  return slug || 'dataset';
}
