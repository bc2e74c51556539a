/**
 * Belgian licence plates. The European plate of 2010 on is "1-ABC-123" (a digit, three letters,
 * three digits), distinctive enough on its own; the older "ABC-123" and "123-ABC" are shaped like
 * any product or room code, so they count only in a column whose name speaks of plates.
 */
import { nearbyText, PENALTY_NEGATIVE } from './context.ts';
import { clamp01, type Match, type ValueInput } from './match.ts';

const CURRENT = /^[1-9][- ]?[A-Z]{3}[- ]?\d{3}$/;
const CURRENT_SEPARATED = /^[1-9]-[A-Z]{3}-\d{3}$/;
const OLD = /^(?:[A-Z]{3}[- ]?\d{3}|\d{3}[- ]?[A-Z]{3})$/;

export function licencePlate({ value, ctx }: ValueInput): Match | null {
  const v = value.toUpperCase();
  if (v.length > 9) return null;
  let base: number;
  if (CURRENT_SEPARATED.test(v)) base = 0.6;
  else if (CURRENT.test(v)) base = 0.4;
  else if (OLD.test(v)) base = /[- ]/.test(v) ? 0.25 : 0.15;
  else return null;
  // A plate never appears in lower case on paper; "abc-123" in a column is a code.
  if (value !== v) base -= 0.1;
  const confidence = clamp01(base + ctx.boost['licence-plate'] * 1.2 - (ctx.negative ? PENALTY_NEGATIVE : 0));
  return { category: 'licence-plate', confidence, text: value, reason: base >= 0.4 ? 'Belgian licence plate (1-ABC-123)' : 'older plate shape (ABC-123)' };
}

const PLATE_IN_TEXT = /(?<![\w-])[1-9]-?[A-Z]{3}-?\d{3}(?![\w-])/g;
const VEHICLE_WORDS = /(vehicule|voiture|plaque|immatricul|auto|wagen|voertuig|nummerplaat|kenteken|fahrzeug|kennzeichen|car|moto|camionnette|bestelwagen)/;

export function scanPlates(text: string): Match[] {
  return [...text.matchAll(PLATE_IN_TEXT)].map((m) => {
    const separated = m[0].includes('-');
    const vehicle = VEHICLE_WORDS.test(nearbyText(text, m.index!, m.index! + m[0].length));
    return { category: 'licence-plate' as const, confidence: (separated ? 0.6 : 0.45) + (vehicle ? 0.2 : 0), text: m[0], reason: 'Belgian licence plate (1-ABC-123)' };
  });
}
