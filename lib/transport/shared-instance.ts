/**
 * One instance for every copy of io-http loaded in the process (the ESM and the CommonJS build, or two
 * installs): kept on `globalThis` under a key of the global symbol registry, made by the first copy that asks.
 * The key names the contract of what it holds (`…@1`), so a future incompatible shape gets a key of its own.
 */
export function sharedInstance<T>(key: string, make: () => T): T {
  const slot = Symbol.for(key);
  const global = globalThis as unknown as Record<symbol, T | undefined>;
  return (global[slot] ??= make());
}
