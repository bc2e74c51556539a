/**
 * What a detector returns for a value, and the masking of what it found: the report shows a person
 * why a column was flagged without ever showing the personal value itself.
 */
import type { PersonalCategory } from '../types.ts';
import type { ColumnContext } from './context.ts';

export interface Match {
  category: PersonalCategory;
  /** 0..1 for this value, context included. */
  confidence: number;
  /** The matched text (the whole value, or the part of a free text), masked before it is shown. */
  text: string;
  /** Short reason for the evidence, e.g. "valid check digits". */
  reason: string;
  /** The value matched a list or a checksum (not only a shape): used by column-level rules. */
  strong?: boolean;
}

export interface ValueInput {
  /** The value, trimmed. */
  value: string;
  ctx: ColumnContext;
  /** The column is typed as an integer (leading zeros were lost). */
  integer?: boolean;
}

export function clamp01(x: number): number {
  return Math.max(0, Math.min(1, Math.round(x * 100) / 100));
}

/** Masks every letter and digit except the first `keepStart` and last `keepEnd` of them. */
export function maskKeep(s: string, keepStart: number, keepEnd: number): string {
  const total = (s.match(/[\p{L}\p{N}]/gu) ?? []).length;
  let seen = 0;
  let out = '';
  for (const ch of s) {
    if (/[\p{L}\p{N}]/u.test(ch)) {
      seen++;
      out += seen <= keepStart || seen > total - keepEnd ? ch : '*';
    } else out += ch;
  }
  return out;
}

/** Keeps the first letter of each word: "Jean Dupont" -> "J*** D*****". */
export function maskWords(s: string): string {
  return s.replace(/[\p{L}\p{N}]+/gu, (w) => w[0] + '*'.repeat(w.length - 1));
}

/** The masked form of a match, by category, cut to a length a report can hold. */
export function maskMatch(m: Pick<Match, 'category' | 'text'>): string {
  const t = m.text.length > 80 ? m.text.slice(0, 80) + '…' : m.text;
  switch (m.category) {
    case 'national-register-number':
      // The contract's example: "85.07.30-0**.**" (date and first serial digit shown).
      return maskKeep(t, 7, 0);
    case 'enterprise-number':
      return maskKeep(t, 4, 2);
    case 'iban':
      return maskKeep(t, 4, 2);
    case 'email': {
      const at = t.lastIndexOf('@');
      return at > 0 ? t[0] + '*'.repeat(Math.max(1, at - 1)) + t.slice(at) : maskKeep(t, 1, 0);
    }
    case 'phone':
      return maskKeep(t, t.startsWith('+') ? 5 : 4, 2);
    case 'licence-plate':
      return maskKeep(t, 2, 0);
    case 'date-of-birth': {
      // The year alone stays visible: enough to see it is a date of birth.
      const year = /(?<!\d)(?:19|20)\d\d(?!\d)/.exec(t);
      return t.replace(/\d/g, (d, i: number) => (year && i >= year.index && i < year.index + 4 ? d : '*'));
    }
    case 'street-address':
      // The street stays, house and box numbers and postcodes go.
      return t.replace(/\d+/g, (d) => '*'.repeat(d.length));
    case 'person-name':
      return maskWords(t);
    case 'free-text-personal':
      return maskWords(t);
  }
}
