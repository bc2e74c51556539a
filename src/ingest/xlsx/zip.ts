/**
 * Opening an XLSX container safely. An XLSX file is a ZIP archive of XML parts; before anything is
 * inflated the file's first bytes tell an encrypted workbook or an old .xls (both OLE compound
 * files) from a ZIP, and the central directory (read by yauzl, which gives random access to the
 * parts) is checked against ZIP bombs: total unpacked size and compression ratio of the parts we
 * parse. The same limits are enforced again on the bytes actually inflated, as a central directory
 * can lie (yauzl also stops an entry that inflates past its declared size).
 */
import fs from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import { AppError } from '../../errors.ts';
import { readHead } from '../head.ts';

export interface ZipLimits {
  /** Refuse workbooks whose XML parts unpack to more than this many bytes in total. */
  maxUncompressedBytes: number;
  /** Refuse an XML part unpacking to more than this many times its compressed size (parts over 1 MiB). */
  maxCompressionRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  // A 50 MB workbook of plain XML unpacks to about 500 MB; Excel's own limits (1,048,576 rows) stay below this.
  maxUncompressedBytes: 4 * 1024 ** 3,
  // Real sheets compress 5 to 30 times; ZIP bombs a thousand times.
  maxCompressionRatio: 100,
};

/** Parts smaller than this are not held to the ratio: tiny parts compress well and cannot hurt. */
const RATIO_MIN_BYTES = 1024 * 1024;
/** More entries than any workbook has; a crafted central directory could list millions. */
const MAX_ENTRIES = 100_000;

const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP_MAGICS = [Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('PK\x05\x06', 'latin1')];
/** The stream name Office gives the encrypted workbook inside its OLE wrapper (names are UTF-16LE). */
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

/** Parts read as XML: the limits apply to these (images and embedded objects are never inflated). */
const isXmlPart = (name: string) => /\.(xml|rels|vml)$/i.test(name);

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** Throws a clear error when the file is not a ZIP container: encrypted workbook, old .xls, other. */
export async function checkContainer(file: string, displayName: string): Promise<number> {
  const size = (await fs.promises.stat(file)).size;
  if (size === 0) throw new AppError('empty_file', `The file "${displayName}" is empty (0 bytes). Check that the export finished and upload it again.`);
  const head = await readHead(file, 8);
  if (head.equals(OLE_MAGIC)) {
    if (await containsBytes(file, ENCRYPTED_PACKAGE)) {
      throw new AppError(
        'unsupported_format',
        `The workbook "${displayName}" is protected by a password (it is encrypted), so Dataville cannot read it. ` +
          'Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, clear the field), save it as .xlsx and upload it again.',
        { reason: 'encrypted' },
      );
    }
    throw new AppError(
      'unsupported_format',
      `"${displayName}" is an old Excel 97-2003 workbook (.xls), which Dataville does not read. ` +
        'Open it in Excel or LibreOffice and save it as "Excel Workbook (.xlsx)" or as "CSV UTF-8", then upload that file.',
      { reason: 'xls' },
    );
  }
  if (!ZIP_MAGICS.some((m) => head.subarray(0, 4).equals(m))) {
    throw new AppError(
      'unsupported_format',
      `"${displayName}" is not an XLSX workbook: an .xlsx file is a ZIP archive, and this file does not start like one. ` +
        'If it is a CSV or text file, give it the .csv extension; otherwise open it in Excel and save it as "Excel Workbook (.xlsx)".',
      { reason: 'not-zip' },
    );
  }
  return size;
}


/** Whether the file holds the bytes anywhere, read in chunks (an OLE directory may sit anywhere). */
async function containsBytes(file: string, needle: Buffer): Promise<boolean> {
  let tail = Buffer.alloc(0);
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    const data = Buffer.concat([tail, chunk as Buffer]);
    if (data.includes(needle)) return true;
    tail = data.subarray(Math.max(0, data.length - needle.length + 1));
  }
  return false;
}

function damaged(displayName: string, detail: string): AppError {
  return new AppError(
    'unreadable_table',
    `The workbook "${displayName}" is damaged or incomplete (${detail}). The upload or the export was probably cut off: ` +
      'download or export the workbook again, check that it opens in Excel, and upload it again.',
    { reason: detail },
  );
}

function tooLarge(displayName: string, what: string, limits: ZipLimits): AppError {
  return new AppError(
    'payload_too_large',
    `The workbook "${displayName}" ${what}. Dataville reads workbooks whose sheets unpack to at most ${formatBytes(limits.maxUncompressedBytes)}, ` +
      `and refuses parts compressed more than ${limits.maxCompressionRatio} times, which only ZIP bombs are. ` +
      'If the workbook is genuine, split it into smaller workbooks or save each sheet as CSV.',
    { limits },
  );
}

/** A ZIP archive opened for reading its parts, with the limits checked. */
export class SafeZip {
  private readonly entries = new Map<string, yauzl.Entry>();
  private inflated = 0;

  private constructor(private readonly zip: yauzl.ZipFile, private readonly displayName: string, private readonly limits: ZipLimits) {}

  static async open(file: string, displayName: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<SafeZip> {
    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
    } catch (err) {
      throw damaged(displayName, describeZipError(err));
    }
    const safe = new SafeZip(zip, displayName, limits);
    try {
      await safe.readDirectory();
      safe.checkDirectory();
    } catch (err) {
      safe.close();
      throw err;
    }
    return safe;
  }

  private async readDirectory(): Promise<void> {
    if (this.zip.entryCount > MAX_ENTRIES) throw damaged(this.displayName, `its ZIP directory lists ${this.zip.entryCount} entries`);
    await new Promise<void>((resolve, reject) => {
      this.zip.on('entry', (entry: yauzl.Entry) => {
        // Parts are looked up case-insensitively, some writers use backslashes.
        this.entries.set(normalise(entry.fileName), entry);
        this.zip.readEntry();
      });
      this.zip.once('end', () => resolve());
      this.zip.once('error', (err) => reject(damaged(this.displayName, describeZipError(err))));
      this.zip.readEntry();
    });
  }

  /** Checks the XML parts up front, so a bomb fails before any work. */
  private checkDirectory(): void {
    let total = 0;
    for (const [name, entry] of this.entries) {
      if (!isXmlPart(name)) continue;
      this.checkRatio(entry);
      total += entry.uncompressedSize;
    }
    if (total > this.limits.maxUncompressedBytes) {
      throw tooLarge(this.displayName, `unpacks to ${formatBytes(total)}`, this.limits);
    }
  }

  private checkRatio(entry: yauzl.Entry): void {
    const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
    if (entry.uncompressedSize > RATIO_MIN_BYTES && ratio > this.limits.maxCompressionRatio) {
      throw tooLarge(
        this.displayName,
        `holds a part ("${entry.fileName}") that unpacks from ${formatBytes(entry.compressedSize)} to ${formatBytes(entry.uncompressedSize)} (${Math.round(ratio)} times)`,
        this.limits,
      );
    }
  }

  has(name: string): boolean {
    return this.entries.has(normalise(name));
  }

  /** Streams a part as UTF-8 text chunks, counting the inflated bytes against the limits. */
  async *text(name: string): AsyncGenerator<string> {
    const entry = this.entries.get(normalise(name));
    if (!entry) throw damaged(this.displayName, `the part "${name}" is missing`);
    if (entry.isEncrypted()) {
      throw new AppError('unsupported_format', `The workbook "${this.displayName}" uses ZIP encryption, which Dataville cannot read. Save it again from Excel without a password.`);
    }
    // Again for whatever part is read, whatever its name (a relationship may point anywhere).
    this.checkRatio(entry);
    if (this.inflated + entry.uncompressedSize > this.limits.maxUncompressedBytes) {
      throw tooLarge(this.displayName, `unpacks to more than ${formatBytes(this.limits.maxUncompressedBytes)}`, this.limits);
    }
    let stream;
    try {
      stream = await this.zip.openReadStreamPromise(entry);
    } catch (err) {
      throw damaged(this.displayName, `the part "${entry.fileName}" cannot be opened: ${describeZipError(err)}`);
    }
    const decoder = new TextDecoder('utf-8');
    const maxForEntry = Math.max(RATIO_MIN_BYTES, entry.compressedSize * this.limits.maxCompressionRatio);
    let bytes = 0;
    try {
      for await (const chunk of stream) {
        const buf = chunk as Buffer;
        bytes += buf.length;
        this.inflated += buf.length;
        if (bytes > maxForEntry || this.inflated > this.limits.maxUncompressedBytes) {
          throw tooLarge(this.displayName, `holds a part ("${entry.fileName}") that unpacks to more than ${formatBytes(bytes)}, far beyond what its ZIP directory declares`, this.limits);
        }
        yield decoder.decode(buf, { stream: true });
      }
      const rest = decoder.decode();
      if (rest) yield rest;
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw damaged(this.displayName, `the part "${entry.fileName}" cannot be unpacked: ${describeZipError(err)}`);
    } finally {
      stream.destroy();
    }
  }

  close(): void {
    if (this.zip.isOpen) this.zip.close();
  }
}

function normalise(name: string): string {
  return path.posix.normalize(name.replace(/\\/g, '/').replace(/^\/+/, '')).toLowerCase();
}

function describeZipError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/end of central directory record signature not found/i.test(message)) return 'the ZIP directory at its end is missing';
  if (/too many bytes in the stream|not enough bytes in the stream/i.test(message)) return `a part does not unpack to the size its ZIP directory declares (${message})`;
  if (/invalid (code|distance|block|stored)|unexpected end of file|incorrect header check/i.test(message)) return `compressed data is corrupt (${message})`;
  return message;
}
