import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type BlockList, type LookupFunction } from 'node:net';
import { Agent, type Dispatcher, ProxyAgent, request } from 'undici';
import { forbiddenReason } from './address-policy';

/** One resolved address of a host name. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (injectable: tests simulate DNS rebinding with it). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

export interface UserContentFetcherOptions {
  /** the most bytes one fetched document may have (MAX_INLINE_IMAGE_SIZE_MB) */
  maxBytes: number;
  /** for the whole fetch, redirects included (USER_CONTENT_REQUEST_TIMEOUT) */
  timeoutMs: number;
  /** an HTTP(S) proxy every fetch goes through (USER_CONTENT_REQUEST_PROXY) */
  proxyUrl?: string;
  /** networks let through although private (USER_CONTENT_ALLOWED_NETWORKS) */
  allowedNetworks?: BlockList;
  resolver?: HostResolver;
  maxRedirects?: number;
}

export interface FetchedContent {
  data: Buffer;
  /** the Content-Type the server sent, without parameters (may be empty) */
  mediaType: string;
  /** the URL finally read, after redirects */
  url: string;
}

/** A user-supplied URL that may not or could not be fetched: the caller's problem, answered with 400. */
export class UserContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserContentError';
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Fetches URLs that callers give the gateway (image URLs to inline for providers that cannot read URLs) without
 * letting them reach internal addresses: the host name is resolved here, every address is checked, and the
 * connection is made to the checked address only (a pinned lookup), so a DNS answer that changes between the check
 * and the connect (rebinding) cannot redirect it. Redirects are followed by hand and every hop is checked again.
 * The body is read with a byte cap and the whole fetch has one deadline.
 */
export class UserContentFetcher {
  private readonly resolver: HostResolver;
  private readonly maxRedirects: number;

  constructor(private readonly options: UserContentFetcherOptions) {
    this.resolver = options.resolver ?? systemResolver;
    this.maxRedirects = options.maxRedirects ?? 5;
  }

  async fetch(url: string, signal?: AbortSignal): Promise<FetchedContent> {
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    let current = url;
    try {
      for (let hop = 0; hop <= this.maxRedirects; hop++) {
        const target = parseTarget(current);
        const pinned = await this.checkedAddress(target.hostname);
        const response = await this.send(target, pinned, combined);
        if (REDIRECTS.has(response.statusCode)) {
          const location = response.headers.location;
          await response.body.dump().catch(() => undefined);
          if (typeof location !== 'string' || !location)
            throw new UserContentError(`fetching ${describe(url)}: a redirect without a Location`);
          current = new URL(location, current).toString();
          continue;
        }
        if (response.statusCode < 200 || response.statusCode >= 300) {
          await response.body.dump().catch(() => undefined);
          throw new UserContentError(`fetching ${describe(url)} answered HTTP ${response.statusCode}`);
        }
        const data = await this.readCapped(response, url);
        const contentType = response.headers['content-type'];
        const mediaType = (typeof contentType === 'string' ? contentType : '')
          .split(';')[0]
          .trim()
          .toLowerCase();
        return { data, mediaType, url: current };
      }
      throw new UserContentError(`fetching ${describe(url)}: more than ${this.maxRedirects} redirects`);
    } catch (error) {
      if (error instanceof UserContentError) throw error;
      if (deadline.aborted)
        throw new UserContentError(`fetching ${describe(url)} took longer than ${this.options.timeoutMs} ms`);
      if (signal?.aborted) throw error;
      throw new UserContentError(`fetching ${describe(url)} failed: ${(error as Error).message}`);
    }
  }

  /** Resolves once and refuses the host when any of its addresses is internal (no "pick the public one" games). */
  private async checkedAddress(hostname: string): Promise<ResolvedAddress> {
    const literal = hostname.replace(/^\[|\]$/g, '');
    const family = isIP(literal);
    const addresses: ResolvedAddress[] =
      family !== 0
        ? [{ address: literal, family: family as 4 | 6 }]
        : await this.resolver(hostname).catch((error: Error) => {
            throw new UserContentError(`cannot resolve ${hostname}: ${error.message}`);
          });
    if (addresses.length === 0) throw new UserContentError(`cannot resolve ${hostname}`);
    for (const { address } of addresses) {
      const reason = forbiddenReason(address, this.options.allowedNetworks);
      if (reason) throw new UserContentError(`${hostname} resolves to a ${reason}: refused`);
    }
    return addresses[0];
  }

  private async send(
    target: URL,
    pinned: ResolvedAddress,
    signal: AbortSignal,
  ): Promise<Dispatcher.ResponseData> {
    const dispatcher = this.dispatcherFor(target, pinned);
    try {
      const response = await request(this.options.proxyUrl ? withHost(target, pinned) : target, {
        method: 'GET',
        headers: { host: target.host, accept: 'image/*,*/*;q=0.8', 'user-agent': 'one-api-user-content' },
        signal,
        dispatcher,
      });
      // The dispatcher lives as long as the body is read; closing it afterwards frees the socket.
      response.body.once('close', () => void dispatcher.close().catch(() => undefined));
      // Bodies cut short on purpose (size cap) end in an abort error nobody else listens for.
      response.body.on('error', () => undefined);
      return response;
    } catch (error) {
      void dispatcher.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Direct: the socket's lookup always answers the checked address, so nothing resolves the name a second time.
   * Through a proxy: the proxy is asked to connect to the checked address itself (TLS still verifies the name).
   */
  private dispatcherFor(target: URL, pinned: ResolvedAddress): Dispatcher {
    if (this.options.proxyUrl) {
      return new ProxyAgent({ uri: this.options.proxyUrl, requestTls: { servername: target.hostname } });
    }
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
      else callback(null, pinned.address, pinned.family);
    };
    return new Agent({ connect: { lookup, timeout: this.options.timeoutMs }, connections: 1, pipelining: 0 });
  }

  private async readCapped(response: Dispatcher.ResponseData, url: string): Promise<Buffer> {
    const limit = this.options.maxBytes;
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      response.body.destroy();
      throw tooLarge(url, limit);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response.body) {
      total += (chunk as Buffer).length;
      if (total > limit) {
        response.body.destroy();
        throw tooLarge(url, limit);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks, total);
  }
}

function parseTarget(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new UserContentError(`not a URL: ${describe(url)}`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new UserContentError(`only http and https URLs can be fetched, not ${target.protocol}`);
  if (target.username || target.password) throw new UserContentError('URLs with credentials are not fetched');
  return target;
}

function withHost(target: URL, pinned: ResolvedAddress): URL {
  const copy = new URL(target.toString());
  copy.hostname = pinned.family === 6 ? `[${pinned.address}]` : pinned.address;
  return copy;
}

function tooLarge(url: string, limit: number): UserContentError {
  return new UserContentError(
    `${describe(url)} is larger than ${Math.round((limit / 1024 / 1024) * 100) / 100} MB`,
  );
}

/** The URL without its query (which may hold signatures) and capped in length, for error messages. */
function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`.slice(0, 200);
  } catch {
    return url.slice(0, 60);
  }
}
