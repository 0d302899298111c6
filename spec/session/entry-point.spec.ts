/**
 * The Node entry point (`lib/index.ts`, published as `io-http`): importing it is all the set-up a Session needs
 * for http: (and https:); other schemes are registered with `Session.registerTransport`, and a scheme nobody
 * registered fails the request with a typed UsageError.
 */
import { InMemoryTransport } from '../../adapters/in-memory';
import { defaultRegistry, HttpError, NodeTcp, NodeTls, Session, UsageError } from '../../lib/index';
import { latin1 } from '../support/bytes';
import { rejection } from '../support/failures';
import { closeServers, httpServer } from '../support/servers';

afterEach(closeServers);

describe('the Node entry point', () => {
  test('registers http → NodeTcp, https → NodeTls, and the names node-tcp, node-tls, forge-tls', () => {
    expect(defaultRegistry.get('http')).toBeInstanceOf(NodeTcp);
    expect(defaultRegistry.get('https')).toBeInstanceOf(NodeTls);
    expect(defaultRegistry.getNamed('node-tcp')).toBe(defaultRegistry.get('http'));
    expect(defaultRegistry.getNamed('node-tls')).toBe(defaultRegistry.get('https'));
    expect(typeof defaultRegistry.getNamed('forge-tls')?.open).toBe('function');
    expect(defaultRegistry.get('HTTP:')).toBe(defaultRegistry.get('http'));
    // Names are not schemes: a URL (or a server's redirect) cannot pick a transport by its name.
    expect(defaultRegistry.get('node-tcp')).toBeUndefined();
    expect(defaultRegistry.get('forge-tls')).toBeUndefined();
  });

  test('`await new Session(url).send()` works with no set-up against a node:http server', async () => {
    const server = await httpServer((req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end(`${req.method} ${req.url}`);
    });
    const session = new Session(`${server.origin}/path?x=1`);
    try {
      const response = await session.send();
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain');
      expect(response.text()).toBe('GET /path?x=1');
      expect(response.url).toBe(`${server.origin}/path?x=1`);
      // and keeps the connection for the next one
      expect((await session.send({ path: 'other' })).text()).toBe('GET /other');
      expect(server.sockets).toHaveLength(1);
    } finally {
      await session.close();
    }
  });

  test('a transport named as registered by the entry point: `transport: \'node-tcp\'`', async () => {
    const server = await httpServer((_req, res) => res.end('named'));
    await using session = new Session(server.origin, { transport: 'node-tcp' });
    expect((await session.send()).text()).toBe('named');
  });
});

describe('Session.registerTransport', () => {
  afterEach(() => defaultRegistry.unregister('mem'));

  test("registering 'mem' with InMemoryTransport.factory(handler) makes mem:// sessions work", async () => {
    const seen: string[] = [];
    const factory = InMemoryTransport.factory(async (server, url) => {
      let buffered = '';
      for (let chunk = await server.read(); chunk; chunk = await server.read()) {
        buffered += latin1(chunk);
        for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
          const head = buffered.slice(0, end);
          buffered = buffered.slice(end + 4);
          seen.push(head.split('\r\n')[0]!);
          const body = `${url.host} ${head.split(' ')[1]}`;
          await server.write(new TextEncoder().encode(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`));
        }
      }
    });
    Session.registerTransport('mem', factory);
    await using session = new Session('mem://device/api/');
    expect((await session.send()).text()).toBe('device /api/');
    const response = await session.send({ path: 'status' });
    expect(response.status).toBe(200);
    expect(response.text()).toBe('device /api/status');
    expect(response.url).toBe('mem://device/api/status');
    expect(seen).toEqual(['GET /api/ HTTP/1.1', 'GET /api/status HTTP/1.1']);
    expect(factory.opened).toBe(1);
    expect(factory.errors).toEqual([]);
  });

  test("a registered scheme is looked up case-insensitively, with or without the ':'", async () => {
    const factory = InMemoryTransport.factory(async (server) => {
      await server.read();
      await server.write(new TextEncoder().encode('HTTP/1.1 204 No Content\r\n\r\n'));
    });
    Session.registerTransport('MEM:', factory);
    await using session = new Session('mem://x/');
    expect((await session.send()).status).toBe(204);
  });
});

describe('a scheme with no transport', () => {
  test('the constructor accepts it; send() rejects with UsageError ERR_NO_TRANSPORT', async () => {
    const session = new Session('gopher://127.0.0.1/');
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toBeInstanceOf(HttpError);
    expect(error.code).toBe('ERR_NO_TRANSPORT');
    expect(error.message).toContain("'gopher'");
    expect(error.message).toContain('Session.registerTransport');
    // the session is not broken by it
    const again = await rejection(session.send({ path: '/again' }));
    expect(again.code).toBe('ERR_NO_TRANSPORT');
    await session.close();
  });

  test('stream() rejects the same way; events() throws it from the iteration, without reconnecting', async () => {
    await using session = new Session('ftp://127.0.0.1/');
    const streamed = await rejection(session.stream());
    expect(streamed).toBeInstanceOf(UsageError);
    expect(streamed.code).toBe('ERR_NO_TRANSPORT');

    const lookups = jest.spyOn(defaultRegistry, 'resolve');
    try {
      const events = session.events(undefined, { retry: 0 });
      const iteration = (async () => {
        for await (const _event of events) throw new Error('no event expected');
      })();
      const error = await rejection(iteration);
      expect(error).toBeInstanceOf(UsageError);
      expect(error.code).toBe('ERR_NO_TRANSPORT');
      expect(lookups).toHaveBeenCalledTimes(1); // a usage error is not a reason to reconnect
    } finally {
      lookups.mockRestore();
    }
  });

  test('a transport name nobody registered: ERR_NO_TRANSPORT naming it', async () => {
    await using session = new Session('http://127.0.0.1:1/', { transport: 'no-such-transport' });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(UsageError);
    expect(error.code).toBe('ERR_NO_TRANSPORT');
    expect(error.message).toContain("'no-such-transport'");
  });

  test('after unregistering a scheme, its sessions fail with ERR_NO_TRANSPORT', async () => {
    const factory = InMemoryTransport.factory(() => {});
    Session.registerTransport('tmp', factory);
    defaultRegistry.unregister('tmp');
    await using session = new Session('tmp://host/');
    expect((await rejection(session.send())).code).toBe('ERR_NO_TRANSPORT');
    expect(factory.opened).toBe(0);
  });
});

describe('a malformed session URL', () => {
  it('is a typed UsageError, not the URL parser’s TypeError', () => {
    expect(() => new Session('not a url')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_URL' }));
  });
});
