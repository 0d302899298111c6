import { UsageError } from '../message/errors';
import type { TransportFactory } from './transport';

/** Maps a URL scheme ('http', 'https', 'mem') or a name ('forge-tls') to the factory that opens its transports. */
export class TransportRegistry {
  private readonly factories = new Map<string, TransportFactory>();

  register(nameOrScheme: string, factory: TransportFactory): void {
    this.factories.set(normalise(nameOrScheme), factory);
  }

  unregister(nameOrScheme: string): void {
    this.factories.delete(normalise(nameOrScheme));
  }

  get(nameOrScheme: string): TransportFactory | undefined {
    return this.factories.get(normalise(nameOrScheme));
  }

  /** The factory for a registered name, or for the URL's scheme. */
  resolve(url: URL, name?: string): TransportFactory {
    const key = name ?? url.protocol;
    const factory = this.get(key);
    if (!factory) {
      throw new UsageError(
        `No transport is registered for '${normalise(key)}'; register one with Session.registerTransport()`,
        'ERR_NO_TRANSPORT',
      );
    }
    return factory;
  }
}

/** 'https:' and 'HTTPS' name the same entry as 'https'. */
function normalise(key: string): string {
  return key.toLowerCase().replace(/:$/, '');
}

/** The registry that sessions use unless given their own. */
export const defaultRegistry = new TransportRegistry();
