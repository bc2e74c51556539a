/**
 * Context words, as Presidio uses them: a word in the column's own name (or, more weakly, in a
 * neighbouring column's name) raises the confidence of a category; words that name what is not
 * personal (invoices, orders, references) lower it. Names are compared as folded words (lower-case,
 * accents removed, camelCase and separators split), so "nom" never matches inside "nombre" and
 * "naam" only matches the Dutch compounds listed for it.
 */
import type { PersonalCategory } from '../types.ts';

/** Lower-case, accents removed, letters and digits only, words separated by single spaces. */
export function foldText(s: string): string {
  return s
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

interface ContextWords {
  /** Words or phrases (folded) that say the column holds the category. */
  strong: string[];
  /** Words that make it likely but are also used for things (nom, naam, name ...). */
  weak?: string[];
}

const CONTEXT: Record<PersonalCategory, ContextWords> = {
  'national-register-number': {
    strong: [
      'niss', 'inss', 'insz', 'rrn', 'nn', 'rijksregisternummer', 'rijksregister', 'registre national', 'numero national',
      'numero de registre national', 'numero national', 'national number', 'national register', 'national registry',
      'nationalregisternummer', 'nationalregister', 'ssin', 'bis', 'numero bis', 'bisnummer', 'identificatienummer sociale zekerheid',
      'numero de securite sociale', 'social security number', 'rijksregisternr', 'rr nr', 'rrnr', 'nrn',
    ],
  },
  'enterprise-number': {
    strong: [
      'bce', 'kbo', 'btw', 'tva', 'vat', 'ust', 'mwst', 'ondernemingsnummer', 'numero d entreprise', 'numero entreprise',
      'n entreprise', 'enterprise number', 'company number', 'unternehmensnummer', 'btw nummer', 'numero tva', 'vat number',
      'kbo nummer', 'numero bce', 'ondernemingsnr',
    ],
  },
  iban: {
    strong: [
      'iban', 'bic', 'compte', 'compte bancaire', 'numero de compte', 'rekening', 'rekeningnummer', 'bankrekening', 'konto',
      'kontonummer', 'bank account', 'account number', 'bankverbindung', 'rekeningnr',
    ],
  },
  email: {
    weak: ['contact', 'coordonnees', 'contactgegevens', 'kontakt', 'kontaktdaten', 'contact details'],
    strong: ['email', 'e mail', 'mail', 'courriel', 'adresse electronique', 'adresse mail', 'e mailadres', 'emailadres', 'mailadres', 'mel'],
  },
  phone: {
    strong: [
      'telephone', 'tel', 'telefoon', 'telefoonnummer', 'telefon', 'telefonnummer', 'phone', 'gsm', 'mobile', 'mobiel', 'portable',
      'handy', 'fax', 'numero de telephone', 'tel nr', 'telnr', 'gsm nr', 'cell', 'mobilnummer', 'contact telephonique',
    ],
    weak: ['contact', 'coordonnees', 'contactgegevens', 'kontakt', 'kontaktdaten', 'contact details', 'joignable', 'bereikbaar'],
  },
  'licence-plate': {
    strong: [
      'plaque', 'immatriculation', 'plaque d immatriculation', 'nummerplaat', 'kenteken', 'kennzeichen', 'licence plate', 'license plate',
      'plate', 'registration', 'inschrijvingsplaat', 'nummerplaat voertuig', 'numero de plaque', 'autokennzeichen', 'nummerplaten',
    ],
  },
  'date-of-birth': {
    strong: [
      'date de naissance', 'naissance', 'ne le', 'nee le', 'ddn', 'geboortedatum', 'geboren', 'geboren op', 'geboorte', 'geburtsdatum',
      'geburt', 'geboren am', 'birth', 'birthdate', 'date of birth', 'dob', 'born', 'birthday', 'verjaardag', 'anniversaire', 'gebdat',
    ],
  },
  'street-address': {
    strong: [
      'adresse', 'adres', 'address', 'anschrift', 'domicile', 'domicilie', 'woonplaats', 'woonadres', 'domicilieadres', 'residence',
      'adresse postale', 'postadres', 'wohnort', 'wohnadresse', 'verblijfplaats', 'adresse du domicile',
    ],
    weak: ['rue', 'straat', 'strasse', 'street', 'rue et numero', 'straat en nummer', 'voie', 'lieu'],
  },
  'person-name': {
    strong: [
      'prenom', 'voornaam', 'vorname', 'first name', 'firstname', 'given name', 'givenname', 'forename', 'nom de famille', 'achternaam',
      'familienaam', 'familiennaam', 'nachname', 'familienname', 'surname', 'last name', 'lastname', 'family name', 'nom complet',
      'volledige naam', 'full name', 'fullname', 'nom prenom', 'naam voornaam', 'nom et prenom', 'naam en voornaam', 'nom de jeune fille',
      'meisjesnaam', 'geburtsname', 'maiden name', 'titulaire', 'demandeur', 'requerant', 'aanvrager', 'bewoner', 'habitant', 'patient',
      'beneficiaire', 'begunstigde', 'eigenaar', 'proprietaire', 'locataire', 'huurder', 'contactpersoon', 'personne de contact',
      'contact person', 'ansprechpartner', 'deelnemer', 'participant', 'eleve', 'leerling', 'student', 'etudiant', 'inwoner', 'client',
      'klant', 'kunde', 'auteur', 'declarant', 'overledene', 'defunt', 'conjoint', 'echtgenoot', 'partner', 'roepnaam', 'naam persoon',
      'nom de la personne', 'name der person', 'person',
    ],
    weak: ['nom', 'naam', 'name', 'contact', 'responsable', 'verantwoordelijke', 'gerant', 'zaakvoerder', 'agent', 'medewerker', 'personnel', 'personeel'],
  },
  'free-text-personal': {
    strong: [],
    weak: [
      'commentaire', 'commentaires', 'remarque', 'remarques', 'opmerking', 'opmerkingen', 'description', 'beschrijving', 'omschrijving',
      'bemerkung', 'kommentar', 'comment', 'comments', 'notes', 'note', 'observations', 'motif', 'reden', 'message', 'bericht', 'texte', 'tekst',
    ],
  },
};

/**
 * Words in a column name that say its values are references of things, not people: they lower the
 * confidence of identifier-like categories (an 11-digit invoice number is not a register number).
 */
const NEGATIVE = [
  'facture', 'factuur', 'invoice', 'rechnung', 'reference', 'ref', 'referentie', 'commande', 'bestelling', 'order', 'bestellung',
  'ticket', 'dossier', 'ean', 'gtin', 'barcode', 'code barre', 'streepjescode', 'article', 'artikel', 'produit', 'product', 'lot',
  'batch', 'serie', 'serial', 'transaction', 'transactie', 'bon', 'bordereau', 'contrat', 'contract', 'vertrag', 'compteur', 'meter',
  'ean code', 'parcelle', 'perceel', 'cadastre', 'kadaster', 'montant', 'bedrag', 'amount', 'betrag', 'prix', 'prijs', 'price',
  'annee', 'jaar', 'year', 'jahr', 'total', 'totaal', 'id', 'nis', 'refnis',
];

/** Names that look like person-name context but are about things ("nom de la rue", "straatnaam"). */
const THING_WORDS = new Set([
  'rue', 'straat', 'strasse', 'street', 'ecole', 'school', 'schule', 'commune', 'gemeente', 'gemeinde', 'ville', 'stad', 'city', 'localite',
  'entreprise', 'bedrijf', 'firma', 'societe', 'company', 'organisation', 'organisatie', 'organization', 'association', 'vereniging',
  'asbl', 'vzw', 'club', 'projet', 'project', 'produit', 'product', 'fichier', 'bestand', 'file', 'dataset', 'jeu', 'service', 'dienst',
  'etablissement', 'instelling', 'batiment', 'gebouw', 'building', 'lieu', 'plaats', 'place', 'site', 'parc', 'park', 'quartier', 'wijk',
  'province', 'provincie', 'region', 'gewest', 'pays', 'land', 'country', 'espece', 'soort', 'species', 'arbre', 'boom', 'tree', 'route',
  'ligne', 'lijn', 'line', 'arret', 'halte', 'stop', 'station', 'gare', 'evenement', 'event', 'activite', 'activiteit', 'categorie',
  'category', 'type', 'theme', 'thema', 'document', 'rapport', 'indicateur', 'indicator', 'variable', 'champ', 'veld', 'field', 'colonne',
  'kolom', 'column', 'table', 'tabel', 'fichier', 'equipement', 'voorziening', 'infrastructure', 'infrastructuur', 'musee', 'museum',
  'bibliotheque', 'bibliotheek', 'library', 'eglise', 'kerk', 'cimetiere', 'begraafplaats', 'hopital', 'ziekenhuis', 'hospital',
  'pharmacie', 'apotheek', 'creche', 'kinderdagverblijf', 'salle', 'zaal', 'hall', 'terrain', 'terrein', 'piste', 'parking', 'marche',
  'markt', 'commerce', 'winkel', 'shop', 'magasin', 'restaurant', 'hotel', 'camping', 'monument', 'patrimoine', 'erfgoed', 'cours',
  'waterloop', 'riviere', 'rivier', 'bois', 'bos', 'forest', 'foret', 'zone', 'secteur', 'sector', 'departement', 'afdeling', 'division',
  'unite', 'eenheid', 'unit', 'poste', 'fonction', 'functie', 'grade', 'graad', 'metier', 'beroep', 'job', 'formation', 'opleiding', 'cours',
  'course', 'module', 'application', 'toepassing', 'logiciel', 'software', 'serveur', 'server', 'marque', 'merk', 'brand', 'modele', 'model',
  'vehicule', 'voertuig', 'ras', 'race', 'breed', 'animal', 'dier', 'chien', 'hond', 'cheval', 'paard', 'plante', 'plant', 'culture', 'teelt',
  'ouvrage', 'werk', 'chantier', 'werf', 'permis', 'vergunning', 'prime', 'premie', 'subside', 'subsidie', 'budget', 'article', 'artikel',
  'compte', 'rekening', 'fonds', 'fund', 'programme', 'programma', 'plan', 'reglement', 'mesure', 'maatregel', 'contrat', 'contract',
  'fournisseur', 'leverancier', 'supplier', 'operateur', 'operator', 'exploitant', 'uitbater', 'club', 'equipe', 'ploeg', 'team', 'federation',
  'federatie', 'ecole', 'onderwijsinstelling', 'college', 'athenee', 'lycee', 'institut', 'instituut', 'universite', 'universiteit', 'cpas',
  'ocmw', 'zone', 'polder', 'wateringue', 'lotissement', 'verkaveling', 'quartier', 'district', 'arrondissement', 'canton', 'kanton',
  'section', 'sectie', 'afdeling', 'statistique', 'statistiek', 'nis', 'rue1', 'straatnaam', 'schoolnaam', 'gemeentenaam', 'bedrijfsnaam',
  'firmanaam', 'productnaam', 'projectnaam', 'organisatienaam', 'verenigingsnaam', 'clubnaam', 'bestandsnaam', 'dataset', 'locatie', 'location',
]);

export interface ColumnContext {
  /** The category boosts of this column, computed once from its name and its neighbours' names. */
  boost: Record<PersonalCategory, number>;
  /** Which category the column's own name speaks for, with its strength, for evidence. */
  named: { category: PersonalCategory; strength: 'strong' | 'weak' }[];
  /** Name words saying the values are references of things (invoices, orders ...). */
  negative: boolean;
  /** The name says the column holds first names (prénom, voornaam ...) or surnames only. */
  nameKind: 'first' | 'last' | 'full' | null;
  /** A neighbour is a first-name / surname / house-number column. */
  neighbourFirstName: boolean;
  neighbourLastName: boolean;
  neighbourHouseNumber: boolean;
}

/** Boosts, like Presidio's context enhancement: own name strong / weak, a neighbour's name. */
export const BOOST_STRONG = 0.35;
export const BOOST_WEAK = 0.2;
export const BOOST_NEIGHBOUR = 0.1;
export const PENALTY_NEGATIVE = 0.4;

function hasPhrase(folded: string, phrase: string): boolean {
  // Whole words only: " nom " never matches inside " nombre ".
  return (' ' + folded + ' ').includes(' ' + phrase + ' ');
}

function categoriesNamed(folded: string): { category: PersonalCategory; strength: 'strong' | 'weak' }[] {
  const words = folded.split(' ');
  const thing = words.some((w) => THING_WORDS.has(w));
  const out: { category: PersonalCategory; strength: 'strong' | 'weak' }[] = [];
  for (const [category, ctx] of Object.entries(CONTEXT) as [PersonalCategory, ContextWords][]) {
    if (ctx.strong.some((p) => hasPhrase(folded, p))) {
      // "nom de la rue" has the person word "nom" but is about a thing; "prénom" is never about a thing.
      out.push({ category, strength: thing && category === 'person-name' ? 'weak' : 'strong' });
    } else if (ctx.weak?.some((p) => hasPhrase(folded, p)) && !(thing && category === 'person-name')) {
      out.push({ category, strength: 'weak' });
    }
  }
  // Dutch and German compounds: "familienaam", "klantnaam" but not "straatnaam" (a thing word above).
  if (!out.some((c) => c.category === 'person-name') && !thing && words.some((w) => /^[a-z]{3,}(naam|name)$/.test(w) && !THING_WORDS.has(w))) {
    out.push({ category: 'person-name', strength: 'weak' });
  }
  return out;
}

function nameKindOf(folded: string): ColumnContext['nameKind'] {
  if (/\b(prenom|voornaam|vorname|first name|firstname|given name|givenname|forename|roepnaam)\b/.test(folded)) {
    return /\b(nom|naam|name)\b/.test(folded.replace(/\b(first|given|fore) name\b/, '')) ? 'full' : 'first';
  }
  if (/\b(nom de famille|achternaam|familienaam|familiennaam|nachname|familienname|surname|last name|lastname|family name)\b/.test(folded)) return 'last';
  if (/\b(nom complet|volledige naam|full name|fullname)\b/.test(folded)) return 'full';
  return null;
}

/** Only unambiguous names: a "numéro" or "nr" beside a street may as well be a record or file number. */
function isHouseNumberName(folded: string): boolean {
  return /^(huisnummer|huisnr|hnr|hausnummer|hausnr|house number|housenumber|house no|numero de maison|numero maison|n maison|numero de police|numero d habitation|n de maison|huisnummer en bus)$/.test(folded);
}

/** The context of a column, from its name and the names of its neighbours (the columns either side). */
export function columnContext(columnName: string | undefined, neighbours: string[] = []): ColumnContext {
  const folded = foldText(columnName ?? '');
  const named = folded ? categoriesNamed(folded) : [];
  const boost = Object.fromEntries(Object.keys(CONTEXT).map((c) => [c, 0])) as Record<PersonalCategory, number>;
  for (const n of named) boost[n.category] = n.strength === 'strong' ? BOOST_STRONG : BOOST_WEAK;
  const neighbourFolded = neighbours.map(foldText).filter(Boolean);
  for (const nb of neighbourFolded) {
    for (const n of categoriesNamed(nb)) {
      if (n.strength === 'strong' && boost[n.category] < BOOST_NEIGHBOUR) boost[n.category] = BOOST_NEIGHBOUR;
    }
  }
  // Dutch and German glue words: "factuurnummer", "bestelnummer" start with a negative word.
  const negative =
    folded !== '' && named.length === 0 && (NEGATIVE.some((p) => hasPhrase(folded, p)) || folded.split(' ').some((w) => NEGATIVE.some((p) => p.length >= 5 && !p.includes(' ') && w.startsWith(p))));
  const kinds = neighbourFolded.map(nameKindOf);
  return {
    boost,
    named,
    negative,
    nameKind: nameKindOf(folded),
    neighbourFirstName: kinds.includes('first'),
    neighbourLastName: kinds.includes('last'),
    neighbourHouseNumber: neighbourFolded.some(isHouseNumberName),
  };
}

/** Folded words around a match in a text, to look for context words there (free text). */
export function nearbyText(text: string, start: number, end: number, radius = 40): string {
  return foldText(text.slice(Math.max(0, start - radius), Math.min(text.length, end + radius)));
}

/** Whether a folded snippet holds one of the category's context words. */
export function snippetHasContext(folded: string, category: PersonalCategory): boolean {
  const ctx = CONTEXT[category];
  return ctx.strong.some((p) => hasPhrase(folded, p)) || (ctx.weak ?? []).some((p) => hasPhrase(folded, p));
}
