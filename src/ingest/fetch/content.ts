/**
 * What a downloaded file's first bytes are, compared with what the server said about them
 * (Content-Type and its charset). A web page, PDF or image where a table was expected is refused;
 * any other disagreement becomes a warning for a person. The ingest goes by the bytes.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { AppError } from '../../errors.ts';
import { completeUtf8Length, describeBinary } from '../csv/encoding.ts';

/** Bytes looked at: enough for any signature, a web page's head and a charset check. */
export const SNIFF_BYTES = 64 * 1024;

export type ByteKind = 'empty' | 'html' | 'xml' | 'json' | 'text' | 'pdf' | 'zip' | 'xls' | 'gzip' | 'image' | 'binary';

export interface Sniffed {
  kind: ByteKind;
  /** In words: "a PDF document", "CSV or other text". */
  what: string;
}

export interface ContentType {
  mediaType: string;
  charset: string | null;
}

/** `text/csv; charset="ISO-8859-1"` → { mediaType: 'text/csv', charset: 'iso-8859-1' }; null when absent or malformed. */
export function parseContentType(header: string | undefined | null): ContentType | null {
  if (!header) return null;
  const [type, ...params] = header.split(';');
  const mediaType = type.trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(mediaType)) return null;
  let charset: string | null = null;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0 || p.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    charset = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase() || null;
  }
  return { mediaType, charset };
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function startsWith(sample: Buffer, bytes: number[] | string): boolean {
  const magic = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
  return sample.length >= magic.length && sample.subarray(0, magic.length).equals(magic);
}

function hasUtf16Bom(sample: Buffer): boolean {
  return startsWith(sample, [0xff, 0xfe]) || startsWith(sample, [0xfe, 0xff]);
}

/** The start of the text after a UTF-8 BOM and white space, lower-cased (ASCII is all that matters here). */
function textHead(sample: Buffer): string {
  const body = startsWith(sample, [...UTF8_BOM]) ? sample.subarray(3) : sample;
  return body.subarray(0, 2048).toString('latin1').replace(/^[\s\u00a0]+/, '').slice(0, 1024).toLowerCase();
}

const PAGE_START = /^(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])/;

/** A web page, by its bytes: a doctype or an html/head/body element first (after comments, an XML declaration). */
export function looksLikeHtml(sample: Buffer): boolean {
  let head = textHead(sample);
  for (let i = 0; i < 5 && /^(<!--|<\?xml)/.test(head); i++) {
    const end = head.startsWith('<!--') ? head.indexOf('-->') + 3 : head.indexOf('?>') + 2;
    if (end < 3) return false;
    head = head.slice(end).replace(/^\s+/, '');
  }
  return PAGE_START.test(head);
}

/** What the first bytes are. */
export function sniff(sample: Buffer): Sniffed {
  if (sample.length === 0) return { kind: 'empty', what: 'an empty file' };
  if (startsWith(sample, '%PDF-')) return { kind: 'pdf', what: 'a PDF document' };
  if (startsWith(sample, 'PK\x03\x04') || startsWith(sample, 'PK\x05\x06')) return { kind: 'zip', what: describeBinary(sample) ?? 'a ZIP archive' };
  if (startsWith(sample, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { kind: 'xls', what: 'an old Excel workbook (.xls)' };
  if (startsWith(sample, [0x1f, 0x8b])) return { kind: 'gzip', what: 'a gzip-compressed file' };
  if (startsWith(sample, [0x89, 0x50, 0x4e, 0x47])) return { kind: 'image', what: 'a PNG image' };
  if (startsWith(sample, [0xff, 0xd8, 0xff])) return { kind: 'image', what: 'a JPEG image' };
  if (startsWith(sample, 'GIF8')) return { kind: 'image', what: 'a GIF image' };
  const binary = describeBinary(sample);
  if (binary) return { kind: 'binary', what: binary };
  if (looksLikeHtml(sample)) return { kind: 'html', what: 'a web page (HTML)' };
  const head = textHead(sample);
  if (head.startsWith('<')) return { kind: 'xml', what: 'XML' };
  if (head.startsWith('{') || head.startsWith('[')) return { kind: 'json', what: 'JSON' };
  return { kind: 'text', what: 'CSV or other text' };
}

type Declared = 'csv' | 'plain' | 'json' | 'xml' | 'html' | 'pdf' | 'zip' | 'excel' | 'gzip' | 'image' | 'generic' | 'other';

const CSV_TYPES = new Set([
  'text/csv', 'application/csv', 'text/x-csv', 'application/x-csv', 'text/comma-separated-values',
  'text/x-comma-separated-values', 'text/tab-separated-values',
]);
/** Types that say nothing about the content: download prompts and defaults. */
const GENERIC_TYPES = new Set([
  'application/octet-stream', 'binary/octet-stream', 'application/download', 'application/force-download',
  'application/x-download', 'application/unknown', 'application/binary',
]);

function declaredKind(mediaType: string): Declared {
  if (CSV_TYPES.has(mediaType)) return 'csv';
  if (mediaType === 'text/plain') return 'plain';
  if (mediaType === 'text/html' || mediaType === 'application/xhtml+xml') return 'html';
  if (/^(application|text)\/(x-)?(nd)?json$/.test(mediaType) || mediaType.endsWith('+json') || mediaType === 'application/jsonl') return 'json';
  if (mediaType === 'application/xml' || mediaType === 'text/xml' || mediaType.endsWith('+xml')) return 'xml';
  if (mediaType === 'application/pdf') return 'pdf';
  if (/^application\/(x-)?zip(-compressed)?$/.test(mediaType) || mediaType.startsWith('application/vnd.openxmlformats-officedocument.') || mediaType.startsWith('application/vnd.oasis.opendocument.')) return 'zip';
  if (mediaType === 'application/vnd.ms-excel') return 'excel';
  if (mediaType === 'application/gzip' || mediaType === 'application/x-gzip') return 'gzip';
  if (mediaType.startsWith('image/')) return 'image';
  if (GENERIC_TYPES.has(mediaType)) return 'generic';
  return 'other';
}

const DECLARED_WORDS: Record<Declared, string> = {
  csv: 'CSV', plain: 'plain text', json: 'JSON', xml: 'XML', html: 'a web page', pdf: 'a PDF document', zip: 'a ZIP-based file',
  excel: 'an Excel file', gzip: 'a gzip-compressed file', image: 'an image', generic: 'a file', other: 'a file',
};

const TEXTUAL: ByteKind[] = ['text', 'json', 'xml', 'html'];

/** Does the declared type agree with the bytes? Unknown or generic types agree with anything. */
function agrees(declared: Declared, kind: ByteKind): boolean {
  switch (declared) {
    case 'csv': return kind === 'text';
    case 'plain': return TEXTUAL.includes(kind);
    case 'json': return kind === 'json';
    case 'xml': return kind === 'xml' || kind === 'html';
    case 'html': return kind === 'html' || kind === 'xml';
    case 'pdf': return kind === 'pdf';
    case 'zip': return kind === 'zip';
    // Windows registers .csv to Excel, so web servers send CSV files as application/vnd.ms-excel.
    case 'excel': return kind === 'xls' || kind === 'zip' || kind === 'text';
    case 'gzip': return kind === 'gzip';
    case 'image': return kind === 'image';
    default: return true;
  }
}

/** Extension for a file name from the media type, when the bytes agree with it. */
const TYPE_EXTENSIONS: Record<string, string> = {
  'text/csv': '.csv', 'application/csv': '.csv', 'text/tab-separated-values': '.tsv', 'text/plain': '.txt',
  'application/json': '.json', 'application/geo+json': '.geojson', 'application/xml': '.xml', 'text/xml': '.xml',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx', 'application/vnd.oasis.opendocument.spreadsheet': '.ods',
  'application/zip': '.zip', 'application/gzip': '.gz', 'application/x-ndjson': '.ndjson',
};

/** The extension a file with these bytes (and this declared type) should carry. */
export function extensionFor(sniffed: Sniffed, contentType: ContentType | null): string {
  if (contentType && agrees(declaredKind(contentType.mediaType), sniffed.kind)) {
    const ext = TYPE_EXTENSIONS[contentType.mediaType];
    if (ext && !(ext === '.txt' && sniffed.kind !== 'text')) return ext;
  }
  switch (sniffed.kind) {
    case 'text': return '.csv';
    case 'json': return '.json';
    case 'xml': return '.xml';
    case 'xls': return '.xls';
    case 'gzip': return '.gz';
    case 'pdf': return '.pdf';
    case 'html': return '.html';
    case 'zip': return /XLSX/.test(sniffed.what) ? '.xlsx' : /ODS/.test(sniffed.what) ? '.ods' : '.zip';
    default: return '';
  }
}

export interface ContentCheck {
  sniffed: Sniffed;
  error: AppError | null;
  warnings: string[];
}

const LINK_FIX = 'open the link in a browser: if it shows a page, use the direct download link of the file on it (right-click the download button, "Copy link address")';

/**
 * Checks a sample of the file against the response headers. `complete`: the sample is the whole
 * file (a character cut by the sample's end is then an error, and an empty file is final).
 */
export function checkContent(sample: Buffer, complete: boolean, contentType: ContentType | null, expect: 'table' | 'any', shownUrl: string): ContentCheck {
  const sniffed = sniff(sample);
  const warnings: string[] = [];
  const declared = contentType ? declaredKind(contentType.mediaType) : 'generic';
  const details = { url: shownUrl, reason: 'not_data', retryable: false, found: sniffed.kind, contentType: contentType?.mediaType ?? null };
  const fail = (error: AppError): ContentCheck => ({ sniffed, error, warnings });

  if (expect === 'table') {
    if (sniffed.kind === 'html' || (declared === 'html' && sniffed.kind === 'xml')) {
      return fail(new AppError('fetch_failed', `The address ${shownUrl} returned a web page, not a data file; use the direct download link: ${LINK_FIX}.`, details));
    }
    if (sniffed.kind === 'pdf' || sniffed.kind === 'image') {
      return fail(new AppError('unsupported_format', `The address ${shownUrl} returned ${sniffed.what}, not a data file; Dataville cannot read a table out of it. Link to the CSV or Excel download of the same data instead, or ask the publisher for one.`, details));
    }
    if (sniffed.kind === 'empty' && complete) {
      return fail(new AppError('empty_file', `The address ${shownUrl} returned an empty file (0 bytes); check the link, or ask the publisher whether the file is being replaced.`, { ...details, reason: 'empty' }));
    }
  }
  if (contentType && sniffed.kind !== 'empty' && !agrees(declared, sniffed.kind)) {
    warnings.push(`The server says the file is ${DECLARED_WORDS[declared]} (${contentType.mediaType}), but its bytes look like ${sniffed.what}; Dataville goes by the bytes.`);
  }
  if (contentType?.charset && TEXTUAL.includes(sniffed.kind)) {
    const w = charsetWarning(sample, complete, contentType.charset);
    if (w) warnings.push(w);
  }
  return { sniffed, error: null, warnings };
}

const SINGLE_BYTE = /^(iso[-_ ]?8859[-_]?\d+(:\d+)?|latin-?\d|l\d|(windows|cp|x-cp)-?12\d\d|ibm\d+|cp\d{3}|macintosh|x-mac-roman|koi8-[ru])$/;

/** A warning when the declared charset disagrees with the bytes, saying what the ingest trusts. */
export function charsetWarning(sample: Buffer, complete: boolean, charset: string): string | null {
  const label = charset.toLowerCase();
  const text = complete ? sample : sample.subarray(0, completeUtf8Length(sample));
  const ascii = isAscii(text);
  const utf8 = isUtf8(text);
  const utf16 = hasUtf16Bom(sample);
  const says = `The server declares the text as ${label} (charset=${charset})`;
  if (label === 'utf-8' || label === 'utf8') {
    if (utf16) return `${says}, but it starts with a UTF-16 byte order mark; the ingest trusts the bytes and reads UTF-16.`;
    if (!utf8) return `${says}, but the bytes are not valid UTF-8 (probably Windows-1252 or ISO-8859-1); the ingest trusts the bytes and detects their encoding.`;
    return null;
  }
  if (label === 'us-ascii' || label === 'ascii') {
    if (!ascii) return `${says}, but it contains non-ASCII bytes; the ingest trusts the bytes and detects their encoding (${utf8 ? 'UTF-8' : 'probably Windows-1252'}).`;
    return null;
  }
  if (SINGLE_BYTE.test(label)) {
    if (utf16) return `${says}, but it starts with a UTF-16 byte order mark; the ingest trusts the bytes and reads UTF-16.`;
    if (!ascii && utf8) return `${says}, but the bytes are valid UTF-8 (accented letters are stored as UTF-8); the ingest trusts the bytes and reads UTF-8.`;
    return null;
  }
  if (label.startsWith('utf-16') || label.startsWith('utf16')) {
    if (!utf16 && !sample.includes(0)) return `${says}, but the bytes are not UTF-16; the ingest trusts the bytes and detects their encoding.`;
    return null;
  }
  return null;
}
