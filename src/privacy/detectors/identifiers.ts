/**
 * Identifiers with check digits: Belgian national register (and BIS) numbers, enterprise numbers,
 * IBANs. The checks are stdnum's (`be.nn`, `be.bis`, `be.vat`: mod 97, with the "2" prefix for people
 * born from 2000 on and the +20/+40 months of BIS numbers) and validator's `isIBAN` (ISO 7064
 * mod 97-10 and each country's length and layout). A value with a bad check is not reported: a
 * random 11-digit number passes the register check about once in 97 times (less with the date), so
 * the check is most of the evidence.
 */
import stdnumPkg from 'stdnum';
import validator from 'validator';
import { nearbyText, PENALTY_NEGATIVE, snippetHasContext } from './context.ts';
import { clamp01, type Match, type ValueInput } from './match.ts';

const { stdnum } = stdnumPkg as unknown as { stdnum: Record<string, Record<string, { validate(v: string): { isValid: boolean } }>> };
const BE = stdnum.BE;

/** YY.MM.DD-SSS.CC as printed on identity cards, or the same with spaces, dashes or nothing between. */
const NN_SHAPE = /^(\d{2})[. -]?(\d{2})[. -]?(\d{2})[. -]?(\d{3})[. -]?(\d{2})$/;
const NN_FORMATTED = /^\d{2}\.\d{2}\.\d{2}[-. ]\d{3}[.-]\d{2}$|^\d{6}[- ]\d{3}[- ]\d{2}$/;

/** Whether 11 digits are a valid national register number or BIS number (stdnum's rules). */
export function isNationalRegisterNumber(digits: string): boolean {
  if (!/^\d{11}$/.test(digits)) return false;
  return BE.nn.validate(digits).isValid || BE.bis.validate(digits).isValid;
}

/** Whether 10 digits are a valid enterprise number: first digit 0 or 1, 97 - (first 8 mod 97) = last 2. */
export function isEnterpriseNumber(digits: string): boolean {
  return /^[01]\d{9}$/.test(digits) && BE.vat.validate(digits).isValid;
}

export function isIban(compact: string): boolean {
  return compact.length >= 15 && compact.length <= 34 && validator.isIBAN(compact);
}

export function nationalRegisterNumber({ value, ctx, integer }: ValueInput): Match | null {
  let v = value;
  // An integer column lost the leading zero of people born 2000-2009.
  if (integer && /^\d{10}$/.test(v)) v = '0' + v;
  const m = NN_SHAPE.exec(v);
  if (!m) return null;
  const digits = m.slice(1).join('');
  if (!isNationalRegisterNumber(digits)) return null;
  const formatted = NN_FORMATTED.test(v);
  const base = formatted ? 0.85 : 0.75;
  const confidence = clamp01(base + ctx.boost['national-register-number'] - (ctx.negative ? PENALTY_NEGATIVE : 0));
  return { category: 'national-register-number', confidence, text: v, reason: 'valid check digits', strong: true };
}

const ENT_SHAPE = /^(?:BE)?\s?(?:\(0\))?([01]?\d{3})[. ]?(\d{3})[. ]?(\d{3})$/i;
const ENT_FORMATTED = /^(?:BE\s?)?[01]\d{3}[. ]\d{3}[. ]\d{3}$|^BE\s?[01]\d{9}$/i;

export function enterpriseNumber({ value, ctx, integer }: ValueInput): Match | null {
  const m = ENT_SHAPE.exec(value);
  if (!m) return null;
  let digits = m.slice(1).join('');
  // Old numbers were written with 9 digits (the leading 0 implied); integer columns lose it too.
  if (digits.length === 9 && (integer || /^BE/i.test(value) || /\./.test(value) || ctx.boost['enterprise-number'] > 0)) digits = '0' + digits;
  if (!isEnterpriseNumber(digits)) return null;
  // Bare 10 digits starting with 0 are also how Belgian mobiles (04xx) and many codes are written.
  const base = ENT_FORMATTED.test(value) ? 0.7 : 0.4;
  const confidence = clamp01(base + ctx.boost['enterprise-number'] - (ctx.negative ? PENALTY_NEGATIVE : 0));
  return { category: 'enterprise-number', confidence, text: value, reason: 'valid check digits', strong: true };
}

const IBAN_SHAPE = /^[A-Z]{2}\d{2}[A-Z0-9 -]{11,40}$/i;

export function iban({ value, ctx }: ValueInput): Match | null {
  if (!IBAN_SHAPE.test(value)) return null;
  const compact = value.replace(/[ -]/g, '').toUpperCase();
  if (!isIban(compact)) return null;
  const confidence = clamp01(0.9 + ctx.boost.iban);
  return { category: 'iban', confidence, text: value, reason: 'valid IBAN check digits', strong: true };
}

// In free text: the same identifiers, found by shape, then checked.
const NN_IN_TEXT = /(?<![\d.-])\d{2}[. -]?\d{2}[. -]?\d{2}[. -]?\d{3}[. -]?\d{2}(?![\d])/g;
const ENT_IN_TEXT = /(?<![\d.])(?:BE\s?)?[01]\d{3}[. ]?\d{3}[. ]?\d{3}(?![\d])/gi;
const IBAN_IN_TEXT = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g;

export function scanIdentifiers(text: string): Match[] {
  const out: Match[] = [];
  for (const m of text.matchAll(NN_IN_TEXT)) {
    const digits = m[0].replace(/\D/g, '');
    if (!isNationalRegisterNumber(digits)) continue;
    const near = nearbyText(text, m.index!, m.index! + m[0].length);
    // Bare 11 digits in a sentence are as often an order or container code: they need a word like "NISS" nearby.
    const ctx = snippetHasContext(near, 'national-register-number') ? 0.3 : 0;
    out.push({ category: 'national-register-number', confidence: clamp01((NN_FORMATTED.test(m[0]) ? 0.8 : 0.45) + ctx), text: m[0], reason: 'valid check digits', strong: true });
  }
  for (const m of text.matchAll(ENT_IN_TEXT)) {
    const digits = m[0].replace(/^BE/i, '').replace(/\D/g, '');
    if (!isEnterpriseNumber(digits)) continue;
    const near = nearbyText(text, m.index!, m.index! + m[0].length);
    const ctx = snippetHasContext(near, 'enterprise-number') ? 0.3 : 0;
    out.push({ category: 'enterprise-number', confidence: clamp01((ENT_FORMATTED.test(m[0]) ? 0.55 : 0.3) + ctx), text: m[0], reason: 'valid check digits', strong: true });
  }
  for (const m of text.matchAll(IBAN_IN_TEXT)) {
    // The pattern may have taken a following word in capitals ("… 7034 BXL"): drop groups from the end.
    let candidate = m[0];
    while (candidate.replace(/ /g, '').length >= 15) {
      if (isIban(candidate.replace(/ /g, ''))) {
        out.push({ category: 'iban', confidence: 0.9, text: candidate, reason: 'valid IBAN check digits', strong: true });
        break;
      }
      const cut = candidate.lastIndexOf(' ');
      if (cut < 0) break;
      candidate = candidate.slice(0, cut);
    }
  }
  return out;
}
