/**
 * The dataset page's parts about openness and metadata: the 5-star rating with the reason for each
 * missing star and the step that earns it, the metadata quality score (MQA) with its to-dos, and
 * the schema.org JSON-LD script for search engines. Words are in this file, in the four languages.
 */
import type { StarLevel, StarsResult } from '../../quality/stars.ts';
import type { MetadataScore, Band, Dimension } from '../../quality/metadata-score.ts';
import { html, raw, type SafeHtml } from './html.ts';
import type { PageEnv } from './layout.ts';
import type { UiLang } from './i18n.ts';

type Four = readonly [fr: string, nl: string, de: string, en: string];
const IDX: Record<UiLang, number> = { fr: 0, nl: 1, de: 2, en: 3 };
const w = (env: PageEnv, t: Four, params: Record<string, string | number> = {}) =>
  t[IDX[env.lang]].replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));

const T = {
  starsHeading: ['Données ouvertes 5 étoiles', '5 sterren open data', '5-Sterne offene Daten', '5-star open data'],
  starsSummary: ['{n} étoile(s) sur 5', '{n} van de 5 sterren', '{n} von 5 Sternen', '{n} of 5 stars'],
  earned: ['obtenue', 'behaald', 'erreicht', 'earned'],
  missing: ['manquante', 'ontbreekt', 'fehlt', 'missing'],
  step: ['Pour l’obtenir :', 'Hoe te behalen:', 'So erreichen Sie ihn:', 'How to earn it:'],
  mqaHeading: ['Qualité des métadonnées (méthode data.europa.eu)', 'Kwaliteit van de metadata (methode data.europa.eu)', 'Qualität der Metadaten (Methode data.europa.eu)', 'Metadata quality (data.europa.eu method)'],
  mqaSummary: ['{points} points sur {max} : {band}', '{points} van {max} punten: {band}', '{points} von {max} Punkten: {band}', '{points} of {max} points: {band}'],
  dimension: ['Dimension', 'Dimensie', 'Dimension', 'Dimension'],
  points: ['Points', 'Punten', 'Punkte', 'Points'],
  todos: ['À faire', 'Te doen', 'Zu tun', 'To do'],
  noTodo: ['Rien à améliorer.', 'Niets te verbeteren.', 'Nichts zu verbessern.', 'Nothing to improve.'],
  servedNote: ['L’accessibilité des adresses est jugée d’après ce que Dataville sert lui-même.', 'De bereikbaarheid van de adressen wordt beoordeeld op wat Dataville zelf aanbiedt.', 'Die Erreichbarkeit der Adressen wird danach beurteilt, was Dataville selbst bereitstellt.', 'Whether addresses answer is judged from what Dataville itself serves.'],
} satisfies Record<string, Four>;

const STAR_TITLES: Record<StarLevel['star'], Four> = {
  1: ['Sur le web sous licence ouverte', 'Op het web onder een open licentie', 'Im Web unter offener Lizenz', 'On the web under an open licence'],
  2: ['Données structurées', 'Gestructureerde gegevens', 'Strukturierte Daten', 'Structured data'],
  3: ['Format non propriétaire', 'Niet-propriëtair formaat', 'Nicht proprietäres Format', 'Non-proprietary format'],
  4: ['Des URI pour chaque ligne', 'URI’s voor elke rij', 'URIs für jede Zeile', 'URIs for every row'],
  5: ['Liées à d’autres données', 'Gelinkt aan andere gegevens', 'Mit anderen Daten verknüpft', 'Linked to other data'],
};

/** Reasons and steps per code; params come from the rating. English falls back to the rating's own text. */
const REASONS: Partial<Record<StarLevel['code'], { reason: Four; step?: Four }>> = {
  open_licence: { reason: ['Publié sous la licence ouverte {licence}.', 'Gepubliceerd onder de open licentie {licence}.', 'Veröffentlicht unter der offenen Lizenz {licence}.', 'Published under the open licence {licence}.'] },
  not_published: {
    reason: ['Le jeu de données n’est pas publié : seuls les membres de l’organisation le voient.', 'De dataset is niet gepubliceerd: alleen leden van de organisatie zien hem.', 'Der Datensatz ist nicht veröffentlicht: nur Mitglieder der Organisation sehen ihn.', 'The dataset is not published: only members of its organization can see it.'],
    step: ['Publiez-le (statut « publié ») quand les données peuvent être partagées.', 'Publiceer hem (status „gepubliceerd”) zodra de gegevens gedeeld mogen worden.', 'Veröffentlichen Sie ihn (Status „veröffentlicht“), sobald die Daten geteilt werden dürfen.', 'Publish it (status "published") once the data may be shared.'],
  },
  no_data: {
    reason: ['Le jeu de données n’a pas encore de données.', 'De dataset heeft nog geen gegevens.', 'Der Datensatz hat noch keine Daten.', 'The dataset has no data yet.'],
    step: ['Chargez-y un fichier (un tableau CSV ou XLSX).', 'Laad er een bestand in (een CSV- of XLSX-tabel).', 'Laden Sie eine Datei hoch (eine CSV- oder XLSX-Tabelle).', 'Upload a file (a CSV or XLSX table).'],
  },
  no_licence: {
    reason: ['Aucune licence n’est indiquée : personne ne sait si la réutilisation est permise.', 'Er is geen licentie opgegeven: niemand weet of hergebruik mag.', 'Es ist keine Lizenz angegeben: niemand weiß, ob eine Weiterverwendung erlaubt ist.', 'No licence is given, so nobody knows whether they may reuse the data.'],
    step: ['Choisissez une licence ouverte, p. ex. CC-BY-4.0 ou CC0-1.0.', 'Kies een open licentie, bv. CC-BY-4.0 of CC0-1.0.', 'Wählen Sie eine offene Lizenz, z. B. CC-BY-4.0 oder CC0-1.0.', 'Choose an open licence, e.g. CC-BY-4.0 or CC0-1.0.'],
  },
  licence_unknown: {
    reason: ['Dataville ne connaît pas la licence « {licence} » et ne peut pas dire qu’elle est ouverte.', 'Dataville kent de licentie „{licence}” niet en kan niet zeggen dat ze open is.', 'Dataville kennt die Lizenz „{licence}“ nicht und kann nicht sagen, dass sie offen ist.', 'Dataville does not know the licence "{licence}", so it cannot tell that it is open.'],
    step: ['Indiquez la licence par son identifiant usuel, p. ex. CC-BY-4.0.', 'Geef de licentie met haar gebruikelijke naam, bv. CC-BY-4.0.', 'Geben Sie die Lizenz mit ihrer üblichen Kennung an, z. B. CC-BY-4.0.', 'Name the licence with its usual id, e.g. CC-BY-4.0.'],
  },
  licence_not_open: {
    reason: ['La licence {licence} restreint la réutilisation : les données ne sont pas ouvertes.', 'De licentie {licence} beperkt hergebruik: de gegevens zijn niet open.', 'Die Lizenz {licence} schränkt die Weiterverwendung ein: die Daten sind nicht offen.', 'The licence {licence} restricts reuse, so the data is not open.'],
    step: ['Utilisez une licence ouverte, p. ex. CC-BY-4.0 ou CC0-1.0.', 'Gebruik een open licentie, bv. CC-BY-4.0 of CC0-1.0.', 'Verwenden Sie eine offene Lizenz, z. B. CC-BY-4.0 oder CC0-1.0.', 'Use an open licence, e.g. CC-BY-4.0 or CC0-1.0.'],
  },
  structured: { reason: ['Des données structurées, lisibles par un programme.', 'Gestructureerde gegevens, leesbaar voor een programma.', 'Strukturierte Daten, von Programmen lesbar.', 'Structured data a program can read.'] },
  not_structured: {
    reason: ['Aucune ressource n’est structurée (document ou image).', 'Geen enkele bron is gestructureerd (document of afbeelding).', 'Keine Ressource ist strukturiert (Dokument oder Bild).', 'No resource is structured data (a document or a picture).'],
    step: ['Chargez les données elles-mêmes sous forme de tableau (CSV ou XLSX).', 'Laad de gegevens zelf als tabel (CSV of XLSX).', 'Laden Sie die Daten selbst als Tabelle hoch (CSV oder XLSX).', 'Upload the data itself as a table (CSV or XLSX).'],
  },
  open_format: { reason: ['Dataville sert les tableaux en CSV et JSON, des formats ouverts.', 'Dataville biedt de tabellen aan als CSV en JSON, open formaten.', 'Dataville stellt die Tabellen als CSV und JSON bereit, offene Formate.', 'Dataville serves the tables as CSV and JSON, open formats.'] },
  proprietary_only: {
    reason: ['Les données n’existent que dans un format lié à un fournisseur.', 'De gegevens bestaan alleen in een formaat van één leverancier.', 'Die Daten gibt es nur in einem herstellergebundenen Format.', 'The data is only in a format tied to one vendor.'],
    step: ['Chargez le tableau dans Dataville : il le sert aussi en CSV et JSON.', 'Laad de tabel in Dataville: die biedt hem ook als CSV en JSON aan.', 'Laden Sie die Tabelle in Dataville: es stellt sie auch als CSV und JSON bereit.', 'Upload the table to Dataville: it serves it as CSV and JSON too.'],
  },
  row_uris: { reason: ['Chaque ligne a une URI avec des vues Turtle et JSON-LD.', 'Elke rij heeft een URI met Turtle- en JSON-LD-weergaven.', 'Jede Zeile hat eine URI mit Turtle- und JSON-LD-Ansichten.', 'Every row has a URI with Turtle and JSON-LD views.'] },
  rows_elsewhere: {
    reason: ['Des fichiers sont hébergés ailleurs : leurs lignes n’ont pas d’URI ({resources}).', 'Sommige bestanden staan elders: hun rijen hebben geen URI ({resources}).', 'Einige Dateien liegen anderswo: ihre Zeilen haben keine URI ({resources}).', 'Some files are held elsewhere: their rows have no URIs ({resources}).'],
    step: ['Chargez ces fichiers dans Dataville.', 'Laad deze bestanden in Dataville.', 'Laden Sie diese Dateien in Dataville.', 'Upload these files to Dataville.'],
  },
  no_rows: {
    reason: ['Les tableaux n’ont aucune ligne.', 'De tabellen hebben geen rijen.', 'Die Tabellen haben keine Zeilen.', 'The tables have no rows.'],
    step: ['Chargez un fichier avec des lignes de données.', 'Laad een bestand met gegevensrijen.', 'Laden Sie eine Datei mit Datenzeilen.', 'Upload a file with data rows.'],
  },
  linked: { reason: ['Liées à d’autres données par les colonnes {columns}.', 'Gelinkt aan andere gegevens via de kolommen {columns}.', 'Mit anderen Daten verknüpft über die Spalten {columns}.', 'Linked to other data through the columns {columns}.'] },
  not_linked: {
    reason: ['Aucune colonne ne renvoie à d’autres données : ni codes INS, ni codes postaux, ni numéros d’entreprise, ni colonne associée à un vocabulaire partagé.', 'Geen enkele kolom verwijst naar andere gegevens: geen NIS-codes, postcodes of ondernemingsnummers, en geen kolom gekoppeld aan een gedeeld vocabularium.', 'Keine Spalte verweist auf andere Daten: keine NIS-Codes, Postleitzahlen oder Unternehmensnummern und keine Spalte mit einem gemeinsamen Vokabular verknüpft.', 'No column links to other data: no NIS codes, postcodes or enterprise numbers, and no column mapped to a shared vocabulary.'],
    step: ['Associez une colonne à un vocabulaire partagé (OSLO, schema.org) ou ajoutez une colonne avec le code INS ou le code postal : Dataville les relie tout seul.', 'Koppel een kolom aan een gedeeld vocabularium (OSLO, schema.org) of voeg een kolom toe met de NIS-code of de postcode: Dataville linkt die zelf.', 'Verknüpfen Sie eine Spalte mit einem gemeinsamen Vokabular (OSLO, schema.org) oder fügen Sie eine Spalte mit NIS-Code oder Postleitzahl hinzu: Dataville verknüpft diese selbst.', 'Map a column to a shared vocabulary (OSLO, schema.org) or add a column with the NIS code or postcode: Dataville links those by itself.'],
  },
  needs_previous: {
    reason: ['Critère rempli ; elle compte dès que l’étoile {missing} est obtenue.', 'Voldaan; telt mee zodra ster {missing} behaald is.', 'Erfüllt; zählt, sobald Stern {missing} erreicht ist.', 'Met; it counts once star {missing} is earned.'],
    step: ['Obtenez d’abord l’étoile {missing}.', 'Behaal eerst ster {missing}.', 'Erreichen Sie zuerst Stern {missing}.', 'Earn star {missing} first.'],
  },
};

const BANDS: Record<Band, Four> = {
  excellent: ['excellent', 'uitstekend', 'ausgezeichnet', 'excellent'],
  good: ['bon', 'goed', 'gut', 'good'],
  sufficient: ['suffisant', 'voldoende', 'ausreichend', 'sufficient'],
  bad: ['insuffisant', 'onvoldoende', 'unzureichend', 'bad'],
};

const DIMENSIONS: Record<Dimension, Four> = {
  findability: ['Trouvabilité', 'Vindbaarheid', 'Auffindbarkeit', 'Findability'],
  accessibility: ['Accessibilité', 'Toegankelijkheid', 'Zugänglichkeit', 'Accessibility'],
  interoperability: ['Interopérabilité', 'Interoperabiliteit', 'Interoperabilität', 'Interoperability'],
  reusability: ['Réutilisabilité', 'Herbruikbaarheid', 'Wiederverwendbarkeit', 'Reusability'],
  contextuality: ['Contexte', 'Context', 'Kontext', 'Contextuality'],
};

/** What each MQA to-do asks, in the page's language (the API gives the English text with details). */
const TODOS: Record<string, Four> = {
  keywords: ['Ajoutez des mots-clés.', 'Voeg trefwoorden toe.', 'Fügen Sie Schlagwörter hinzu.', 'Add keywords.'],
  categories: ['Choisissez un thème.', 'Kies een thema.', 'Wählen Sie ein Thema.', 'Choose a theme.'],
  spatial: ['Indiquez la zone couverte.', 'Geef het gebied op dat de gegevens beslaan.', 'Geben Sie das abgedeckte Gebiet an.', 'Say which area the data covers.'],
  temporal: ['Indiquez la période couverte.', 'Geef de periode op die de gegevens beslaan.', 'Geben Sie den abgedeckten Zeitraum an.', 'Give the period the data covers.'],
  accessUrlAccessible: ['Publiez le jeu de données pour que sa page réponde.', 'Publiceer de dataset zodat zijn pagina bereikbaar is.', 'Veröffentlichen Sie den Datensatz, damit seine Seite erreichbar ist.', 'Publish the dataset so that its page answers.'],
  downloadUrl: ['Chargez un fichier : sans données, pas d’adresse de téléchargement.', 'Laad een bestand: zonder gegevens geen downloadadres.', 'Laden Sie eine Datei hoch: ohne Daten keine Download-Adresse.', 'Upload a file: without data there is no download URL.'],
  downloadUrlAccessible: ['Publiez le jeu de données pour que ses téléchargements répondent.', 'Publiceer de dataset zodat zijn downloads bereikbaar zijn.', 'Veröffentlichen Sie den Datensatz, damit seine Downloads erreichbar sind.', 'Publish the dataset so that its downloads answer.'],
  format: ['Indiquez le format de chaque lien.', 'Geef het formaat van elke link op.', 'Geben Sie das Format jedes Links an.', 'Give each link its format.'],
  mediaType: ['Indiquez le type de média de chaque lien.', 'Geef het mediatype van elke link op.', 'Geben Sie den Medientyp jedes Links an.', 'Give each link its media type.'],
  formatVocabulary: ['Utilisez un format de la liste de l’UE.', 'Gebruik een formaat uit de EU-lijst.', 'Verwenden Sie ein Format aus der EU-Liste.', 'Use a format from the EU list.'],
  nonProprietary: ['Proposez un format non propriétaire (CSV).', 'Bied een niet-propriëtair formaat aan (CSV).', 'Bieten Sie ein nicht proprietäres Format an (CSV).', 'Offer a non-proprietary format (CSV).'],
  machineReadable: ['Proposez un format lisible par machine.', 'Bied een machineleesbaar formaat aan.', 'Bieten Sie ein maschinenlesbares Format an.', 'Offer a machine-readable format.'],
  dcatApCompliance: ['Complétez la description et l’éditeur.', 'Vul de beschrijving en de uitgever in.', 'Ergänzen Sie Beschreibung und Herausgeber.', 'Fill in the description and the publisher.'],
  licence: ['Choisissez une licence.', 'Kies een licentie.', 'Wählen Sie eine Lizenz.', 'Choose a licence.'],
  licenceVocabulary: ['Choisissez une licence de la liste de l’UE (CC-BY-4.0, CC0-1.0…).', 'Kies een licentie uit de EU-lijst (CC-BY-4.0, CC0-1.0…).', 'Wählen Sie eine Lizenz aus der EU-Liste (CC-BY-4.0, CC0-1.0 …).', 'Choose a licence from the EU list (CC-BY-4.0, CC0-1.0 ...).'],
  contactPoint: ['Indiquez un point de contact (service et adresse e-mail).', 'Geef een contactpunt op (dienst en e-mailadres).', 'Geben Sie eine Kontaktstelle an (Dienst und E-Mail-Adresse).', 'Give a contact point (a service and an e-mail address).'],
  publisher: ['Indiquez l’éditeur.', 'Geef de uitgever op.', 'Geben Sie den Herausgeber an.', 'Name the publisher.'],
  rights: ['Utilisez une licence connue de Dataville.', 'Gebruik een licentie die Dataville kent.', 'Verwenden Sie eine Lizenz, die Dataville kennt.', 'Use a licence Dataville knows.'],
  byteSize: ['La taille est connue dès le premier téléchargement du CSV.', 'De grootte is bekend na de eerste download van de CSV.', 'Die Größe ist nach dem ersten Download der CSV bekannt.', 'The size is known once the CSV has been downloaded once.'],
  issued: ['Indiquez la date de publication.', 'Geef de publicatiedatum op.', 'Geben Sie das Veröffentlichungsdatum an.', 'Give the publication date.'],
  modified: ['Indiquez la date de modification.', 'Geef de wijzigingsdatum op.', 'Geben Sie das Änderungsdatum an.', 'Give the modification date.'],
};

function levelText(env: PageEnv, l: StarLevel): { reason: string; step: string | null } {
  const t = REASONS[l.code];
  // English readers get the rating's own sentences, which name resources and columns.
  if (!t || env.lang === 'en') return { reason: l.reason, step: l.step };
  return { reason: w(env, t.reason, l.params), step: l.step ? (t.step ? w(env, t.step, l.params) : l.step) : null };
}

/** The 5-star rating: a line of stars, then each star with its reason and, when missing, the step. */
export function renderStars(env: PageEnv, s: StarsResult): SafeHtml {
  const line = '★'.repeat(s.stars) + '☆'.repeat(5 - s.stars);
  return html`<section aria-labelledby="stars-heading" class="stars">
<h2 id="stars-heading">${w(env, T.starsHeading)}</h2>
<p><span aria-hidden="true" class="star-line">${line}</span> <strong>${w(env, T.starsSummary, { n: s.stars })}</strong></p>
<ol class="star-levels">${s.levels.map((l) => {
    const { reason, step } = levelText(env, l);
    return html`<li class="${l.earned ? 'earned' : 'missing'}"><strong>${w(env, STAR_TITLES[l.star])}</strong> — <span class="badge">${w(env, l.earned ? T.earned : T.missing)}</span><br>${reason}${step ? html`<br><em>${w(env, T.step)}</em> ${step}` : ''}</li>`;
  })}</ol>
</section>`;
}

/** The metadata quality score: total and band, a table per dimension, and the to-dos with their points. */
export function renderMetadataScore(env: PageEnv, m: MetadataScore): SafeHtml {
  return html`<section aria-labelledby="mqa-heading" class="mqa">
<h2 id="mqa-heading">${w(env, T.mqaHeading)}</h2>
<p><strong>${w(env, T.mqaSummary, { points: m.points, max: m.max, band: w(env, BANDS[m.band]) })}</strong></p>
<table class="mqa-dimensions"><thead><tr><th scope="col">${w(env, T.dimension)}</th><th scope="col">${w(env, T.points)}</th></tr></thead>
<tbody>${(Object.keys(m.dimensions) as Dimension[]).map((d) => html`<tr><th scope="row">${w(env, DIMENSIONS[d])}</th><td>${m.dimensions[d].points} / ${m.dimensions[d].max}</td></tr>`)}</tbody></table>
<h3>${w(env, T.todos)}</h3>
${m.todos.length
    ? html`<ul class="mqa-todos">${m.todos.map((t) => html`<li>${TODOS[t.indicator] ? w(env, TODOS[t.indicator]) : t.todo} <span class="meta">(+${t.points})</span></li>`)}</ul>`
    : html`<p>${w(env, T.noTodo)}</p>`}
<p class="meta">${w(env, T.servedNote)}</p>
</section>`;
}

/**
 * The schema.org JSON-LD as a script element. JSON is escaped for the script context: "<" ">" "&"
 * and the line separators become \u escapes, so a title holding "</script>" cannot end the element.
 */
export function jsonLdScript(data: unknown): SafeHtml {
  const json = JSON.stringify(data).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return raw(`<script type="application/ld+json">${json}</script>`);
}
