/**
 * Downloads a remote file (http/https) for the ingest, safely: only public addresses (checked on
 * every redirect, and the connection pinned to the checked address), bounded in time, size and
 * redirects, streamed to disk with its SHA-256, and the bytes checked against what the server said
 * they are. Decision 0007 explains the choices.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { AppError } from '../../errors.ts';
import { bareHost, parseFetchUrl, pinnedLookup, resolvePublic, showUrl, type AddressPolicy, type Resolver } from './address.ts';
import { checkContent, extensionFor, parseContentType, SNIFF_BYTES, type ContentCheck, type ContentType } from './content.ts';
import { chooseFileName } from './name.ts';

export { assertPublicUrl } from './address.ts';

export interface FetchOptions {
  /** The whole download, redirects included (default 60 s). */
  timeoutMs?: number;
  /** Until the server answers, and the longest silence while it sends (default 15 s, at most timeoutMs). */
  connectTimeoutMs?: number;
  /** Largest file accepted, after decompression; the caller passes config.maxUploadBytes (default 2 GiB). */
  maxBytes?: number;
  /** Redirects followed (default 5). */
  maxRedirects?: number;
  /** An administrator's setting: private, loopback and link-local targets are allowed. */
  allowPrivate?: boolean;
  /** 'table' (default): a web page, PDF, image or empty answer is an error. 'any': they are not. */
  expect?: 'table' | 'any';
  /** Conditional GET for refreshes: a 304 answer returns { notModified: true }. */
  etag?: string | null;
  lastModified?: string | null;
  /** Default: "Dataville/<version>", with the project's address when package.json has one. */
  userAgent?: string;
}

/** @internal Test hooks: name resolution, addresses to treat as public (see AddressPolicy), a CA to trust. */
export interface FetchInternals {
  resolve?: Resolver;
  treatAsPublic?: (address: string, hostname: string) => boolean;
  ca?: string;
}

export interface FetchResult {
  notModified: boolean;
  /** The file written (dest); nothing is written when notModified. */
  path: string;
  /** Size and SHA-256 of the file written (decompressed); 0 and '' when notModified. */
  bytes: number;
  sha256: string;
  /** The URL that answered, after redirects. */
  finalUrl: string;
  /** Every URL that answered with a redirect, in order, starting with the one given; empty without redirects. */
  redirects: string[];
  status: number;
  /** Declared media type ("text/csv") and charset ("iso-8859-1"), lower-case, as the server sent them. */
  contentType: string | null;
  charset: string | null;
  etag: string | null;
  lastModified: string | null;
  /** File name for the resource: from Content-Disposition, else the URL path's last segment, else 'download' + extension from the content type. */
  fileName: string;
  /** Warnings for a person: content type disagrees with the bytes, declared charset disagrees with the bytes, ... */
  warnings: string[];
}

const DEFAULTS = { timeoutMs: 60_000, connectTimeoutMs: 15_000, maxBytes: 2 * 1024 ** 3, maxRedirects: 5 };
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const TIMEOUT_SETTING = 'DATAVILLE_FETCH_TIMEOUT_MS';
const SIZE_SETTING = 'DATAVILLE_MAX_UPLOAD_BYTES';

let userAgentCache: string | null = null;

/** "Dataville/0.1.0 (+https://…)", the address from package.json's homepage or repository when it has one. */
export function defaultUserAgent(): string {
  if (userAgentCache) return userAgentCache;
  let version = '0';
  let home: string | undefined;
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string; homepage?: string; repository?: string | { url?: string };
    };
    version = pkg.version ?? version;
    const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    home = pkg.homepage ?? repo?.replace(/^git\+/, '').replace(/\.git$/, '');
  } catch {
    // A missing package.json only costs the version in the User-Agent.
  }
  userAgentCache = `Dataville/${version}${home && /^https?:\/\//.test(home) ? ` (+${home})` : ''}`;
  return userAgentCache;
}

export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
}

export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${Number(v.toFixed(v < 10 ? 1 : 0))} ${units[u]}`;
}

/**
 * One fetch's time limit and what it is doing: the timer destroys the current request with a clear
 * error, which then wins over whatever error the destroyed streams report.
 */
class Run {
  failure: AppError | null = null;
  req: http.ClientRequest | null = null;
  res: http.IncomingMessage | null = null;
  url: URL;
  received = 0;
  private timer: NodeJS.Timeout;
  private waiters = new Set<(err: AppError) => void>();

  constructor(url: URL, private readonly totalMs: number) {
    this.url = url;
    this.timer = setTimeout(() => this.fail(this.totalTimeout()), totalMs);
  }

  private totalTimeout(): AppError {
    const got = this.received ? ` (${formatBytes(this.received)} received)` : '';
    return new AppError(
      'fetch_timeout',
      `Fetching ${showUrl(this.url)} timed out after ${seconds(this.totalMs)}${got}: the server is too slow or the file too large for the time limit. Try again later, or ask an administrator to raise ${TIMEOUT_SETTING}.`,
      { url: showUrl(this.url), reason: 'timeout', retryable: true, timeoutMs: this.totalMs },
    );
  }

  fail(err: AppError): void {
    if (this.failure) return;
    this.failure = err;
    this.res?.destroy(err);
    this.req?.destroy(err);
    for (const w of this.waiters) w(err);
  }

  /** Waits for a promise that cannot be cancelled (a DNS lookup), but not past the time limit. */
  race<T>(p: Promise<T>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      const onFail = (err: AppError) => reject(err);
      this.waiters.add(onFail);
      p.then(
        (v) => { this.waiters.delete(onFail); resolve(v); },
        (e) => { this.waiters.delete(onFail); reject(e); },
      );
    });
  }

  /** Stops the timer and closes a connection left open (an error before the body was read). */
  done(): void {
    clearTimeout(this.timer);
    this.waiters.clear();
    if (this.res && !this.res.complete) this.res.destroy();
    if (this.req && !this.req.destroyed) this.req.destroy();
  }
}

export async function fetchToFile(url: string, dest: string, opts: FetchOptions & FetchInternals = {}): Promise<FetchResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  const o = {
    timeoutMs,
    connectTimeoutMs: Math.min(opts.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs, timeoutMs),
    maxBytes: opts.maxBytes ?? DEFAULTS.maxBytes,
    maxRedirects: opts.maxRedirects ?? DEFAULTS.maxRedirects,
    expect: opts.expect ?? 'table',
  };
  const policy: AddressPolicy = { allowPrivate: opts.allowPrivate, resolve: opts.resolve, treatAsPublic: opts.treatAsPublic };
  const conditional = Boolean(opts.etag || opts.lastModified);
  const headers: Record<string, string> = {
    'user-agent': opts.userAgent ?? defaultUserAgent(),
    accept: o.expect === 'table' ? 'text/csv, application/json;q=0.9, */*;q=0.8' : '*/*',
    // Compression is accepted (CSV shrinks 5-10x) and decoded here under the same size limit.
    'accept-encoding': 'gzip, deflate, br',
    ...(opts.etag ? { 'if-none-match': opts.etag } : {}),
    ...(opts.lastModified ? { 'if-modified-since': opts.lastModified } : {}),
  };

  let current = parseFetchUrl(url);
  const start = current;
  const redirects: string[] = [];
  const warnings: string[] = [];
  const run = new Run(current, o.timeoutMs);
  try {
    for (;;) {
      const context = redirects.length ? `The link ${showUrl(start)} redirects to ${showUrl(current)}.` : '';
      const addresses = await run.race(resolvePublic(current, policy, context));
      const res = await request(current, addresses, headers, o.connectTimeoutMs, run, opts.ca);
      const status = res.statusCode ?? 0;

      if (REDIRECTS.has(status)) {
        res.destroy();
        current = nextHop(current, res.headers.location, start, redirects, o.maxRedirects, warnings);
        run.url = current;
        continue;
      }
      if (status === 304) {
        res.destroy();
        if (!conditional) throw fetchFailed(`The server answered ${showUrl(current)} with "304 Not Modified" to a request that was not conditional; try again, or tell the publisher.`, current, 'http_status', false, { status });
        return {
          notModified: true, path: dest, bytes: 0, sha256: '', finalUrl: current.href, redirects, status,
          contentType: null, charset: null,
          etag: header(res, 'etag') ?? opts.etag ?? null,
          lastModified: header(res, 'last-modified') ?? opts.lastModified ?? null,
          fileName: chooseFileName(header(res, 'content-disposition'), current, '', false),
          warnings,
        };
      }
      if (status !== 200 && status !== 203 && status !== 204) {
        res.destroy();
        throw statusError(status, res.statusMessage, current);
      }
      const got = await download(res, current, dest, o, run);
      return {
        notModified: false, path: dest, bytes: got.bytes, sha256: got.sha256, finalUrl: current.href, redirects, status,
        contentType: got.contentType?.mediaType ?? null, charset: got.contentType?.charset ?? null,
        etag: header(res, 'etag'), lastModified: header(res, 'last-modified'),
        fileName: got.fileName,
        warnings: [...warnings, ...got.warnings],
      };
    }
  } catch (err) {
    throw run.failure ?? asAppError(err, current, run.received);
  } finally {
    run.done();
  }
}

function header(res: http.IncomingMessage, name: string): string | null {
  const v = res.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

/**
 * The URL a redirect leads to, checked for syntax, loops and the redirect limit. `redirects` (full
 * URLs, recorded in the result) gains `from`.
 */
function nextHop(from: URL, location: string | undefined, start: URL, redirects: string[], max: number, warnings: string[]): URL {
  if (!location) throw fetchFailed(`The server redirected ${showUrl(from)} without saying where to (no Location header); tell the publisher.`, from, 'redirect', false);
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw fetchFailed(`The server redirected ${showUrl(from)} to "${showUrl(location)}", which is not a web address; tell the publisher.`, from, 'redirect', false);
  }
  next.hash = '';
  redirects.push(from.href);
  const chain = [...redirects, next.href].map((u) => showUrl(u));
  next = parseFetchUrl(next.href, `The link ${showUrl(start)} redirects to ${showUrl(next)}.`);
  if (redirects.some((r) => withoutHash(r) === next.href)) {
    throw fetchFailed(`The address ${showUrl(start)} redirects in a loop: ${chain.join(' → ')}. The link cannot be fetched; tell the publisher.`, start, 'redirect_loop', false, { chain });
  }
  if (redirects.length > max) {
    throw fetchFailed(`The address ${showUrl(start)} redirects more than ${max} times: ${chain.join(' → ')}. Use the last address instead, or tell the publisher.`, start, 'too_many_redirects', false, { chain });
  }
  if (from.protocol === 'https:' && next.protocol === 'http:') {
    warnings.push(`${showUrl(from)} redirects to an unencrypted address (${showUrl(next)}): the file could be altered on the way. Ask the publisher to serve it over https.`);
  }
  return next;
}

function withoutHash(href: string): string {
  const u = new URL(href);
  u.hash = '';
  return u.href;
}

/** Sends the GET and waits for the response headers, pinned to the checked addresses. */
function request(url: URL, addresses: { address: string; family: 4 | 6 }[], headers: Record<string, string>, waitMs: number, run: Run, ca?: string): Promise<http.IncomingMessage> {
  if (run.failure) return Promise.reject(run.failure);
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    let answered = false;
    const req = mod.request({
      protocol: url.protocol,
      hostname: bareHost(url),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers,
      // No shared pool: a kept-alive socket would skip the address check of the next fetch.
      agent: false,
      lookup: pinnedLookup(addresses),
      // Socket silence limit: covers the connection and every pause while the body arrives.
      timeout: waitMs,
      ...(ca ? { ca } : {}),
    });
    run.req = req;
    run.res = null;
    const silent = () => run.fail(new AppError(
      'fetch_timeout',
      answered
        ? `Fetching ${showUrl(url)} timed out after ${seconds(waitMs)} without data: the server stopped sending. Try again later.`
        : `Fetching ${showUrl(url)} timed out after ${seconds(waitMs)}: the server at ${url.host} did not answer. Check that the link opens in a browser, or try again later.`,
      { url: showUrl(url), reason: 'timeout', retryable: true, timeoutMs: waitMs },
    ));
    // The socket timeout restarts on every write; this one bounds connection + first byte exactly.
    const firstByte = setTimeout(silent, waitMs);
    req.on('timeout', silent);
    req.on('response', (res) => {
      answered = true;
      clearTimeout(firstByte);
      // The body's errors are read by the pipeline; a time-out can destroy it before that starts.
      res.on('error', () => {});
      run.res = res;
      resolve(res);
    });
    req.on('error', (err) => {
      clearTimeout(firstByte);
      reject(run.failure ?? asAppError(err, url, run.received));
    });
    req.on('close', () => clearTimeout(firstByte));
    req.end();
  });
}

interface Downloaded {
  bytes: number;
  sha256: string;
  contentType: ContentType | null;
  fileName: string;
  warnings: string[];
}

function tooLarge(url: URL, limit: number, what: string): AppError {
  return new AppError(
    'payload_too_large',
    `The file at ${showUrl(url)} is larger than the limit of ${formatBytes(limit)}${what}. Ask the publisher for a smaller extract, or ask an administrator to raise ${SIZE_SETTING}.`,
    { url: showUrl(url), reason: 'too_large', retryable: false, limit },
  );
}

/** A Transform that stops the stream once more than `limit` bytes passed. */
function byteLimit(limit: number, onExceed: () => AppError): Transform {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      if (n > limit) cb(onExceed());
      else cb(null, chunk);
    },
  });
}

/** The decoder for a Content-Encoding, or null for none; anything else is refused. */
function decoderFor(res: http.IncomingMessage, url: URL): Transform | null {
  const raw = header(res, 'content-encoding');
  const codings = (raw ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s && s !== 'identity');
  if (codings.length === 0) return null;
  if (codings.length === 1) {
    // createUnzip reads both gzip and zlib-wrapped deflate (what "deflate" means in HTTP).
    if (codings[0] === 'gzip' || codings[0] === 'x-gzip' || codings[0] === 'deflate') return zlib.createUnzip();
    if (codings[0] === 'br') return zlib.createBrotliDecompress();
  }
  throw fetchFailed(`The server sent ${showUrl(url)} with a compression Dataville does not read (Content-Encoding: ${raw}); tell the publisher.`, url, 'encoding', false);
}

async function download(
  res: http.IncomingMessage, url: URL, dest: string,
  o: { maxBytes: number; expect: 'table' | 'any' }, run: Run,
): Promise<Downloaded> {
  const declaredLength = Number(header(res, 'content-length') ?? NaN);
  if (Number.isFinite(declaredLength) && declaredLength > o.maxBytes) {
    res.destroy();
    throw tooLarge(url, o.maxBytes, ` (the server announces ${formatBytes(declaredLength)})`);
  }
  const decoder = decoderFor(res, url);
  const contentType = parseContentType(header(res, 'content-type'));
  const shown = showUrl(url);

  const hash = crypto.createHash('sha256');
  const pieces: Buffer[] = [];
  let sampled = 0;
  let check: ContentCheck | null = null;
  let bytes = 0;
  const inspect = (complete: boolean): AppError | null => {
    check = checkContent(Buffer.concat(pieces).subarray(0, SNIFF_BYTES), complete, contentType, o.expect, shown);
    pieces.length = 0;
    return check.error;
  };
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      run.received = bytes;
      if (bytes > o.maxBytes) return cb(tooLarge(url, o.maxBytes, decoder ? ' once decompressed' : ''));
      hash.update(chunk);
      if (!check) {
        pieces.push(chunk);
        sampled += chunk.length;
        // Refuse a web page as soon as its start is seen, not after downloading all of it.
        if (sampled >= SNIFF_BYTES) {
          const err = inspect(false);
          if (err) return cb(err);
        }
      }
      cb(null, chunk);
    },
    flush(cb) {
      cb(check ? null : inspect(true));
    },
  });

  await fs.promises.mkdir(path.dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  const stages: NodeJS.ReadWriteStream[] = decoder
    ? [byteLimit(o.maxBytes, () => tooLarge(url, o.maxBytes, '')), decoder, meter]
    : [meter];
  // Opened before streaming: a write stream opens its file later, and could create it after the
  // cleanup of an early failure (a web page refused at its first bytes) had already run.
  const out = (await fs.promises.open(part, 'w')).createWriteStream();
  try {
    await pipeline([res, ...stages, out]);
    if (run.failure) throw run.failure;
    await fs.promises.rename(part, dest);
  } catch (err) {
    out.destroy();
    await fs.promises.rm(part, { force: true });
    throw run.failure ?? asAppError(err, url, bytes, declaredLength);
  }
  const final = check as ContentCheck | null;
  const decodedGzip = decoder !== null && /gzip/i.test(header(res, 'content-encoding') ?? '');
  const fileName = chooseFileName(header(res, 'content-disposition'), url, final ? extensionFor(final.sniffed, contentType) : '', decodedGzip);
  return { bytes, sha256: hash.digest('hex'), contentType, fileName, warnings: final?.warnings ?? [] };
}

function fetchFailed(message: string, url: URL, reason: string, retryable: boolean, extra: Record<string, unknown> = {}): AppError {
  return new AppError('fetch_failed', message, { url: showUrl(url), reason, retryable, ...extra });
}

function statusError(status: number, statusText: string | undefined, url: URL): AppError {
  const shown = showUrl(url);
  const http = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
  let message: string;
  if (status === 404 || status === 410) {
    message = `Nothing was found at ${shown} (${http}) — check the link; the publisher may have moved or removed the file.`;
  } else if (status === 401 || status === 403 || status === 407) {
    message = `The address ${shown} needs a login (${http}) — Dataville can only fetch public files. Ask the publisher for a public download link.`;
  } else if (status === 429) {
    message = `The server ${url.host} refuses requests for now (${http}); try again later.`;
  } else if (status >= 500) {
    message = `The server ${url.host} failed to deliver ${shown} (${http}); try again later, and tell the publisher if it lasts.`;
  } else {
    message = `The server refused to deliver ${shown} (${http}); check the link.`;
  }
  return fetchFailed(message, url, 'http_status', retryable, { status });
}

const TLS_CODES = /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/** Any error of a fetch as an AppError with a message for a person. */
function asAppError(err: unknown, url: URL, received: number, announced = NaN): AppError {
  if (err instanceof AppError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? '';
  const shown = showUrl(url);
  const host = url.host;
  if (code === 'ECONNREFUSED') return fetchFailed(`The server ${host} refused the connection for ${shown}; check the link (and its port), or try again later.`, url, 'connection', true, { errno: code });
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL' || code === 'ETIMEDOUT') {
    return fetchFailed(`The server ${host} cannot be reached from this server (${code}); try again later.`, url, 'connection', true, { errno: code });
  }
  if (TLS_CODES.test(code)) {
    return fetchFailed(`The secure connection to ${host} failed (${code}): its certificate is not valid for this name or not trusted. Dataville does not fetch over broken https; ask the publisher to fix the certificate.`, url, 'tls', false, { errno: code });
  }
  if (code.startsWith('Z_') || code === 'ERR_BROTLI_DECOMPRESSION_FAILED' || /incorrect header check|invalid (block type|distance)|unexpected end of file/i.test(e?.message ?? '')) {
    return fetchFailed(`The server sent ${shown} compressed, but the compressed data is damaged (${code || e?.message}); try again later, or tell the publisher.`, url, 'encoding', true, { errno: code });
  }
  if (code.startsWith('HPE_')) return fetchFailed(`The server ${host} answered with an invalid HTTP response (${code}); tell the publisher.`, url, 'protocol', false, { errno: code });
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' || e?.message === 'aborted') {
    const of = Number.isFinite(announced) ? ` of ${formatBytes(announced)}` : '';
    const after = received ? ` after ${formatBytes(received)}${of}` : '';
    return fetchFailed(`The connection to ${host} broke off${after} while fetching ${shown}; try again later.`, url, 'connection', true, { errno: code || 'aborted' });
  }
  if (code === 'ENOSPC' || code === 'EACCES' || code === 'EROFS' || code === 'EDQUOT') {
    return new AppError('internal', `The file fetched from ${shown} could not be written on this server (${code}); tell the administrator.`, { url: shown, reason: 'disk', retryable: false, errno: code });
  }
  return fetchFailed(`Fetching ${shown} failed (${code || e?.message || String(err)}); try again later.`, url, 'other', true, { errno: code || null });
}
