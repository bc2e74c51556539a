/**
 * A generator of labelled tables for measuring the privacy detectors (bench/privacy.ts): columns as
 * communes publish them, each cell labelled with the personal category it holds (or none).
 *
 * Its own word pools, written apart from the detectors' reference lists so that the measure is not
 * circular: Belgian first names of every generation and rarer or foreign ones, surnames common and
 * uncommon (about half are not in reference/surnames-be.txt), streets, communes and postcodes,
 * numbers with valid check digits, and look-alikes: the same numbers with a wrong check, invoice and
 * order numbers, phone-like codes, years, amounts, postcodes, names of schools, parks and clubs in
 * "nom" columns, service mailboxes and service phone numbers (which are not personal data).
 * Deterministic: the same seed gives the same corpus.
 */
import type { PersonalCategory } from '../src/privacy/types.ts';

export interface LabelledColumn {
  name: string;
  /** The label of each cell: the category it holds, or null. Free-text cells carry 'free-text-personal'. */
  labels: (PersonalCategory | null)[];
  values: string[];
  /** Stored as an integer column by the loader (leading zeros lost). */
  integer?: boolean;
  /** The kind of column, for the per-kind table of the bench. */
  kind: string;
}

export interface LabelledTable {
  name: string;
  columns: LabelledColumn[];
  /** Quasi-identifier columns the generator put in, when it did. */
  quasi?: string[];
}

/** mulberry32: small, fast, and the same sequence on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = (
  'Jean Marie Pierre Paul Jacques Michel André Philippe Daniel Marc Luc Patrick Alain Christian Eric François Bernard Guy Claude Serge ' +
  'Jean-Pierre Jean-Marie Jean-Luc Marie-Claire Anne-Marie Dirk Johan Jan Koen Kris Geert Guido Rudi Ronny Danny Eddy Marcel Albert ' +
  'Robert Raymond Gilbert Hubert Walter Werner Gaston Lucien Fernand Maurice Léon Jozef Frans Willy Wim Stefaan Stéphane Steven Stijn ' +
  'Bart Tom Tim Pieter Peter Wouter Filip Frank Dominique Didier Thierry Pascal Olivier Vincent Frédéric Benoît Laurent Sébastien ' +
  'Nicolas Christophe Xavier Yves Gérard Kurt Kristof Dimitri Yannick Jeroen Joris Jens Sven Sam Ruben Arne Jonas Lars Robbe Seppe ' +
  'Marleen Martine Monique Christiane Nicole Jacqueline Françoise Chantal Nadine Annie Anne Rita Hilde Greta Godelieve Maria Mieke ' +
  'Linda Lieve Els Ilse Inge Ingrid Katrien Kathleen Karin Carine Myriam Mireille Michèle Danielle Brigitte Béatrice Isabelle Véronique ' +
  'Sylvie Sophie Nathalie Valérie Catherine Caroline Virginie Sandrine Stéphanie Delphine Céline Aurélie Ann Veerle Sabine Sandra Nancy ' +
  'Evelyne Tine Leen Lies Hanne Eline Yvonne Yvette Jeanine Josiane Paulette Denise Simone Suzanne Madeleine Jeanne Agnès Claudine ' +
  'Christine Geneviève Bernadette Lutgarde Emma Louise Olivia Elena Alice Lina Mila Juliette Nour Sofia Lucie Camille Léa Chloé Manon ' +
  'Julie Laura Sarah Charlotte Marie-Louise Noah Louis Arthur Jules Adam Liam Lucas Victor Gabriel Mohamed Rayan Nathan Hugo Théo ' +
  'Tibo Finn Warre Lowie Mathis Maxime Thomas Antoine Alexandre Youssef Amir Ayoub Ilyas Imane Yasmine Aya Fatima Khadija Samira ' +
  // Rarer or foreign names, few of them on any list.
  'Oumaïma Thibaud Ferre Wannes Jorinde Zeynep Bogdan Anouk Mehdi Anissa Kenza Bilal Ilias Dries Brecht Gitte Lore Wout Jelle ' +
  'Siebe Korneel Aurore Ophélie Gwenaëlle Quentin Grégory Cédric Ludovic Tanguy Baudouin Amaury Blandine Apolline Bérénice Malika ' +
  'Radu Ioana Piotr Agnieszka Tomasz Katarzyna Giuseppe Giovanna Salvatore Rosaria Joaquim Conceição Ayşe Mustafa Hüseyin Emine'
).split(/\s+/);

const SURNAMES = (
  // Common (many on the reference list).
  'Peeters Janssens Maes Jacobs Mertens Willems Claes Goossens Wouters De Smet Dubois Lambert Martin Dupont Simon Laurent Leroy ' +
  'Vermeulen Van den Broeck Hermans Pauwels Michiels Dumont Declercq Aerts Cools Smets Verstraete Claessens Van Damme Lemmens ' +
  'Stevens Bogaerts Martens Wuyts Verhoeven De Backer Hendrickx Devos Lenaerts Nys Thys Segers Heylen Coppens Geerts Baert ' +
  'Lejeune Renard Leclercq Denis Lefebvre Mathieu François Henry Dufour Collard Lemaire Hubert Bernard Michel Fontaine Legrand ' +
  'Schmitz Kessler Müller El Amrani Benali Yilmaz Diallo Nguyen Rossi Garcia Kowalski ' +
  // Less common (most not on the reference list).
  'Vanderhaegen Decorte Vanhaverbeke Ooms Raes Verbeeck Van Waeyenberge Van Roosbroeck Debaere Vanhecke Dewitte Vandaele Van Hoecke ' +
  'Vanmarcke Demuynck Verschaeve Vanparys Degryse Vandekerckhove Lippens Cnudde Van Vooren Dauwe Haesaert Van Overschelde Tack ' +
  'Moerman Standaert Bultinck Vyncke Boussemaere Dekeyser Vandendriessche Casteleyn Decaluwé Verhulst Van Steenkiste Ryckaert ' +
  'Schollaert Van Kerckhoven Beeckman Van Heuverswyn Wyffels Eeckhout Van der Meersch Clauwaert Pattyn Govaert Hoebeke Cardoen ' +
  'Dethier Collignon Delvaux Poncelet Hanquet Lhoest Wilmet Renson Bolland Jacquemin Hennuy Grandjean Pirotte Mottet Lecrenier ' +
  'Dessart Englebert Gathy Halleux Lecloux Moxhet Noirhomme Ortmans Quoilin Schyns Thonon Vandersmissen Wérotte Xhonneux Zanetti ' +
  'Gillard Dury Lambotte Jadin Bouvier Desmedt Hanssens Tilquin Rasquin Delhaxhe Frippiat Glorieux Hoslet Leruth Mazy Ninane ' +
  'Kovačević Popović Wiśniewski Dąbrowski Szymański Ionescu Constantin Dumitru Ferreira Gonçalves Haddad Boukhari Tahiri Ouali ' +
  'Aydın Çelik Doğan Kılıç Arslan Mbuyi Kabeya Lumumba Tshisekedi Okafor Mensah Achterberg Krüger Hoffmann Braun Kremer Heinen'
).split(/\s+/);

// Multi-word surnames written above as separate words are joined back here.
function joinParticles(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    let w = words[i];
    while (/(^|\s)(Van|De|Den|Der|El)$/i.test(w) && i + 1 < words.length) w += ' ' + words[++i];
    out.push(w);
  }
  return out;
}
const SURNAME_POOL = joinParticles(SURNAMES);

const FR_STREET_TYPES = ['Rue', 'Avenue', 'Chaussée', 'Place', 'Boulevard', 'Chemin', 'Allée', 'Clos', 'Drève', 'Square', 'Impasse', 'Quai'];
const FR_STREET_NAMES = ['de la Station', 'des Champs', 'du Moulin', 'de l’Église', 'Louise', 'de la Loi', 'Saint-Michel', 'des Écoles', 'du Parc', 'de Namur', 'Albert Ier', 'de la Chapelle', 'des Tilleuls', 'du Château', 'de Bruxelles', 'Émile Vandervelde', 'des Combattants', 'de Liège', 'Reine Astrid', 'du Centre', 'Haute', 'de la Gare', 'des Alouettes', 'Jean Jaurès', 'de Waterloo', 'du Bois'];
const NL_STREETS = ['Kerkstraat', 'Stationsstraat', 'Dorpsstraat', 'Molenstraat', 'Nieuwstraat', 'Schoolstraat', 'Kapelstraat', 'Beukenlaan', 'Grote Markt', 'Koning Albertlaan', 'Sint-Jansplein', 'Brugsesteenweg', 'Gentsesteenweg', 'Veldstraat', 'Heirweg', 'Kouter', 'Kortrijksesteenweg', 'Lindendreef', 'Meersstraat', 'Zandstraat', 'Bosstraat', 'Hoogstraat', 'Leopoldlaan', 'Vaartkaai', 'Ringlaan', 'Jan Breydellaan'];
const DE_STREETS = ['Hauptstraße', 'Kirchstraße', 'Bergstraße', 'Aachener Straße', 'Klosterstraße', 'Marktplatz', 'Gospertstraße', 'Bahnhofstraße'];
const TOWNS: [string, string][] = [
  ['1000', 'Bruxelles'], ['1030', 'Schaerbeek'], ['1040', 'Etterbeek'], ['1050', 'Ixelles'], ['1090', 'Jette'], ['1200', 'Woluwe-Saint-Lambert'],
  ['1300', 'Wavre'], ['1348', 'Louvain-la-Neuve'], ['1400', 'Nivelles'], ['2000', 'Antwerpen'], ['2800', 'Mechelen'], ['3000', 'Leuven'],
  ['3500', 'Hasselt'], ['4000', 'Liège'], ['4700', 'Eupen'], ['5000', 'Namur'], ['6000', 'Charleroi'], ['7000', 'Mons'], ['8000', 'Brugge'],
  ['8500', 'Kortrijk'], ['9000', 'Gent'], ['9300', 'Aalst'], ['6700', 'Arlon'], ['4800', 'Verviers'], ['7500', 'Tournai'], ['2300', 'Turnhout'],
];
const THINGS = [
  'École communale n°3', 'Athénée Royal', 'Sint-Jozefsinstituut', 'Parc Josaphat', 'Bibliothèque communale', 'Piscine de Jette', 'Stade Roi Baudouin',
  'ASBL Les Amis du Parc', 'VZW De Kleine Reus', 'Cercle Royal Saint-Martin', 'RFC Liège', 'KV Mechelen', 'Centre culturel', 'Maison des Jeunes',
  'Église Saint-Pierre', 'Kerk Onze-Lieve-Vrouw', 'Cimetière de Laeken', 'Gemeentelijke Basisschool', 'Zwembad Olympia', 'Sporthal De Ring',
  'Crèche Les Petits Loups', 'Kinderdagverblijf Het Nestje', 'Musée de la Ville', 'Stedelijk Museum', 'Hôtel de Ville', 'Administration communale',
  'CPAS', 'OCMW', 'Police locale', 'Zone de secours', 'Parking Grand-Place', 'Gare du Nord', 'Station Gent-Sint-Pieters', 'Plaine de jeux',
  'Jardin botanique', 'Bois de la Cambre', 'Étang de Boitsfort', 'Salle polyvalente', 'Hall omnisports', 'Marché du dimanche', 'Brocante annuelle',
  'Fête de la musique', 'Jeugdhuis Den Tap', 'Cultuurcentrum De Werf', 'Academie voor Muziek', 'Ecole des devoirs', 'Repair Café', 'Atelier vélo',
  'Anvers', 'Etterbeek', 'Mechelen', 'Ottignies', 'Grand-Place', 'Atomium', 'Manneken-Pis', 'Tilleul argenté', 'Chêne pédonculé', 'Platane commun',
  'Budget ordinaire', 'Plan de mobilité', 'Subside sportif', 'Prime énergie', 'Container parc', 'Recyparc', 'Sortie ouest', 'Zone 30',
  // Companies and brands, some of them founders' surnames.
  'Proximus', 'Colruyt', 'Delhaize', 'Carrefour', 'Solvay', 'Umicore', 'Bpost', 'Infrabel', 'Vivaqua', 'Fluvius', 'Ores', 'Sibelga', 'De Lijn', 'TEC',
  'Stib', 'Brico', 'Hubo', 'Standaard Boekhandel', 'Club Brugge', 'Standard de Liège', 'Bois du Cazier', 'Lac de Genval', 'Val-Dieu', 'Mont des Arts',
];
const ROLE_MAILS = ['info', 'contact', 'secretariat', 'onthaal', 'accueil', 'bibliotheek', 'urbanisme', 'population', 'sport', 'jeunesse', 'cultuur', 'noreply'];
const DOMAINS = ['gmail.com', 'hotmail.com', 'skynet.be', 'telenet.be', 'proximus.be', 'outlook.be', 'yahoo.fr', 'scarlet.be', 'voo.be', 'live.be', 'icloud.com', 'msn.com'];
const ORG_DOMAINS = ['jette.be', 'gent.be', 'namur.be', 'leuven.be', 'ecole-saint-joseph.be', 'cpas-liege.be', 'kvmechelen.be', 'uclouvain.be'];

export class CorpusGenerator {
  readonly r: () => number;
  constructor(seed = 2025) {
    this.r = rng(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += this.int(0, 9);
    return s;
  }
  pad(n: number, w: number): string {
    return String(n).padStart(w, '0');
  }

  // ---- Identifiers ----
  birthDate(): { y: number; m: number; d: number } {
    const y = this.int(1930, 2022);
    const m = this.int(1, 12);
    const d = this.int(1, [31, y % 4 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]);
    return { y, m, d };
  }
  /** A national register number (or BIS number) with its check digits, valid or deliberately wrong. */
  nationalNumber(valid = true, bis = false): string {
    const { y, m, d } = this.birthDate();
    const mm = bis ? m + this.pick([20, 40]) : m;
    const base = this.pad(y % 100, 2) + this.pad(mm, 2) + this.pad(d, 2) + this.pad(this.int(1, 997), 3);
    let check = 97 - (Number((y >= 2000 ? '2' : '') + base) % 97);
    if (!valid) {
      // Wrong for both centuries: a check right for 1912 is right for a number read as 2012's.
      // (97 and 00 are the same check modulo 97.)
      const right = new Set([Number(base) % 97, Number('2' + base) % 97].map((r) => (97 - r) % 97));
      do check = this.int(0, 99);
      while (right.has(check % 97));
    }
    return base + this.pad(check, 2);
  }
  formatNationalNumber(n: string): string {
    switch (this.int(0, 4)) {
      case 0:
        return `${n.slice(0, 2)}.${n.slice(2, 4)}.${n.slice(4, 6)}-${n.slice(6, 9)}.${n.slice(9)}`;
      case 1:
        return `${n.slice(0, 6)}-${n.slice(6, 9)}-${n.slice(9)}`;
      case 2:
        return `${n.slice(0, 6)} ${n.slice(6, 9)} ${n.slice(9)}`;
      default:
        return n;
    }
  }
  enterpriseNumber(valid = true): string {
    const front = (this.chance(0.9) ? '0' : '1') + this.digits(7);
    let check = 97 - (Number(front) % 97);
    if (!valid) check = ((check + this.int(1, 95)) % 97) + 1;
    return front + this.pad(check, 2);
  }
  formatEnterprise(n: string): string {
    const dotted = `${n.slice(0, 4)}.${n.slice(4, 7)}.${n.slice(7)}`;
    return this.pick([dotted, `BE${n}`, `BE ${dotted}`, `BE${dotted}`, n]);
  }
  /** ISO 13616 check digits for a country and BBAN. */
  static ibanCheck(country: string, bban: string): string {
    const rearranged = (bban + country + '00').replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
    let rem = 0;
    for (const ch of rearranged) rem = (rem * 10 + Number(ch)) % 97;
    return String(98 - rem).padStart(2, '0');
  }
  iban(valid = true): string {
    const country = this.pick(['BE', 'BE', 'BE', 'BE', 'NL', 'FR', 'DE', 'LU']);
    let bban: string;
    if (country === 'BE') {
      const account = this.digits(10);
      bban = account + this.pad(Number(account) % 97 || 97, 2);
    } else if (country === 'NL') bban = this.pick(['ABNA', 'INGB', 'RABO', 'TRIO']) + this.digits(10);
    else if (country === 'FR') bban = this.digits(10) + this.digits(11) + this.digits(2);
    else if (country === 'DE') bban = this.digits(18);
    else bban = this.digits(3) + this.digits(13);
    let check = CorpusGenerator.ibanCheck(country, bban);
    if (!valid) check = this.pad(((Number(check) + this.int(1, 90)) % 97) + 2, 2);
    const compact = country + check + bban;
    return this.chance(0.6) ? compact.replace(/(.{4})/g, '$1 ').trim() : compact;
  }

  // ---- Contact ----
  firstName(): string {
    return this.pick(FIRST_NAMES);
  }
  surname(): string {
    return this.pick(SURNAME_POOL);
  }
  email(): string {
    const f = this.firstName().toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z-]/g, '');
    const l = this.surname().toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z]/g, '');
    const local = this.pick([`${f}.${l}`, `${f[0]}${l}`, `${f}_${l}${this.int(1950, 2010)}`, `${l}.${f}`, `${f}${this.int(1, 99)}`, `${l}${f[0]}`]);
    return `${local}@${this.pick(DOMAINS)}`;
  }
  roleEmail(): string {
    return `${this.pick(ROLE_MAILS)}@${this.pick(ORG_DOMAINS)}`;
  }
  /** A Belgian mobile or fixed number (or a foreign mobile), in one of the ways people write them. */
  phone(): string {
    const kind = this.int(0, 9);
    if (kind <= 4) {
      const n = `4${this.pick(['6', '7', '8', '9'])}${this.digits(7)}`;
      const a = n.slice(0, 3), b = n.slice(3, 5), c = n.slice(5, 7), d = n.slice(7);
      return this.pick([`0${a} ${b} ${c} ${d}`, `0${a}/${b}.${c}.${d}`, `+32 ${a} ${b} ${c} ${d}`, `+32${n}`, `0032 ${a} ${n.slice(3, 6)} ${n.slice(6)}`, `0${n}`, `0${a}-${b}${c}${d}`]);
    }
    if (kind <= 8) {
      // Zones with one digit take 7 more digits, the others 6; the first subscriber digit is never 0 or 1.
      const zone = this.pick(['2', '3', '9', '4', '10', '11', '14', '15', '16', '19', '50', '51', '53', '56', '59', '64', '65', '67', '69', '71', '81', '83', '84', '85', '87']);
      const first = zone === '4' ? this.pick(['2', '3']) : zone === '9' ? this.pick(['2', '3']) : String(this.int(2, 8));
      const rest = first + this.digits(zone.length === 1 ? 6 : 5);
      const grouped = zone.length === 1 ? `${rest.slice(0, 3)} ${rest.slice(3, 5)} ${rest.slice(5)}` : `${rest.slice(0, 2)} ${rest.slice(2, 4)} ${rest.slice(4)}`;
      return this.pick([`0${zone} ${grouped}`, `0${zone}/${grouped.replace(/ /g, '.')}`, `+32 ${zone} ${grouped}`, `0${zone}${rest}`, `(0${zone}) ${grouped}`]);
    }
    return this.pick([`+33 6 ${this.int(10, 29)} ${this.digits(2)} ${this.digits(2)} ${this.digits(2)}`, `+31 6 ${this.int(1, 5)}${this.digits(7)}`, `+49 151 ${this.digits(8)}`, `+352 621 ${this.digits(3)} ${this.digits(3)}`]);
  }
  servicePhone(): string {
    return this.pick([`0800 ${this.digits(2)} ${this.digits(3)}`, `070 ${this.int(22, 25)} ${this.digits(2)} ${this.digits(2)}`, `0900 ${this.digits(2)} ${this.digits(3)}`, `078 ${this.int(15, 16)} ${this.digits(2)} ${this.digits(2)}`]);
  }
  phoneLikeCode(): string {
    return this.pick([
      `${this.digits(2)}-${this.digits(2)}-${this.digits(2)}`,
      `4${this.digits(9)}`,
      `${this.int(2015, 2025)}/${this.digits(6)}`,
      `0${this.int(2, 9)}/${this.digits(3)}.${this.digits(2)}`,
      `0000 ${this.digits(2)} ${this.digits(2)}`,
      `00-${this.digits(3)}-${this.digits(3)}-${this.digits(3)}-${this.digits(3)}`,
      `REF 04${this.int(70, 99)}-${this.pick(['A', 'B', 'C'])}${this.digits(2)}`,
      `${this.digits(3)}.${this.digits(3)}.${this.digits(3)}.${this.digits(3)}`,
      `0${this.digits(12)}`,
    ]);
  }

  // ---- Other categories ----
  plate(old = false): string {
    const L = () => String.fromCharCode(65 + this.int(0, 25));
    if (old) return `${L()}${L()}${L()}-${this.digits(3)}`;
    const p = `${this.int(1, 2)}-${L()}${L()}${L()}-${this.digits(3)}`;
    return this.chance(0.8) ? p : p.replace(/-/g, '');
  }
  dateOfBirth(): string {
    const { y, m, d } = this.birthDate();
    const fr = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
    return this.pick([`${y}-${this.pad(m, 2)}-${this.pad(d, 2)}`, `${this.pad(d, 2)}/${this.pad(m, 2)}/${y}`, `${this.pad(d, 2)}.${this.pad(m, 2)}.${y}`, `${d} ${fr[m - 1]} ${y}`, `${this.pad(d, 2)}-${this.pad(m, 2)}-${y}`]);
  }
  eventDate(): string {
    return `${this.int(2015, 2025)}-${this.pad(this.int(1, 12), 2)}-${this.pad(this.int(1, 28), 2)}`;
  }
  houseNumber(): string {
    const n = String(this.int(1, 250));
    return this.pick([n, n, n, `${n}${this.pick(['A', 'B', 'a'])}`, `${n} bte ${this.int(1, 12)}`, `${n} bus ${this.int(1, 12)}`, `${n}/${this.int(1, 9)}`]);
  }
  street(): string {
    const lang = this.int(0, 9);
    if (lang <= 4) return `${this.pick(FR_STREET_TYPES)} ${this.pick(FR_STREET_NAMES)}`;
    if (lang <= 8) return this.pick(NL_STREETS);
    return this.pick(DE_STREETS);
  }
  address(): string {
    const street = this.street();
    const fr = FR_STREET_TYPES.some((t) => street.startsWith(t + ' '));
    const n = this.houseNumber();
    const core = fr && this.chance(0.25) ? `${n.split(' ')[0]}, ${street[0].toLowerCase()}${street.slice(1)}` : `${street} ${n}`;
    const [pc, town] = this.pick(TOWNS);
    return this.chance(0.5) ? `${core}, ${pc} ${town}` : core;
  }
  thing(): string {
    return this.pick(THINGS);
  }
  fullName(): string {
    const f = this.firstName(), l = this.surname();
    return this.pick([`${f} ${l}`, `${f} ${l}`, `${l.toUpperCase()} ${f}`, `${l}, ${f}`, `${l} ${f}`, `${f[0]}. ${l}`]);
  }
  casing(s: string): string {
    return this.chance(0.1) ? s.toUpperCase() : s;
  }
  invoiceNumber(): string {
    return this.pick([`FAC-${this.int(2018, 2025)}-${this.pad(this.int(1, 99999), 5)}`, `F${this.int(2018, 2025)}/${this.pad(this.int(1, 9999), 4)}`, `INV-${this.digits(6)}`, `${this.int(2018, 2025)}${this.pad(this.int(1, 12), 2)}${this.pad(this.int(1, 28), 2)}${this.digits(3)}`]);
  }
  amount(): string {
    const v = this.int(1, 999999) / 100;
    return this.pick([v.toFixed(2), v.toFixed(2).replace('.', ','), `€ ${v.toFixed(2).replace('.', ',')}`, `${Math.round(v).toLocaleString('de-DE')},00`]);
  }

  /** A comment: mostly harmless, sometimes holding an e-mail, a phone, a name, an address, an IBAN or a birth date. */
  comment(): { value: string; personal: boolean } {
    const harmless = [
      'Dossier complet, en attente de validation par le collège.',
      'Réunion prévue le ' + this.eventDate() + ' à 14h, salle 3 de l’hôtel de ville.',
      'Montant de ' + this.amount() + ' EUR à verser avant la fin du mois.',
      'Aanvraag goedgekeurd door het college van burgemeester en schepenen.',
      'Werken aan de rijbaan gepland in week ' + this.int(1, 52) + ', omleiding voorzien.',
      'Pas de remarque particulière, intervention terminée.',
      'Factuur ' + this.invoiceNumber() + ' betaald op ' + this.eventDate() + '.',
      'Le permis a été délivré conformément au règlement communal de ' + this.int(2010, 2024) + '.',
      'Signalement d’un nid-de-poule, transmis au service des travaux.',
      'Subside accordé pour l’organisation de la fête de quartier.',
      'Referentie ' + this.phoneLikeCode() + ' doorgestuurd naar de technische dienst.',
      'Container geplaatst voor ' + this.int(2, 14) + ' dagen, code ' + this.digits(11) + '.',
    ];
    if (this.chance(0.6)) return { value: this.pick(harmless), personal: false };
    const f = this.firstName(), l = this.surname();
    const personal = [
      `Contacter ${this.pick(['M.', 'Mme', 'Madame', 'Monsieur'])} ${l} au ${this.phone()} pour fixer un rendez-vous.`,
      `Plainte de ${f} ${l} concernant le bruit, ${this.address()}.`,
      `Bewoner vraagt terugbelling op ${this.phone()} na 17u.`,
      `Envoyer la réponse à ${this.email()} avant vendredi.`,
      `Remboursement sur le compte ${this.iban()} au nom du demandeur.`,
      `Aanvrager ${this.pick(['Dhr.', 'Mevr.'])} ${l}, geboren op ${this.dateOfBirth()}.`,
      `Dossier au nom de ${l.toUpperCase()} ${f}, né le ${this.dateOfBirth()}, domicilié ${this.address()}.`,
      `Stationnement gênant du véhicule ${this.plate()} devant l'entrée.`,
      `NISS du demandeur : ${this.formatNationalNumber(this.nationalNumber())}.`,
      `Mail van de bewoner: ${this.email()} — graag antwoord.`,
    ];
    return { value: this.pick(personal), personal: true };
  }
}

type Cell = { value: string; label: PersonalCategory | null };

function column(name: string, kind: string, cells: Cell[], integer = false): LabelledColumn {
  return { name, kind, values: cells.map((c) => c.value), labels: cells.map((c) => c.label), integer };
}

/** Builds the corpus: `tables` tables of 30 to 300 rows, each a mix of personal and harmless columns. */
export function generateCorpus(seed = 2025, tables = 160): LabelledTable[] {
  const g = new CorpusGenerator(seed);
  const out: LabelledTable[] = [];
  const rows = () => g.int(30, 300);
  const fill = (n: number, f: () => Cell): Cell[] => Array.from({ length: n }, f);
  // A share of cells empty or "-", as real exports have them.
  const holes = (cells: Cell[]): Cell[] => cells.map((c) => (g.chance(0.03) ? { value: g.pick(['', '-', 'n/a']), label: null } : c));

  const builders: ((n: number) => LabelledColumn[])[] = [
    // People: surname + first name side by side, in each language.
    (n) => {
      const [last, first] = g.pick([['nom', 'prénom'], ['Naam', 'Voornaam'], ['Nachname', 'Vorname'], ['last_name', 'first_name'], ['NOM', 'PRENOM'], ['achternaam', 'voornaam']]);
      return [
        column(last, 'surname next to first name', fill(n, () => ({ value: g.casing(g.surname()), label: 'person-name' }))),
        column(first, 'first name', fill(n, () => ({ value: g.firstName(), label: 'person-name' }))),
      ];
    },
    // A single column of full names.
    (n) => [column(g.pick(['nom', 'naam', 'name', 'titulaire', 'Nom et prénom', 'contactpersoon', 'demandeur', 'Naam aanvrager', 'bewoner']), 'full name', holes(fill(n, () => ({ value: g.casing(g.fullName()), label: 'person-name' }))))],
    // A lone column of surnames under a plain "nom"/"naam".
    (n) => [column(g.pick(['nom', 'naam', 'Nom', 'name']), 'surname alone', fill(n, () => ({ value: g.casing(g.surname()), label: 'person-name' })))],
    // Names of things under "nom"/"naam": not personal.
    (n) => [column(g.pick(['nom', 'naam', 'Nom', 'name', 'libellé', 'denomination', 'Naam locatie']), 'names of things', fill(n, () => ({ value: g.thing(), label: null })))],
    // Identifiers.
    (n) => [column(g.pick(['niss', 'NISS', 'rijksregisternummer', 'numéro national', 'INSZ', 'rrn', 'Numéro de registre national']), 'national number', holes(fill(n, () => ({ value: g.formatNationalNumber(g.nationalNumber(true, g.chance(0.1))), label: 'national-register-number' }))))],
    (n) => [column(g.pick(['numéro', 'identifiant', 'nummer', 'numéro personne']), 'national number, neutral name', fill(n, () => ({ value: g.nationalNumber(true), label: 'national-register-number' })))],
    (n) => [column(g.pick(['numéro de facture', 'factuurnummer', 'order_id', 'référence commande', 'ticket']), 'invoice numbers (11 digits, look-alike)', fill(n, () => ({ value: g.chance(0.5) ? g.nationalNumber(false) : g.invoiceNumber(), label: null })))],
    (n) => [column(g.pick(['code', 'numero', 'nummer', 'barcode']), 'numbers with wrong checks', fill(n, () => {
      const e = g.enterpriseNumber(false);
      return { value: g.chance(0.5) ? g.formatNationalNumber(g.nationalNumber(false)) : `${e.slice(0, 4)}.${e.slice(4, 7)}.${e.slice(7)}`, label: null };
    }))],
    (n) => [column(g.pick(['numéro BCE', 'KBO-nummer', 'ondernemingsnummer', 'n° TVA', 'btw-nummer', 'numéro d’entreprise', 'enterprise_number']), 'enterprise number', holes(fill(n, () => ({ value: g.formatEnterprise(g.enterpriseNumber()), label: 'enterprise-number' }))))],
    (n) => [column(g.pick(['IBAN', 'compte', 'rekeningnummer', 'numéro de compte', 'bankrekening', 'account']), 'IBAN', holes(fill(n, () => ({ value: g.iban(), label: 'iban' }))))],
    (n) => [column(g.pick(['référence', 'code']), 'IBAN-like codes with wrong checks', fill(n, () => ({ value: g.iban(false), label: null })))],
    // Contact.
    (n) => [column(g.pick(['email', 'e-mail', 'courriel', 'mail', 'adresse électronique', 'e-mailadres', 'contact']), 'e-mail', holes(fill(n, () => ({ value: g.email(), label: 'email' }))))],
    (n) => [column(g.pick(['email', 'contact', 'mail']), 'service mailboxes', fill(n, () => ({ value: g.roleEmail(), label: null })))],
    (n) => [column(g.pick(['téléphone', 'tel', 'telefoon', 'gsm', 'GSM', 'Telefon', 'phone', 'mobile']), 'phone', holes(fill(n, () => ({ value: g.phone(), label: 'phone' }))))],
    (n) => [column(g.pick(['contact', 'coordonnées', 'contactgegevens']), 'mixed e-mail and phone', fill(n, () => (g.chance(0.5) ? { value: g.email(), label: 'email' } : { value: g.phone(), label: 'phone' })))],
    (n) => [column(g.pick(['numéro vert', 'service', 'hotline', 'contact service']), 'service phone numbers', fill(n, () => ({ value: g.servicePhone(), label: null })))],
    (n) => [column(g.pick(['code', 'référence', 'dossier', 'code interne', 'ref']), 'phone-like codes', fill(n, () => ({ value: g.phoneLikeCode(), label: null })))],
    // Plates, dates, addresses.
    (n) => [column(g.pick(['plaque', 'nummerplaat', 'immatriculation', 'kenteken', 'Kennzeichen']), 'licence plate', fill(n, () => ({ value: g.plate(g.chance(0.15)), label: 'licence-plate' })))],
    (n) => [column(g.pick(['local', 'code', 'lokaal', 'ref']), 'plate-like room codes', fill(n, () => ({ value: g.plate(true), label: null })))],
    (n) => [column(g.pick(['date de naissance', 'geboortedatum', 'Geburtsdatum', 'date_naissance', 'birth_date', 'né le']), 'date of birth', holes(fill(n, () => ({ value: g.dateOfBirth(), label: 'date-of-birth' }))))],
    (n) => [column(g.pick(['date', 'datum', 'date de publication', 'date_debut', 'datum aanvraag']), 'other dates', fill(n, () => ({ value: g.eventDate(), label: null })))],
    (n) => [column(g.pick(['adresse', 'adres', 'Anschrift', 'domicile', 'address', 'woonadres']), 'address', holes(fill(n, () => ({ value: g.address(), label: 'street-address' }))))],
    (n) => [column(g.pick(['rue', 'straat', 'nom de rue', 'straatnaam']), 'street names without numbers', fill(n, () => ({ value: g.street(), label: null })))],
    // Numbers that are not identifiers.
    (n) => [column(g.pick(['année', 'jaar', 'year']), 'years', fill(n, () => ({ value: String(g.int(1990, 2025)), label: null })), true)],
    (n) => [column(g.pick(['montant', 'bedrag', 'montant (€)', 'prix']), 'amounts', fill(n, () => ({ value: g.amount(), label: null })))],
    (n) => [column(g.pick(['code postal', 'postcode', 'cp']), 'postcodes', fill(n, () => ({ value: g.pick(TOWNS)[0], label: null })))],
    // Free text.
    (n) => [
      column(g.pick(['commentaire', 'opmerking', 'remarques', 'description', 'notes']), 'free text', fill(n, () => {
        const c = g.comment();
        return { value: c.value, label: c.personal ? 'free-text-personal' : null };
      })),
    ],
  ];

  const PEOPLE_BUILDER = 0;
  const THINGS_BUILDER = 3;
  for (let t = 0; t < tables; t++) {
    const n = rows();
    const chosen = new Set<number>();
    const width = g.int(2, 5);
    while (chosen.size < width) chosen.add(g.int(0, builders.length - 1));
    // Every builder appears regularly: table t always holds builder t mod count.
    chosen.add(t % builders.length);
    // A "nom" of things never stands beside a first-name column: in a real table that "nom" is the surname.
    if (chosen.has(THINGS_BUILDER) && chosen.has(PEOPLE_BUILDER)) chosen.delete(t % builders.length === THINGS_BUILDER ? PEOPLE_BUILDER : THINGS_BUILDER);
    const columns = [...chosen].flatMap((b) => builders[b](n));
    // Unique column names within a table.
    const seen = new Map<string, number>();
    for (const c of columns) {
      // DuckDB compares names without case: "nom" and "NOM" are the same column.
      const key = c.name.toLowerCase();
      const k = seen.get(key) ?? 0;
      seen.set(key, k + 1);
      if (k > 0) c.name = `${c.name}_${k + 1}`;
    }
    out.push({ name: `table_${t + 1}`, columns });
  }
  return out;
}

/** A table of people by postcode, birth year and sex, for the quasi-identifier measure. */
export function peopleTable(seed: number, n: number): { postcode: string; birth_year: number; sexe: string; revenu: number }[] {
  const g = new CorpusGenerator(seed);
  return Array.from({ length: n }, () => ({ postcode: g.pick(TOWNS)[0], birth_year: g.int(1930, 2010), sexe: g.pick(['M', 'F']), revenu: g.int(900, 6000) }));
}

// ---- Scoring ----------------------------------------------------------------------------------

export interface Score {
  tp: number;
  fp: number;
  fn: number;
}

export type Scores = Map<PersonalCategory, Score>;

export function precision(s: Score): number {
  return s.tp + s.fp === 0 ? 1 : s.tp / (s.tp + s.fp);
}
export function recall(s: Score): number {
  return s.tp + s.fn === 0 ? 1 : s.tp / (s.tp + s.fn);
}

function bump(scores: Scores, c: PersonalCategory, key: keyof Score): void {
  const s = scores.get(c) ?? { tp: 0, fp: 0, fn: 0 };
  s[key]++;
  scores.set(c, s);
}

/** Adds one decision: what the truth holds and what was predicted, as sets of categories. */
export function count(scores: Scores, truth: Set<PersonalCategory>, predicted: Set<PersonalCategory>): void {
  for (const c of predicted) bump(scores, c, truth.has(c) ? 'tp' : 'fp');
  for (const c of truth) if (!predicted.has(c)) bump(scores, c, 'fn');
}

/** The categories of a column: those holding at least 30% of its labelled cells. */
export function columnTruth(col: LabelledColumn): Set<PersonalCategory> {
  const counts = new Map<PersonalCategory, number>();
  for (const l of col.labels) if (l) counts.set(l, (counts.get(l) ?? 0) + 1);
  const filled = col.values.filter((v) => v.trim() && !/^(-|n\/a)$/.test(v.trim())).length || 1;
  const out = new Set<PersonalCategory>();
  for (const [c, n] of counts) if (n / filled >= 0.3 || (c === 'free-text-personal' && n > 0)) out.add(c);
  return out;
}
