import { generateKeyPairSync } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { chromium } from 'playwright-core';
import { simpleParser, ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });

// ---------------------------------------------------------------- OpenID provider

export interface OidcProviderHandle {
  issuer: string;
  wellKnown: string;
  clientId: string;
  clientSecret: string;
  /** authorization requests the provider received (query strings, as received), newest last */
  authorizations: URLSearchParams[];
  /**
   * Man-in-the-middle hooks for tests: `authorization` edits an authorization request before the provider reads it,
   * `redirect` edits a Location the provider sends (e.g. its redirect back to the gateway). Set to undefined to stop.
   */
  tamper: { authorization?: (query: URLSearchParams) => void; redirect?: (location: URL) => void };
  close(): Promise<void>;
}

/**
 * A real OpenID provider (`oidc-provider`) on loopback with its built-in login and consent pages ("dev
 * interactions": any login name with any password signs in as the account of that name). It requires PKCE and
 * signs ID tokens with a fresh RSA key. The issuer uses `localhost`, so the browser treats it as another site
 * than the gateway on 127.0.0.1.
 */
export async function startOidcProvider(opts: { redirectUris: string[] }): Promise<OidcProviderHandle> {
  // Loaded on demand. Its warnings are expected here and silenced while it starts: Node 20 is not an LTS it targets
  // (it runs fine), and a test provider uses the in-memory adapter and the built-in login pages on purpose.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes('oidc-provider WARNING')) warn(...args);
  };
  const { default: Provider } = await import('oidc-provider');
  const app: { handler?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const authorizations: URLSearchParams[] = [];
  const tamper: OidcProviderHandle['tamper'] = {};
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/auth') {
      if (tamper.authorization) {
        tamper.authorization(url.searchParams);
        req.url = `${url.pathname}?${url.searchParams.toString()}`;
      }
      authorizations.push(url.searchParams);
    }
    if (tamper.redirect) {
      const edit = tamper.redirect;
      const setHeader = res.setHeader.bind(res);
      res.setHeader = (name: string, value: number | string | readonly string[]) => {
        if (name.toLowerCase() === 'location' && typeof value === 'string' && /^https?:/.test(value)) {
          const location = new URL(value);
          edit(location);
          return setHeader(name, location.href);
        }
        return setHeader(name, value);
      };
    }
    app.handler!(req, res);
  });
  const port = await listen(server);
  const issuer = `http://localhost:${port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };
  const clientId = 'one-api-gateway';
  const clientSecret = 'gateway-client-secret-0123456789';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: ['oidc-provider-test-cookie-key'] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({
        sub,
        email: `${sub}@sso.example.org`,
        email_verified: true,
        name: `SSO ${sub}`,
        preferred_username: sub,
      }),
    }),
    features: { devInteractions: { enabled: true } },
  });
  app.handler = provider.callback();
  console.warn = warn;
  return {
    issuer,
    wellKnown: `${issuer}/.well-known/openid-configuration`,
    clientId,
    clientSecret,
    authorizations,
    tamper,
    close: () => closeServer(server),
  };
}

// ---------------------------------------------------------------- SMTP server

export interface MailboxHandle {
  host: string;
  port: number;
  account: string;
  password: string;
  /** every message received, parsed */
  messages: ParsedMail[];
  /** resolves with the next message (already received or yet to come) addressed to `to` */
  waitFor(to: string, timeoutMs?: number): Promise<ParsedMail>;
  close(): Promise<void>;
}

/** A real SMTP server (`smtp-server`) on loopback that requires AUTH and keeps what it receives. */
export async function startMailbox(): Promise<MailboxHandle> {
  const account = 'mailer@gateway.example.org';
  const password = 'smtp-password-123';
  const messages: ParsedMail[] = [];
  const taken = new Set<ParsedMail>();
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    hideSTARTTLS: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === account && auth.password === password) callback(null, { user: account });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          waiters.splice(0).forEach((w) => w());
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
  });
  const recipients = (mail: ParsedMail) =>
    (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((a) =>
      a.value.map((v) => v.address?.toLowerCase()),
    );
  return {
    host: '127.0.0.1',
    port,
    account,
    password,
    messages,
    async waitFor(to, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find((m) => !taken.has(m) && recipients(m).includes(to.toLowerCase()));
        if (found) {
          taken.add(found);
          return found;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------- GitHub

export interface FakeGitHubHandle {
  url: string;
  clientId: string;
  clientSecret: string;
  /** the GitHub account the next authorization signs in as */
  signInAs(user: { login: string; name?: string; email?: string | null }): void;
  /** token requests received (parsed JSON bodies) */
  tokenRequests: Array<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * Loopback stand-in for GitHub's OAuth endpoints: `/login/oauth/authorize` approves at once and redirects with a
 * code, `/login/oauth/access_token` checks client id/secret and the code (single use), `/user` checks the token.
 */
export async function startFakeGitHub(): Promise<FakeGitHubHandle> {
  const clientId = 'Iv1.fakegithubclient';
  const clientSecret = 'fake-github-client-secret';
  let current = { login: 'octocat', name: 'The Octocat', email: 'octocat@github.example' as string | null };
  const codes = new Map<string, typeof current>();
  const tokens = new Map<string, typeof current>();
  const tokenRequests: Array<Record<string, string>> = [];
  let seq = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
      if (url.searchParams.get('client_id') !== clientId) return json(404, { error: 'unknown client' });
      const code = `code-${++seq}`;
      codes.set(code, { ...current });
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { Location: back.href });
      return res.end();
    }
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw || '{}') as Record<string, string>;
        tokenRequests.push(body);
        if (body.client_id !== clientId || body.client_secret !== clientSecret) {
          return json(200, { error: 'incorrect_client_credentials' });
        }
        const who = codes.get(body.code);
        codes.delete(body.code);
        if (!who)
          return json(200, { error: 'bad_verification_code', error_description: 'The code is wrong.' });
        const token = `gho_${++seq}`;
        tokens.set(token, who);
        return json(200, { access_token: token, token_type: 'bearer', scope: 'user:email' });
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/user') {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const who = tokens.get(token);
      if (!who) return json(401, { message: 'Bad credentials' });
      return json(200, { login: who.login, id: 1000 + seq, name: who.name, email: who.email });
    }
    json(404, { message: 'Not Found' });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    clientId,
    clientSecret,
    signInAs(user) {
      current = { login: user.login, name: user.name ?? user.login, email: user.email ?? null };
    },
    tokenRequests,
    close: () => closeServer(server),
  };
}

// ---------------------------------------------------------------- Turnstile

/** Loopback stand-in for Cloudflare's siteverify: only `secret` + the token "human-token" pass. */
export async function startFakeTurnstile(
  secret: string,
): Promise<{ url: string; calls: number; close(): Promise<void> }> {
  const handle = { url: '', calls: 0, close: async () => undefined as void };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      handle.calls += 1;
      const form = new URLSearchParams(raw);
      const success = form.get('secret') === secret && form.get('response') === 'human-token';
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ success, 'error-codes': success ? [] : ['invalid-input-response'] }));
    });
  });
  const port = await listen(server);
  handle.url = `http://127.0.0.1:${port}/turnstile/v0/siteverify`;
  handle.close = () => closeServer(server);
  return handle;
}

// ---------------------------------------------------------------- Chromium

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A fresh browser profile that can reach loopback only (pages asking for e.g. web fonts get nothing). */
export async function loopbackContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort();
  });
  return context;
}
