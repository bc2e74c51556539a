import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import iconv from 'iconv-lite';
import { AppError } from '../../errors.ts';
import { classifyAddress } from './address.ts';
import { assertPublicUrl, defaultUserAgent, fetchToFile, type FetchOptions } from './fetch.ts';

const CSV = 'commune;habitants\nLiège;195000\nNamur;112000\nMons;95000\n';

interface Server {
  url(p: string): string;
  port: number;
  hits: string[];
  requests: http.IncomingMessage[];
  close(): Promise<void>;
}

/** A server on 127.0.0.1 (the only address tests may contact); `hits` lists the paths asked for. */
async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse, s: Server) => void): Promise<Server> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const s: Server = {
    port,
    hits: [],
    requests: [],
    url: (p) => `http://127.0.0.1:${port}${p}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  server.on('request', (req, res) => {
    s.hits.push(req.url ?? '');
    s.requests.push(req);
    handler(req, res, s);
  });
  servers.push(s);
  return s;
}

const servers: Server[] = [];
let dir = '';
let n = 0;
const dest = () => path.join(dir, `f${++n}`, 'file.bin');
const local: FetchOptions = { allowPrivate: true };

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dataville-fetch-'));
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function rejects(p: Promise<unknown>, code: string, message: RegExp, details: Record<string, unknown> = {}): Promise<AppError> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof AppError, `an AppError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.match(caught.message, message);
  for (const [k, v] of Object.entries(details)) assert.deepEqual((caught.details as Record<string, unknown>)[k], v, k);
  return caught;
}

/** Nothing at dest, and no partial file beside it. */
function nothingAt(file: string) {
  assert.equal(fs.existsSync(file), false, 'no file at dest');
  assert.equal(fs.existsSync(`${file}.part`), false, 'no partial file');
}

test('a CSV download: file, size, SHA-256, name from Content-Disposition, validators, User-Agent', async () => {
  const body = Buffer.from(CSV);
  const s = await serve((_req, res) => {
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-length': body.length,
      'content-disposition': 'attachment; filename="population.csv"; filename*=UTF-8\'\'population%20li%C3%A8ge.csv',
      etag: '"v1"',
      'last-modified': 'Tue, 24 Nov 2026 10:00:00 GMT',
    });
    res.end(body);
  });
  const file = dest();
  const r = await fetchToFile(s.url('/export?format=csv'), file, local);
  assert.equal(r.notModified, false);
  assert.equal(r.path, file);
  assert.deepEqual(fs.readFileSync(file), body);
  assert.equal(fs.existsSync(`${file}.part`), false);
  assert.equal(r.bytes, body.length);
  assert.equal(r.sha256, crypto.createHash('sha256').update(body).digest('hex'));
  assert.equal(r.fileName, 'population liège.csv');
  assert.equal(r.status, 200);
  assert.equal(r.contentType, 'text/csv');
  assert.equal(r.charset, 'utf-8');
  assert.equal(r.etag, '"v1"');
  assert.equal(r.lastModified, 'Tue, 24 Nov 2026 10:00:00 GMT');
  assert.equal(r.finalUrl, s.url('/export?format=csv'));
  assert.deepEqual(r.redirects, []);
  assert.deepEqual(r.warnings, []);
  const ua = s.requests[0].headers['user-agent'] ?? '';
  assert.match(ua, /^Dataville\/0\.1\.0/);
  assert.equal(ua, defaultUserAgent());
  assert.equal(s.requests[0].headers['if-none-match'], undefined);
});

test('file name: the URL path, else "download", with an extension from the content', async () => {
  const s = await serve((req, res) => {
    const type = req.url === '/api/export' ? 'application/json' : 'text/csv';
    res.writeHead(200, { 'content-type': type });
    res.end(type === 'text/csv' ? CSV : '[{"commune":"Liège"}]');
  });
  assert.equal((await fetchToFile(s.url('/data/stat%C3%A9.csv?x=1'), dest(), local)).fileName, 'staté.csv');
  assert.equal((await fetchToFile(s.url('/api/export'), dest(), local)).fileName, 'export.json');
  assert.equal((await fetchToFile(s.url('/'), dest(), local)).fileName, 'download.csv');
});

test('a conditional GET answered 304 returns notModified and writes nothing', async () => {
  const s = await serve((req, res) => {
    if (req.headers['if-none-match'] === '"v1"' && req.headers['if-modified-since'] === 'Tue, 24 Nov 2026 10:00:00 GMT') {
      res.writeHead(304, { etag: '"v1"' });
      res.end();
    } else {
      res.writeHead(200, { 'content-type': 'text/csv', etag: '"v1"' });
      res.end(CSV);
    }
  });
  const file = dest();
  const r = await fetchToFile(s.url('/data.csv'), file, { ...local, etag: '"v1"', lastModified: 'Tue, 24 Nov 2026 10:00:00 GMT' });
  assert.equal(r.notModified, true);
  assert.equal(r.status, 304);
  assert.equal(r.etag, '"v1"');
  assert.equal(r.lastModified, 'Tue, 24 Nov 2026 10:00:00 GMT');
  assert.equal(r.bytes, 0);
  nothingAt(file);
  // Another validator: the full file.
  const full = await fetchToFile(s.url('/data.csv'), dest(), { ...local, etag: '"v0"' });
  assert.equal(full.notModified, false);
  assert.equal(full.bytes, Buffer.byteLength(CSV));
});

test('size limit: refused up front on Content-Length, and while streaming without it; nothing left behind', async () => {
  const big = Buffer.alloc(50_000, 'a;b\n');
  let sent = 0;
  const s = await serve((req, res) => {
    if (req.url === '/announced') {
      res.writeHead(200, { 'content-type': 'text/csv', 'content-length': big.length });
      res.end(big);
      return;
    }
    // Chunked, no length: the limit can only be seen while streaming.
    res.writeHead(200, { 'content-type': 'text/csv' });
    const timer = setInterval(() => {
      if (res.destroyed || sent > 5_000_000) {
        clearInterval(timer);
        res.end();
        return;
      }
      sent += big.length;
      res.write(big);
    }, 1);
    res.on('close', () => clearInterval(timer));
  });
  const a = dest();
  await rejects(fetchToFile(s.url('/announced'), a, { ...local, maxBytes: 10_000 }), 'payload_too_large', /larger than the limit of 9\.8 KiB \(the server announces 49 KiB\).*DATAVILLE_MAX_UPLOAD_BYTES/);
  nothingAt(a);
  const b = dest();
  await rejects(fetchToFile(s.url('/chunked'), b, { ...local, maxBytes: 120_000 }), 'payload_too_large', /larger than the limit of 117 KiB/);
  nothingAt(b);
  assert.ok(sent < 5_000_000, 'the download stopped at the limit');
});

test('a server that never answers times out within the bound', async () => {
  const s = await serve(() => {
    // Headers never sent.
  });
  const file = dest();
  const t0 = Date.now();
  const err = await rejects(fetchToFile(s.url('/slow.csv'), file, { ...local, timeoutMs: 300 }), 'fetch_timeout', /timed out after 0\.3 s/, { reason: 'timeout', retryable: true });
  assert.match(err.message, /127\.0\.0\.1/);
  assert.ok(Date.now() - t0 < 1500, `took ${Date.now() - t0} ms`);
  nothingAt(file);
});

test('a server that stops sending in the middle times out and leaves nothing', async () => {
  const s = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/csv' });
    res.write(CSV);
  });
  const file = dest();
  const t0 = Date.now();
  await rejects(fetchToFile(s.url('/stall.csv'), file, { ...local, connectTimeoutMs: 250 }), 'fetch_timeout', /timed out after 0\.3 s without data: the server stopped sending/);
  assert.ok(Date.now() - t0 < 1500);
  nothingAt(file);
});

test('the total time limit stops a slow trickle', async () => {
  const s = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/csv' });
    const timer = setInterval(() => res.write('a;b\n'), 20);
    res.on('close', () => clearInterval(timer));
  });
  const file = dest();
  await rejects(fetchToFile(s.url('/trickle.csv'), file, { ...local, timeoutMs: 400, connectTimeoutMs: 200 }), 'fetch_timeout', /timed out after 0\.4 s \(\d+ bytes received\).*DATAVILLE_FETCH_TIMEOUT_MS/);
  nothingAt(file);
});

test('redirects are followed and recorded, relative and absolute', async () => {
  const s = await serve((req, res, self) => {
    if (req.url === '/a') res.writeHead(301, { location: '/b' }).end();
    else if (req.url === '/b') res.writeHead(302, { location: self.url('/files/c.csv#frag') }).end();
    else if (req.url === '/files/c.csv') res.writeHead(200, { 'content-type': 'text/csv' }).end(CSV);
    else res.writeHead(404).end();
  });
  const r = await fetchToFile(s.url('/a'), dest(), local);
  assert.deepEqual(r.redirects, [s.url('/a'), s.url('/b')]);
  assert.equal(r.finalUrl, s.url('/files/c.csv'));
  assert.equal(r.fileName, 'c.csv');
  assert.deepEqual(s.hits, ['/a', '/b', '/files/c.csv']);
});

test('a redirect loop and too many redirects are errors listing the chain', async () => {
  const s = await serve((req, res) => {
    if (req.url === '/loop1') res.writeHead(302, { location: '/loop2' }).end();
    else if (req.url === '/loop2') res.writeHead(307, { location: '/loop1' }).end();
    else {
      const k = Number(req.url?.split('/')[2] ?? 0);
      res.writeHead(302, { location: `/hop/${k + 1}` }).end();
    }
  });
  const loop = await rejects(fetchToFile(s.url('/loop1'), dest(), local), 'fetch_failed', /redirects in a loop: .*\/loop1 → .*\/loop2 → .*\/loop1\./, { reason: 'redirect_loop' });
  assert.deepEqual((loop.details as { chain: string[] }).chain, [s.url('/loop1'), s.url('/loop2'), s.url('/loop1')]);
  const file = dest();
  await rejects(fetchToFile(s.url('/hop/0'), file, { ...local, maxRedirects: 3 }), 'fetch_failed', /redirects more than 3 times: .*\/hop\/0 → .*\/hop\/1 → .*\/hop\/2 → .*\/hop\/3 → .*\/hop\/4\./, { reason: 'too_many_redirects' });
  assert.deepEqual(s.hits.filter((h) => h.startsWith('/hop')), ['/hop/0', '/hop/1', '/hop/2', '/hop/3']);
  nothingAt(file);
});

test('a web page instead of a data file is refused, whatever its declared type; a CSV mislabelled text/html is not', async () => {
  const page = '<!DOCTYPE html>\n<html><head><title>Portail</title></head><body><a href="/data.csv">Télécharger</a></body></html>';
  const s = await serve((req, res) => {
    if (req.url === '/page') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    else if (req.url === '/disguised') res.writeHead(200, { 'content-type': 'text/csv' }).end(`\uFEFF\n  <html lang="fr"><body>Connexion</body></html>`);
    else if (req.url === '/commented') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end('<!-- login --><!doctype html><html></html>');
    else res.writeHead(200, { 'content-type': 'text/html' }).end(CSV);
  });
  const file = dest();
  await rejects(fetchToFile(s.url('/page'), file, local), 'fetch_failed', /returned a web page, not a data file; use the direct download link/, { reason: 'not_data' });
  nothingAt(file);
  await rejects(fetchToFile(s.url('/disguised'), dest(), local), 'fetch_failed', /returned a web page/);
  await rejects(fetchToFile(s.url('/commented'), dest(), local), 'fetch_failed', /returned a web page/);
  const csv = await fetchToFile(s.url('/mislabelled'), dest(), local);
  assert.equal(csv.bytes, Buffer.byteLength(CSV));
  assert.match(csv.warnings.join('\n'), /says the file is a web page \(text\/html\), but its bytes look like CSV or other text; Dataville goes by the bytes/);
  // Asked for anything: a page is a page.
  const any = await fetchToFile(s.url('/page'), dest(), { ...local, expect: 'any' });
  assert.equal(any.fileName, 'page.html');
});

test('a page larger than the sniffed start is refused without downloading all of it', async () => {
  let written = 0;
  const s = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.write('<!doctype html><html><body>');
    const timer = setInterval(() => {
      if (written > 20_000_000) return res.end();
      written += 65_536;
      res.write('<p>'.padEnd(65_536, 'x'));
    }, 1);
    res.on('close', () => clearInterval(timer));
  });
  const file = dest();
  await rejects(fetchToFile(s.url('/huge-page'), file, local), 'fetch_failed', /web page/);
  assert.ok(written < 20_000_000);
  nothingAt(file);
});

test('content type against the bytes: PDF refused, JSON-labelled CSV and ZIP-labelled-CSV warned', async () => {
  const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(200, 1)]);
  const s = await serve((req, res) => {
    if (req.url === '/report.pdf') res.writeHead(200, { 'content-type': 'text/csv' }).end('%PDF-1.7\n%âãÏÓ\n1 0 obj');
    else if (req.url === '/json') res.writeHead(200, { 'content-type': 'application/json' }).end(CSV);
    else if (req.url === '/zip') res.writeHead(200, { 'content-type': 'text/csv' }).end(zip);
    else res.writeHead(200, { 'content-type': 'application/vnd.ms-excel' }).end(CSV);
  });
  await rejects(fetchToFile(s.url('/report.pdf'), dest(), local), 'unsupported_format', /returned a PDF document, not a data file.*CSV or Excel download/);
  const json = await fetchToFile(s.url('/json'), dest(), local);
  assert.deepEqual(json.warnings, ['The server says the file is JSON (application/json), but its bytes look like CSV or other text; Dataville goes by the bytes.']);
  assert.equal(json.fileName, 'json.csv'); // named after the bytes, which the ingest reads
  const z = await fetchToFile(s.url('/zip'), dest(), local);
  assert.match(z.warnings[0], /says the file is CSV \(text\/csv\), but its bytes look like a ZIP archive/);
  // Windows servers label CSV as Excel: no warning for that.
  assert.deepEqual((await fetchToFile(s.url('/excel'), dest(), local)).warnings, []);
});

test('declared charset against the bytes: warned, and the bytes are trusted', async () => {
  const text = 'commune;remarque\nLiège;Très fréquentée\nEupen;Bürgerbüro\n';
  const s = await serve((req, res) => {
    if (req.url === '/utf8-said-latin1') res.writeHead(200, { 'content-type': 'text/csv; charset=ISO-8859-1' }).end(Buffer.from(text));
    else if (req.url === '/latin1-said-utf8') res.writeHead(200, { 'content-type': 'text/csv;charset="utf-8"' }).end(iconv.encode(text, 'latin1'));
    else res.writeHead(200, { 'content-type': 'text/csv; charset=windows-1252' }).end(iconv.encode(text, 'windows-1252'));
  });
  const a = await fetchToFile(s.url('/utf8-said-latin1'), dest(), local);
  assert.equal(a.charset, 'iso-8859-1');
  assert.equal(a.warnings.length, 1);
  assert.match(a.warnings[0], /declares the text as iso-8859-1 .*but the bytes are valid UTF-8.*the ingest trusts the bytes and reads UTF-8/);
  const b = await fetchToFile(s.url('/latin1-said-utf8'), dest(), local);
  assert.match(b.warnings[0], /declares the text as utf-8 .*but the bytes are not valid UTF-8.*the ingest trusts the bytes/);
  assert.deepEqual((await fetchToFile(s.url('/right'), dest(), local)).warnings, []);
});

test('gzip and brotli answers are decoded; a compression bomb stops at the limit on the decoded bytes', async () => {
  const csv = Buffer.from(CSV.repeat(100));
  const bomb = zlib.gzipSync(Buffer.alloc(20_000_000)); // ~20 KB on the wire
  const s = await serve((req, res) => {
    if (req.url === '/gz/data.csv.gz') res.writeHead(200, { 'content-type': 'text/csv', 'content-encoding': 'gzip' }).end(zlib.gzipSync(csv));
    else if (req.url === '/br') res.writeHead(200, { 'content-type': 'text/csv', 'content-encoding': 'br' }).end(zlib.brotliCompressSync(csv));
    else if (req.url === '/deflate') res.writeHead(200, { 'content-type': 'text/csv', 'content-encoding': 'deflate' }).end(zlib.deflateSync(csv));
    else if (req.url === '/damaged') res.writeHead(200, { 'content-type': 'text/csv', 'content-encoding': 'gzip' }).end(Buffer.from('not gzip at all'));
    else if (req.url === '/zstd') res.writeHead(200, { 'content-type': 'text/csv', 'content-encoding': 'zstd' }).end('x');
    else res.writeHead(200, { 'content-type': 'text/csv', 'content-encoding': 'gzip', 'content-length': bomb.length }).end(bomb);
  });
  const sha = crypto.createHash('sha256').update(csv).digest('hex');
  const gz = await fetchToFile(s.url('/gz/data.csv.gz'), dest(), local);
  assert.equal(s.requests[0].headers['accept-encoding'], 'gzip, deflate, br');
  assert.equal(gz.bytes, csv.length);
  assert.equal(gz.sha256, sha);
  assert.deepEqual(fs.readFileSync(gz.path), csv);
  assert.equal(gz.fileName, 'data.csv');
  assert.equal((await fetchToFile(s.url('/br'), dest(), local)).sha256, sha);
  assert.equal((await fetchToFile(s.url('/deflate'), dest(), local)).sha256, sha);
  const file = dest();
  await rejects(fetchToFile(s.url('/bomb.csv'), file, { ...local, maxBytes: 1_000_000 }), 'payload_too_large', /larger than the limit of 977 KiB once decompressed/);
  nothingAt(file);
  await rejects(fetchToFile(s.url('/damaged'), dest(), local), 'fetch_failed', /compressed data is damaged/);
  await rejects(fetchToFile(s.url('/zstd'), dest(), local), 'fetch_failed', /compression Dataville does not read \(Content-Encoding: zstd\)/);
});

test('HTTP errors say what happened and how to fix it', async () => {
  const s = await serve((req, res) => {
    res.writeHead(Number(req.url?.slice(1))).end('<html>error</html>');
  });
  const nf = await rejects(fetchToFile(s.url('/404'), dest(), local), 'fetch_failed', /Nothing was found at http:\/\/127\.0\.0\.1:\d+\/404 \(HTTP 404 Not Found\) — check the link/, { status: 404, retryable: false });
  assert.equal(nf.status, 502);
  await rejects(fetchToFile(s.url('/401'), dest(), local), 'fetch_failed', /needs a login \(HTTP 401 Unauthorized\) — Dataville can only fetch public files/);
  await rejects(fetchToFile(s.url('/403'), dest(), local), 'fetch_failed', /needs a login \(HTTP 403 Forbidden\) — Dataville can only fetch public files/);
  await rejects(fetchToFile(s.url('/503'), dest(), local), 'fetch_failed', /failed to deliver .*HTTP 503.*try again later/, { retryable: true });
  await rejects(fetchToFile(s.url('/304'), dest(), local), 'fetch_failed', /304 Not Modified.*not conditional/);
  await rejects(fetchToFile(s.url('/202'), dest(), local), 'fetch_failed', /HTTP 202/);
});

test('an empty answer is refused for a table; a cut-off body and a closed port are retryable failures', async () => {
  const s = await serve((req, res) => {
    if (req.url === '/empty') return res.writeHead(200, { 'content-type': 'text/csv', 'content-length': 0 }).end();
    res.writeHead(200, { 'content-type': 'text/csv', 'content-length': 10_000 });
    res.write(CSV, () => setTimeout(() => res.destroy(), 20));
  });
  await rejects(fetchToFile(s.url('/empty'), dest(), local), 'empty_file', /returned an empty file/);
  const file = dest();
  await rejects(fetchToFile(s.url('/cut'), file, local), 'fetch_failed', /broke off after \d+ bytes of 9\.8 KiB/, { retryable: true });
  nothingAt(file);
  const closed = await serve(() => {});
  const url = closed.url('/x.csv');
  await closed.close();
  await rejects(fetchToFile(url, dest(), local), 'fetch_failed', /refused the connection/, { reason: 'connection', retryable: true });
});

test('private, loopback, link-local and other special addresses are refused without any connection', async () => {
  const s = await serve((_req, res) => res.end(CSV));
  const refused = [
    s.url('/x.csv'), `http://localhost:${s.port}/x.csv`, `http://[::1]:${s.port}/`, 'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/', 'http://172.16.5.4/', 'http://192.168.1.10/', 'http://100.64.0.1/', 'http://0.0.0.0/', 'http://[::]/',
    `http://2130706433:${s.port}/`, `http://0x7f.0.0.1:${s.port}/`, `http://0x7f.1:${s.port}/`, `http://0177.0.0.1:${s.port}/`, 'http://127.1/',
    `http://[::ffff:127.0.0.1]:${s.port}/`, 'http://[::ffff:10.0.0.1]/', 'http://[fe80::1]/', 'http://[fc00::1]/', 'http://[fd00:ec2::254]/',
    'http://224.0.0.1/', 'http://255.255.255.255/', 'http://240.0.0.1/', 'http://[ff02::1]/',
    'http://[64:ff9b::a00:1]/', 'http://[64:ff9b:1:7f00:1::808:808]/', 'http://[2002:7f00:1::]/', 'http://[::7f00:1]/', 'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/',
  ];
  for (const u of refused) {
    await rejects(assertPublicUrl(u), 'url_refused', /Dataville (does not fetch from private networks unless an administrator allows it \(DATAVILLE_ALLOW_PRIVATE_URLS\)|never fetches from it)/, { reason: 'private_address' });
    await rejects(fetchToFile(u, dest(), { allowPrivate: false }), 'url_refused', /./);
  }
  assert.deepEqual(s.hits, [], 'no request reached the server');
  await rejects(assertPublicUrl('http://127.0.0.1/'), 'url_refused', /^The address http:\/\/127\.0\.0\.1\/ points to 127\.0\.0\.1, a loopback address \(this server itself\); Dataville does not fetch from private networks unless an administrator allows it \(DATAVILLE_ALLOW_PRIVATE_URLS\)\.$/);
  await rejects(assertPublicUrl('http://localhost/'), 'url_refused', /^The host localhost in http:\/\/localhost\/ resolves to (127\.0\.0\.1|::1), a loopback address/);
  await rejects(assertPublicUrl('http://169.254.169.254/'), 'url_refused', /the cloud metadata address; Dataville never fetches from it/);
  await rejects(assertPublicUrl('http://[::ffff:127.0.0.1]/'), 'url_refused', /an IPv6 form of 127\.0\.0\.1, a loopback address/);
});

test('the administrator setting allows private targets, but never the metadata service or unspecified addresses', async () => {
  for (const u of ['http://127.0.0.1/', 'http://10.1.2.3/', 'http://[::1]/', 'http://[fd12::1]/', 'http://169.254.1.1/']) await assertPublicUrl(u, { allowPrivate: true });
  for (const u of ['http://169.254.169.254/', 'http://[fd00:ec2::254]/', 'http://0.0.0.0/', 'http://224.0.0.1/']) {
    await rejects(assertPublicUrl(u, { allowPrivate: true }), 'url_refused', /never fetches from it/);
  }
});

test('public addresses pass; a name with any private address is refused', async () => {
  for (const u of ['https://8.8.8.8/', 'http://[2606:4700::1111]:8080/x', 'http://[::ffff:8.8.8.8]/', 'http://[64:ff9b::808:808]/']) await assertPublicUrl(u);
  const resolve = async (host: string) => (host === 'mixed.example'
    ? [{ address: '93.184.216.34', family: 4 as const }, { address: '10.0.0.7', family: 4 as const }]
    : [{ address: '2a00:1450:4001::1', family: 6 as const }]);
  await assertPublicUrl('https://data.example/x.csv', { resolve });
  await rejects(assertPublicUrl('https://mixed.example/x.csv', { resolve }), 'url_refused', /The host mixed\.example in https:\/\/mixed\.example\/x\.csv resolves to 10\.0\.0\.7, a private network address/);
  await rejects(assertPublicUrl('https://nowhere.invalid/x.csv', { resolve: async () => { throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' }); } }), 'fetch_failed', /host name nowhere\.invalid .*does not exist.*check the link/, { retryable: false });
  assert.equal(classifyAddress('8.8.8.8'), null);
  assert.equal(classifyAddress('10.0.0.1')?.privateNetwork, true);
});

test('schemes other than http(s), credentials and non-URLs are refused with a clear message', async () => {
  await rejects(assertPublicUrl('ftp://ftp.example.be/data.csv'), 'url_refused', /only fetches http:\/\/ and https:\/\/ addresses, not ftp:\/\//, { reason: 'scheme' });
  await rejects(assertPublicUrl('file:///etc/passwd'), 'url_refused', /not file:\/\/.*upload the file instead/);
  await rejects(fetchToFile('javascript:alert(1)', dest()), 'url_refused', /not javascript:\/\//);
  const cred = await rejects(assertPublicUrl('https://admin:s3cret@data.example.be/x.csv'), 'url_refused', /contains a user name or password \(user:password@\)/, { reason: 'credentials' });
  assert.doesNotMatch(cred.message, /s3cret/);
  assert.doesNotMatch(JSON.stringify(cred.details), /s3cret/);
  await rejects(assertPublicUrl('data.example.be/x.csv'), 'url_refused', /is not a web address.*https:\/\//, { reason: 'invalid_url' });
  await rejects(assertPublicUrl(''), 'url_refused', /empty/);
});

test('a redirect from an allowed host to a private address is refused before connecting, and the connection is pinned', async () => {
  let lookups = 0;
  const s = await serve((req, res, self) => {
    if (req.url === '/start') res.writeHead(302, { location: self.url('/secret') }).end();
    else if (req.url === '/metadata') res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    else res.writeHead(200, { 'content-type': 'text/csv' }).end(CSV);
  });
  // "data.example" stands for a public host: the tests resolve it to the local server and call it public.
  const hooks = {
    allowPrivate: false,
    resolve: async (host: string) => {
      lookups++;
      assert.equal(host, 'data.example');
      return [{ address: '127.0.0.1', family: 4 as const }];
    },
    treatAsPublic: (_address: string, host: string) => host === 'data.example',
  };
  const file = dest();
  const err = await rejects(fetchToFile(`http://data.example:${s.port}/start`, file, hooks), 'url_refused', /^The link http:\/\/data\.example:\d+\/start redirects to http:\/\/127\.0\.0\.1:\d+\/secret\. The address .* points to 127\.0\.0\.1, a loopback address/);
  assert.equal((err.details as { address: string }).address, '127.0.0.1');
  assert.deepEqual(s.hits, ['/start'], 'the private target was never contacted');
  nothingAt(file);
  await rejects(fetchToFile(`http://data.example:${s.port}/metadata`, dest(), hooks), 'url_refused', /cloud metadata address/);
  // Host header keeps the name; the connection goes to the checked address, looked up once.
  lookups = 0;
  const ok = await fetchToFile(`http://data.example:${s.port}/data.csv`, dest(), hooks);
  assert.equal(ok.bytes, Buffer.byteLength(CSV));
  assert.equal(lookups, 1);
  assert.equal(s.requests.at(-1)?.headers.host, `data.example:${s.port}`);
});

test('a refused redirect to another scheme says which link redirected', async () => {
  const s = await serve((_req, res) => res.writeHead(301, { location: 'ftp://files.example/x.csv' }).end());
  await rejects(fetchToFile(s.url('/old'), dest(), local), 'url_refused', /^The link http:\/\/127\.0\.0\.1:\d+\/old redirects to ftp:\/\/files\.example\/x\.csv\. Dataville only fetches http:\/\/ and https:\/\//);
});

/** A certificate for data.example (valid 2000-2100), self-signed: the tests trust it through the `ca` hook. */
const TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgaHVolFWUOMTlF81g
XbCsgD340cGcGdGP9rYVBjFml5ShRANCAAQrJzQFjoD/Z/HIGmUALLQsrsDFicDC
yTMn2uYKQh9w4j8SuGsANSbMDmhh4Xke/t5SjpWNNQVPqe+adNZ+p0sH
-----END PRIVATE KEY-----
`;
const TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBaDCCAQ2gAwIBAgIBATAKBggqhkjOPQQDAjAXMRUwEwYDVQQDDAxkYXRhLmV4
YW1wbGUwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBaMBcxFTATBgNV
BAMMDGRhdGEuZXhhbXBsZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABCsnNAWO
gP9n8cgaZQAstCyuwMWJwMLJMyfa5gpCH3DiPxK4awA1JswOaGHheR7+3lKOlY01
BU+p75p01n6nSwejSDBGMBcGA1UdEQQQMA6CDGRhdGEuZXhhbXBsZTAMBgNVHRMB
Af8EAjAAMB0GA1UdDgQWBBR0xZVLsCsABzpWCPBVByXZY/VF1TAKBggqhkjOPQQD
AgNJADBGAiEA7eL5wCyt6z5qPkUw3KALiWUC5d4vL9jySLnoSUsZD40CIQC4mi+b
o9RL6AbO2yjWNMRdunbPN+wx0TBOx97ksHH+Bw==
-----END CERTIFICATE-----
`;

test('https: pinned to the checked address with SNI and Host kept as the name; an untrusted certificate is refused', async () => {
  const names: string[] = [];
  const server = https.createServer({
    key: TLS_KEY,
    cert: TLS_CERT,
    SNICallback: (name, cb) => {
      names.push(name);
      cb(null, undefined);
    },
  }, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/csv', 'x-host': req.headers.host ?? '' }).end(CSV);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const hooks = {
      resolve: async () => [{ address: '127.0.0.1', family: 4 as const }],
      treatAsPublic: (_a: string, host: string) => host === 'data.example',
    };
    const r = await fetchToFile(`https://data.example:${port}/stats.csv`, dest(), { ...hooks, ca: TLS_CERT });
    assert.equal(r.bytes, Buffer.byteLength(CSV));
    assert.equal(r.finalUrl, `https://data.example:${port}/stats.csv`);
    assert.deepEqual(names, ['data.example']);
    const file = dest();
    await rejects(fetchToFile(`https://data.example:${port}/stats.csv`, file, hooks), 'fetch_failed', /secure connection to data\.example:\d+ failed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/, { reason: 'tls', retryable: false });
    nothingAt(file);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
