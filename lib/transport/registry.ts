import { UsageError } from '../message/errors';
import { sharedInstance } from './shared-instance';
import type { TransportFactory } from './transport';

/**
 * Where sessions find their transports: by URL scheme ('http', 'https', 'mem'), for the URLs they open, and by
 * name ('forge-tls'), for `SessionOptions.transport`. The two are kept apart: a URL, a redirect's `Location`
 * or a request path can only reach a scheme, so a server cannot pick a transport by naming it (a redirect from
 * https to `node-tcp://…` finds no transport).
 */
export class TransportRegistry {
  private readonly schemes = new Map<string, TransportFactory>();
  private readonly names = new Map<string, TransportFactory>();

  /** Opens the URLs of `scheme` ('http', 'https:' and 'HTTP' are the same scheme). */
  register(scheme: string, factory: TransportFactory): void {
    this.schemes.set(normaliseScheme(scheme), factory);
  }

  /** Removes the factory of `scheme` (case-insensitive); URLs of that scheme then fail with UsageError `'ERR_NO_TRANSPORT'`. */
  unregister(scheme: string): void {
    this.schemes.delete(normaliseScheme(scheme));
  }

  /** Makes `factory` available as `transport: name`. */
  registerNamed(name: string, factory: TransportFactory): void {
    this.names.set(name.toLowerCase(), factory);
  }

  /** Removes the factory named `name` (case-insensitive); `transport: name` then fails with UsageError `'ERR_NO_TRANSPORT'`. */
  unregisterNamed(name: string): void {
    this.names.delete(name.toLowerCase());
  }

  /** The factory for a URL scheme, or undefined. */
  get(scheme: string): TransportFactory | undefined {
    return this.schemes.get(normaliseScheme(scheme));
  }

  /** The factory registered under a name, or undefined. */
  getNamed(name: string): TransportFactory | undefined {
    return this.names.get(name.toLowerCase());
  }

  /** The factory for the URL's scheme, or UsageError 'ERR_NO_TRANSPORT'. */
  resolve(url: URL): TransportFactory {
    const factory = this.get(url.protocol);
    if (!factory) {
      throw new UsageError(
        `No transport is registered for the URL scheme '${normaliseScheme(url.protocol)}'; register one with Session.registerTransport()`,
        'ERR_NO_TRANSPORT',
      );
    }
    return factory;
  }

  /** The factory registered under `name`, or UsageError 'ERR_NO_TRANSPORT'. */
  resolveNamed(name: string): TransportFactory {
    const factory = this.getNamed(name);
    if (!factory) {
      throw new UsageError(`No transport is registered under the name '${name}'; register one with Session.registerNamedTransport()`, 'ERR_NO_TRANSPORT');
    }
    return factory;
  }
}

/** 'https:' and 'HTTPS' name the same scheme as 'https'. */
function normaliseScheme(scheme: string): string {
  return scheme.toLowerCase().replace(/:$/, '');
}

/**
 * The registry that sessions use unless given their own: one for every copy of io-http in the process, so a
 * transport registered through the ESM build is found by the CommonJS one, and the other way round.
 */
export const defaultRegistry: TransportRegistry = sharedInstance('io-http.transport-registry@1', () => new TransportRegistry());
