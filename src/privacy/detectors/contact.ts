/**
 * E-mail addresses (validator's isEmail) and phone numbers (awesome-phonenumber, Google's
 * libphonenumber metadata: Belgian numbers written nationally "0…" or internationally "+32 / 0032",
 * fixed lines and 04xx mobiles, and numbers of other countries written with their "+" prefix).
 */
import { parsePhoneNumber } from 'awesome-phonenumber';
import validator from 'validator';
import { columnContext, nearbyText, PENALTY_NEGATIVE, snippetHasContext } from './context.ts';
import { clamp01, type Match, type ValueInput } from './match.ts';

/** E-mails found inside a text have no column of their own to give them context. */
const NO_CONTEXT = columnContext(undefined);

/**
 * Mailboxes of a service rather than of a person (info@, contact@ …): a list of schools or offices
 * with their contact addresses is not personal data.
 */
const ROLE_MAILBOX =
  /^(info|infos|information|contact|contacts|admin|administration|secretariat|secretariaat|sekretariat|onthaal|accueil|empfang|reception|noreply|no-reply|nepasrepondre|webmaster|support|helpdesk|service|services|dienst|office|bureau|mail|hello|bonjour|direction|directie|directeur|directrice|commune|gemeente|gemeinde|cpas|ocmw|police|politie|polizei|stad|ville|college|bourgmestre|burgemeester|echevin|schepen|greffe|griffie|presse|press|communication|communicatie|jobs|job|rh|hr|personnel|personeel|finances|financien|compta|comptabilite|boekhouding|facturation|facturatie|billing|invoice|factures|facturen|urbanisme|stedenbouw|environnement|milieu|travaux|werken|population|bevolking|etatcivil|burgerlijkestand|culture|cultuur|sport|sports|jeunesse|jeugd|bibliotheque|bibliotheek|ecole|school|mairie|inscriptions|inschrijvingen|reservation|reservations|reservatie|booking|events|evenements|news|newsletter|nieuwsbrief|postmaster|abuse|privacy|dpo|gdpr|rgpd|vie-privee|privacy-officer|klachten|plaintes|ombudsman|mediation|shop|sales|vente|verkoop|order|orders|commandes|bestellingen|team|staff|general|algemeen|central|centrale)(?:[._-][a-z0-9]+)*$/i;

export function email({ value, ctx }: ValueInput): Match | null {
  if (value.length > 254 || !value.includes('@') || /\s/.test(value)) return null;
  const v = value.replace(/^mailto:/i, '');
  if (!validator.isEmail(v)) return null;
  const local = v.slice(0, v.lastIndexOf('@'));
  const role = ROLE_MAILBOX.test(local);
  // firstname.lastname@ is the most personal shape; a service mailbox is reported but stays below the threshold.
  const base = role ? 0.3 : /^[a-z\u00c0-\u024f]+[._-][a-z\u00c0-\u024f]+\d*$/i.test(local) ? 0.95 : 0.85;
  const confidence = clamp01(base + (role ? 0 : ctx.boost.email));
  return { category: 'email', confidence, text: v, reason: role ? 'a service mailbox (info@, contact@ …)' : 'valid e-mail address', strong: !role };
}

/** What a written phone number may look like before libphonenumber parses it. */
const PHONE_SHAPE = /^(?:\+|00|\(0|0)[\d\s./()-]{6,20}$/;

function phoneScore(raw: string): { confidence: number; kind: string } | null {
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 8 || digits.length > 15) return null;
  // A call abroad is dialled "00" and the country code in one go: "00-201-…" is a reference.
  if (/^00/.test(raw)) {
    const group = /^\d+/.exec(raw)![0];
    if (group.length < 4 && !/^00[17]$/.test(group)) return null;
  }
  const international = /^(\+|00)/.test(raw);
  const p = parsePhoneNumber(raw.replace(/^00/, '+').replace(/\(0\)/, '').replace(/^\((0\d+)\)/, '$1'), { regionCode: 'BE' });
  if (!p.valid) return null;
  const type = p.type ?? 'unknown';
  // Toll-free, premium and shared-cost numbers belong to services, not to people.
  if (type === 'toll-free' || type === 'premium-rate' || type === 'shared-cost' || type === 'uan') return { confidence: 0.15, kind: `${type} number` };
  // "0477.123.456" is how enterprise numbers are grouped, never how people write a phone.
  if (/^0\d{3}\.\d{3}\.\d{3}$/.test(raw)) return null;
  let confidence = type === 'mobile' ? 0.75 : 0.6;
  // Digits alone, without a "+" or a separator, are as often codes as phone numbers.
  const bare = /^\d+$/.test(raw);
  if (bare && !(type === 'mobile' && /^04\d{8}$/.test(raw))) confidence -= 0.25;
  if (!international && p.regionCode !== 'BE') confidence -= 0.2;
  // "00" followed by another country than Belgium and dashes is more often a reference than a call.
  if (/^00/.test(raw) && p.regionCode !== 'BE') confidence -= 0.15;
  return { confidence, kind: `${p.regionCode === 'BE' ? 'Belgian' : p.regionCode} ${type === 'fixed-line-or-mobile' ? 'fixed or mobile' : type} number` };
}

export function phone({ value, ctx, integer }: ValueInput): Match | null {
  let v = value;
  // An integer column lost the trunk 0 of national numbers (470123456 was 0470123456).
  if (integer && /^[1-9]\d{7,8}$/.test(v) && ctx.boost.phone > 0) v = '0' + v;
  if (!PHONE_SHAPE.test(v)) return null;
  const s = phoneScore(v);
  if (!s) return null;
  const confidence = clamp01(s.confidence + (s.confidence > 0.2 ? ctx.boost.phone : 0) - (ctx.negative ? PENALTY_NEGATIVE : 0));
  return { category: 'phone', confidence, text: v, reason: `valid ${s.kind}`, strong: s.confidence > 0.2 };
}

const EMAIL_IN_TEXT = /[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}.-]{1,253}\.[\p{L}]{2,24}/gu;
/** A phone written in a text starts with + / 00 / 0 and has digits grouped by spaces, dots, slashes or dashes. */
const PHONE_IN_TEXT = /(?<![\w+/.-])(?:(?:\+|00)[1-9]\d{1,2}[ .]?(?:\(0\)[ .]?)?\d{1,3}|0[1-9]\d{0,2}|\(0[1-9]\d{0,2}\))(?:[ ./-]?\d{2,3}){2,4}(?![\w/-]|[.,]\d)/g;
/** Words near a number in a text that say it is a phone (stems: "appeler", "terugbellen", "bereikbaar" …). */
const PHONE_WORDS = /(appel|bell|contact|joindre|joignable|bereikbaar|anruf|call|\btel|gsm|phone|fax|portable|mobiel|numero|nummer)/;

export function scanContact(text: string): Match[] {
  const out: Match[] = [];
  if (text.includes('@')) {
    for (const m of text.matchAll(EMAIL_IN_TEXT)) {
      const found = email({ value: m[0].replace(/\.$/, ''), ctx: NO_CONTEXT });
      if (found) out.push(found);
    }
  }
  for (const m of text.matchAll(PHONE_IN_TEXT)) {
    const s = phoneScore(m[0]);
    if (!s) continue;
    const near = nearbyText(text, m.index!, m.index! + m[0].length);
    const ctx = snippetHasContext(near, 'phone') || PHONE_WORDS.test(near) ? 0.2 : 0;
    out.push({ category: 'phone', confidence: clamp01(s.confidence - 0.05 + (s.confidence > 0.2 ? ctx : 0)), text: m[0], reason: `valid ${s.kind}`, strong: s.confidence > 0.2 });
  }
  return out;
}

