/**
 * The licences Dataville recognises in a dataset's free-text licence field: whether each is open
 * (Open Definition: reuse, redistribution and derivatives for anyone, any purpose) and its URI in
 * the EU licence list, which DCAT-AP recommends and the MQA counts as "licence from a vocabulary".
 */

export interface KnownLicence {
  /** The short id Dataville shows (SPDX where there is one). */
  id: string;
  title: string;
  /** The licence text. */
  url: string;
  /** http://publications.europa.eu/resource/authority/licence/<CODE>, when the EU list has it. */
  euUri: string | null;
  open: boolean;
  /** What a reuser must do; the rights statement of a distribution (dct:rights). */
  conditions: string;
}

const EU = 'http://publications.europa.eu/resource/authority/licence/';

const LICENCES: (KnownLicence & { aliases: string[] })[] = [
  { id: 'CC-BY-4.0', title: 'Creative Commons Attribution 4.0 International', url: 'https://creativecommons.org/licenses/by/4.0/', euUri: `${EU}CC_BY_4_0`, open: true,
    conditions: 'Reuse allowed for any purpose, with attribution to the publisher.', aliases: ['ccby40', 'ccby4', 'ccby', 'creativecommonsattribution40', 'creativecommons.org/licenses/by/4.0', 'cc_by_4_0'] },
  { id: 'CC-BY-SA-4.0', title: 'Creative Commons Attribution-ShareAlike 4.0 International', url: 'https://creativecommons.org/licenses/by-sa/4.0/', euUri: `${EU}CC_BYSA_4_0`, open: true,
    conditions: 'Reuse allowed for any purpose, with attribution, and derived data under the same licence.', aliases: ['ccbysa40', 'ccbysa4', 'ccbysa', 'creativecommons.org/licenses/by-sa/4.0', 'cc_bysa_4_0'] },
  { id: 'CC0-1.0', title: 'Creative Commons CC0 1.0 Universal', url: 'https://creativecommons.org/publicdomain/zero/1.0/', euUri: `${EU}CC0`, open: true,
    conditions: 'No conditions: dedicated to the public domain.', aliases: ['cc010', 'cc0', 'publicdomain', 'creativecommons.org/publicdomain/zero/1.0'] },
  { id: 'PDM-1.0', title: 'Creative Commons Public Domain Mark 1.0', url: 'https://creativecommons.org/publicdomain/mark/1.0/', euUri: `${EU}CC_PDM_1_0`, open: true,
    conditions: 'No conditions: free of known copyright.', aliases: ['pdm10', 'pdm', 'ccpdm10', 'creativecommons.org/publicdomain/mark/1.0'] },
  { id: 'ODC-By-1.0', title: 'Open Data Commons Attribution License 1.0', url: 'https://opendatacommons.org/licenses/by/1-0/', euUri: `${EU}ODC_BY`, open: true,
    conditions: 'Reuse allowed for any purpose, with attribution to the publisher.', aliases: ['odcby10', 'odcby', 'opendatacommons.org/licenses/by'] },
  { id: 'ODbL-1.0', title: 'Open Data Commons Open Database License 1.0', url: 'https://opendatacommons.org/licenses/odbl/1-0/', euUri: `${EU}ODC_BL`, open: true,
    conditions: 'Reuse allowed for any purpose, with attribution, and derived databases under the same licence.', aliases: ['odbl10', 'odbl', 'odcodbl', 'opendatacommons.org/licenses/odbl', 'odc_bl'] },
  { id: 'PDDL-1.0', title: 'Open Data Commons Public Domain Dedication and License 1.0', url: 'https://opendatacommons.org/licenses/pddl/1-0/', euUri: `${EU}ODC_PDDL`, open: true,
    conditions: 'No conditions: dedicated to the public domain.', aliases: ['pddl10', 'pddl', 'odcpddl', 'opendatacommons.org/licenses/pddl'] },
  { id: 'OGL-UK-3.0', title: 'Open Government Licence 3.0', url: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/', euUri: `${EU}OGL_3_0`, open: true,
    conditions: 'Reuse allowed for any purpose, with attribution to the publisher.', aliases: ['ogl30', 'ogluk30', 'ogl3', 'ogl'] },
  // Licences Belgian publishers use that the EU list does not have: open, but without a vocabulary URI.
  { id: 'etalab-2.0', title: 'Licence Ouverte / Open Licence 2.0', url: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/', euUri: null, open: true,
    conditions: 'Reuse allowed for any purpose, with attribution to the publisher.', aliases: ['etalab20', 'licenceouverte20', 'licenceouverte', 'openlicence20'] },
  { id: 'modellicentie-gratis-hergebruik', title: 'Modellicentie Gratis Hergebruik (Vlaanderen) 1.0', url: 'https://www.vlaanderen.be/digitaal-vlaanderen/onze-oplossingen/open-data/voorwaarden-voor-het-hergebruik-van-overheidsinformatie/modellicentie-gratis-hergebruik', euUri: null, open: true,
    conditions: 'Reuse allowed for any purpose, free of charge, with attribution to the publisher.', aliases: ['modellicentiegratishergebruik', 'modellicentiegratishergebruik10', 'gratishergebruik'] },
  { id: 'CC-BY-NC-4.0', title: 'Creative Commons Attribution-NonCommercial 4.0 International', url: 'https://creativecommons.org/licenses/by-nc/4.0/', euUri: `${EU}CC_BYNC_4_0`, open: false,
    conditions: 'Non-commercial reuse only, with attribution.', aliases: ['ccbync40', 'ccbync', 'creativecommons.org/licenses/by-nc/4.0'] },
  { id: 'CC-BY-ND-4.0', title: 'Creative Commons Attribution-NoDerivatives 4.0 International', url: 'https://creativecommons.org/licenses/by-nd/4.0/', euUri: `${EU}CC_BYND_4_0`, open: false,
    conditions: 'No derived data may be shared.', aliases: ['ccbynd40', 'ccbynd', 'creativecommons.org/licenses/by-nd/4.0'] },
  { id: 'CC-BY-NC-SA-4.0', title: 'Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International', url: 'https://creativecommons.org/licenses/by-nc-sa/4.0/', euUri: `${EU}CC_BYNCSA_4_0`, open: false,
    conditions: 'Non-commercial reuse only, with attribution, under the same licence.', aliases: ['ccbyncsa40', 'ccbyncsa', 'creativecommons.org/licenses/by-nc-sa/4.0'] },
  { id: 'CC-BY-NC-ND-4.0', title: 'Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International', url: 'https://creativecommons.org/licenses/by-nc-nd/4.0/', euUri: `${EU}CC_BYNCND_4_0`, open: false,
    conditions: 'Non-commercial reuse only, without derived data.', aliases: ['ccbyncnd40', 'ccbyncnd', 'creativecommons.org/licenses/by-nc-nd/4.0'] },
];

/** Lower case, no scheme, no "www.", and only letters, digits, '/' and '.' for URLs; letters and digits otherwise. */
function key(s: string): string {
  const t = s.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/^www\./, '').replace(/\/+$/, '');
  if (t.includes('/')) return t.replace(/[^a-z0-9/.\-_]/g, '');
  return t.replace(/[^a-z0-9]/g, '');
}

const BY_KEY = new Map<string, KnownLicence>();
for (const l of LICENCES) {
  const { aliases, ...licence } = l;
  for (const a of [l.id, l.url, ...(l.euUri ? [l.euUri] : []), ...aliases]) BY_KEY.set(key(a), licence);
}

/** The licence a dataset's licence field names, or null when Dataville does not know it. */
export function knownLicence(field: string | null | undefined): KnownLicence | null {
  if (!field || !field.trim()) return null;
  const k = key(field);
  if (BY_KEY.has(k)) return BY_KEY.get(k)!;
  // A URL to a licence page with a language suffix or a deed (…/by/4.0/deed.fr, …/legalcode).
  const stripped = k.replace(/\/(deed(\.[a-z-]+)?|legalcode(\.[a-z-]+)?)$/, '');
  return BY_KEY.get(stripped) ?? null;
}

/** The licences a publisher can choose from, for error messages and forms. */
export function licenceChoices(): string[] {
  return LICENCES.map((l) => l.id);
}
