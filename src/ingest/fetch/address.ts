/**
 * Which URLs Dataville may fetch (server-side request forgery): http(s) only, no credentials, and a
 * host whose every address is public. The addresses checked here are the ones the connection then
 * uses (`pinnedLookup`), so a DNS answer that changes between the check and the connection (DNS
 * rebinding) cannot steer the request into the private network.
 */
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../../errors.ts';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Name resolution: every address of a host name. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface AddressPolicy {
  /** An administrator's choice: private, loopback and link-local targets are allowed. */
  allowPrivate?: boolean;
  /** @internal Tests replace name resolution (no DNS server here). */
  resolve?: Resolver;
  /**
   * @internal Tests declare an address public for one host name, to follow a redirect from an
   * "allowed" host to a private one (only 127.0.0.1 can be reached in tests).
   */
  treatAsPublic?: (address: string, hostname: string) => boolean;
}

export const ALLOW_PRIVATE_SETTING = 'DATAVILLE_ALLOW_PRIVATE_URLS';
const MAX_URL_LENGTH = 8192;

/**
 * Addresses refused even when an administrator allows private networks: the cloud metadata
 * services hand out the server's own credentials, which is what these attacks are after.
 */
const METADATA = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254']);

const V4_WORDS: Record<string, string> = {
  loopback: 'a loopback address (this server itself)',
  private: 'a private network address',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a carrier-grade NAT address (shared, not public)',
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
};
const V6_WORDS: Record<string, string> = {
  loopback: 'a loopback address (this server itself)',
  uniqueLocal: 'a private (unique-local) IPv6 address',
  linkLocal: 'a link-local address',
  deprecatedSiteLocal: 'a private (site-local) IPv6 address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  teredo: 'a Teredo tunnel address',
};
/** Never a server to download from, whatever the setting. */
const NEVER = new Set(['unspecified', 'broadcast', 'multicast']);
/** What the setting allows: the private network and this machine. */
const PRIVATE = new Set(['loopback', 'private', 'linkLocal', 'carrierGradeNat', 'uniqueLocal', 'deprecatedSiteLocal']);

export interface AddressVerdict {
  /** In words for a person: "a loopback address (this server itself)". */
  what: string;
  /** True when DATAVILLE_ALLOW_PRIVATE_URLS would allow it. */
  privateNetwork: boolean;
}

/** Why an address may not be fetched from, or null when it is public unicast. */
export function classifyAddress(address: string): AddressVerdict | null {
  if (!ipaddr.isValid(address)) return { what: 'not an IP address', privateNetwork: false };
  const ip = ipaddr.parse(address);
  if (METADATA.has(ip.toNormalizedString()) || METADATA.has(ip.toString())) return { what: 'the cloud metadata address', privateNetwork: false };
  if (ip.kind() === 'ipv4') return classifyRange((ip as ipaddr.IPv4).range(), V4_WORDS);
  const v6 = ip as ipaddr.IPv6;
  // Local-use NAT64 (64:ff9b:1::/48) may embed the IPv4 address anywhere its operator chose.
  if (v6.range() === 'rfc6052' && v6.parts.slice(2, 6).some((x) => x !== 0)) return { what: 'a local-use NAT64 address', privateNetwork: true };
  const embedded = embeddedIPv4(v6);
  if (embedded) {
    // ::ffff:127.0.0.1 and its NAT64 / 6to4 relatives reach the IPv4 address they carry.
    const inner = classifyAddress(embedded.toString());
    return inner && { what: `an IPv6 form of ${embedded.toString()}, ${inner.what}`, privateNetwork: inner.privateNetwork };
  }
  return classifyRange(v6.range(), V6_WORDS);
}

function classifyRange(range: string, words: Record<string, string>): AddressVerdict | null {
  if (range === 'unicast') return null;
  return { what: words[range] ?? 'a reserved address', privateNetwork: PRIVATE.has(range) };
}

/** The IPv4 address an IPv6 address stands for (mapped, translated, NAT64, 6to4, IPv4-compatible). */
function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | null {
  const p = ip.parts;
  const last = () => new ipaddr.IPv4([p[6] >> 8, p[6] & 0xff, p[7] >> 8, p[7] & 0xff]);
  switch (ip.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
    case 'rfc6052':
      return last();
    case '6to4':
      return new ipaddr.IPv4([p[1] >> 8, p[1] & 0xff, p[2] >> 8, p[2] & 0xff]);
    default:
      // ::a.b.c.d (deprecated IPv4-compatible): some stacks still route it to the IPv4 address.
      return p.slice(0, 6).every((x) => x === 0) && (p[6] !== 0 || p[7] > 1) ? last() : null;
  }
}

/** May this address be contacted under the policy? */
export function addressAllowed(address: string, hostname: string, policy: AddressPolicy): AddressVerdict | null {
  if (policy.treatAsPublic?.(address, hostname)) return null;
  const verdict = classifyAddress(address);
  if (!verdict) return null;
  if (policy.allowPrivate && verdict.privateNetwork) return null;
  return verdict;
}

export interface RefusalDetails {
  url: string;
  reason: 'invalid_url' | 'scheme' | 'credentials' | 'private_address';
  retryable: false;
  address?: string;
}

function refused(message: string, details: RefusalDetails): AppError {
  return new AppError('url_refused', message, details);
}

/** A URL for messages: without credentials, and not endless. */
export function showUrl(url: URL | string): string {
  let text: string;
  if (typeof url === 'string') {
    text = url;
    try {
      const u = new URL(url);
      if (u.username || u.password) text = withoutCredentials(u);
    } catch {
      // Not a URL: shown as given.
    }
  } else {
    text = url.username || url.password ? withoutCredentials(url) : url.href;
  }
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

function withoutCredentials(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/**
 * Parses a URL and checks what can be checked without the network: the scheme and credentials.
 * `context` opens the messages ("The link … redirects to …") when the URL came from a redirect.
 */
export function parseFetchUrl(input: string, context = ''): URL {
  const given = typeof input === 'string' ? input.trim() : '';
  const lead = context ? `${context} ` : '';
  if (!given) throw refused(`${lead || 'The '}address is empty; give the link to the file (it starts with https://).`, { url: '', reason: 'invalid_url', retryable: false });
  if (given.length > MAX_URL_LENGTH) {
    throw refused(`${lead}The address is ${given.length} characters long; Dataville accepts up to ${MAX_URL_LENGTH}.`, { url: showUrl(given), reason: 'invalid_url', retryable: false });
  }
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw refused(`${lead}"${showUrl(given)}" is not a web address; give the full link to the file, starting with https://.`, { url: showUrl(given), reason: 'invalid_url', retryable: false });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const scheme = url.protocol.replace(/:$/, '');
    const fix = scheme === 'file'
      ? 'files on the server are not read through links; upload the file instead'
      : 'put the file on a web server, or upload it';
    throw refused(`${lead}Dataville only fetches http:// and https:// addresses, not ${scheme}:// (${showUrl(url)}); ${fix}.`, { url: showUrl(url), reason: 'scheme', retryable: false });
  }
  if (url.username || url.password) {
    throw refused(
      `${lead}The address ${showUrl(url)} contains a user name or password (user:password@). Dataville only fetches public files and would keep the password in the catalog; remove it from the link, or ask the publisher for a public download.`,
      { url: showUrl(url), reason: 'credentials', retryable: false },
    );
  }
  if (!url.hostname) throw refused(`${lead}The address ${showUrl(url)} has no host name.`, { url: showUrl(url), reason: 'invalid_url', retryable: false });
  return url;
}

/** The host of a URL as a connection needs it: IPv6 literals without their brackets. */
export function bareHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

const systemResolve: Resolver = async (hostname) => {
  const found = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * Resolves the URL's host and checks every address; any refused address refuses the URL (a name
 * with one public and one private address could still be steered to the private one). Returns the
 * addresses the connection must use. DNS failures are `fetch_failed`.
 */
export async function resolvePublic(url: URL, policy: AddressPolicy, context = ''): Promise<ResolvedAddress[]> {
  const host = bareHost(url);
  let addresses: ResolvedAddress[];
  const literal = ipaddr.isValid(host) && (host.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(host));
  if (literal) {
    addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  } else {
    try {
      addresses = await (policy.resolve ?? systemResolve)(host);
    } catch (err) {
      throw dnsError(url, err, context);
    }
    if (addresses.length === 0) throw dnsError(url, Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), context);
  }
  for (const a of addresses) {
    const verdict = addressAllowed(a.address, host, policy);
    if (!verdict) continue;
    const lead = context ? `${context} ` : '';
    const where = literal ? `The address ${showUrl(url)} points to ${a.address}` : `The host ${host} in ${showUrl(url)} resolves to ${a.address}`;
    const rule = verdict.privateNetwork
      ? `Dataville does not fetch from private networks unless an administrator allows it (${ALLOW_PRIVATE_SETTING})`
      : 'Dataville never fetches from it';
    throw refused(`${lead}${where}, ${verdict.what}; ${rule}.`, { url: showUrl(url), reason: 'private_address', retryable: false, address: a.address });
  }
  return addresses;
}

function dnsError(url: URL, err: unknown, context: string): AppError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const host = bareHost(url);
  const lead = context ? `${context} ` : '';
  const retryable = code === 'EAI_AGAIN' || code === 'ETIMEOUT' || code === 'ESERVFAIL';
  const message = retryable
    ? `${lead}The host name ${host} (in ${showUrl(url)}) could not be looked up right now (DNS: ${code}); try again later.`
    : `${lead}The host name ${host} (in ${showUrl(url)}) does not exist (DNS: ${code ?? 'no answer'}); check the link for typos.`;
  return new AppError('fetch_failed', message, { url: showUrl(url), reason: 'dns', retryable, dnsCode: code ?? null });
}

/**
 * A `lookup` for http(s).request that answers with the checked addresses only: the connection goes
 * where the check looked, while Host and TLS SNI keep the host name.
 */
export function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const usable = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
    const list = usable.length ? usable : addresses;
    if (options.all) (callback as (err: null, addresses: ResolvedAddress[]) => void)(null, list);
    else callback(null, list[0].address, list[0].family);
  };
}

/** Validation at input time (an action storing a URL): syntax, scheme, credentials and addresses. */
export async function assertPublicUrl(url: string, opts: AddressPolicy = {}): Promise<void> {
  await resolvePublic(parseFetchUrl(url), opts);
}
