/**
 * The GDPR register of processing activities (Art. 30(1)): what one processing records, the codes
 * Dataville understands (legal grounds, Art. 9/10 categories, the privacy guard's data categories,
 * usual data subjects and recipients) with their words in French, Dutch, German and English, and the
 * columns of the register in the order of the Belgian Data Protection Authority's model (decision 0015).
 */
import { parsePhoneNumber } from 'awesome-phonenumber';
import type { PersonalCategory } from '../privacy/types.ts';
import type { ProcessingActivityTable } from '../stores/meta/schema.ts';

export type RegisterLang = 'fr' | 'nl' | 'de' | 'en';
export const REGISTER_LANGS: readonly RegisterLang[] = ['fr', 'nl', 'de', 'en'];
/** Exports may also be bilingual (a Brussels commune): French and Dutch side by side. */
export type ExportLang = RegisterLang | 'fr-nl';
export const EXPORT_LANGS = ['fr', 'nl', 'de', 'en', 'fr-nl'] as const;

/** Words in [fr, nl, de, en]: a missing translation is a type error, not a blank cell. */
export type Four = readonly [fr: string, nl: string, de: string, en: string];

/** One of the four languages, or French and Dutch joined when both differ. */
export function say(words: Four, lang: ExportLang): string {
  if (lang === 'fr-nl') return words[0] === words[1] ? words[0] : `${words[0]} / ${words[1]}`;
  return words[REGISTER_LANGS.indexOf(lang)];
}

export const LEGAL_GROUNDS = ['consent', 'contract', 'legal-obligation', 'vital-interests', 'public-task', 'legitimate-interests'] as const;
export type LegalGround = (typeof LEGAL_GROUNDS)[number];

/** Art. 6(1) (a) to (f), in the words of the regulation's language versions. */
export const LEGAL_GROUND_WORDS: Record<LegalGround, Four> = {
  consent: ['a) Consentement de la personne concernée', 'a) Toestemming van de betrokkene', 'a) Einwilligung der betroffenen Person', '(a) Consent of the data subject'],
  contract: ["b) Exécution d'un contrat", 'b) Uitvoering van een overeenkomst', 'b) Erfüllung eines Vertrags', '(b) Performance of a contract'],
  'legal-obligation': ['c) Obligation légale', 'c) Wettelijke verplichting', 'c) Rechtliche Verpflichtung', '(c) Legal obligation'],
  'vital-interests': ['d) Sauvegarde des intérêts vitaux', 'd) Bescherming van vitale belangen', 'd) Schutz lebenswichtiger Interessen', '(d) Vital interests'],
  'public-task': [
    "e) Mission d'intérêt public ou relevant de l'exercice de l'autorité publique",
    'e) Taak van algemeen belang of in het kader van de uitoefening van het openbaar gezag',
    'e) Aufgabe im öffentlichen Interesse oder in Ausübung öffentlicher Gewalt',
    '(e) Public interest or official authority',
  ],
  'legitimate-interests': ['f) Intérêts légitimes', 'f) Gerechtvaardigde belangen', 'f) Berechtigte Interessen', '(f) Legitimate interests'],
};

/** Art. 9(1) categories, and the criminal data of Art. 10. */
export const SPECIAL_CATEGORIES = [
  'racial-ethnic-origin', 'political-opinions', 'religious-beliefs', 'trade-union', 'genetic', 'biometric', 'health', 'sex-life', 'criminal',
] as const;
export type SpecialCategory = (typeof SPECIAL_CATEGORIES)[number];

export const SPECIAL_CATEGORY_WORDS: Record<SpecialCategory, Four> = {
  'racial-ethnic-origin': ['Origine raciale ou ethnique', 'Ras of etnische afkomst', 'Rassische oder ethnische Herkunft', 'Racial or ethnic origin'],
  'political-opinions': ['Opinions politiques', 'Politieke opvattingen', 'Politische Meinungen', 'Political opinions'],
  'religious-beliefs': ['Convictions religieuses ou philosophiques', 'Religieuze of levensbeschouwelijke overtuigingen', 'Religiöse oder weltanschauliche Überzeugungen', 'Religious or philosophical beliefs'],
  'trade-union': ['Appartenance syndicale', 'Lidmaatschap van een vakbond', 'Gewerkschaftszugehörigkeit', 'Trade union membership'],
  genetic: ['Données génétiques', 'Genetische gegevens', 'Genetische Daten', 'Genetic data'],
  biometric: ["Données biométriques (aux fins d'identification)", 'Biometrische gegevens (met het oog op identificatie)', 'Biometrische Daten (zur Identifizierung)', 'Biometric data (for identification)'],
  health: ['Données concernant la santé', 'Gegevens over gezondheid', 'Gesundheitsdaten', 'Data concerning health'],
  'sex-life': ['Vie sexuelle ou orientation sexuelle', 'Seksueel gedrag of seksuele gerichtheid', 'Sexualleben oder sexuelle Orientierung', 'Sex life or sexual orientation'],
  criminal: [
    'Condamnations pénales et infractions (art. 10)',
    'Strafrechtelijke veroordelingen en strafbare feiten (art. 10)',
    'Strafrechtliche Verurteilungen und Straftaten (Art. 10)',
    'Criminal convictions and offences (Art. 10)',
  ],
};

/** The categories the privacy guard detects in a table (src/privacy/types.ts), as a register names them. */
export const DATA_CATEGORY_WORDS: Record<PersonalCategory, Four> = {
  'national-register-number': ['Numéro de registre national', 'Rijksregisternummer', 'Nationalregisternummer', 'National register number'],
  'enterprise-number': ["Numéro d'entreprise (BCE)", 'Ondernemingsnummer (KBO)', 'Unternehmensnummer (ZDU)', 'Enterprise number (CBE)'],
  iban: ['Numéro de compte bancaire (IBAN)', 'Bankrekeningnummer (IBAN)', 'Kontonummer (IBAN)', 'Bank account number (IBAN)'],
  email: ['Adresse e-mail', 'E-mailadres', 'E-Mail-Adresse', 'E-mail address'],
  phone: ['Numéro de téléphone', 'Telefoonnummer', 'Telefonnummer', 'Telephone number'],
  'licence-plate': ["Plaque d'immatriculation", 'Nummerplaat', 'Kennzeichen', 'Licence plate'],
  'date-of-birth': ['Date de naissance', 'Geboortedatum', 'Geburtsdatum', 'Date of birth'],
  'street-address': ['Adresse postale', 'Postadres', 'Postanschrift', 'Postal address'],
  'person-name': ['Nom et prénom', 'Naam en voornaam', 'Name und Vorname', 'Name'],
  'free-text-personal': [
    'Texte libre pouvant contenir des données personnelles',
    'Vrije tekst die persoonsgegevens kan bevatten',
    'Freitext, der personenbezogene Daten enthalten kann',
    'Free text that may hold personal data',
  ],
};

/** Data subjects a commune's register names again and again; anything else is kept as the DPO wrote it. */
export const DATA_SUBJECT_WORDS: Record<string, Four> = {
  residents: ['Habitants', 'Inwoners', 'Einwohner', 'Residents'],
  staff: ['Membres du personnel', 'Personeelsleden', 'Personal', 'Staff'],
  'elected-officials': ['Mandataires', 'Mandatarissen', 'Mandatsträger', 'Elected officials'],
  applicants: ['Demandeurs (permis, primes, services)', 'Aanvragers (vergunningen, premies, diensten)', 'Antragsteller (Genehmigungen, Prämien, Dienste)', 'Applicants (permits, grants, services)'],
  'contact-persons': ['Personnes de contact (entreprises, associations)', 'Contactpersonen (ondernemingen, verenigingen)', 'Kontaktpersonen (Unternehmen, Vereinigungen)', 'Contact persons (businesses, associations)'],
  minors: ['Mineurs', 'Minderjarigen', 'Minderjährige', 'Minors'],
};

export const RECIPIENT_WORDS: Record<string, Four> = {
  public: ['Le public (données ouvertes)', 'Het publiek (open data)', 'Die Öffentlichkeit (offene Daten)', 'The public (open data)'],
  'internal-services': ['Services communaux', 'Gemeentelijke diensten', 'Gemeindedienste', 'Municipal departments'],
  'public-authorities': ['Autres autorités publiques', 'Andere overheidsinstanties', 'Andere Behörden', 'Other public authorities'],
};

/**
 * The model's "type of processing": "Normal" unless the processing is of one of the kinds listed,
 * which are the criteria of Art. 35(3) GDPR and of the EDPB (WP29) guidelines on data protection
 * impact assessment (WP248 rev.01). A processing that meets two or more of them likely needs a DPIA.
 */
export const PROCESSING_TYPES = [
  'profiling', 'automated-decision', 'systematic-monitoring', 'special-categories-large-scale', 'large-scale', 'matching',
  'vulnerable-subjects', 'new-technology', 'prevents-rights',
] as const;
export type ProcessingType = (typeof PROCESSING_TYPES)[number];

export const PROCESSING_TYPE_WORDS: Record<ProcessingType, Four> = {
  profiling: ['Évaluation ou notation (y compris le profilage)', 'Evaluatie of scoring (met inbegrip van profilering)', 'Bewertung oder Scoring (einschließlich Profiling)', 'Evaluation or scoring (including profiling)'],
  'automated-decision': [
    'Décision automatisée avec effet juridique ou effet similaire',
    'Geautomatiseerde besluitvorming met rechtsgevolg of vergelijkbaar wezenlijk gevolg',
    'Automatisierte Entscheidung mit Rechtswirkung oder ähnlich erheblicher Wirkung',
    'Automated decision with legal or similar significant effect',
  ],
  'systematic-monitoring': [
    'Surveillance systématique (p. ex. caméras dans des lieux publics)',
    "Stelselmatige monitoring (bv. camera's op openbare plaatsen)",
    'Systematische Überwachung (z. B. Kameras an öffentlichen Orten)',
    'Systematic monitoring (e.g. cameras in public areas)',
  ],
  'special-categories-large-scale': [
    'Données sensibles ou à caractère hautement personnel à grande échelle',
    'Gevoelige of zeer persoonlijke gegevens op grote schaal',
    'Sensible oder höchstpersönliche Daten in großem Umfang',
    'Sensitive or highly personal data on a large scale',
  ],
  'large-scale': ['Traitement à grande échelle', 'Verwerking op grote schaal', 'Verarbeitung in großem Umfang', 'Large-scale processing'],
  matching: ['Croisement ou combinaison de jeux de données', 'Koppeling of combinatie van datasets', 'Abgleich oder Zusammenführung von Datensätzen', 'Matching or combining datasets'],
  'vulnerable-subjects': [
    'Personnes concernées vulnérables (enfants, patients, employés…)',
    'Kwetsbare betrokkenen (kinderen, patiënten, werknemers …)',
    'Schutzbedürftige betroffene Personen (Kinder, Patienten, Beschäftigte …)',
    'Vulnerable data subjects (children, patients, employees …)',
  ],
  'new-technology': ['Usage innovant ou nouvelle technologie', 'Innovatief gebruik of nieuwe technologie', 'Innovative Nutzung oder neue Technologie', 'Innovative use or new technology'],
  'prevents-rights': [
    "Traitement qui empêche d'exercer un droit ou de bénéficier d'un service ou d'un contrat",
    'Verwerking die belet een recht uit te oefenen of een dienst of overeenkomst te genieten',
    'Verarbeitung, die an der Ausübung eines Rechts oder der Nutzung einer Dienstleistung oder eines Vertrags hindert',
    'Processing that prevents exercising a right or using a service or contract',
  ],
};

/** The type of a processing that meets none of the criteria. */
/** "Type de traitement" is masculine: a processing of no listed type is "Normal". */
export const NORMAL_PROCESSING: Four = ['Normal', 'Normaal', 'Normal', 'Normal'];

/** From this many criteria on, the EDPB guidelines say a DPIA is likely needed. */
export const DPIA_THRESHOLD = 2;

export const DPIA_WORDS: Four = [
  "Analyse d'impact (AIPD) probablement nécessaire (2 critères ou plus)",
  'Gegevensbeschermingseffectbeoordeling (GEB) waarschijnlijk vereist (2 of meer criteria)',
  'Datenschutz-Folgenabschätzung (DSFA) wahrscheinlich erforderlich (2 oder mehr Kriterien)',
  'Likely needs a DPIA (2 or more criteria)',
];

export const PROCESSING_STATUSES = ['active', 'ended'] as const;
export type ProcessingStatus = (typeof PROCESSING_STATUSES)[number];
export const STATUS_WORDS: Record<ProcessingStatus, Four> = {
  active: ['En cours', 'Lopend', 'Laufend', 'Active'],
  ended: ['Terminé', 'Beëindigd', 'Beendet', 'Ended'],
};

export const DATASET_STATUS_WORDS: Record<'internal' | 'planned' | 'published', Four> = {
  internal: ['interne', 'intern', 'intern', 'internal'],
  planned: ['prévu', 'gepland', 'geplant', 'planned'],
  published: ['publié', 'gepubliceerd', 'veröffentlicht', 'published'],
};

/** A known code in the reader's words; a DPO's own text as it is. */
export function wordFor(table: Record<string, Four>, value: string, lang: ExportLang): string {
  return Object.hasOwn(table, value) ? say(table[value], lang) : value;
}

export interface LegalBasis {
  grounds: LegalGround[];
  /** The law, decree or regulation the processing rests on (for (c) and (e) above all). */
  reference: string | null;
}

export interface SpecialCategories {
  categories: SpecialCategory[];
  /** The Art. 9(2) exception or the Art. 10 authorisation that allows them. */
  condition: string | null;
}

export interface Processor {
  name: string;
  contact?: string;
}

export interface ProcessingDataset {
  id: string;
  slug: string;
  organizationSlug: string;
  title: Partial<Record<RegisterLang, string>>;
  status: 'internal' | 'planned' | 'published';
}

/** One processing as the register shows it (API, page, exports). */
export interface ProcessingView {
  id: string;
  organizationId: string;
  /** Its number in the organization's register: order of creation, never reused (processings are ended, not deleted). */
  number: number;
  name: string;
  /** The service or department that owns the processing (the model's "business process owner"). */
  department: string | null;
  purposes: string | null;
  legalBasis: LegalBasis | null;
  /** The Art. 35 DPIA criteria it meets; empty: a "normal" processing. */
  processingTypes: ProcessingType[];
  /** Two or more criteria: a DPIA is likely needed (EDPB guidelines). */
  dpiaLikely: boolean;
  dataSubjects: string[];
  dataCategories: string[];
  specialCategories: SpecialCategories;
  recipients: string[];
  transfers: string | null;
  retention: string | null;
  securityMeasures: string | null;
  processors: Processor[];
  jointControllers: string | null;
  source: string | null;
  status: ProcessingStatus;
  endDate: string | null;
  replacedBy: { id: string; number: number; name: string } | null;
  datasets: ProcessingDataset[];
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  /** Columns Art. 30(1) asks for that are still empty: what the DPO has left to complete. */
  missing: ColumnKey[];
}

const json = <T>(s: string | null, fallback: T): T => (s ? (JSON.parse(s) as T) : fallback);

/** The register's view of a stored row, with its number, its datasets and what replaced it. */
export function processingView(
  row: ProcessingActivityTable,
  number: number,
  datasets: ProcessingDataset[],
  replacedBy: ProcessingView['replacedBy'],
): ProcessingView {
  const processingTypes = json<ProcessingType[]>(row.processing_types, []);
  const view: Omit<ProcessingView, 'missing'> = {
    id: row.id,
    organizationId: row.organization_id,
    number,
    name: row.name,
    department: row.department,
    purposes: row.purposes,
    legalBasis: json<LegalBasis | null>(row.legal_basis, null),
    processingTypes,
    dpiaLikely: processingTypes.length >= DPIA_THRESHOLD,
    dataSubjects: json<string[]>(row.data_subjects, []),
    dataCategories: json<string[]>(row.data_categories, []),
    specialCategories: json<SpecialCategories>(row.special_categories, { categories: [], condition: null }),
    recipients: json<string[]>(row.recipients, []),
    transfers: row.transfers,
    retention: row.retention,
    securityMeasures: row.security_measures,
    processors: json<Processor[]>(row.processors, []),
    jointControllers: row.joint_controllers,
    source: row.source,
    status: row.status,
    endDate: row.end_date,
    replacedBy,
    datasets,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  return { ...view, missing: missingColumns(view) };
}

/**
 * What Art. 30(1) (b) to (g) requires and is still empty. Transfers are "where applicable": an
 * empty cell there means none. Special categories need the ground that allows them (Art. 9(2), 10).
 */
export function missingColumns(p: Omit<ProcessingView, 'missing'>): ColumnKey[] {
  const out: ColumnKey[] = [];
  if (!p.purposes?.trim()) out.push('purposes');
  if (!p.dataSubjects.length) out.push('dataSubjects');
  if (!p.dataCategories.length) out.push('dataCategories');
  if (!p.recipients.length) out.push('recipients');
  if (!p.retention?.trim()) out.push('retention');
  if (!p.securityMeasures?.trim()) out.push('securityMeasures');
  if (!p.legalBasis || !p.legalBasis.grounds.length) out.push('legalBasis');
  if (p.specialCategories.categories.length && !p.specialCategories.condition?.trim()) out.push('specialCategories');
  return out;
}

export const COLUMN_KEYS = [
  'number', 'name', 'department', 'jointControllers', 'purposes', 'dataSubjects', 'dataCategories', 'recipients', 'transfers', 'retention',
  'securityMeasures', 'legalBasis', 'processingTypes', 'specialCategories', 'processors', 'source', 'datasets', 'createdAt', 'updatedAt', 'status',
  'endDate', 'replacedBy', 'id',
] as const;
export type ColumnKey = (typeof COLUMN_KEYS)[number];

export interface RegisterColumn {
  key: ColumnKey;
  words: Four;
  /** The point of Art. 30(1) the column answers; the model marks these columns in red. */
  article: string | null;
  /** Width in characters in the XLSX sheet. */
  width: number;
  /** What the column holds, as a note on its header cell in the XLSX sheet. */
  note?: Four;
}

/**
 * The register's columns in the order of the APD/GBA model (decision 0015): the activity and the
 * department that owns it (the model's "business process"), what Art. 30(1) requires, in the
 * article's order, then the model's further columns (legal basis, type of processing, sensitive data,
 * processors, source, dates, status with end date and replacing processing).
 */
export const REGISTER_COLUMNS: readonly RegisterColumn[] = [
  { key: 'number', words: ['N°', 'Nr.', 'Nr.', 'No.'], article: null, width: 6 },
  { key: 'name', words: ['Activité de traitement', 'Verwerkingsactiviteit', 'Verarbeitungstätigkeit', 'Processing activity'], article: null, width: 30 },
  { key: 'department', words: ['Service responsable', 'Verantwoordelijke dienst', 'Zuständige Dienststelle', 'Responsible department'], article: null, width: 22 },
  { key: 'jointControllers', words: ['Responsable(s) conjoint(s) du traitement', 'Gezamenlijke verwerkingsverantwoordelijke(n)', 'Gemeinsam Verantwortliche', 'Joint controller(s)'], article: '30.1.a', width: 24 },
  { key: 'purposes', words: ['Finalité(s) du traitement', 'Doeleinde(n) van de verwerking', 'Zweck(e) der Verarbeitung', 'Purpose(s) of the processing'], article: '30.1.b', width: 40 },
  { key: 'dataSubjects', words: ['Catégories de personnes concernées', 'Categorieën van betrokkenen', 'Kategorien betroffener Personen', 'Categories of data subjects'], article: '30.1.c', width: 26 },
  { key: 'dataCategories', words: ['Catégories de données à caractère personnel', 'Categorieën van persoonsgegevens', 'Kategorien personenbezogener Daten', 'Categories of personal data'], article: '30.1.c', width: 30 },
  { key: 'recipients', words: ['Catégories de destinataires', 'Categorieën van ontvangers', 'Kategorien von Empfängern', 'Categories of recipients'], article: '30.1.d', width: 26 },
  {
    key: 'transfers',
    words: [
      'Transferts vers un pays tiers ou une organisation internationale (et garanties)',
      'Doorgiften naar een derde land of een internationale organisatie (en waarborgen)',
      'Übermittlungen an ein Drittland oder eine internationale Organisation (und Garantien)',
      'Transfers to a third country or an international organisation (and safeguards)',
    ],
    article: '30.1.e',
    width: 28,
  },
  { key: 'retention', words: ["Délais d'effacement (durée de conservation)", 'Termijnen voor het wissen (bewaartermijn)', 'Löschfristen (Speicherdauer)', 'Time limits for erasure (retention)'], article: '30.1.f', width: 26 },
  {
    key: 'securityMeasures',
    words: [
      'Description des mesures de sécurité techniques et organisationnelles',
      'Beschrijving van de technische en organisatorische beveiligingsmaatregelen',
      'Beschreibung der technischen und organisatorischen Maßnahmen',
      'Description of the technical and organisational security measures',
    ],
    article: '30.1.g',
    width: 40,
  },
  { key: 'legalBasis', words: ['Base juridique (art. 6 RGPD)', 'Rechtsgrond (art. 6 AVG)', 'Rechtsgrundlage (Art. 6 DSGVO)', 'Legal basis (Art. 6 GDPR)'], article: null, width: 32 },
  {
    key: 'processingTypes',
    words: ['Type de traitement', 'Type verwerking', 'Art der Verarbeitung', 'Type of processing'],
    article: null,
    width: 30,
    note: [
      "« Normale » sauf si le traitement remplit un ou plusieurs des critères de l'article 35 du RGPD et des lignes directrices du CEPD sur l'analyse d'impact relative à la protection des données (AIPD). Un traitement qui en remplit deux ou plus nécessite probablement une AIPD.",
      '„Normaal” tenzij de verwerking aan een of meer criteria van artikel 35 AVG en van de richtsnoeren van het EDPB over de gegevensbeschermingseffectbeoordeling (GEB) voldoet. Een verwerking die aan twee of meer criteria voldoet, vereist waarschijnlijk een GEB.',
      '„Normal“, es sei denn, die Verarbeitung erfüllt eines oder mehrere der Kriterien von Artikel 35 DSGVO und der Leitlinien des EDSA zur Datenschutz-Folgenabschätzung (DSFA). Eine Verarbeitung, die zwei oder mehr erfüllt, erfordert wahrscheinlich eine DSFA.',
      '"Normal" unless the processing meets one or more of the criteria of GDPR Article 35 and of the EDPB guidelines on data protection impact assessment (DPIA). A processing that meets two or more of them likely needs a DPIA.',
    ],
  },
  {
    key: 'specialCategories',
    words: ['Données sensibles (art. 9 et 10 RGPD)', 'Gevoelige gegevens (art. 9 en 10 AVG)', 'Besondere Kategorien (Art. 9 und 10 DSGVO)', 'Special categories (Art. 9 and 10 GDPR)'],
    article: null,
    width: 28,
  },
  { key: 'processors', words: ['Sous-traitant(s)', 'Verwerker(s)', 'Auftragsverarbeiter', 'Processor(s)'], article: null, width: 26 },
  { key: 'source', words: ['Source des données', 'Bron van de gegevens', 'Herkunft der Daten', 'Source of the data'], article: null, width: 24 },
  { key: 'datasets', words: ['Jeux de données concernés', 'Betrokken datasets', 'Betroffene Datensätze', 'Datasets concerned'], article: null, width: 34 },
  { key: 'createdAt', words: ['Date de création', 'Aanmaakdatum', 'Erstellt am', 'Created'], article: null, width: 12 },
  { key: 'updatedAt', words: ['Date de mise à jour', 'Datum van bijwerking', 'Aktualisiert am', 'Updated'], article: null, width: 12 },
  { key: 'status', words: ['Statut', 'Status', 'Status', 'Status'], article: null, width: 11 },
  { key: 'endDate', words: ['Date de fin du traitement', 'Einddatum verwerking', 'Enddatum der Verarbeitung', 'End date of the processing'], article: null, width: 12 },
  { key: 'replacedBy', words: ['Traitement de remplacement', 'Plaatsvervangende verwerking', 'Ersetzt durch', 'Replaced by'], article: null, width: 24 },
  { key: 'id', words: ['Identifiant (Dataville)', 'Identificatie (Dataville)', 'Kennung (Dataville)', 'Identifier (Dataville)'], article: null, width: 38 },
];

export function columnWords(key: ColumnKey): Four {
  return REGISTER_COLUMNS.find((c) => c.key === key)!.words;
}

/** The controller and its data protection officer: Art. 30(1)(a), the model's identification tab. */
export interface RegisterIdentity {
  organization: { id: string; slug: string; nisCode: string | null; name: { fr: string; nl: string; de: string } };
  /** KBO/BCE number as 0123.456.749, when an admin set it. */
  enterpriseNumber: string | null;
  email: string | null;
  /** The general phone number in E.164 (+3281248611), when an admin set it. */
  phone: string | null;
  homepage: string | null;
  /** The organization's members with the role dpo. */
  dpo: { name: string; email: string }[];
}

/** The whole register of an organization. */
export interface RegisterView extends RegisterIdentity {
  generatedAt: string;
  /** What the identification lacks (no DPO named, no contact address). */
  missing: ('dpo' | 'email')[];
  processings: ProcessingView[];
  counts: { active: number; ended: number; incomplete: number };
}

/** The organization's name in a language (English readers get the French name, as on the pages). */
export function organizationName(name: RegisterIdentity['organization']['name'], lang: ExportLang): string {
  if (lang === 'fr-nl') return name.fr === name.nl ? name.fr : `${name.fr} / ${name.nl}`;
  return lang === 'nl' ? name.nl : lang === 'de' ? name.de : name.fr;
}

/** A dataset's title in a language, else the first there is. */
export function datasetTitle(d: ProcessingDataset, lang: ExportLang): string {
  const order: RegisterLang[] = lang === 'fr-nl' ? ['fr', 'nl', 'de', 'en'] : [lang, 'fr', 'nl', 'de', 'en'];
  for (const l of order) if (d.title[l]) return d.title[l]!;
  return d.slug;
}

/** A calendar date (YYYY-MM-DD) in Belgian time for a timestamp, so that 23:30 UTC on 31 Dec is 1 Jan. */
export function belgianDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** The KBO/BCE number as people write it: 0123.456.749. */
export function formatEnterpriseNumber(n: string | null): string | null {
  return n && /^\d{10}$/.test(n) ? `${n.slice(0, 4)}.${n.slice(4, 7)}.${n.slice(7)}` : n;
}

/** A phone number stored in E.164 as people read it (+32 81 24 86 11); as it is when it does not parse. */
export function formatPhone(e164: string | null): string | null {
  if (!e164) return e164;
  const p = parsePhoneNumber(e164);
  return p.number?.international ?? e164;
}

/**
 * One processing's cells as text, one list item a line: the same words for the page, the CSV and the
 * XLSX sheet (which turns the dates back into date cells).
 */
export function cellTexts(p: ProcessingView, lang: ExportLang): Record<ColumnKey, string> {
  const lines = (xs: string[]) => xs.join('\n');
  const legal = p.legalBasis
    ? lines([...p.legalBasis.grounds.map((g) => say(LEGAL_GROUND_WORDS[g], lang)), ...(p.legalBasis.reference ? [p.legalBasis.reference] : [])])
    : '';
  const special = lines([
    ...p.specialCategories.categories.map((c) => say(SPECIAL_CATEGORY_WORDS[c], lang)),
    ...(p.specialCategories.condition ? [p.specialCategories.condition] : []),
  ]);
  return {
    number: String(p.number),
    name: p.name,
    department: p.department ?? '',
    jointControllers: p.jointControllers ?? '',
    purposes: p.purposes ?? '',
    dataSubjects: lines(p.dataSubjects.map((s) => wordFor(DATA_SUBJECT_WORDS, s, lang))),
    dataCategories: lines(p.dataCategories.map((c) => wordFor(DATA_CATEGORY_WORDS, c, lang))),
    recipients: lines(p.recipients.map((r) => wordFor(RECIPIENT_WORDS, r, lang))),
    transfers: p.transfers ?? '',
    retention: p.retention ?? '',
    securityMeasures: p.securityMeasures ?? '',
    legalBasis: legal,
    processingTypes: p.processingTypes.length ? lines(p.processingTypes.map((t) => wordFor(PROCESSING_TYPE_WORDS, t, lang))) : say(NORMAL_PROCESSING, lang),
    specialCategories: special,
    processors: lines(p.processors.map((x) => (x.contact ? `${x.name} (${x.contact})` : x.name))),
    source: p.source ?? '',
    datasets: lines(p.datasets.map((d) => `${datasetTitle(d, lang)} (${d.organizationSlug}/${d.slug}, ${say(DATASET_STATUS_WORDS[d.status], lang)})`)),
    createdAt: belgianDate(p.createdAt),
    updatedAt: belgianDate(p.updatedAt),
    status: say(STATUS_WORDS[p.status], lang),
    endDate: p.endDate ?? '',
    replacedBy: p.replacedBy ? `${p.replacedBy.number}. ${p.replacedBy.name}` : '',
    id: p.id,
  };
}

/** The words of the identification (the model's first tab) and of the register's titles. */
export const IDENTITY_WORDS = {
  register: ['Registre des activités de traitement', 'Register van de verwerkingsactiviteiten', 'Verzeichnis von Verarbeitungstätigkeiten', 'Record of processing activities'],
  identificationSheet: ['Identification', 'Identificatie', 'Identifikation', 'Identification'],
  registerSheet: ['Registre', 'Register', 'Verzeichnis', 'Register'],
  controller: ['Responsable du traitement', 'Verwerkingsverantwoordelijke', 'Verantwortlicher', 'Controller'],
  nisCode: ['Code INS', 'NIS-code', 'NIS-Kennziffer', 'NIS code'],
  enterpriseNumber: ["Numéro d'entreprise (BCE)", 'Ondernemingsnummer (KBO)', 'Unternehmensnummer (ZDU)', 'Enterprise number (CBE)'],
  email: ['Adresse e-mail', 'E-mailadres', 'E-Mail-Adresse', 'E-mail address'],
  phone: ['Numéro de téléphone général', 'Algemeen telefoonnummer', 'Allgemeine Telefonnummer', 'General phone number'],
  homepage: ['Site web', 'Website', 'Website', 'Website'],
  dpo: ['Délégué à la protection des données', 'Functionaris voor gegevensbescherming', 'Datenschutzbeauftragte(r)', 'Data protection officer'],
  date: ['Date du registre', 'Datum van het register', 'Stand des Verzeichnisses', 'Date of the register'],
  counts: ['Traitements en cours / terminés', 'Lopende / beëindigde verwerkingen', 'Laufende / beendete Verarbeitungen', 'Active / ended processings'],
  basis: [
    "Article 30.1 du RGPD ; modèle de registre de l'Autorité de protection des données",
    'Artikel 30.1 AVG; registermodel van de Gegevensbeschermingsautoriteit',
    'Artikel 30 Abs. 1 DSGVO; Verzeichnismodell der belgischen Datenschutzbehörde',
    'GDPR Article 30(1); register model of the Belgian Data Protection Authority',
  ],
  basisLabel: ['Cadre', 'Kader', 'Grundlage', 'Framework'],
} as const satisfies Record<string, Four>;

/** A DPO as one line: "Name <e-mail>". */
export function dpoLine(d: { name: string; email: string }): string {
  return `${d.name} <${d.email}>`;
}
