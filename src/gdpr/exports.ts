/**
 * The register as files for the DPO and the Data Protection Authority: XLSX in the form of the
 * authority's model (an identification sheet, then one register sheet in the model's column order,
 * headers in French, Dutch, German, English or French and Dutch), and CSV for Excel as Belgian offices
 * open it (UTF-8 with a byte order mark, ';' between fields by default; decision 0015).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { xlsxSheetName } from '../publish/exports.ts';
import {
  belgianDate, cellTexts, dpoLine, formatPhone, IDENTITY_WORDS, organizationName, REGISTER_COLUMNS, say,
  type ColumnKey, type ExportLang, type Four, type RegisterLang, type RegisterView,
} from './model.ts';

export const REGISTER_FORMATS = ['xlsx', 'csv'] as const;
export type RegisterFormat = (typeof REGISTER_FORMATS)[number];

export const REGISTER_MEDIA_TYPES: Record<RegisterFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

export interface RegisterFileOptions {
  format: RegisterFormat;
  lang: ExportLang;
  /** CSV only: ';' for Excel in Belgian (and most European) locales, ',' for RFC 4180 tools. */
  delimiter: ';' | ',';
}

export interface RegisterFile {
  path: string;
  bytes: number;
  mediaType: string;
  filename: string;
}

/** Bumped when the files' layout changes, so that files made by an older layout are not reused. */
const LAYOUT_VERSION = 2;
/** Files older than this are removed when the next export of the organization is made. */
const KEEP_MS = 24 * 3600 * 1000;

const FILE_STEM: Record<ExportLang, string> = {
  fr: 'registre-traitements', nl: 'register-verwerkingen', de: 'verarbeitungsverzeichnis', en: 'processing-register', 'fr-nl': 'registre-register',
};

const DATE_COLUMNS: ReadonlySet<ColumnKey> = new Set(['createdAt', 'updatedAt', 'endDate']);
const RED = 'FFC00000';

/**
 * Writes the register as a file in `dir` (one folder per organization) and returns it. The file is
 * named after its content and day, so the same register asked for twice the same day is written once;
 * the hash in the download's name also keeps the server's ETag (name and size) from matching an older
 * register of the same size.
 */
export async function writeRegisterFile(register: RegisterView, opts: RegisterFileOptions, dir: string): Promise<RegisterFile> {
  const day = belgianDate(register.generatedAt);
  const { generatedAt: _generatedAt, ...content } = register;
  const hash = crypto.createHash('sha256').update(JSON.stringify({ LAYOUT_VERSION, opts, day, content })).digest('hex').slice(0, 12);
  const ext = opts.format;
  const file = path.join(dir, `${hash}.${ext}`);
  await fs.promises.mkdir(dir, { recursive: true });
  await sweep(dir, file);
  if (fs.existsSync(file)) {
    // Touched so that the sweep of a concurrent export does not take a file about to be sent.
    const now = new Date();
    await fs.promises.utimes(file, now, now);
  } else {
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    try {
      if (opts.format === 'xlsx') await writeXlsx(register, opts.lang, tmp);
      else await fs.promises.writeFile(tmp, registerCsv(register, opts.lang, opts.delimiter));
      await fs.promises.rename(tmp, file);
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
  }
  return {
    path: file,
    bytes: (await fs.promises.stat(file)).size,
    mediaType: REGISTER_MEDIA_TYPES[opts.format],
    filename: `${FILE_STEM[opts.lang]}-${register.organization.slug}-${day}-${hash.slice(0, 8)}.${ext}`,
  };
}

/** Removes the organization's old register files (never the one being served). */
async function sweep(dir: string, keep: string): Promise<void> {
  const limit = Date.now() - KEEP_MS;
  for (const name of await fs.promises.readdir(dir)) {
    const p = path.join(dir, name);
    if (p === keep) continue;
    const st = await fs.promises.stat(p).catch(() => undefined);
    if (st && st.mtimeMs < limit) await fs.promises.rm(p, { force: true });
  }
}

/** The languages of the header rows: one, or French then Dutch. */
function headerLangs(lang: ExportLang): RegisterLang[] {
  return lang === 'fr-nl' ? ['fr', 'nl'] : [lang];
}

/** The identification: Art. 30(1)(a), the model's first sheet. */
function identityRows(register: RegisterView, lang: ExportLang): { words: Four; value: string | Date }[] {
  const w = IDENTITY_WORDS;
  return [
    { words: w.controller, value: organizationName(register.organization.name, lang) },
    { words: w.nisCode, value: register.organization.nisCode ?? '' },
    { words: w.enterpriseNumber, value: register.enterpriseNumber ?? '' },
    { words: w.email, value: register.email ?? '' },
    { words: w.phone, value: formatPhone(register.phone) ?? '' },
    { words: w.homepage, value: register.homepage ?? '' },
    { words: w.dpo, value: register.dpo.map(dpoLine).join('\n') },
    { words: w.date, value: utcDate(belgianDate(register.generatedAt)) },
    { words: w.counts, value: `${register.counts.active} / ${register.counts.ended}` },
    { words: w.basisLabel, value: say(w.basis, lang) },
  ];
}

/** A sheet's name; Excel refuses '/' in one, so both languages are joined with a dash. */
function sheetTitle(words: Four, lang: ExportLang): string {
  return xlsxSheetName(lang === 'fr-nl' ? headerLangs(lang).map((l) => say(words, l)).join(' - ') : say(words, lang));
}

/** A calendar date as an Excel date: midnight UTC, which exceljs writes without a time-zone shift. */
function utcDate(ymd: string): Date {
  return new Date(`${ymd}T00:00:00Z`);
}

async function writeXlsx(register: RegisterView, lang: ExportLang, file: string): Promise<void> {
  const langs = headerLangs(lang);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Dataville';
  workbook.created = new Date(register.generatedAt);
  const wrap: Partial<ExcelJS.Alignment> = { wrapText: true, vertical: 'top' };

  const ident = workbook.addWorksheet(sheetTitle(IDENTITY_WORDS.identificationSheet, lang), {
    pageSetup: { orientation: 'portrait', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ident.columns = [...langs.map(() => ({ width: 40 })), { width: 60 }];
  const title = ident.addRow([...langs.map((l) => say(IDENTITY_WORDS.register, l))]);
  title.font = { bold: true, size: 14 };
  title.commit();
  for (const r of identityRows(register, lang)) {
    const row = ident.addRow([...langs.map((l) => say(r.words, l)), r.value]);
    row.eachCell((cell, col) => {
      cell.alignment = wrap;
      if (col <= langs.length) cell.font = { bold: true };
      if (r.value instanceof Date && col === langs.length + 1) cell.numFmt = 'yyyy-mm-dd';
    });
    row.commit();
  }
  ident.commit();

  const columns = REGISTER_COLUMNS;
  const sheet = workbook.addWorksheet(sheetTitle(IDENTITY_WORDS.registerSheet, lang), {
    views: [{ state: 'frozen', xSplit: 2, ySplit: langs.length }],
    // Printed as the model is: landscape A4, as wide as the page, page numbers in the footer.
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    headerFooter: { oddFooter: '&L&A&R&P / &N' },
  });
  sheet.columns = columns.map((c) => ({ key: c.key, width: c.width }));
  for (const l of langs) {
    const row = sheet.addRow(columns.map((c) => say(c.words, l)));
    row.eachCell((cell, col) => {
      // The model marks in red what Art. 30(1) requires.
      cell.font = { bold: true, color: { argb: columns[col - 1].article ? RED : 'FF000000' } };
      cell.alignment = wrap;
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };
      cell.border = { bottom: { style: 'thin' } };
      // What a column holds, where the header alone does not say it (the type of processing's DPIA criteria).
      const note = columns[col - 1].note;
      if (note) cell.note = say(note, l);
    });
    row.commit();
  }
  sheet.autoFilter = { from: { row: langs.length, column: 1 }, to: { row: langs.length, column: columns.length } };
  for (const p of register.processings) {
    const text = cellTexts(p, lang);
    const row = sheet.addRow(columns.map((c): ExcelJS.CellValue => {
      if (c.key === 'number') return p.number;
      const v = text[c.key];
      if (!v) return null;
      return DATE_COLUMNS.has(c.key) ? utcDate(v) : v;
    }));
    row.eachCell((cell, col) => {
      cell.alignment = wrap;
      if (DATE_COLUMNS.has(columns[col - 1].key)) cell.numFmt = 'yyyy-mm-dd';
    });
    row.commit();
  }
  sheet.commit();
  await workbook.commit();
}

/** Cells spreadsheets would run as formulas (OWASP CSV injection) get a leading apostrophe, as in the data downloads. */
function neutralised(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/**
 * The register as CSV: the two identification columns of Art. 30(1)(a) first (a CSV has no second
 * sheet): the controller (name, KBO/BCE number, e-mail, general phone number, comma-separated) and
 * its DPOs; then the register's columns. One header row; bilingual headers read "fr / nl".
 */
export function registerCsv(register: RegisterView, lang: ExportLang, delimiter: ';' | ','): Buffer {
  const controller = [organizationName(register.organization.name, lang), register.enterpriseNumber, register.email, formatPhone(register.phone)].filter(Boolean).join(', ');
  const dpo = register.dpo.map(dpoLine).join('\n');
  const header = [say(IDENTITY_WORDS.controller, lang), say(IDENTITY_WORDS.dpo, lang), ...REGISTER_COLUMNS.map((c) => say(c.words, lang))];
  const rows = register.processings.map((p) => {
    const text = cellTexts(p, lang);
    return [controller, dpo, ...REGISTER_COLUMNS.map((c) => text[c.key])];
  });
  const text = stringify([header, ...rows].map((r) => r.map(neutralised)), { delimiter, record_delimiter: 'windows', bom: true });
  return Buffer.from(text, 'utf8');
}
