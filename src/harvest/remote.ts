/**
 * Every request of a harvest goes through fetchToFile (decision 0007: public addresses only, checked
 * on each redirect, bounded in time and size) into the run's own folder; the answer is checked
 * (a web page is refused with a message that says what was expected) and parsed, then deleted.
 * One page is on disk and in memory at a time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';
import { fetchToFile, formatBytes } from '../ingest/fetch/fetch.ts';
import { showUrl } from '../ingest/fetch/address.ts';
import { sniff, SNIFF_BYTES } from '../ingest/fetch/content.ts';

/**
 * A page larger than this is refused: a CKAN page of 1000 datasets is about 5 MB. An RDF page is
 * held whole in a store (about 30 times its size in memory), so it gets less: 32 MiB of Turtle is
 * some 50,000 datasets; a larger catalog must be paged (Hydra).
 */
export const MAX_PAGE_BYTES = 64 * 1024 ** 2;
export const MAX_RDF_PAGE_BYTES = 32 * 1024 ** 2;

export interface Fetched {
  path: string;
  /** Declared media type, lower-case, or null. */
  mediaType: string | null;
  /** The URL that answered, after redirects (relative links in the answer resolve against it). */
  finalUrl: string;
  bytes: number;
}

export interface Remote {
  /** Downloads a URL; `what` names the expected answer for messages ("the CKAN package_search answer"). */
  get(url: string, what: string, maxBytes?: number): Promise<Fetched>;
  /** Downloads and parses JSON (a web page or invalid JSON is an error naming the URL). */
  json(url: string, what: string): Promise<unknown>;
  /** Removes a downloaded file once it was read. */
  done(f: Fetched): Promise<void>;
}

/** The error for an answer that is not what a harvest expects: a remote problem, tried again by the job like other fetch errors. */
export function badAnswer(url: string, message: string, reason: string): AppError {
  return new AppError('fetch_failed', message, { url: showUrl(url), reason, retryable: true });
}

export function openRemote(dir: string, opts: { allowPrivate: boolean; timeoutMs: number; maxBytes: number; signal?: AbortSignal }): Remote {
  let n = 0;
  return {
    async get(url, what, maxBytes = opts.maxBytes) {
      opts.signal?.throwIfAborted();
      const dest = path.join(dir, `answer-${++n}`);
      const limit = Math.min(maxBytes, opts.maxBytes);
      const r = await fetchToFile(url, dest, {
        allowPrivate: opts.allowPrivate, timeoutMs: opts.timeoutMs, connectTimeoutMs: Math.min(15_000, opts.timeoutMs),
        maxBytes: limit, expect: 'any',
      }).catch((e: unknown) => {
        if (e instanceof AppError && e.code === 'payload_too_large') {
          throw new AppError('payload_too_large', `The answer of ${showUrl(url)} is larger than ${formatBytes(limit)}, the most Dataville reads as one page of a catalog. A catalog this large must come in pages: for DCAT, ask the publisher for Hydra paging (hydra:next); for CKAN or OpenDataSoft, lower options.pageSize.`, e.details);
        }
        throw e;
      });
      const head = Buffer.alloc(Math.min(SNIFF_BYTES, r.bytes));
      const fd = await fs.promises.open(r.path, 'r');
      try {
        await fd.read(head, 0, head.length, 0);
      } finally {
        await fd.close();
      }
      const kind = sniff(head).kind;
      const f: Fetched = { path: r.path, mediaType: r.contentType, finalUrl: r.finalUrl, bytes: r.bytes };
      // By the bytes, as the ingest does: servers often declare JSON or RDF as text/html or text/plain.
      if (kind === 'html') {
        await this.done(f);
        throw badAnswer(url, `The address ${showUrl(url)} answered a web page (HTML), not ${what}. Check the source's address: it must be the portal's base address (CKAN, OpenDataSoft) or the address of the catalog file itself (DCAT: Turtle, JSON-LD or RDF/XML), not a page of the portal's site.`, 'html');
      }
      if (kind === 'empty') {
        await this.done(f);
        throw badAnswer(url, `The address ${showUrl(url)} answered nothing (0 bytes) instead of ${what}; try again later, or check the source's address.`, 'empty');
      }
      if (kind !== 'json' && kind !== 'xml' && kind !== 'text') {
        await this.done(f);
        throw badAnswer(url, `The address ${showUrl(url)} answered ${sniff(head).what}, not ${what}. Check the source's address.`, 'not_catalog');
      }
      return f;
    },
    async json(url, what) {
      const f = await this.get(url, what);
      try {
        const text = (await fs.promises.readFile(f.path, 'utf8')).replace(/^\uFEFF/, '');
        try {
          return JSON.parse(text) as unknown;
        } catch (e) {
          const reason = e instanceof Error ? e.message : String(e);
          throw badAnswer(url, `The answer of ${showUrl(url)} (${formatBytes(f.bytes)}) is not valid JSON (${reason}), so it is not ${what}. The portal may be failing; try again later, and tell its administrator if it lasts.`, 'malformed');
        }
      } finally {
        await this.done(f);
      }
    },
    async done(f) {
      await fs.promises.rm(f.path, { force: true });
    },
  };
}

/** Makes a URL from a base and query parameters (undefined values left out). */
export function withQuery(base: string, params: Record<string, string | number | undefined>): string {
  const u = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
  return u.href;
}
