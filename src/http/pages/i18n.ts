/**
 * The words of the pages in French (default), Dutch, German and English. Each string is one line
 * [fr, nl, de, en] so that a missing translation is a type error, not a blank on a page.
 */
import { IDENTITY_WORDS } from '../../gdpr/model.ts';

export const UI_LANGS = ['fr', 'nl', 'de', 'en'] as const;
export type UiLang = (typeof UI_LANGS)[number];
type Four = readonly [fr: string, nl: string, de: string, en: string];

const S = {
  skip: ['Aller au contenu', 'Naar de inhoud', 'Zum Inhalt', 'Skip to content'],
  tagline: ['Les données ouvertes des communes belges', 'Open data van de Belgische gemeenten', 'Offene Daten der belgischen Gemeinden', 'Open data of Belgian municipalities'],
  intro: [
    'Dataville publie les données des communes. Chaque jeu de données est contrôlé (encodage, structure, qualité), consultable en ligne et téléchargeable en CSV, JSON, Parquet et Excel. Tout est aussi disponible par une API.',
    'Dataville publiceert de gegevens van de gemeenten. Elke dataset wordt gecontroleerd (codering, structuur, kwaliteit), is online te bekijken en te downloaden als CSV, JSON, Parquet en Excel. Alles is ook beschikbaar via een API.',
    'Dataville veröffentlicht die Daten der Gemeinden. Jeder Datensatz wird geprüft (Kodierung, Struktur, Qualität), ist online einsehbar und als CSV, JSON, Parquet und Excel herunterladbar. Alles ist auch über eine API verfügbar.',
    'Dataville publishes the data of municipalities. Every dataset is checked (encoding, structure, quality), can be browsed online and downloaded as CSV, JSON, Parquet and Excel. Everything is also available through an API.',
  ],
  home: ['Accueil', 'Home', 'Startseite', 'Home'],
  mainNav: ['Navigation principale', 'Hoofdnavigatie', 'Hauptnavigation', 'Main navigation'],
  langNav: ['Langue', 'Taal', 'Sprache', 'Language'],
  breadcrumb: ["Fil d'Ariane", 'Kruimelpad', 'Brotkrümelnavigation', 'Breadcrumb'],
  datasets: ['Jeux de données', 'Datasets', 'Datensätze', 'Datasets'],
  apiDocs: ["Documentation de l'API", 'API-documentatie', 'API-Dokumentation', 'API documentation'],
  jsonVersion: ['Cette page en JSON', 'Deze pagina in JSON', 'Diese Seite als JSON', 'This page as JSON'],
  footer: ['Dataville, logiciel libre (AGPL-3.0)', 'Dataville, vrije software (AGPL-3.0)', 'Dataville, freie Software (AGPL-3.0)', 'Dataville, free software (AGPL-3.0)'],
  searchLabel: ['Rechercher dans les jeux de données', 'Zoeken in de datasets', 'In den Datensätzen suchen', 'Search the datasets'],
  searchButton: ['Rechercher', 'Zoeken', 'Suchen', 'Search'],
  organizations: ['Communes', 'Gemeenten', 'Gemeinden', 'Municipalities'],
  organization: ['Commune', 'Gemeente', 'Gemeinde', 'Municipality'],
  allOrganizations: ['Toutes les communes', 'Alle gemeenten', 'Alle Gemeinden', 'All municipalities'],
  noOrganizations: ["Aucune commune n'a encore publié de données.", 'Nog geen enkele gemeente heeft gegevens gepubliceerd.', 'Noch keine Gemeinde hat Daten veröffentlicht.', 'No municipality has published data yet.'],
  datasetsOne: ['{n} jeu de données', '{n} dataset', '{n} Datensatz', '{n} dataset'],
  datasetsOther: ['{n} jeux de données', '{n} datasets', '{n} Datensätze', '{n} datasets'],
  latestDatasets: ['Derniers jeux de données', 'Nieuwste datasets', 'Neueste Datensätze', 'Latest datasets'],
  noDatasets: ['Aucun jeu de données.', 'Geen datasets.', 'Keine Datensätze.', 'No datasets.'],
  allDatasets: ['Tous les jeux de données', 'Alle datasets', 'Alle Datensätze', 'All datasets'],
  resultsOne: ['{n} résultat', '{n} resultaat', '{n} Ergebnis', '{n} result'],
  resultsOther: ['{n} résultats', '{n} resultaten', '{n} Ergebnisse', '{n} results'],
  resultsFor: ['pour « {q} »', 'voor „{q}”', 'für „{q}“', 'for “{q}”'],
  noResults: ['Aucun jeu de données ne correspond à cette recherche.', 'Geen enkele dataset komt overeen met deze zoekopdracht.', 'Kein Datensatz entspricht dieser Suche.', 'No dataset matches this search.'],
  pagination: ['Pages de résultats', 'Resultaatpagina’s', 'Ergebnisseiten', 'Result pages'],
  previous: ['Page précédente', 'Vorige pagina', 'Vorherige Seite', 'Previous page'],
  next: ['Page suivante', 'Volgende pagina', 'Nächste Seite', 'Next page'],
  pageOf: ['Page {page} sur {pages}', 'Pagina {page} van {pages}', 'Seite {page} von {pages}', 'Page {page} of {pages}'],
  status: ['Statut', 'Status', 'Status', 'Status'],
  status_published: ['Publié', 'Gepubliceerd', 'Veröffentlicht', 'Published'],
  status_planned: ['Prévu', 'Gepland', 'Geplant', 'Planned'],
  status_internal: ['Interne', 'Intern', 'Intern', 'Internal'],
  namesHeading: ['Noms officiels', 'Officiële namen', 'Amtliche Namen', 'Official names'],
  lang_fr: ['Français', 'Frans', 'Französisch', 'French'],
  lang_nl: ['Néerlandais', 'Nederlands', 'Niederländisch', 'Dutch'],
  lang_de: ['Allemand', 'Duits', 'Deutsch', 'German'],
  nisCode: ['Code INS', 'NIS-code', 'NIS-Kennziffer', 'NIS code'],
  province: ['Province', 'Provincie', 'Provinz', 'Province'],
  region: ['Région', 'Gewest', 'Region', 'Region'],
  population: ['Population', 'Inwoners', 'Einwohner', 'Population'],
  enterpriseNumber: IDENTITY_WORDS.enterpriseNumber,
  website: ['Site web', 'Website', 'Website', 'Website'],
  phone: ['Téléphone', 'Telefoon', 'Telefon', 'Telephone'],
  staffHeading: ['Pour le personnel de la commune', 'Voor het personeel van de gemeente', 'Für das Personal der Gemeinde', "For the municipality's staff"],
  staffRegister: [
    'Registre des activités de traitement (RGPD, art. 30)',
    'Register van de verwerkingsactiviteiten (AVG, art. 30)',
    'Verzeichnis von Verarbeitungstätigkeiten (DSGVO, Art. 30)',
    'Record of processing activities (GDPR, Art. 30)',
  ],
  staffPrivacy: [
    'Versions en attente du délégué à la protection des données',
    'Versies die wachten op de functionaris voor gegevensbescherming',
    'Versionen, die auf die Datenschutzbeauftragte warten',
    'Versions waiting for the data protection officer',
  ],
  staffJobs: ['Travaux en cours (imports, rafraîchissements)', 'Lopende taken (inladen, verversen)', 'Laufende Aufträge (Importe, Aktualisierungen)', 'Jobs (imports, refreshes)'],
  staffSignIn: ['Réservé aux personnes connectées de la commune.', 'Alleen voor aangemelde medewerkers van de gemeente.', 'Nur für angemeldete Mitarbeitende der Gemeinde.', 'For signed-in staff of the municipality.'],
  orgDatasets: ['Jeux de données de la commune', 'Datasets van de gemeente', 'Datensätze der Gemeinde', 'Datasets of the municipality'],
  seeAll: ['Voir les {n} jeux de données', 'Alle {n} datasets bekijken', 'Alle {n} Datensätze ansehen', 'See all {n} datasets'],
  about: ['À propos de ce jeu de données', 'Over deze dataset', 'Über diesen Datensatz', 'About this dataset'],
  description: ['Description', 'Beschrijving', 'Beschreibung', 'Description'],
  keywords: ['Mots-clés', 'Trefwoorden', 'Schlagwörter', 'Keywords'],
  theme: ['Thème', 'Thema', 'Thema', 'Theme'],
  licence: ['Licence', 'Licentie', 'Lizenz', 'Licence'],
  publisher: ['Éditeur', 'Uitgever', 'Herausgeber', 'Publisher'],
  contact: ['Contact', 'Contact', 'Kontakt', 'Contact'],
  updateFrequency: ['Fréquence de mise à jour', 'Updatefrequentie', 'Aktualisierung', 'Update frequency'],
  freq_continuous: ['continue', 'continu', 'laufend', 'continuous'],
  freq_daily: ['quotidienne', 'dagelijks', 'täglich', 'daily'],
  freq_weekly: ['hebdomadaire', 'wekelijks', 'wöchentlich', 'weekly'],
  freq_monthly: ['mensuelle', 'maandelijks', 'monatlich', 'monthly'],
  freq_quarterly: ['trimestrielle', 'driemaandelijks', 'vierteljährlich', 'quarterly'],
  freq_annual: ['annuelle', 'jaarlijks', 'jährlich', 'annual'],
  freq_irregular: ['irrégulière', 'onregelmatig', 'unregelmäßig', 'irregular'],
  freq_never: ['jamais', 'nooit', 'nie', 'never'],
  freq_unknown: ['inconnue', 'onbekend', 'unbekannt', 'unknown'],
  spatial: ['Couverture géographique', 'Geografische dekking', 'Räumliche Abdeckung', 'Spatial coverage'],
  temporal: ['Période couverte', 'Periode', 'Zeitraum', 'Time period'],
  updated: ['Mis à jour', 'Bijgewerkt', 'Aktualisiert', 'Updated'],
  notGiven: ['non précisé', 'niet opgegeven', 'nicht angegeben', 'not given'],
  colon: ['\u00a0: ', ': ', ': ', ': '],
  yes: ['oui', 'ja', 'ja', 'yes'],
  no: ['non', 'nee', 'nein', 'no'],
  data: ['Les données', 'De gegevens', 'Die Daten', 'The data'],
  noResources: ["Ce jeu de données n'a pas encore de fichier.", 'Deze dataset heeft nog geen bestand.', 'Dieser Datensatz hat noch keine Datei.', 'This dataset has no file yet.'],
  noVersion: ['Pas encore de données pour ce fichier.', 'Nog geen gegevens voor dit bestand.', 'Noch keine Daten für diese Datei.', 'No data for this file yet.'],
  version: ['version {n}', 'versie {n}', 'Version {n}', 'version {n}'],
  preview: ['Aperçu', 'Voorbeeld', 'Vorschau', 'Preview'],
  previewCaption: ['Les {shown} premières lignes sur {total}', 'De eerste {shown} rijen van {total}', 'Die ersten {shown} von {total} Zeilen', 'The first {shown} of {total} rows'],
  downloads: ['Télécharger', 'Downloaden', 'Herunterladen', 'Download'],
  forDevelopers: ['Pour les développeurs', 'Voor ontwikkelaars', 'Für Entwickler', 'For developers'],
  rowsApi: ['Interroger les lignes (API)', 'Rijen opvragen (API)', 'Zeilen abfragen (API)', 'Query the rows (API)'],
  auditJson: ['Le contrôle de qualité en JSON', 'De kwaliteitscontrole in JSON', 'Die Qualitätsprüfung als JSON', 'The quality check as JSON'],
  audit: ['Contrôle de qualité', 'Kwaliteitscontrole', 'Qualitätsprüfung', 'Quality check'],
  score: ['Score : {score} sur 100', 'Score: {score} op 100', 'Bewertung: {score} von 100', 'Score: {score} out of 100'],
  scoreShort: ['qualité {score}/100', 'kwaliteit {score}/100', 'Qualität {score}/100', 'quality {score}/100'],
  noDeductions: ['Aucun point retiré : rien à signaler.', 'Geen punten afgetrokken: niets te melden.', 'Keine Punkte abgezogen: nichts zu beanstanden.', 'No points deducted: nothing to report.'],
  minusPoints: ['−{n} points', '−{n} punten', '−{n} Punkte', '−{n} points'],
  fileHeading: ['Le fichier', 'Het bestand', 'Die Datei', 'The file'],
  rowsColumns: ['{rows} lignes et {cols} colonnes', '{rows} rijen en {cols} kolommen', '{rows} Zeilen und {cols} Spalten', '{rows} rows and {cols} columns'],
  encoding: ['Encodage', 'Codering', 'Kodierung', 'Encoding'],
  enc_bom: ['indiqué par la marque BOM', 'aangegeven door de BOM', 'durch die BOM angegeben', 'given by its byte order mark'],
  'enc_valid-utf8': ['UTF-8 valide', 'geldige UTF-8', 'gültiges UTF-8', 'valid UTF-8'],
  enc_detected: ['détecté, confiance {c} %', 'gedetecteerd, zekerheid {c}%', 'erkannt, Sicherheit {c} %', 'detected, {c}% confidence'],
  enc_fallback: ['supposé faute de mieux', 'bij gebrek aan beter aangenomen', 'mangels besserer Hinweise angenommen', 'assumed for lack of a better guess'],
  invalidBytes: ['{n} suites d’octets illisibles remplacées', '{n} onleesbare bytereeksen vervangen', '{n} unlesbare Bytefolgen ersetzt', '{n} unreadable byte sequences replaced'],
  mojibake: ['{n} caractères mal encodés réparés', '{n} verkeerd gecodeerde tekens hersteld', '{n} falsch kodierte Zeichen repariert', '{n} mis-encoded characters repaired'],
  dialect: ['Format CSV', 'CSV-formaat', 'CSV-Format', 'CSV format'],
  delimiter: ['séparateur', 'scheidingsteken', 'Trennzeichen', 'delimiter'],
  quoteChar: ['guillemet', 'aanhalingsteken', 'Anführungszeichen', 'quote'],
  lineEnding: ['fin de ligne', 'regeleinde', 'Zeilenende', 'line ending'],
  headerRow: ['ligne d’en-tête', 'kopregel', 'Kopfzeile', 'header row'],
  columnsHeading: ['Les colonnes', 'De kolommen', 'Die Spalten', 'The columns'],
  colName: ['Colonne', 'Kolom', 'Spalte', 'Column'],
  colType: ['Type', 'Type', 'Typ', 'Type'],
  colEmpty: ['Cellules vides', 'Lege cellen', 'Leere Zellen', 'Empty cells'],
  colDistinct: ['Valeurs distinctes', 'Verschillende waarden', 'Verschiedene Werte', 'Distinct values'],
  colRange: ['De … à', 'Van … tot', 'Von … bis', 'From … to'],
  colTop: ['Valeurs les plus fréquentes', 'Meest voorkomende waarden', 'Häufigste Werte', 'Most frequent values'],
  errorsHeading: ['Erreurs trouvées', 'Gevonden fouten', 'Gefundene Fehler', 'Errors found'],
  noErrors: ['Aucune erreur.', 'Geen fouten.', 'Keine Fehler.', 'No errors.'],
  errorsCaption: ['Les premières erreurs, avec leur position dans le fichier d’origine', 'De eerste fouten, met hun positie in het oorspronkelijke bestand', 'Die ersten Fehler mit ihrer Position in der Originaldatei', 'The first errors, with their position in the original file'],
  errRow: ['Ligne', 'Rij', 'Zeile', 'Row'],
  errKind: ['Nature', 'Soort', 'Art', 'Kind'],
  errMessage: ['Explication', 'Uitleg', 'Erklärung', 'Explanation'],
  errCount: ['Nombre', 'Aantal', 'Anzahl', 'Count'],
  type_string: ['texte', 'tekst', 'Text', 'text'],
  type_integer: ['nombre entier', 'geheel getal', 'Ganzzahl', 'integer'],
  type_number: ['nombre', 'getal', 'Zahl', 'number'],
  type_boolean: ['oui/non', 'ja/nee', 'ja/nein', 'yes/no'],
  type_date: ['date', 'datum', 'Datum', 'date'],
  type_datetime: ['date et heure', 'datum en tijd', 'Datum und Uhrzeit', 'date and time'],
  type_geojson: ['géométrie', 'geometrie', 'Geometrie', 'geometry'],
  history: ['Historique des versions', 'Versiegeschiedenis', 'Versionsverlauf', 'Version history'],
  histVersion: ['Version', 'Versie', 'Version', 'Version'],
  histDate: ['Date', 'Datum', 'Datum', 'Date'],
  histSize: ['Taille', 'Grootte', 'Größe', 'Size'],
  histRows: ['Lignes', 'Rijen', 'Zeilen', 'Rows'],
  histScore: ['Qualité', 'Kwaliteit', 'Qualität', 'Quality'],
  histChanges: ['Changements de colonnes', 'Gewijzigde kolommen', 'Spaltenänderungen', 'Column changes'],
  histServed: ['en ligne', 'online', 'online', 'served'],
  histNone: ['aucun', 'geen', 'keine', 'none'],
  diffAdded: ['ajoutée(s) : {c}', 'toegevoegd: {c}', 'hinzugefügt: {c}', 'added: {c}'],
  diffRemoved: ['retirée(s) : {c}', 'verwijderd: {c}', 'entfernt: {c}', 'removed: {c}'],
  diffRenamed: ['renommée(s) : {c}', 'hernoemd: {c}', 'umbenannt: {c}', 'renamed: {c}'],
  diffRetyped: ['type changé : {c}', 'type gewijzigd: {c}', 'Typ geändert: {c}', 'type changed: {c}'],
  rollback: ['Remettre en ligne cette version', 'Deze versie opnieuw online zetten', 'Diese Version wieder veröffentlichen', 'Serve this version again'],
  refreshes: ['Mises à jour automatiques', 'Automatische updates', 'Automatische Aktualisierungen', 'Automatic refreshes'],
  sourceLine: ['Source : {loc} · fréquence : {schedule} · prochaine : {next}', 'Bron: {loc} · frequentie: {schedule} · volgende: {next}', 'Quelle: {loc} · Häufigkeit: {schedule} · nächste: {next}', 'Source: {loc} · schedule: {schedule} · next: {next}'],
  heldTitle: ['En attente de votre décision : les colonnes ont changé', 'Wacht op uw beslissing: de kolommen zijn gewijzigd', 'Wartet auf Ihre Entscheidung: die Spalten haben sich geändert', 'Waiting for your decision: the columns changed'],
  approve: ['Publier cette mise à jour', 'Deze update publiceren', 'Diese Aktualisierung veröffentlichen', 'Publish this refresh'],
  reject: ['Rejeter', 'Weigeren', 'Ablehnen', 'Reject'],
  refreshNow: ['Mettre à jour maintenant', 'Nu bijwerken', 'Jetzt aktualisieren', 'Refresh now'],
  outcome: ['Résultat', 'Resultaat', 'Ergebnis', 'Outcome'],
  jobs: ['Tâches', 'Taken', 'Aufgaben', 'Jobs'],
  jobsIntro: ['Les importations et mises à jour de vos communes. Une tâche en échec dit pourquoi.', 'De imports en updates van uw gemeenten. Een mislukte taak zegt waarom.', 'Die Importe und Aktualisierungen Ihrer Gemeinden. Eine fehlgeschlagene Aufgabe sagt, warum.', 'The imports and refreshes of your municipalities. A failed job says why.'],
  jobKind: ['Tâche', 'Taak', 'Aufgabe', 'Job'],
  jobState: ['État', 'Status', 'Zustand', 'State'],
  jobWhy: ['Détail', 'Details', 'Details', 'Details'],
  jobsNone: ['Aucune tâche.', 'Geen taken.', 'Keine Aufgaben.', 'No jobs.'],
  state_queued: ['en attente', 'in de wachtrij', 'wartend', 'queued'],
  state_running: ['en cours', 'bezig', 'läuft', 'running'],
  state_done: ['terminée', 'klaar', 'fertig', 'done'],
  state_failed: ['en échec', 'mislukt', 'fehlgeschlagen', 'failed'],
  externalFile: ['Ce fichier est publié ailleurs : {link}', 'Dit bestand wordt elders gepubliceerd: {link}', 'Diese Datei wird anderswo veröffentlicht: {link}', 'This file is published elsewhere: {link}'],
  harvestedFrom: ['Moissonné depuis {link}', 'Geoogst van {link}', 'Geerntet von {link}', 'Harvested from {link}'],
  kind_ingest: ['Importation', 'Import', 'Import', 'Import'],
  kind_refresh: ['Mise à jour', 'Update', 'Aktualisierung', 'Refresh'],
  kind_serving: ['Indexation', 'Indexering', 'Indizierung', 'Indexing'],
  kind_harvest: ['Moissonnage', 'Harvesting', 'Harvesting', 'Harvest'],
  retry: ['Relancer', 'Opnieuw proberen', 'Erneut versuchen', 'Retry'],
  signIn: ['Se connecter', 'Aanmelden', 'Anmelden', 'Sign in'],
  signOut: ['Se déconnecter', 'Afmelden', 'Abmelden', 'Sign out'],
  signInIntro: ['Pour les agents communaux qui publient des données.', 'Voor gemeentepersoneel dat gegevens publiceert.', 'Für Gemeindemitarbeitende, die Daten veröffentlichen.', 'For municipal staff who publish data.'],
  email: ['Adresse e-mail', 'E-mailadres', 'E-Mail-Adresse', 'E-mail address'],
  password: ['Mot de passe', 'Wachtwoord', 'Passwort', 'Password'],
  signInFailed: ['L’adresse e-mail ou le mot de passe est incorrect.', 'Het e-mailadres of het wachtwoord is onjuist.', 'E-Mail-Adresse oder Passwort ist falsch.', 'The e-mail or the password is wrong.'],
  needSignIn: ['Connectez-vous pour voir les tâches de votre commune.', 'Meld u aan om de taken van uw gemeente te zien.', 'Melden Sie sich an, um die Aufgaben Ihrer Gemeinde zu sehen.', 'Sign in to see the jobs of your municipality.'],
} as const satisfies Record<string, Four>;

export type StringKey = keyof typeof S;
export type Strings = Record<StringKey, string>;

/** Place names of the reference list (stored in French) in the other languages. */
const PLACES: Record<string, Four> = {
  'Région flamande': ['Région flamande', 'Vlaams Gewest', 'Flämische Region', 'Flemish Region'],
  'Région wallonne': ['Région wallonne', 'Waals Gewest', 'Wallonische Region', 'Walloon Region'],
  'Région de Bruxelles-Capitale': ['Région de Bruxelles-Capitale', 'Brussels Hoofdstedelijk Gewest', 'Region Brüssel-Hauptstadt', 'Brussels-Capital Region'],
  'Province d’Anvers': ['Province d’Anvers', 'Provincie Antwerpen', 'Provinz Antwerpen', 'Province of Antwerp'],
  'Province du Brabant flamand': ['Province du Brabant flamand', 'Provincie Vlaams-Brabant', 'Provinz Flämisch-Brabant', 'Province of Flemish Brabant'],
  'Province du Brabant wallon': ['Province du Brabant wallon', 'Provincie Waals-Brabant', 'Provinz Wallonisch-Brabant', 'Province of Walloon Brabant'],
  'Province de Flandre occidentale': ['Province de Flandre occidentale', 'Provincie West-Vlaanderen', 'Provinz Westflandern', 'Province of West Flanders'],
  'Province de Flandre orientale': ['Province de Flandre orientale', 'Provincie Oost-Vlaanderen', 'Provinz Ostflandern', 'Province of East Flanders'],
  'Province du Hainaut': ['Province du Hainaut', 'Provincie Henegouwen', 'Provinz Hennegau', 'Province of Hainaut'],
  'Province de Liège': ['Province de Liège', 'Provincie Luik', 'Provinz Lüttich', 'Province of Liège'],
  'Province du Limbourg': ['Province du Limbourg', 'Provincie Limburg', 'Provinz Limburg', 'Province of Limburg'],
  'Province du Luxembourg': ['Province du Luxembourg', 'Provincie Luxemburg', 'Provinz Luxemburg', 'Province of Luxembourg'],
  'Province de Namur': ['Province de Namur', 'Provincie Namen', 'Provinz Namur', 'Province of Namur'],
};

const LOCALES: Record<UiLang, string> = { fr: 'fr-BE', nl: 'nl-BE', de: 'de-BE', en: 'en-GB' };
const cache = new Map<UiLang, Strings>();

/** The UI strings of one language. */
export function stringsFor(lang: UiLang): Strings {
  let s = cache.get(lang);
  if (!s) {
    const i = UI_LANGS.indexOf(lang);
    s = Object.fromEntries(Object.entries(S).map(([k, v]) => [k, v[i]])) as Strings;
    cache.set(lang, s);
  }
  return s;
}

/** Fills {name} placeholders. */
export function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** The language of a page: a valid ?lang= first, then the best of Accept-Language, then French. */
export function chooseLang(queryLang: string | undefined, acceptLanguage: string | undefined): { lang: UiLang; explicit: boolean } {
  if (isUiLang(queryLang)) return { lang: queryLang, explicit: true };
  const wanted = (acceptLanguage ?? '').split(',').map((part, i) => {
    const [tag, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    return { primary: tag.trim().toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q), i };
  }).filter((w) => w.q > 0).sort((a, b) => b.q - a.q || a.i - b.i);
  const best = wanted.find((w) => isUiLang(w.primary));
  return { lang: best ? (best.primary as UiLang) : 'fr', explicit: false };
}

export function isUiLang(s: unknown): s is UiLang {
  return typeof s === 'string' && (UI_LANGS as readonly string[]).includes(s);
}

/** A count with its noun, singular or plural as the language wants. */
export function countOf(lang: UiLang, n: number, one: string, other: string): string {
  const form = new Intl.PluralRules(LOCALES[lang]).select(n);
  return fill(form === 'one' ? one : other, { n: formatNumber(lang, n) });
}

export function formatNumber(lang: UiLang, n: number): string {
  return new Intl.NumberFormat(LOCALES[lang]).format(n);
}

/** A date (or timestamp) as people write it, in Belgian time. */
export function formatDate(lang: UiLang, iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'long', timeZone: 'Europe/Brussels' }).format(d);
}

/** A region or province name in the page's language (names we do not know stay as stored). */
export function placeName(lang: UiLang, name: string): string {
  return PLACES[name]?.[UI_LANGS.indexOf(lang)] ?? name;
}
