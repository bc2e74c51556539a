/**
 * Streaming XML for the parts of a workbook: saxes (a maintained, conformant SAX parser) fed with
 * the inflated text chunk by chunk, so no part is ever whole in memory. Element and attribute names
 * are matched by local name: some writers prefix the SpreadsheetML namespace (`x:c`), and Strict
 * OOXML uses other namespace URIs with the same local names.
 */
import { SaxesParser } from 'saxes';
import { AppError } from '../../errors.ts';
import type { SafeZip } from './zip.ts';

export type Attrs = Record<string, string>;

export interface XmlHandler {
  open?(name: string, attrs: Attrs): void;
  text?(text: string): void;
  close?(name: string): void;
}

export const localName = (name: string): string => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};

/** An attribute by local name (`r:id`, `id`). */
export function attr(attrs: Attrs, name: string): string | undefined {
  const direct = attrs[name];
  if (direct !== undefined) return direct;
  for (const key in attrs) if (localName(key) === name && key.includes(':')) return attrs[key];
  return undefined;
}

/**
 * Parses a part of the archive. `afterChunk` runs after each chunk (the sheet reader flushes its
 * output there and waits for the disk, which keeps memory bounded).
 */
export async function parsePart(zip: SafeZip, part: string, handler: XmlHandler, displayName: string, afterChunk?: () => Promise<void> | void): Promise<void> {
  const parser = new SaxesParser({ position: false });
  if (handler.open) {
    const open = handler.open;
    parser.on('opentag', (tag) => open(localName(tag.name), tag.attributes as Attrs));
  }
  if (handler.text) {
    parser.on('text', handler.text);
    parser.on('cdata', handler.text);
  }
  if (handler.close) {
    const close = handler.close;
    parser.on('closetag', (tag) => close(localName(tag.name)));
  }
  try {
    for await (const chunk of zip.text(part)) {
      parser.write(chunk);
      if (afterChunk) await afterChunk();
    }
    parser.close();
  } catch (err) {
    if (err instanceof AppError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new AppError(
      'unreadable_table',
      `The workbook "${displayName}" is damaged: its part "${part}" is not well-formed XML (${message.split('\n')[0]}). ` +
        'Open the workbook in Excel or LibreOffice, save it again as .xlsx, and upload that file.',
      { part, reason: message },
    );
  }
}
