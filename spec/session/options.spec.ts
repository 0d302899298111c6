import { TimeoutError, UsageError } from '../../lib/message/errors';
import { closestName, editDistance } from '../../lib/session/closest-name';
import { Session } from '../../lib/session/session';
import { rejection, usageError } from '../support/failures';
import { closeServers, httpServer } from '../support/servers';
import { tcp } from '../support/tcp';

afterEach(closeServers);

const URL_ = 'http://127.0.0.1:9/';

describe('unknown option names are refused, with the closest valid one', () => {
  test.each([
    [{ timout: 100 }, "'timeout'"],
    [{ Headers: {} }, "'headers'"],
    [{ retyr: 2 }, "'retry'"],
    [{ pipeling: 2 }, "'pipelining'"],
    [{ timeouts: { conect: 1 } }, "'timeouts.connect'"],
    [{ timeouts: { bodyidle: 1 } }, "'timeouts.bodyIdle'"],
    [{ retry: { limt: 1 } }, "'retry.limit'"],
    [{ retry: { backoff: { inital: 1 } } }, "'retry.backoff.initial'"],
    [{ protocol: { maxBodySise: 1 } }, "'protocol.maxBodySize'"],
    [{ tls: { rejectUnauthorised: false } }, "'tls.rejectUnauthorized'"],
    [{ auth: { basic: { user: 'a', passs: 'b' } } }, "'auth.basic.pass'"],
    [{ auth: { bearr: 't' } }, "'auth.bearer'"],
  ])('new Session(url, %j) names %s', (options, suggestion) => {
    const error = usageError(() => new Session(URL_, options as never), 'ERR_UNKNOWN_OPTION');
    expect(error.message).toContain(`did you mean ${suggestion}?`);
    expect(error.message).toContain('new Session()');
  });

  test('a name close to none lists the valid ones', () => {
    const error = usageError(() => new Session(URL_, { frobnicate: true } as never), 'ERR_UNKNOWN_OPTION');
    expect(error.message).toMatch(/^Unknown option 'frobnicate' for new Session\(\): the options there are 'version', 'transport', .*'maxDecodedRatio'$/);
  });

  test('option values that are not plain option objects are not looked into; every valid name is accepted', () => {
    const session = new Session(URL_, {
      version: '1.1',
      transport: tcp,
      proxy: new URL('http://127.0.0.1:3128'),
      connections: 2,
      pipelining: 1,
      idleTimeout: 1000,
      timeouts: { connect: 1, tls: 1, headers: 1, bodyIdle: 1, total: 1 },
      retry: { limit: 1, methods: ['GET'], statuses: [503], backoff: { initial: 1, factor: 1, max: 1 }, maxRetryAfter: 1 },
      protocol: { maxBodySize: 1, allowObsFold: true },
      tls: { rejectUnauthorized: true, servername: 'x' },
      auth: { basic: { user: 'a', pass: 'b' } },
      headers: { 'x-a': '1' },
      decompress: true,
    });
    expect(session.url.href).toBe(URL_);
    expect(new Session(URL_, { retry: 3, timeout: 5, auth: { bearer: 't' } }).url.href).toBe(URL_);
  });

  test('request options: send(), stream() and events() refuse unknown names before any connection', async () => {
    const server = await httpServer((_req, res) => res.end());
    await using session = new Session(server.origin, { transport: tcp });
    const cases: [Promise<unknown>, string][] = [
      [session.send({ pth: '/x' } as never), "did you mean 'path'?"],
      [session.send({ jsn: {} } as never), "did you mean 'json'?"],
      [session.send({ querry: {} } as never), "did you mean 'query'?"],
      [session.stream({ timeout: { totl: 5 } } as never), "did you mean 'timeout.total'?"],
      [session.send({ retry: { statusCodes: [503] } } as never), "'retry.statusCodes'"],
    ];
    for (const [promise, message] of cases) {
      const error = await rejection(promise);
      expect(error).toBeInstanceOf(UsageError);
      expect(error.code).toBe('ERR_UNKNOWN_OPTION');
      expect(error.message).toContain(message);
      expect(error.message).toContain('for a request');
    }
    expect(() => session.events(undefined, { retyr: 1000 } as never)).toThrow("Unknown option 'retyr' for events(): did you mean 'retry'?");
    expect(server.sockets).toHaveLength(0);
  });
});

describe('closestName', () => {
  test('counts a swap of neighbours as one edit, ignores case, and gives up past one edit per three letters', () => {
    expect(editDistance('timeout', 'tiemout')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(closestName('tiemout', ['timeouts', 'timeout'])).toBe('timeout');
    expect(closestName('TIMEOUT', ['timeout'])).toBe('timeout');
    expect(closestName('ab', ['xy'])).toBeUndefined();
    expect(closestName('maxbodysize', ['maxBodySize', 'maxHeadSize'])).toBe('maxBodySize');
    expect(closestName('zzzzzz', ['timeout'])).toBeUndefined();
  });
});

describe('the session timeout option', () => {
  test('timeout is the total timeout of every request (ms), unless the request sets its own', async () => {
    const server = await httpServer(() => {}); // never answers
    await using session = new Session(server.origin, { transport: tcp, timeout: 100 });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: 'total', ms: 100 });
    const own = await rejection(session.send({ timeout: { total: 200 } }));
    expect(own).toMatchObject({ phase: 'total', ms: 200 });
    const longer = await rejection(session.send({ timeout: 150 }));
    expect(longer).toMatchObject({ phase: 'total', ms: 150 });
  });

  test('timeout with timeouts.total, or a timeout that is not a number of ms, is refused', () => {
    usageError(() => new Session(URL_, { timeout: 100, timeouts: { total: 200 } }), 'ERR_INVALID_OPTION');
    usageError(() => new Session(URL_, { timeout: '100' as never }), 'ERR_INVALID_OPTION');
    usageError(() => new Session(URL_, { timeout: -1 }), 'ERR_INVALID_OPTION');
    usageError(() => new Session(URL_, { timeout: Number.NaN }), 'ERR_INVALID_OPTION');
    expect(new Session(URL_, { timeout: 100, timeouts: { connect: 5 } }).url.href).toBe(URL_);
  });
});
