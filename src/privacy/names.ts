/**
 * The name lists of the person-name detector: Belgian first names (reference/firstnames-be.txt, built
 * from Statbel's first-name statistics by scripts/build-firstnames.ts) and common Belgian surnames
 * (reference/surnames-be.txt, hand-compiled: see its header), plus the surname shapes of the
 * country's languages. Lists are read once, on first use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REFERENCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../reference');

/** Lower-case without accents, for lookups that forgive a missing accent ("Lea" for "Léa"). */
export function foldName(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[’`]/g, "'");
}

interface Lists {
  first: Set<string>;
  last: Set<string>;
  /** The first words of multi-word surnames ("van den broeck" -> "van"), to try longer sequences. */
  lastMaxWords: number;
}

let lists: Lists | null = null;

function readList(file: string): string[] {
  return fs
    .readFileSync(path.join(REFERENCE, file), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

function load(): Lists {
  if (lists) return lists;
  const first = new Set(readList('firstnames-be.txt').map(foldName));
  const lastNames = readList('surnames-be.txt').map(foldName);
  lists = { first, last: new Set(lastNames), lastMaxWords: Math.max(...lastNames.map((n) => n.split(' ').length)) };
  return lists;
}

/** Whether a word (or hyphenated word: "Marie-Claire", "Jean-Pierre") is a known first name. */
export function isFirstName(word: string): boolean {
  const f = foldName(word);
  const l = load();
  if (l.first.has(f)) return true;
  const parts = f.split('-');
  return parts.length > 1 && parts.every((p) => l.first.has(p));
}

/** Whether words (already split, particles included: ["Van", "den", "Broeck"]) are a known surname. */
export function isSurname(words: string[]): boolean {
  return load().last.has(foldName(words.join(' ')));
}

export function surnameMaxWords(): number {
  return load().lastMaxWords;
}

/** Particles that start or join surnames in Belgium's languages (Van den Broeck, de Smet, d'Hondt, El Amrani). */
export const PARTICLES = new Set([
  'van', 'vande', 'vanden', 'vander', 'de', 'den', 'der', 'des', 'du', 'le', 'la', 'les', "d'", "l'", 'von', 'vom', 'zu', 'ter', 'ten', 'te', "'t",
  'op', 'in', 'het', 'di', 'da', 'del', 'della', 'dos', 'das', 'el', 'al', 'ben', 'bin', 'ibn', 'abou', 'abu', 'mac', 'mc', "o'", 'y',
]);

/**
 * Surname shapes frequent in Belgium and rare in ordinary words, in two tiers. Measured on the
 * Debian word lists (wfrench, wdutch, wngerman, wbritish: 340k, 348k, 232k and 63k words; see
 * docs/privacy-accuracy.md), a *distinctive* shape matches at most 0.4% of the words of any of the
 * four languages: the Flemish "Van-" written as one word (Vandekerckhove), patronymic and toponymic
 * endings (Janssens, Standaert, Bultinck, Casteleyn, Hendrickx, Vanhaverbeke), Walloon spellings
 * (Xhonneux, Hanquet, Glorieux, Frippiat, Rasquin) and Slavic or Romanian endings (Kowalski,
 * Popović, Ionescu). A *common* shape is frequent in ordinary words too (de-, le-, ver- prefixes:
 * 3 to 11% of French or Dutch words; -ens, -ers, -ier, -eau endings): it adds little.
 */
const DISTINCTIVE_SHAPES = [
  /^(van|vande|vanden|vander|vanne)[a-z]{3,}$/,
  /[a-z]{2,}(ssens|aerts|aert|eels|ckx|cx|kx|eeck|aeck|oeck|ynck|yncke|inck|ijck|yck|aeys|aey|uyts|uys|eyns|eyn|aes)$/,
  /[a-z]{2,}(ckaert|ghem|eghe|erghe|oecke|aecke|eecke|ercke|aele|aere|aeve|aegen|hove|ebeke|beke)$/,
  /^xh|[a-df-z]xh/,
  /[a-z]{3,}(ski|ska|wicz|czyk|czak|escu|oglu|ovic|evic|enko|idis|ov|ova|mann)$/,
];
const COMMON_SHAPES = [
  /^(ver|de|del|des|le|la|du|d')[a-z]{3,}$/,
  /[a-z]{2,}(sens|mans|mens|ghe|ghes|oens|ings|ers|ens)$/,
  /[a-z]{3,}(eau|eaux|ault|oux|eux|ieux|ier|iers|otte|ez|ard|quet|quin|iat|sen|sson|ev|eva|ller)$/,
];

/**
 * Letters that French, Dutch and German never write (Turkish ı ğ ş, Polish ł ą ę ś ż ź ć ń, Czech
 * and Slovak ř ě ů, Romanian ș ț, Croatian đ č ž ć, Hungarian ő ű): in a word of a name column
 * they mark a surname of a family from elsewhere ("Aydın", "Wiśniewski", "Popović").
 */
const FOREIGN_LETTERS = /[ıİğĞşŞłŁąĄęĘśŚżŻźŹćĆńŃřŘěĚůŮșȘțȚşđĐčČžŽőŐűŰ]/u;

/** How much a word's spelling says it is a surname: 'distinctive', 'common' or null. */
export function surnameShape(word: string): 'distinctive' | 'common' | null {
  if (FOREIGN_LETTERS.test(word) && word.length >= 3) return 'distinctive';
  const f = foldName(word);
  if (f.length < 4) return null;
  if (DISTINCTIVE_SHAPES.some((re) => re.test(f))) return 'distinctive';
  return COMMON_SHAPES.some((re) => re.test(f)) ? 'common' : null;
}

export function hasSurnameShape(word: string): boolean {
  return surnameShape(word) !== null;
}

/**
 * Particles that begin a surname and hardly anything else when followed by a capitalised word
 * ("Van Hoecke", "Vanden Bossche", "Ter Beek", "El Idrissi"); "De", "Le", "La" also begin names of
 * things ("De Lijn", "La Poste") and are not among them.
 */
export const SURNAME_PARTICLES = new Set(['van', 'vande', 'vanden', 'vander', 'von', 'vom', 'ter', 'ten', 'el', 'ben', 'bin', 'ibn', 'abou', 'abu', 'mac', 'mc', "o'", 'dos', 'da', 'di', 'del', 'della']);

/**
 * Words that are never part of a person's name in a name-like cell: organisations, places, buildings,
 * street types, titles of things. A cell holding one is a name of something else ("École Saint-Joseph",
 * "Parc Josaphat", "Cercle Royal").
 */
export const NOT_NAME_WORDS = new Set(
  (
    'rue straat strasse straße avenue boulevard chaussee chaussée steenweg place plein platz laan lei dreef chemin weg allee allée ' +
    'impasse quai square kaai drève dreve clos sentier ruelle venelle parvis galerie passage rempart esplanade promenade faubourg markt marche marché parc park jardin tuin garten bois bos foret forêt wald domaine domein chateau château kasteel schloss ' +
    'ecole école school schule athenee athénée lycee lycée college collège institut instituut institute universite université universiteit university ' +
    'academie académie academy campus creche crèche kinderdagverblijf kindergarten kleuterschool basisschool ' +
    'eglise église kerk kirche chapelle kapel kapelle cathedrale cathédrale kathedraal basilique basiliek abbaye abdij abtei couvent klooster ' +
    'musee musée museum bibliotheque bibliothèque bibliotheek library mediatheque médiathèque theatre théâtre theater cinema cinéma ' +
    'hopital hôpital ziekenhuis krankenhaus clinique kliniek klinik hospital pharmacie apotheek apotheke maison huis haus home house residence résidence ' +
    'centre center centrum zentrum salle zaal saal hall halle stade stadion stadium piscine zwembad schwimmbad terrain terrein sporthal sportcentrum ' +
    'commune gemeente gemeinde ville stad stadt city province provincie provinz region région gewest land pays country ' +
    'asbl vzw vog sa nv srl bv sprl bvba scrl cvba sc cv sca comm gie ltd inc gmbh ag llc plc sas sarl eurl ' +
    'fc rfc kv kvc kfc rsc rcs sk ksk hc bc vc rc afc ksv ' +
    'cpas ocmw ocmw cpas police politie polizei pompiers brandweer feuerwehr zone service dienst administration administratie verwaltung ' +
    'club cercle kring verein vereniging association federation fédération federatie ligue liga union unie fondation stichting stiftung ' +
    'groupe groep gruppe team equipe équipe ploeg societe société company bedrijf firma entreprise onderneming ' +
    'saint sainte st ste sint sankt heilige notre dame royal royale koninklijk koninklijke ' +
    'hotel hôtel restaurant cafe café brasserie taverne bar snack friterie frituur boulangerie bakkerij boucherie slagerij magasin winkel shop ' +
    'librairie boekhandel buchhandlung supermarche supermarché supermarkt pharmacie drogisterij kapsalon coiffure garage ' +
    'gare station bahnhof arret arrêt halte parking garage depot dépôt entrepot entrepôt atelier werkplaats usine fabriek fabrik ' +
    'cimetiere cimetière begraafplaats friedhof monument memorial mémorial statue standbeeld ' +
    'pont brug brücke tunnel ring route autoroute snelweg canal kanaal riviere rivière rivier fleuve beek ruisseau etang étang vijver lac meer ' +
    'mont val vallee vallée vallei cote côte colline heuvel plaine vlakte mer zee ' +
    'quartier wijk viertel cite cité lotissement verkaveling zoning industriepark ' +
    'projet project programme programma plan rapport report budget total totaal gesamt autres andere other divers diverse ' +
    'inconnu onbekend unbekannt unknown neant néant geen keine none aucun nvt n.v.t. na ' +
    'nord noord north sud zuid south est oost east ouest west centre-ville ' +
    'lundi mardi mercredi jeudi vendredi samedi dimanche maandag dinsdag woensdag donderdag vrijdag zaterdag zondag ' +
    'janvier fevrier février avril juin juillet aout août septembre octobre novembre decembre décembre januari februari maart mei juni juli augustus oktober ' +
    'bibliotheek sporthal jeugdhuis jeugdhuis maison ateliers gemeenschapscentrum cultuurcentrum centre culturel ' +
    'the of and et en und het een une des les aux pour voor für for with avec met mit sur op auf sans zonder ohne ' +
    'arbre boom baum tilleul linde chene chêne eik eiche hetre hêtre beuk platane plataan erable érable esdoorn marronnier kastanje'
  )
    .split(/\s+/)
    .filter(Boolean)
    .map(foldName),
);

let places: Set<string> | null = null;

/** Whether a value is the name of a Belgian municipality (reference/communes.csv, any language). */
export function isPlaceName(value: string): boolean {
  if (!places) {
    places = new Set();
    const lines = fs.readFileSync(path.join(REFERENCE, 'communes.csv'), 'utf8').split('\n').slice(1);
    for (const line of lines) for (const name of line.split(',').slice(1, 4)) if (name) places.add(foldName(name.trim()));
  }
  return places.has(foldName(value.trim()));
}

/** Honorifics before a name in a text (M. Dupont, Mevr. Peeters, Herr Schmitz). */
export const HONORIFICS = /(?<![\p{L}])(?:M\.|MM\.|Mme|Mmes|Mlle|Monsieur|Madame|Mademoiselle|Dhr\.?|Mevr\.?|Mevrouw|Meneer|Mijnheer|Juffrouw|Herr|Frau|Mr\.?|Mrs\.?|Ms\.?|Miss|Dr\.?|Docteur|Dokter|Me|Maître|Meester)\s+/u;
