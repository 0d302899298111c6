import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/**
 * The ESM and the CommonJS build loaded in one process are two copies of every class and module (`npm test`
 * builds dist/ first). What must not tell them apart: `instanceof` on errors, and the default registries.
 */
describe('the ESM and the CommonJS build in one process', () => {
  const script = `
    import { createRequire } from 'node:module';
    import * as esm from 'io-http';
    const cjs = createRequire(import.meta.url)('io-http');
    const out = {};
    out.twoCopies = esm.TimeoutError !== cjs.TimeoutError && esm.Session !== cjs.Session;

    const fromEsm = new esm.TimeoutError('total', 5);
    const fromCjs = new cjs.ParseError('ERR_INVALID_CHUNK', 'a chunk size', 3, 'x');
    out.esmErrorInCjs = [fromEsm instanceof cjs.TimeoutError, fromEsm instanceof cjs.HttpError, fromEsm instanceof cjs.ParseError];
    out.cjsErrorInEsm = [fromCjs instanceof esm.ParseError, fromCjs instanceof esm.HttpError, fromCjs instanceof esm.TimeoutError];
    out.plainErrors = [new Error('x') instanceof cjs.HttpError, null instanceof esm.HttpError, ({ code: 'ERR_TIMEOUT' }) instanceof esm.TimeoutError];
    out.eventStreamError = new cjs.EventStreamError(500, 'text/html') instanceof esm.EventStreamError;
    const esmMemory = await import('io-http/adapters/in-memory');
    const cjsMemory = createRequire(import.meta.url)('io-http/adapters/in-memory');
    out.adapterError = [new esmMemory.ReplayMismatchError(0, 'a', 'b') instanceof cjsMemory.ReplayMismatchError, new cjs.TransportError('m') instanceof esmMemory.ReplayMismatchError];

    // A subclass of one's own is checked by its prototype, not by io-http's mark.
    class Mine extends esm.TimeoutError {}
    out.subclass = [new Mine('total', 1) instanceof cjs.TimeoutError, fromEsm instanceof Mine, new Mine('total', 1) instanceof Mine];

    // An error thrown by one copy's Session, caught with the other's classes.
    try { new cjs.Session('http://127.0.0.1:9/', { timout: 5 }); } catch (error) {
      out.thrown = [error instanceof esm.UsageError, error.code, error.message];
    }

    out.sameRegistries = [esm.defaultRegistry === cjs.defaultRegistry, esm.defaultDecoders === cjs.defaultDecoders];
    out.acceptEncoding = cjs.defaultDecoders.acceptEncoding();

    // A transport registered through the ESM build carries a request of a CommonJS session, and the other way.
    const answering = (label) => ({
      async open(url) {
        let answered = false;
        return {
          secure: false,
          async write() {},
          async read() {
            if (answered) return null;
            answered = true;
            return new TextEncoder().encode('HTTP/1.1 200 OK\\r\\nContent-Length: ' + label.length + '\\r\\n\\r\\n' + label);
          },
          async close() {},
        };
      },
    });
    esm.Session.registerTransport('from-esm', answering('esm transport'));
    cjs.Session.registerTransport('from-cjs', answering('cjs transport'));
    const viaCjs = new cjs.Session('from-esm://device/');
    const viaEsm = new esm.Session('from-cjs://device/');
    out.transports = [(await viaCjs.send()).text(), (await viaEsm.send()).text()];
    await viaCjs.close();
    await viaEsm.close();
    console.log(JSON.stringify(out));
  `;

  test('errors are instanceof across the two; the transport and decoder registries are one', () => {
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }));
    expect(out).toEqual({
      twoCopies: true,
      esmErrorInCjs: [true, true, false],
      cjsErrorInEsm: [true, true, false],
      plainErrors: [false, false, false],
      eventStreamError: true,
      adapterError: [true, false],
      subclass: [true, false, true],
      thrown: [true, 'ERR_UNKNOWN_OPTION', "Unknown option 'timout' for new Session(): did you mean 'timeout'?"],
      sameRegistries: [true, true],
      acceptEncoding: 'gzip, deflate, br',
      transports: ['esm transport', 'cjs transport'],
    });
  });
});
