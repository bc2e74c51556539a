/**
 * The contracts of the privacy guard: what detection finds in a table (stored in its audit and
 * printed by `dataville audit --json` as `privacy`), and the anonymisation recipes a DPO applies.
 */

export type PersonalCategory =
  | 'national-register-number'
  | 'enterprise-number'
  | 'iban'
  | 'email'
  | 'phone'
  | 'licence-plate'
  | 'date-of-birth'
  | 'street-address'
  | 'person-name'
  | 'free-text-personal';

export interface CategoryFinding {
  category: PersonalCategory;
  /** 0..1, like Presidio: pattern, checksum, context words in the column's name and its neighbours. */
  confidence: number;
  /** Cells of the sample that matched, out of `sampled`. */
  cells: number;
  sampled: number;
  /** For a person: why, e.g. "38 of 40 sampled cells are national register numbers with a valid check". */
  evidence: string;
  /** A few matching values, masked (e.g. "85.07.30-0**.**"), never the raw value. */
  examples: string[];
}

export interface PrivacyColumn {
  name: string;
  /** True when the column is judged to hold personal data (a finding at or above the threshold). */
  personal: boolean;
  categories: CategoryFinding[];
}

export interface QuasiIdentifierFinding {
  /** Columns that together single people out (e.g. postcode + birth year + sex). */
  columns: string[];
  /** The smallest group size found: k = 1 means someone is unique. */
  k: number;
  /** Rows in groups smaller than the threshold (default 5). */
  rowsAtRisk: number;
  /**
   * Set when the table is aggregated: the count column whose sum per group is the group's size
   * (a row "1000, 1985, F, 2" stands for two people), instead of the number of rows.
   */
  weightColumn?: string;
}

export interface PrivacyReport {
  /** Version of the detectors, so stored reports can be recomputed when they improve. */
  detectorVersion: number;
  /** True when any column is personal or a quasi-identifier combination has k below the threshold. */
  personal: boolean;
  columns: PrivacyColumn[];
  quasiIdentifiers: QuasiIdentifierFinding[];
  /** The k threshold used (default 5). */
  threshold: number;
}
