/**
 * The file name of a fetched resource: Content-Disposition, else the URL path's last segment, else
 * "download"; an extension from the content is added when the name has none, since readers are
 * chosen by it. Names are reduced to one safe path segment: they end up on disk and in downloads.
 */
import { isUtf8 } from 'node:buffer';

const MAX_NAME = 200;

/** The file name a Content-Disposition header gives, RFC 6266 (filename* preferred), or null. */
export function dispositionFileName(header: string | undefined | null): string | null {
  if (!header) return null;
  const params = parseParams(header);
  const extended = params.get('filename*');
  if (extended) {
    const m = /^([\w!#$%&+^`{}~-]*)'[^']*'(.*)$/.exec(extended);
    if (m) {
      const charset = m[1].toLowerCase();
      const bytes = percentBytes(m[2]);
      if (bytes) {
        const name = charset === 'utf-8' || charset === 'utf8' ? (isUtf8(bytes) ? bytes.toString('utf8') : null) : bytes.toString('latin1');
        if (name) return name;
      }
    }
  }
  const plain = params.get('filename');
  if (!plain) return null;
  // Node reads header bytes as Latin-1; many servers put raw UTF-8 in filename="…".
  const raw = Buffer.from(plain, 'latin1');
  return /[^\x00-\x7f]/.test(plain) && [...plain].every((c) => c.charCodeAt(0) <= 0xff) && isUtf8(raw) ? raw.toString('utf8') : plain;
}

/** `attachment; filename="a;b.csv"; size=3` → Map { filename → 'a;b.csv', size → '3' } (names lower-cased). */
function parseParams(header: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /;\s*([^\s=;]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(header))) {
    const key = m[1].toLowerCase();
    const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2].trim();
    if (!out.has(key)) out.set(key, value);
  }
  return out;
}

function percentBytes(s: string): Buffer | null {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      const c = s.charCodeAt(i);
      if (c > 0x7f) return null;
      out.push(c);
    }
  }
  return Buffer.from(out);
}

/** One safe path segment: no folders, control characters, leading dots or characters Windows refuses. */
export function safeFileName(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let name = raw.split(/[\\/]/).pop() ?? '';
  name = name.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_').replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
  if (!name) return null;
  if (name.length > MAX_NAME) {
    const ext = /\.[A-Za-z0-9]{1,8}$/.exec(name)?.[0] ?? '';
    name = name.slice(0, MAX_NAME - ext.length) + ext;
  }
  return name;
}

/** The last segment of the URL's path, decoded, or null. */
export function urlFileName(url: URL): string | null {
  const last = url.pathname.split('/').pop() ?? '';
  if (!last) return null;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

function hasExtension(name: string): boolean {
  return /.\.[A-Za-z0-9]{1,8}$/.test(name);
}

/**
 * The resource's file name. `extension` comes from the content (".csv"); `decodedGzip`: the server
 * sent a .gz with Content-Encoding gzip and the file on disk is the decoded content.
 */
export function chooseFileName(disposition: string | undefined | null, finalUrl: URL, extension: string, decodedGzip: boolean): string {
  let name = safeFileName(dispositionFileName(disposition)) ?? safeFileName(urlFileName(finalUrl)) ?? 'download';
  if (decodedGzip && /\.gz$/i.test(name) && extension !== '.gz') name = name.slice(0, -3);
  if (!hasExtension(name) && extension) name += extension;
  return name;
}
