import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { parseNetworks } from './address-policy';
import { type HostResolver, type ResolvedAddress, UserContentFetcher } from './user-content-fetcher';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('UserContentFetcher (SSRF-safe)', () => {
  let server: Server;
  let port: number;
  let hits: string[];
  let handler: (req: IncomingMessage, res: ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    hits = [];
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(PNG);
    };
  });

  /** A resolver answering from a script, one answer per call (the last answer repeats), counting its calls. */
  function scriptedResolver(...answers: string[][]): HostResolver & { calls: string[] } {
    const calls: string[] = [];
    const resolver = async (hostname: string): Promise<ResolvedAddress[]> => {
      const answer = answers[Math.min(calls.length, answers.length - 1)];
      calls.push(hostname);
      return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
    return Object.assign(resolver, { calls });
  }

  const fetcher = (extra: Partial<ConstructorParameters<typeof UserContentFetcher>[0]> = {}) =>
    new UserContentFetcher({ maxBytes: 1024, timeoutMs: 3000, ...extra });

  it('refuses a URL whose host is the loopback address itself', async () => {
    await expect(fetcher().fetch(`http://127.0.0.1:${port}/cat.png`)).rejects.toThrow(/loopback.*refused/);
    await expect(fetcher().fetch(`http://[::1]:${port}/cat.png`)).rejects.toThrow(/loopback.*refused/);
    await expect(fetcher().fetch(`http://[::ffff:127.0.0.1]:${port}/cat.png`)).rejects.toThrow(/loopback/);
    expect(hits).toEqual([]);
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.20.30.40', 'private'],
    ['169.254.169.254', 'link-local'],
    ['::1', 'loopback'],
    ['fd00::1', 'unique-local'],
  ])('refuses a host name resolving to %s', async (address, reason) => {
    const resolver = scriptedResolver([address]);
    await expect(fetcher({ resolver }).fetch(`http://images.example.test:${port}/x.png`)).rejects.toThrow(
      new RegExp(`images.example.test resolves to a ${reason}`),
    );
    expect(hits).toEqual([]);
  });

  it('refuses a host with any internal address among public ones', async () => {
    const resolver = scriptedResolver(['93.184.216.34', '10.0.0.1']);
    await expect(fetcher({ resolver }).fetch('http://mixed.example.test/x.png')).rejects.toThrow(/private/);
  });

  it('refuses schemes other than http(s) and URLs with credentials', async () => {
    await expect(fetcher().fetch('file:///etc/passwd')).rejects.toThrow(/only http and https/);
    await expect(fetcher().fetch('http://user:pw@example.test/')).rejects.toThrow(/credentials/);
  });

  it('DNS rebinding: connects to the address that was checked, never to a later answer', async () => {
    // First answer: an address the policy allows (127.0.0.1 made allowed for the test); any later answer: private.
    const resolver = scriptedResolver(['127.0.0.1'], ['10.0.0.7']);
    const allowedNetworks = parseNetworks('127.0.0.1/32');
    const got = await fetcher({ resolver, allowedNetworks }).fetch(
      `http://rebind.example.test:${port}/cat.png`,
    );
    expect(got.data.equals(PNG)).toBe(true);
    expect(got.mediaType).toBe('image/png');
    expect(resolver.calls).toEqual(['rebind.example.test']); // resolved once: the connection used the pinned address
    expect(hits).toEqual(['/cat.png']);
  });

  it('DNS rebinding: a public first answer and a loopback second one never reach the loopback server', async () => {
    const resolver = scriptedResolver(['203.0.113.9'], ['127.0.0.1']);
    await expect(
      fetcher({ resolver, timeoutMs: 1500 }).fetch(`http://rebind.example.test:${port}/cat.png`),
    ).rejects.toThrow(/fetching http:\/\/rebind.example.test/);
    expect(resolver.calls).toEqual(['rebind.example.test']);
    expect(hits).toEqual([]); // the socket went to 203.0.113.9 (unreachable here), not to 127.0.0.1
  });

  it('checks every redirect hop again', async () => {
    handler = (_req, res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
    };
    const resolver = scriptedResolver(['127.0.0.1']);
    const allowedNetworks = parseNetworks('127.0.0.1/32');
    await expect(
      fetcher({ resolver, allowedNetworks }).fetch(`http://img.example.test:${port}/start`),
    ).rejects.toThrow(/link-local/);
    expect(hits).toEqual(['/start']);
  });

  it('follows a redirect to an allowed host', async () => {
    handler = (req, res) => {
      if (req.url === '/start') {
        res.writeHead(301, { location: '/final.png' });
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'image/png; charset=binary' });
      res.end(PNG);
    };
    const got = await fetcher({ allowedNetworks: parseNetworks('127.0.0.1') }).fetch(
      `http://127.0.0.1:${port}/start`,
    );
    expect(got.data.equals(PNG)).toBe(true);
    expect(got.url).toBe(`http://127.0.0.1:${port}/final.png`);
    expect(hits).toEqual(['/start', '/final.png']);
  });

  it('caps the size, whether declared or streamed', async () => {
    const allowedNetworks = parseNetworks('127.0.0.1');
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': '4096' });
      res.end(Buffer.alloc(4096));
    };
    await expect(fetcher({ allowedNetworks }).fetch(`http://127.0.0.1:${port}/big`)).rejects.toThrow(
      /larger than/,
    );
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' }); // chunked: no length announced
      res.write(Buffer.alloc(800));
      res.end(Buffer.alloc(800));
    };
    await expect(fetcher({ allowedNetworks }).fetch(`http://127.0.0.1:${port}/chunked`)).rejects.toThrow(
      /larger than/,
    );
  });

  it('through USER_CONTENT_REQUEST_PROXY, asks the proxy for the checked address, never the name', async () => {
    const connects: string[] = [];
    const hosts: string[] = [];
    handler = (req, res) => {
      hosts.push(String(req.headers.host));
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(PNG);
    };
    // A minimal CONNECT proxy that records the tunnel targets.
    const proxy = createServer();
    proxy.on('connect', (req: IncomingMessage, socket, head) => {
      connects.push(req.url ?? '');
      const [host, targetPort] = (req.url ?? '').split(':');
      const upstream = connect(Number(targetPort), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const resolver = scriptedResolver(['127.0.0.1'], ['10.0.0.9']);
      const got = await fetcher({ resolver, proxyUrl, allowedNetworks: parseNetworks('127.0.0.1') }).fetch(
        `http://img.example.test:${port}/cat.png`,
      );
      expect(got.data.equals(PNG)).toBe(true);
      expect(connects).toEqual([`127.0.0.1:${port}`]);
      expect(hosts).toEqual([`img.example.test:${port}`]);
      expect(resolver.calls).toHaveLength(1);
      // and an internal target is refused before the proxy is ever asked
      await expect(
        fetcher({ proxyUrl, resolver: scriptedResolver(['169.254.169.254']) }).fetch('http://metadata.test/'),
      ).rejects.toThrow(/link-local/);
      expect(connects).toHaveLength(1);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it('gives up after the timeout', async () => {
    handler = () => undefined; // never answers
    const started = Date.now();
    await expect(
      fetcher({ allowedNetworks: parseNetworks('127.0.0.1'), timeoutMs: 300 }).fetch(
        `http://127.0.0.1:${port}/slow`,
      ),
    ).rejects.toThrow(/took longer than 300 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
