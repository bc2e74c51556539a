/**
 * The workbook-level parts: where the workbook is (package relationships), its sheets in tab order
 * with their visibility, the 1900/1904 date system, the number format of each cell style and the
 * shared strings (kept in memory: cells refer to them by index, in any order).
 */
import path from 'node:path';
import { AppError } from '../../errors.ts';
import { classifyNumFmt, type NumFmtKind } from './values.ts';
import { attr, parsePart } from './xml.ts';
import type { SafeZip } from './zip.ts';

export interface SheetEntry {
  name: string;
  state: 'visible' | 'hidden' | 'veryHidden';
  /** The part holding the cells; null when the relationship is missing. */
  part: string | null;
  kind: 'worksheet' | 'chartsheet' | 'other';
}

export interface WorkbookInfo {
  sheets: SheetEntry[];
  date1904: boolean;
  /** Number format of each cell style (index `s` of a cell). */
  styles: NumFmtKind[];
  sharedStrings: string[];
}

interface Relationship {
  type: string;
  target: string;
}

/** Relationships of a part, targets resolved to archive paths. */
async function readRels(zip: SafeZip, part: string, displayName: string): Promise<Map<string, Relationship>> {
  const relsPart = path.posix.join(path.posix.dirname(part), '_rels', `${path.posix.basename(part)}.rels`);
  const rels = new Map<string, Relationship>();
  if (!zip.has(relsPart)) return rels;
  await parsePart(zip, relsPart, {
    open(name, attrs) {
      if (name !== 'Relationship' || attrs.TargetMode === 'External') return;
      const target = attrs.Target ?? '';
      const resolved = target.startsWith('/') ? target.slice(1) : path.posix.join(path.posix.dirname(part), target);
      rels.set(attrs.Id ?? '', { type: attrs.Type ?? '', target: path.posix.normalize(resolved) });
    },
  }, displayName);
  return rels;
}

const relType = (type: string) => type.slice(type.lastIndexOf('/') + 1);

/** Finds the workbook part, or says what the archive is when it holds none. */
async function workbookPart(zip: SafeZip, displayName: string): Promise<string> {
  const rels = await readRels(zip, '', displayName);
  const office = [...rels.values()].find((r) => relType(r.type) === 'officeDocument');
  const part = office?.target ?? (zip.has('xl/workbook.xml') ? 'xl/workbook.xml' : null);
  if (part && /\.bin$/i.test(part)) {
    throw new AppError('unsupported_format', `"${displayName}" is an Excel binary workbook (.xlsb), which Dataville does not read. Open it in Excel and save it as "Excel Workbook (.xlsx)" or as "CSV UTF-8", then upload that file.`);
  }
  if (part && zip.has(part)) return part;
  if (zip.has('content.xml') && zip.has('mimetype')) {
    throw new AppError('unsupported_format', `"${displayName}" is an OpenDocument spreadsheet (.ods), not an XLSX workbook. Open it in LibreOffice or Excel and save it as "Excel Workbook (.xlsx)" or as "CSV UTF-8", then upload that file.`);
  }
  if (zip.has('word/document.xml') || zip.has('ppt/presentation.xml')) {
    throw new AppError('unsupported_format', `"${displayName}" is a Word or PowerPoint document, not an Excel workbook. Publish the table as an .xlsx workbook or a CSV file.`);
  }
  throw new AppError(
    'unsupported_format',
    `"${displayName}" is a ZIP archive but not an Excel workbook (it has no workbook part, xl/workbook.xml). Open the file in Excel and save it as "Excel Workbook (.xlsx)", or publish the table as CSV.`,
  );
}

export async function readWorkbook(zip: SafeZip, displayName: string): Promise<WorkbookInfo> {
  const part = await workbookPart(zip, displayName);
  const rels = await readRels(zip, part, displayName);
  const listed: { name: string; state: SheetEntry['state']; rid: string }[] = [];
  let date1904 = false;
  await parsePart(zip, part, {
    open(name, attrs) {
      if (name === 'sheet') {
        const state = attrs.state === 'hidden' || attrs.state === 'veryHidden' ? attrs.state : 'visible';
        listed.push({ name: attrs.name ?? `Sheet${listed.length + 1}`, state, rid: attr(attrs, 'id') ?? '' });
      } else if (name === 'workbookPr') {
        date1904 = attrs.date1904 === '1' || attrs.date1904 === 'true';
      }
    },
  }, displayName);

  const sheets: SheetEntry[] = listed.map((s) => {
    const rel = rels.get(s.rid);
    const type = rel ? relType(rel.type) : '';
    const kind = type === 'worksheet' ? 'worksheet' : type === 'chartsheet' ? 'chartsheet' : 'other';
    return { name: s.name, state: s.state, part: rel && zip.has(rel.target) ? rel.target : null, kind };
  });
  const related = (t: string) => [...rels.values()].find((r) => relType(r.type) === t && zip.has(r.target))?.target;
  const stylesPart = related('styles');
  const sstPart = related('sharedStrings');
  return {
    sheets,
    date1904,
    styles: stylesPart ? await readStyles(zip, stylesPart, displayName) : [],
    sharedStrings: sstPart ? await readSharedStrings(zip, sstPart, displayName) : [],
  };
}

async function readStyles(zip: SafeZip, part: string, displayName: string): Promise<NumFmtKind[]> {
  const codes = new Map<number, string>();
  const xfFormats: number[] = [];
  let inCellXfs = false;
  await parsePart(zip, part, {
    open(name, attrs) {
      if (name === 'numFmt') codes.set(Number(attrs.numFmtId), attrs.formatCode ?? '');
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) xfFormats.push(Number(attrs.numFmtId ?? 0));
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
  }, displayName);
  // A custom code may redefine a built-in id; without one, the id's built-in meaning holds.
  return xfFormats.map((id) => classifyNumFmt(id, codes.get(id)));
}

/** Excel writes control characters as `_xHHHH_` (a literal `_x` as `_x005F_x`). */
export function decodeEscapes(text: string): string {
  return text.includes('_x') ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : text;
}

/** Shared strings: rich-text runs joined, phonetic guides (rPh, for East Asian text) left out. */
async function readSharedStrings(zip: SafeZip, part: string, displayName: string): Promise<string[]> {
  const strings: string[] = [];
  let current: string[] | null = null;
  let inText = false;
  let inPhonetic = false;
  await parsePart(zip, part, {
    open(name) {
      if (name === 'si') current = [];
      else if (name === 'rPh') inPhonetic = true;
      else if (name === 't' && current && !inPhonetic) inText = true;
    },
    text(t) {
      if (inText) current!.push(t);
    },
    close(name) {
      if (name === 't') inText = false;
      else if (name === 'rPh') inPhonetic = false;
      else if (name === 'si' && current) {
        strings.push(decodeEscapes(current.join('')));
        current = null;
      }
    },
  }, displayName);
  return strings;
}
