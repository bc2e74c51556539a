/**
 * Street addresses with a house number, as written in Belgium: "Rue de la Loi 16", "16 rue de la Loi",
 * "Kerkstraat 12A bus 3", "Hauptstraße 5", optionally followed by ", 1000 Bruxelles". A street name
 * without a number is not an address of someone (streets lists are common open data); it counts
 * only next to a house-number column.
 */
import { PENALTY_NEGATIVE } from './context.ts';
import { clamp01, type Match, type ValueInput } from './match.ts';

const FR_TYPES =
  'rue|r\\.|avenue|av\\.?|boulevard|bd|bld|chauss[ée]e|ch[ée]e|ch\\.|place|pl\\.|chemin|all[ée]e|impasse|quai|route|rte|square|sentier|dr[èe]ve|clos|rond-point|galerie|passage|rempart|voie|venelle|cour|parvis|thier|ruelle|cit[ée]|r[ée]sidence|faubourg|mont[ée]e|esplanade|promenade|cours|hameau|tienne|trieu|via|piazza';
const NL_DE_SUFFIXES =
  'straat|straatje|laan|lei|steenweg|weg|wegel|plein|pleintje|dreef|kaai|markt|singel|baan|dijk|hof|pad|vest|wal|gracht|park|berg|veld|velden|kouter|hoek|dorp|ring|vliet|dam|heide|akker|bos|meers|dries|gaanderij|reke|stra(?:ss|ß)e|str\\.|platz|gasse|allee|street|road|lane';
const HOUSE = String.raw`\d{1,4}(?:\s?[a-zA-Z](?![\p{L}]))?(?:\s*(?:[-/]\s*\d{1,4})?)(?:\s*,?\s*(?:bte|bo[îi]te|bus|box|b\.|app\.?|appt|/)\s*[\w.]{1,6})?`;
const POSTCODE_TOWN = String.raw`(?:\s*[,-]?\s*(?:B-?\s?)?[1-9]\d{3}\s+[\p{L}][\p{L}' .()-]{1,40})?`;

const FR_NUMBER_AFTER = new RegExp(String.raw`^(?:${FR_TYPES})\s+[^\d,;]{2,60}?\s*,?\s*(?:n°\s*)?(${HOUSE})(${POSTCODE_TOWN})$`, 'iu');
const FR_NUMBER_BEFORE = new RegExp(String.raw`^(${HOUSE}),?\s+(?:${FR_TYPES})\s+[^\d,;]{2,60}?(${POSTCODE_TOWN})$`, 'iu');
const NL_NUMBER_AFTER = new RegExp(String.raw`^[\p{L}' .-]{0,50}?(?:${NL_DE_SUFFIXES})\s*,?\s*(?:nr\.?\s*)?(${HOUSE})(${POSTCODE_TOWN})$`, 'iu');
/** Without a number only unambiguous street words count: "-berg", "-bos", "-veld" end many surnames. */
const STREET_SUFFIXES = 'straat|straatje|laan|steenweg|dreef|plein|kaai|singel|lei|stra(?:ss|ß)e|platz|gasse';
// Abbreviations ("r.", "av.") are left out here: "R. Haesaert" is a person.
const FR_FULL_TYPES = FR_TYPES.split('|').filter((t) => !t.includes('\\.')).join('|');
const STREET_ONLY = new RegExp(String.raw`^(?:(?:${FR_FULL_TYPES})\s+[^\d,;]{2,60}|[\p{L}' .-]{0,50}?(?:${STREET_SUFFIXES}))$`, 'iu');

export function streetAddress({ value, ctx }: ValueInput): Match | null {
  if (value.length > 140) return null;
  const boost = ctx.boost['street-address'];
  const m = FR_NUMBER_AFTER.exec(value) ?? FR_NUMBER_BEFORE.exec(value) ?? NL_NUMBER_AFTER.exec(value);
  if (m) {
    const withTown = (m[2] ?? '').trim() !== '';
    const confidence = clamp01((withTown ? 0.7 : 0.6) + boost - (ctx.negative ? PENALTY_NEGATIVE : 0));
    return { category: 'street-address', confidence, text: value, reason: withTown ? 'a street, house number and postcode' : 'a street and house number', strong: true };
  }
  if (STREET_ONLY.test(value)) {
    // A street name alone is not where someone lives; next to a house-number column it is half an address.
    const confidence = clamp01(0.15 + (ctx.neighbourHouseNumber ? 0.4 : 0) + Math.min(boost, 0.1));
    return { category: 'street-address', confidence, text: value, reason: ctx.neighbourHouseNumber ? 'a street next to a house-number column' : 'a street name without a number' };
  }
  return null;
}

// In a text: a street type followed by a capitalised name and a number, or a Dutch/German street word and a number.
/** "rue" or "Rue" but not "RUE DE" in a shouted title: the first letter in either case. */
const eitherCase = (words: string[]) => words.map((w) => `[${w[0].toUpperCase()}${w[0]}]${w.slice(1)}`).join('|');
const FR_TEXT_TYPES = eitherCase(['rue', 'avenue', 'av\\.', 'boulevard', 'bd', 'chauss[ée]e', 'chemin', 'all[ée]e', 'impasse', 'quai', 'square', 'dr[èe]ve', 'clos', 'sentier', 'place']);
const FR_IN_TEXT = new RegExp(
  String.raw`(?<![\p{L}])(?:${FR_TEXT_TYPES})\s+(?:(?:de|du|des|la|le|aux?)\s+|[ld]['’])*[\p{Lu}][\p{L}'’-]+(?:\s+[\p{Lu}\p{Ll}][\p{L}'’-]+){0,4}?\s*,?\s*(?:n°\s*)?\d{1,4}[a-zA-Z]?(?![\d\p{L}])`,
  'gu',
);
/** The number first, as French also writes it: "136, drève de la Station". */
const FR_NUMBER_FIRST_IN_TEXT = new RegExp(
  String.raw`(?<![\d\p{L}])\d{1,4}[a-zA-Z]?,?\s+(?:${FR_TEXT_TYPES})\s+(?:(?:de|du|des|la|le|aux?)\s+|[ld]['’])*[\p{Lu}][\p{L}'’-]+`,
  'gu',
);
// One word ending in the street type (Kerkstraat 12), or a word before a separate one (Grote Markt 1, Aachener Straße 5).
const NL_ONE_WORD = String.raw`[\p{Lu}][\p{L}-]{1,40}(?:straat|laan|lei|steenweg|weg|plein|dreef|kaai|markt|singel|baan|dijk|stra(?:ss|ß)e|platz|gasse)`;
const NL_TWO_WORDS = String.raw`[\p{Lu}][\p{L}-]+\s+(?:Markt|Plein|Straße|Strasse|Platz|Weg|Steenweg|Laan|Dreef|Kaai|Lei)`;
const NL_IN_TEXT = new RegExp(String.raw`(?<![\p{L}])(?:${NL_ONE_WORD}|${NL_TWO_WORDS})\s+(?:nr\.?\s*)?\d{1,4}[a-zA-Z]?(?![\d\p{L}])`, 'gu');

export function scanAddresses(text: string): Match[] {
  const out: Match[] = [];
  for (const re of [FR_IN_TEXT, FR_NUMBER_FIRST_IN_TEXT, NL_IN_TEXT]) {
    for (const m of text.matchAll(re)) out.push({ category: 'street-address', confidence: 0.6, text: m[0], reason: 'a street and house number', strong: true });
  }
  return out;
}
