/**
 * Used by the XLSX tests only: a minimal ZIP writer (to build workbooks by hand, as writers other
 * than Excel and exceljs do, and crafted archives: bombs, lying directories) and fake OLE files.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';

export interface ZipPart {
  name: string;
  /** Content, deflated by the writer. */
  content?: string | Buffer;
  /** Raw deflate data given as is (with `size`, the uncompressed size it inflates to). */
  deflated?: Buffer;
  size?: number;
  /** Uncompressed size written in the headers instead of the true one (a lying directory). */
  declaredSize?: number;
}

export function writeZip(file: string, parts: ZipPart[]): void {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const raw = p.content === undefined ? null : Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content, 'utf8');
    const data = p.deflated ?? zlib.deflateRawSync(raw!);
    const size = p.declaredSize ?? p.size ?? raw!.length;
    const crc = raw ? zlib.crc32(raw) : 0;
    const name = Buffer.from(p.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  fs.writeFileSync(file, Buffer.concat([...locals, directory, end]));
}

/** Raw deflate data of `mib` MiB of one byte value, made from one compressed MiB repeated (fast). */
export function repeatedDeflate(byte: number, mib: number, prefix = '', suffix = ''): { deflated: Buffer; size: number } {
  const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const one = zlib.deflateRawSync(Buffer.alloc(1 << 20, byte), flush);
  const head = zlib.deflateRawSync(Buffer.from(prefix), flush);
  const tail = zlib.deflateRawSync(Buffer.from(suffix));
  return { deflated: Buffer.concat([head, ...Array.from({ length: mib }, () => one), tail]), size: Buffer.byteLength(prefix) + mib * (1 << 20) + Buffer.byteLength(suffix) };
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** The parts of a one-sheet workbook around a given sheet part. */
export function workbookParts(sheet: ZipPart | string, extra: { styles?: string; sharedStrings?: string; workbookPr?: string } = {}): ZipPart[] {
  const rels = [
    `<Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>`,
    extra.styles ? `<Relationship Id="rId2" Type="${REL}/styles" Target="styles.xml"/>` : '',
    extra.sharedStrings ? `<Relationship Id="rId3" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` : '',
  ].join('');
  const parts: ZipPart[] = [
    { name: '[Content_Types].xml', content: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
    { name: '_rels/.rels', content: `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>` },
    {
      name: 'xl/workbook.xml',
      content: `<?xml version="1.0"?><workbook xmlns="${NS}" xmlns:r="${REL}">${extra.workbookPr ?? ''}<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    { name: 'xl/_rels/workbook.xml.rels', content: `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}</Relationships>` },
    typeof sheet === 'string' ? { name: 'xl/worksheets/sheet1.xml', content: sheet } : { ...sheet, name: 'xl/worksheets/sheet1.xml' },
  ];
  if (extra.styles) parts.push({ name: 'xl/styles.xml', content: extra.styles });
  if (extra.sharedStrings) parts.push({ name: 'xl/sharedStrings.xml', content: extra.sharedStrings });
  return parts;
}

/** An OLE compound file header, with the directory name Office gives an encrypted workbook or not. */
export function writeOle(file: string, encrypted: boolean): void {
  const header = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  const body = Buffer.alloc(4096);
  Buffer.from(encrypted ? 'EncryptedPackage' : 'Workbook', 'utf16le').copy(body, 1024);
  fs.writeFileSync(file, Buffer.concat([header, body]));
}
