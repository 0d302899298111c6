import { InMemoryTransport } from '../../adapters/in-memory';
import { HttpError, IncompleteMessageError, ParseError, TransportError, UsageError } from '../../lib/message/errors';
import { Headers } from '../../lib/message/headers';
import { HttpRequest } from '../../lib/message/request';
import { Http11Protocol } from '../../lib/protocol/http11-protocol';
import type { HttpResponse } from '../../lib/message/response';
import { defaultRegistry, TransportRegistry } from '../../lib/transport/registry';
import { Session } from '../../lib/session/session';
import { USER_AGENT } from '../../lib/session/version';
import { rejection } from '../support/failures';
import { closeServers, type Echo, echoRequest, httpServer, rawServer } from '../support/servers';
import { tcp } from '../support/tcp';
import { tick } from '../support/time';

afterEach(closeServers);

/** A node:http server that echoes the request as JSON. */
const echoServer = () => httpServer(echoRequest);

describe('requests', () => {
  test('GET the session URL: status, headers, body, default headers, url and timings', async () => {
    const server = await echoServer();
    await using session = new Session(`${server.origin}/base?q=1`, { transport: tcp });
    const response = await session.send();
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers.get('content-type')).toBe('application/json');
    const echo = response.json<Echo>();
    expect(echo.method).toBe('GET');
    expect(echo.url).toBe('/base?q=1');
    expect(echo.headers['user-agent']).toBe(USER_AGENT);
    expect(echo.headers.accept).toBe('*/*');
    expect(echo.headers.host).toBe(`127.0.0.1:${server.port}`);
    expect(response.url).toBe(`${server.origin}/base?q=1`);
    expect(response.redirects).toEqual([]);
    expect(response.timings.connect).toBeGreaterThanOrEqual(0);
    expect(response.timings.firstByte).toBeGreaterThanOrEqual(0);
    expect(response.timings.total).toBeGreaterThanOrEqual(response.timings.firstByte);
    expect(response.body).toBeInstanceOf(Uint8Array);
    expect(response.body.constructor).toBe(Uint8Array);
  });

  test('POST a string (UTF-8) and bytes; PUT; DELETE', async () => {
    const server = await echoServer();
    await using session = new Session(server.origin, { transport: tcp });
    const post = (await session.send({ method: 'POST', path: '/items', body: 'héllo' })).json<Echo>();
    expect(post).toMatchObject({ method: 'POST', url: '/items', body: 'héllo' });
    expect(post.headers['content-length']).toBe('6');
    const put = (await session.send({ method: 'PUT', path: '/items/1', body: new Uint8Array([0x61, 0x62]) })).json<Echo>();
    expect(put).toMatchObject({ method: 'PUT', body: 'ab' });
    const del = (await session.send({ method: 'DELETE', path: '/items/1' })).json<Echo>();
    expect(del.method).toBe('DELETE');
    expect(server.sockets).toHaveLength(1);
  });

  test('HEAD reads no body even with a Content-Length', async () => {
    const server = await rawServer(async (socket, reader) => {
      for (let request = await reader.request(); request; request = await reader.request()) {
        socket.write(request.method === 'HEAD' ? 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n' : 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      }
    });
    await using session = new Session(server.origin, { transport: tcp });
    const head = await session.send({ method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe('1000');
    expect(head.body.length).toBe(0);
    expect((await session.send()).text()).toBe('ok');
    expect(server.sockets).toHaveLength(1);
  });

  test('paths, absolute URLs, HttpRequest, and headers as an object, pairs or Headers', async () => {
    const server = await echoServer();
    await using session = new Session(`${server.origin}/api/`, {
      transport: tcp,
      headers: { 'X-Session': 's', 'X-Both': 'session' },
    });
    const relative = (await session.send({ path: 'v1?a=b', headers: { 'X-Both': 'request' } })).json<Echo>();
    expect(relative.url).toBe('/api/v1?a=b');
    expect(relative.headers['x-session']).toBe('s');
    expect(relative.headers['x-both']).toBe('request');
    const absolutePath = (await session.send({ path: '/root', headers: [['X-Pair', '1']] })).json<Echo>();
    expect(absolutePath.url).toBe('/root');
    expect(absolutePath.headers['x-pair']).toBe('1');
    const absolute = (await session.send({ path: `${server.origin}/abs`, headers: new Headers([['User-Agent', 'mine']]) })).json<Echo>();
    expect(absolute.url).toBe('/abs');
    expect(absolute.headers['user-agent']).toBe('mine');
    const request = HttpRequest.post(`${server.origin}/req`, 'body', { headers: { Accept: 'text/plain' } });
    const fromRequest = (await session.send(request)).json<Echo>();
    expect(fromRequest).toMatchObject({ method: 'POST', url: '/req', body: 'body' });
    expect(fromRequest.headers.accept).toBe('text/plain');
    expect(fromRequest.headers['x-session']).toBe('s');
  });

  test('a path resolves as the URL standard says, however it is spelled: dot segments, backslashes, a host of its own', async () => {
    const server = await echoServer();
    await using session = new Session(`${server.origin}/api/`, { transport: tcp });
    const host = server.origin.slice('http://'.length);
    const cases: Array<[string, string, string]> = [
      ['/a/../b?q#f', '/b?q', `${server.origin}/b?q#f`],
      ['/x\\y z', '/x/y%20z', `${server.origin}/x/y%20z`],
      [`//${host}/other`, '/other', `${server.origin}/other`],
      [`/\\${host}/back`, '/back', `${server.origin}/back`],
      [`/\t/${host}/tab`, '/tab', `${server.origin}/tab`],
    ];
    for (const [path, target, url] of cases) {
      const response = await session.send({ path });
      expect([path, response.json<Echo>().url, response.url]).toEqual([path, target, url]);
    }
  });

  test('an invalid request fails before any connection is opened', async () => {
    const server = await echoServer();
    await using session = new Session(server.origin, { transport: tcp });
    const error = await rejection(session.send({ headers: { 'Bad Name': 'x' } }));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.code).toBe('ERR_INVALID_HEADER');
    expect(server.sockets).toHaveLength(0);
  });
});

describe('HTTP/1.0', () => {
  test('asks for keep-alive and reuses the connection when the server agrees', async () => {
    const seen: string[] = [];
    const server = await rawServer(async (socket, reader) => {
      for (let request = await reader.request(); request; request = await reader.request()) {
        seen.push(`${request.method} ${request.target} ${request.version} ${request.headers.connection}`);
        socket.write('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\none');
      }
    });
    await using session = new Session(server.origin, { transport: tcp, version: '1.0' });
    expect((await session.send()).text()).toBe('one');
    const second = await session.send({ path: '/2' });
    expect(second.version).toBe('1.0');
    expect(seen).toEqual(['GET / HTTP/1.0 keep-alive', 'GET /2 HTTP/1.0 keep-alive']);
    expect(server.sockets).toHaveLength(1);
  });

  test('a 1.0 response without keep-alive, read to the close, gets a new connection next time', async () => {
    const server = await rawServer(async (socket, reader) => {
      await reader.request();
      socket.end('HTTP/1.0 200 OK\r\n\r\nuntil close');
    });
    await using session = new Session(server.origin, { transport: tcp, version: '1.0' });
    expect((await session.send()).text()).toBe('until close');
    expect((await session.send()).text()).toBe('until close');
    expect(server.sockets).toHaveLength(2);
  });

  test('a streamed body without Content-Length is refused on 1.0', async () => {
    const server = await echoServer();
    await using session = new Session(server.origin, { transport: tcp, version: '1.0' });
    const error = await rejection(session.send({ method: 'POST', body: (async function* () {})() }));
    expect(error.code).toBe('ERR_LENGTH_REQUIRED');
  });
});

describe('response framing', () => {
  /** A session against a raw server that answers every request with `reply`. */
  async function replying(reply: string | ((n: number) => string), close = false) {
    const server = await rawServer(async (socket, reader) => {
      let n = 0;
      for (let request = await reader.request(); request; request = await reader.request()) {
        const bytes = typeof reply === 'string' ? reply : reply(n++);
        if (close) socket.end(bytes);
        else socket.write(bytes);
      }
    });
    return { server, session: new Session(server.origin, { transport: tcp }) };
  }

  test('Content-Length', async () => {
    const { server, session } = await replying('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
    await using _ = session;
    expect((await session.send()).text()).toBe('hello');
    expect((await session.send()).text()).toBe('hello');
    expect(server.sockets).toHaveLength(1);
  });

  test('chunked, with trailers', async () => {
    const { session } = await replying('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n');
    await using _ = session;
    const response = await session.send();
    expect(response.text()).toBe('hello world');
    expect(response.trailers.get('x-sum')).toBe('11');
  });

  test('delimited by the close', async () => {
    const { server, session } = await replying('HTTP/1.1 200 OK\r\n\r\nall of it', true);
    await using _ = session;
    expect((await session.send()).text()).toBe('all of it');
    expect((await session.send()).text()).toBe('all of it');
    expect(server.sockets).toHaveLength(2);
  });

  test('no body: 204 and 304', async () => {
    const { server, session } = await replying((n) => (n === 0 ? 'HTTP/1.1 204 No Content\r\n\r\n' : 'HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n'));
    await using _ = session;
    const noContent = await session.send();
    expect(noContent.status).toBe(204);
    expect(noContent.body.length).toBe(0);
    const notModified = await session.send();
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    expect(server.sockets).toHaveLength(1);
  });

  test('a response in many small writes', async () => {
    const server = await rawServer(async (socket, reader) => {
      await reader.request();
      for (const piece of ['HTTP/1.1 200 OK\r\nTransfer-', 'Encoding: chunked\r\n\r', '\n3\r\nabc', '\r\n0\r\n', '\r\n']) {
        socket.write(piece);
        await tick(5);
      }
    });
    await using session = new Session(server.origin, { transport: tcp });
    expect((await session.send()).text()).toBe('abc');
  });

  test('bytes after a response are never taken for the next one: the connection is closed', async () => {
    const server = await rawServer(async (socket, reader, index) => {
      await reader.request();
      // A second response glued to the first: the session does not pipeline here, so it cannot be an answer.
      if (index === 0) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirstHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\ninjected');
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond');
    });
    await using session = new Session(server.origin, { transport: tcp });
    expect((await session.send()).text()).toBe('first');
    expect((await session.send()).text()).toBe('second');
    expect(server.sockets).toHaveLength(2);
  });

  test('malformed responses are ParseErrors; a connection closed before the head is an IncompleteMessageError', async () => {
    const bad = await rawServer(async (socket, reader) => {
      await reader.request();
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx');
    });
    await using session = new Session(bad.origin, { transport: tcp });
    const parse = await rejection(session.send());
    expect(parse).toBeInstanceOf(ParseError);
    expect(parse.code).toBe('ERR_INVALID_CONTENT_LENGTH');

    const silent = await rawServer(async (socket, reader) => {
      await reader.request();
      socket.end();
    });
    await using other = new Session(silent.origin, { transport: tcp });
    const incomplete = await rejection(other.send());
    expect(incomplete).toBeInstanceOf(IncompleteMessageError);
    expect(incomplete.part).toBe('head');
  });

  test('a transport that throws a plain error: TransportError with the error as cause', async () => {
    const failure = new Error('wire cut');
    const transport = {
      secure: false,
      read: () => Promise.reject(failure),
      write: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    await using session = new Session('http://example.test/', { transport: { open: () => Promise.resolve(transport) } });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe('ERR_TRANSPORT');
    expect(error.message).toBe('Reading from http://example.test failed: wire cut');
    expect(error.cause).toBe(failure);
    await using failing = new Session('http://example.test/', { transport: { open: () => Promise.reject(failure) } });
    expect(await rejection(failing.send())).toMatchObject({ code: 'ERR_TRANSPORT', cause: failure });
  });

  test('a refused connection is a TransportError', async () => {
    const server = await rawServer(() => {});
    const port = server.port;
    await closeServers();
    await using session = new Session(`http://127.0.0.1:${port}/`, { transport: tcp });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe('ERR_CONNECTION_REFUSED');
  });
});

describe('keep-alive and retry', () => {
  test('with connections: 1, one socket carries consecutive requests, and concurrent sends are serialised in order', async () => {
    const order: string[] = [];
    const server = await httpServer(async (req, res) => {
      order.push(req.url!);
      await tick(req.url === '/slow' ? 30 : 0);
      res.end(req.url);
    });
    await using session = new Session(server.origin, { transport: tcp, connections: 1 });
    expect((await session.send({ path: '/a' })).text()).toBe('/a');
    const results = await Promise.all([session.send({ path: '/slow' }), session.send({ path: '/b' }), session.send({ path: '/c' })]);
    expect(results.map((r) => r.text())).toEqual(['/slow', '/b', '/c']);
    expect(order).toEqual(['/a', '/slow', '/b', '/c']);
    expect(server.sockets).toHaveLength(1);
    expect(results[1].timings.connect).toBeUndefined();
  });

  test('Connection: close from the server means a new connection for the next request', async () => {
    const server = await httpServer((_req, res) => {
      res.setHeader('connection', 'close');
      res.end('x');
    });
    await using session = new Session(server.origin, { transport: tcp });
    await session.send();
    await session.send();
    expect(server.sockets).toHaveLength(2);
  });

  /** A server that answers each connection's first request with keep-alive, then closes it. */
  async function closingServer() {
    const received: string[] = [];
    const server = await rawServer(async (socket, reader) => {
      const request = await reader.request();
      if (!request) return;
      received.push(`${request.method} ${request.target}`);
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      await tick(5);
      socket.end();
    });
    return { server, received };
  }

  test('a GET on a kept-alive connection the server closed is retried once on a new one', async () => {
    const { server, received } = await closingServer();
    await using session = new Session(server.origin, { transport: tcp });
    expect((await session.send({ path: '/1' })).text()).toBe('ok');
    await tick(30);
    expect((await session.send({ path: '/2' })).text()).toBe('ok');
    expect(server.sockets).toHaveLength(2);
    expect(received).toEqual(['GET /1', 'GET /2']);
  });

  test('a connection reset (not just closed) is retried too', async () => {
    const server = await rawServer(async (socket, reader) => {
      await reader.request();
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      const next = await reader.head();
      if (next) socket.resetAndDestroy();
    });
    await using session = new Session(server.origin, { transport: tcp });
    await session.send();
    expect((await session.send({ path: '/again' })).text()).toBe('ok');
    expect(server.sockets).toHaveLength(2);
  });

  test('a POST after the server closed the idle connection goes on a new one (the close was seen while idle)', async () => {
    const { server, received } = await closingServer();
    await using session = new Session(server.origin, { transport: tcp });
    await session.send();
    await tick(30);
    expect((await session.send({ method: 'POST', body: 'once' })).text()).toBe('ok');
    expect(server.sockets).toHaveLength(2);
    expect(received).toEqual(['GET /', 'POST /']);
  });

  test('a POST the server took and dropped unanswered is not retried: ERR_REQUEST_MAYBE_PROCESSED', async () => {
    const received: string[] = [];
    const server = await rawServer(async (socket, reader) => {
      for (let request = await reader.request(); request; request = await reader.request()) {
        received.push(`${request.method} ${request.target}`);
        if (request.method === 'POST') {
          socket.resetAndDestroy();
          return;
        }
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      }
    });
    await using session = new Session(server.origin, { transport: tcp });
    await session.send();
    const error = await rejection(session.send({ method: 'POST', body: 'once' }));
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe('ERR_REQUEST_MAYBE_PROCESSED');
    expect(error.message).toMatch(/may or may not have been processed/);
    expect(error.cause).toBeInstanceOf(HttpError);
    expect(server.sockets).toHaveLength(1);
    expect(received).toEqual(['GET /', 'POST /']);
    // The session goes on with a new connection.
    expect((await session.send()).text()).toBe('ok');
  });

  test('a GET whose fresh connection dies is not retried', async () => {
    const server = await rawServer(async (socket, reader) => {
      await reader.request();
      socket.end();
    });
    await using session = new Session(server.origin, { transport: tcp });
    expect(await rejection(session.send())).toBeInstanceOf(IncompleteMessageError);
    expect(server.sockets).toHaveLength(1);
  });
});

describe('auth', () => {
  test('Basic per session, Bearer per request, URL credentials; session credentials stay on their origin', async () => {
    const server = await echoServer();
    const other = await echoServer();
    await using session = new Session(server.origin, { transport: tcp, auth: { basic: { user: 'aladdin', pass: 'open sesame' } } });
    const auth = async (response: Promise<HttpResponse>) => (await response).json<Echo>().headers.authorization;
    expect(await auth(session.send())).toBe('Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ==');
    expect(await auth(session.send({ auth: { bearer: 'abc.def' } }))).toBe('Bearer abc.def');
    expect(await auth(session.send({ headers: { Authorization: 'Custom x' } }))).toBe('Custom x');
    expect(await auth(session.send({ path: `${other.origin}/` }))).toBeUndefined();
    expect(await auth(session.send({ path: `http://u%40x:p%3Aw@127.0.0.1:${other.port}/` }))).toBe(
      `Basic ${Buffer.from('u@x:p:w').toString('base64')}`,
    );

    await using fromUrl = new Session(`http://me:secret@127.0.0.1:${server.port}/`, { transport: tcp });
    expect(fromUrl.url.href).toBe(`${server.origin}/`);
    expect(await auth(fromUrl.send())).toBe(`Basic ${Buffer.from('me:secret').toString('base64')}`);
  });

  test('invalid credentials are refused when the session is made', () => {
    expect(() => new Session('http://127.0.0.1:1/', { transport: tcp, auth: { bearer: 'not a token' } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_CREDENTIALS' }),
    );
  });

  test('the challenges of a 401 are on the response', async () => {
    const server = await httpServer((_req, res) => {
      res.statusCode = 401;
      res.setHeader('WWW-Authenticate', ['Basic realm="site"', 'Bearer realm="api", error="invalid_token"']);
      res.end();
    });
    await using session = new Session(server.origin, { transport: tcp });
    const response = await session.send();
    expect(response.status).toBe(401);
    expect(response.challenges).toEqual([
      { scheme: 'Basic', params: { realm: 'site' } },
      { scheme: 'Bearer', params: { realm: 'api', error: 'invalid_token' } },
    ]);
  });
});

describe('transports, protocols and the session lifecycle', () => {
  test('transports by scheme through the registry, by name, or a private registry', async () => {
    const server = await echoServer();
    const registry = new TransportRegistry();
    registry.registerNamed('loopback', tcp);
    await using named = new Session(server.origin, { registry, transport: 'loopback' });
    expect((await named.send()).status).toBe(200);

    await using missing = new Session(server.origin, { registry: new TransportRegistry() });
    expect((await rejection(missing.send())).code).toBe('ERR_NO_TRANSPORT');

    Session.registerTransport('http', tcp);
    try {
      await using byScheme = new Session(server.origin);
      expect((await byScheme.send()).status).toBe(200);
    } finally {
      defaultRegistry.unregister('http');
    }
  });

  test('over an in-memory transport, byte by byte; a scheme the URL standard does not know keeps its origins apart', async () => {
    const factory = InMemoryTransport.factory(
      async (server, url) => {
        let head = '';
        for (let chunk = await server.read(); chunk; chunk = await server.read()) {
          head += new TextDecoder().decode(chunk);
          if (!head.endsWith('\r\n\r\n')) continue;
          const body = `${url.host} ${head.split(' ')[1]}`;
          await server.write(new TextEncoder().encode(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`));
          head = '';
        }
      },
      { split: 'bytes' },
    );
    const registry = new TransportRegistry();
    registry.register('mem', factory);
    await using session = new Session('mem://one/', { registry });
    expect((await session.send({ path: '/a' })).text()).toBe('one /a');
    expect((await session.send({ path: '/b' })).text()).toBe('one /b');
    expect(factory.opened).toBe(1);
    expect((await session.send({ path: 'mem://two/c' })).text()).toBe('two /c');
    expect(factory.opened).toBe(2);
  });

  test('a protocolFactory makes each exchange (here a subclass that adds a field)', async () => {
    const server = await echoServer();
    const seen: unknown[] = [];
    class Tagged extends Http11Protocol {
      protected override serializeHead(): Uint8Array {
        const head = new TextDecoder().decode(super.serializeHead());
        return new TextEncoder().encode(head.replace('\r\n\r\n', '\r\nX-Tagged: yes\r\n\r\n'));
      }
    }
    await using session = new Session(server.origin, {
      transport: tcp,
      protocol: { maxHeaders: 50 },
      protocolFactory: (request, options) => {
        seen.push(options);
        return new Tagged(request, options);
      },
    });
    expect((await session.send()).json<Echo>().headers['x-tagged']).toBe('yes');
    expect(seen).toEqual([{ maxHeaders: 50, stream: true }]);
  });

  test('protocol limits apply', async () => {
    const server = await httpServer((_req, res) => res.end('x'.repeat(100)));
    await using session = new Session(server.origin, { transport: tcp, protocol: { maxBodySize: 10 } });
    expect((await rejection(session.send())).code).toBe('ERR_BODY_TOO_LARGE');
  });

  test('close() closes the connection and refuses later requests; await using closes too', async () => {
    const server = await httpServer((_req, res) => res.end('x'));
    const closed = new Promise<void>((resolve) => server.server.once('connection', (socket) => socket.once('close', () => resolve())));
    {
      await using session = new Session(server.origin, { transport: tcp });
      await session.send();
    }
    await closed;
    const session = new Session(server.origin, { transport: tcp });
    await session.close();
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(UsageError);
    expect(error.code).toBe('ERR_SESSION_CLOSED');
  });

  test('an unsupported version is refused', () => {
    expect(() => new Session('http://127.0.0.1:1/', { version: '2' as '1.1' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
  });
});
