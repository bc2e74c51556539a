/**
 * Person names. A cell is name-shaped when it is one to four capitalised words (particles such as
 * "van den", "de", "d'" allowed, initials "J." allowed), none of them a word that names a thing
 * (école, straat, asbl …) and no digits. The shape alone is weak evidence; first names from Statbel's
 * lists, common surnames and surname shapes make it stronger; the column's name (prénom, voornaam,
 * nom, naam …) and its neighbours' decide the rest, as Presidio's context words do.
 */
import { foldName, HONORIFICS, hasSurnameShape, isFirstName, isPlaceName, isSurname, NOT_NAME_WORDS, PARTICLES, SURNAME_PARTICLES, surnameMaxWords, surnameShape } from '../names.ts';
import { clamp01, type Match, type ValueInput } from './match.ts';

/** Dutch and German street names are one word ending in the street type (Kerkstraat, Beukenlaan). */
const STREET_WORD = /^[a-z'-]{2,}(straat|straatje|laan|steenweg|dreef|plein|kaai|singel|strasse|strae|platz|gasse)$/;
const WORD = /^[\p{Lu}\p{Ll}][\p{L}'’-]*$/u;
const INITIAL = /^\p{Lu}\.?(?:-\p{Lu}\.?)?$/u;

export interface NameAnalysis {
  /** Words that are not particles nor initials. */
  words: number;
  first: number;
  /** Surnames from the list (a multi-word surname counts once). */
  last: number;
  /** Words with a surname shape, not in the lists. */
  shaped: number;
  /** Of those, the ones whose shape is distinctive (Vandekerckhove, Bultinck, Xhonneux) or that follow a surname particle ("Van Hoecke"). */
  distinctive: number;
  initials: number;
  lowerCase: boolean;
}

/** The parts of a name-shaped cell, or null when the cell cannot be a person's name. */
/**
 * `context`: 'strong' when the column's name says it holds names of people (prénom, achternaam, titulaire),
 * 'weak' when it may (nom, naam, or beside a first-name column), null otherwise.
 */
export function analyseName(value: string, context: 'strong' | 'weak' | null = null): NameAnalysis | null {
  if (value.length < 2 || value.length > 80 || /[\d@#_/\\|:;!?=+*<>()[\]{}"]/u.test(value)) return null;
  const tokens = value
    .replace(/,/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  if (tokens.length === 0 || tokens.length > 7) return null;
  const lowerCase = value === value.toLowerCase();
  let initials = 0;
  const words: string[] = [];
  const kinds: ('particle' | 'initial' | 'word')[] = [];
  for (const t of tokens) {
    const f = foldName(t);
    if (INITIAL.test(t)) {
      initials++;
      kinds.push('initial');
      continue;
    }
    if (PARTICLES.has(f) || (/^[dl]['’]/i.test(t) && t.length > 2)) {
      kinds.push(/^[dl]['’]/i.test(t) && t.length > 2 ? 'word' : 'particle');
      if (kinds[kinds.length - 1] === 'word') words.push(t);
      continue;
    }
    if (!WORD.test(t)) return null;
    // In a mixed-case cell every word of a name is capitalised ("Jean Dupont", "DUPONT Jean").
    if (!lowerCase && t[0] === t[0].toLowerCase()) return null;
    if (NOT_NAME_WORDS.has(f) || f.split('-').some((p) => NOT_NAME_WORDS.has(p)) || STREET_WORD.test(f)) return null;
    words.push(t);
    kinds.push('word');
  }
  if (words.length === 0 || words.length > 4) return null;
  // A short run of capitals alone is an acronym (CPAS, SNCB), not a name, unless it is a listed name
  // (MAES, DE SMET) or the column's name says it holds names (TACK in a "NOM" column).
  const listedWord = (w: string) => isFirstName(w) || isSurname([w]);
  if (context === null && initials === 0 && words.every((w) => /^\p{Lu}{2,4}$/u.test(w)) && words.length <= 2 && !words.some(listedWord) && !isSurname(tokens)) return null;
  // A municipality's name alone ("Anvers") is a place, unless it is also a listed name ("Brecht") or the column is of names.
  if (tokens.length === 1 && context !== 'strong' && !listedWord(value) && isPlaceName(value)) return null;

  // Surnames of one to a few words, particles included ("Van den Broeck", "De Smet").
  let last = 0;
  const usedAsLast = new Set<number>();
  const max = surnameMaxWords();
  for (let i = 0; i < tokens.length; i++) {
    for (let n = Math.min(max, tokens.length - i); n >= 1; n--) {
      if (kinds[i + n - 1] !== 'word') continue;
      if (isSurname(tokens.slice(i, i + n))) {
        last++;
        for (let j = i; j < i + n; j++) usedAsLast.add(j);
        i += n - 1;
        break;
      }
    }
  }
  // A club or an office: an acronym beside a place ("RFC Liège", "KV Mechelen"), unless a listed surname explains it ("VAN DAMME").
  const acronym = (t: string) => /^\p{Lu}{2,4}$/u.test(t) && !PARTICLES.has(foldName(t)) && !listedWord(t);
  if (last === 0 && tokens.length >= 2 && tokens.some(acronym) && tokens.some((t) => isPlaceName(t))) return null;
  // "Standard de Liège", "Maison de Namur": words around a municipality, none of them a listed name.
  if (last === 0 && tokens.length >= 2 && tokens.some((t) => isPlaceName(t)) && !tokens.some((t) => isFirstName(t))) return null;
  let first = 0;
  let shaped = 0;
  let distinctive = 0;
  tokens.forEach((t, i) => {
    if (kinds[i] !== 'word') return;
    if (isFirstName(t)) first++;
    else if (!usedAsLast.has(i)) {
      // "Van Hoecke", "Van der Meersch", "Vanden Bossche": a run of particles that begins like a surname.
      let j = i - 1;
      let afterParticle = false;
      while (j >= 0 && kinds[j] === 'particle') afterParticle ||= SURNAME_PARTICLES.has(foldName(tokens[j--]));
      const shape = afterParticle ? 'distinctive' : surnameShape(t);
      if (shape) shaped++;
      if (shape === 'distinctive') distinctive++;
    }
  });
  return { words: words.length, first, last, shaped, distinctive, initials, lowerCase };
}

/** The cell's own evidence, before context. */
function baseScore(a: NameAnalysis): { score: number; reason: string; listed: boolean } {
  const listed = a.first > 0 || a.last > 0;
  if (a.words >= 2) {
    if (a.first >= 1 && a.last >= 1) return { score: 0.8, reason: 'a listed first name and surname', listed };
    if (a.first >= 1) return { score: a.shaped > 0 ? 0.7 : 0.65, reason: 'a listed first name with another name', listed };
    if (a.last >= 1) return { score: 0.5, reason: 'a listed surname with another name', listed };
    // Several capitalised words none of which names a thing (those were rejected above).
    if (a.shaped >= 1) return { score: 0.35, reason: 'capitalised words, one with a surname shape', listed };
    return { score: 0.3, reason: 'capitalised words', listed };
  }
  if (a.initials > 0) {
    if (a.last > 0) return { score: 0.7, reason: 'an initial and a listed surname', listed };
    return { score: a.shaped > 0 ? 0.5 : 0.4, reason: 'an initial and a name', listed };
  }
  if (a.first > 0 && a.last > 0) return { score: 0.4, reason: 'a word listed as first name and surname', listed };
  if (a.first > 0) return { score: 0.35, reason: 'a listed first name', listed };
  if (a.last > 0) return { score: 0.4, reason: 'a listed surname', listed };
  // A distinctive shape alone is not enough (0.3), but it is in a column named nom/naam/name.
  if (a.distinctive > 0) return { score: 0.3, reason: 'a word with a distinctive surname shape', listed };
  if (a.shaped > 0) return { score: 0.2, reason: 'a word with a surname shape', listed };
  return { score: 0.1, reason: 'a capitalised word', listed };
}

export function personName({ value, ctx }: ValueInput): Match | null {
  const strong = ctx.nameKind !== null || ctx.named.some((n) => n.category === 'person-name' && n.strength === 'strong');
  const a = analyseName(value, strong ? 'strong' : ctx.boost['person-name'] > 0 || ctx.neighbourFirstName ? 'weak' : null);
  if (!a) return null;
  const { score, reason, listed } = baseScore(a);
  let boost = ctx.boost['person-name'];
  // The column's kind of name fits the cell: a single first name in a "prénom" column, a single word in "achternaam".
  const single = a.words === 1 && a.initials === 0;
  // The column's name says which name it holds (prénom, achternaam, nom complet): a cell of that shape is one.
  if (((ctx.nameKind === 'first' || ctx.nameKind === 'last') && single) || (ctx.nameKind === 'full' && a.words >= 2)) boost *= 1.5;
  // Next to a first-name column a single word is most likely the surname, and the reverse.
  if (single && ((ctx.neighbourFirstName && ctx.nameKind !== 'first') || (ctx.neighbourLastName && a.first > 0))) boost += 0.2;
  const confidence = clamp01(score + boost - (a.lowerCase ? 0.1 : 0));
  return { category: 'person-name', confidence, text: value, reason, strong: listed };
}

const CAP_WORD = String.raw`\p{Lu}[\p{Ll}'’]+(?:-\p{Lu}[\p{Ll}'’]+)?`;
const UPPER_WORD = String.raw`\p{Lu}{2,}(?:-\p{Lu}{2,})?`;
const PARTICLE_TEXT = String.raw`(?:(?:[Vv]an|[Dd]e|[Dd]en|[Dd]er|[Dd]u|[Ll]e|[Ll]a|[Vv]on|[Ee]l)\s+){0,3}`;
const HONORIFIC_NAME = new RegExp(HONORIFICS.source + String.raw`(${CAP_WORD}(?:\s+${PARTICLE_TEXT}(?:${CAP_WORD}|${UPPER_WORD})){0,2}|${UPPER_WORD})`, 'gu');
// The surname is read ahead without being consumed: in "Plainte de Stefaan Vermeulen" the pair
// "Plainte de Stefaan" must not swallow "Stefaan".
const NAME_SEQUENCE = new RegExp(String.raw`(?<![\p{L}'’-])(${CAP_WORD})(?=(\s+${PARTICLE_TEXT}(?:${CAP_WORD}|${UPPER_WORD}))(?![\p{L}'’-]))`, 'gu');
const UPPER_THEN_FIRST = new RegExp(String.raw`(?<![\p{L}'’-])(${UPPER_WORD})\s+(${CAP_WORD})(?![\p{L}'’-])`, 'gu');

/** Person names inside a text: after an honorific, or a listed first name followed by a surname. */
export function scanNames(text: string): Match[] {
  const out: Match[] = [];
  for (const m of text.matchAll(HONORIFIC_NAME)) {
    const name = m[1];
    if (foldName(name).split(/\s+/).some((w) => NOT_NAME_WORDS.has(w))) continue;
    out.push({ category: 'person-name', confidence: 0.7, text: name, reason: 'a name after an honorific (M., Mme, Dhr., Mevr. …)', strong: true });
  }
  for (const m of text.matchAll(NAME_SEQUENCE)) {
    const [, firstWord, rest] = m;
    if (!isFirstName(firstWord)) continue;
    const whole = firstWord + rest;
    const lastWords = rest.trim().split(/\s+/);
    const lastWord = lastWords[lastWords.length - 1];
    if (!/^\p{Lu}/u.test(lastWord) || NOT_NAME_WORDS.has(foldName(lastWord)) || isFirstName(lastWord) && !isSurname([lastWord])) continue;
    const listed = isSurname(lastWords);
    out.push({ category: 'person-name', confidence: listed ? 0.65 : hasSurnameShape(lastWord) ? 0.55 : 0.45, text: whole, reason: 'a listed first name followed by a surname', strong: listed });
  }
  for (const m of text.matchAll(NAME_SEQUENCE)) {
    // An unlisted first name before a listed surname ("Tomasz Goossens").
    const [, firstWord, rest] = m;
    const lastWords = rest.trim().split(/\s+/);
    if (isFirstName(firstWord) || NOT_NAME_WORDS.has(foldName(firstWord)) || !isSurname(lastWords) || lastWords.length > 1 && isFirstName(lastWords[0])) continue;
    out.push({ category: 'person-name', confidence: 0.5, text: firstWord + rest, reason: 'a capitalised word followed by a listed surname', strong: true });
  }
  for (const m of text.matchAll(UPPER_THEN_FIRST)) {
    if (!isFirstName(m[2]) || NOT_NAME_WORDS.has(foldName(m[1]))) continue;
    out.push({ category: 'person-name', confidence: isSurname([m[1]]) ? 0.7 : 0.55, text: m[0], reason: 'a surname in capitals and a listed first name', strong: true });
  }
  return out;
}
