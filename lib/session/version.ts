/** The library version, sent in the default `User-Agent`. Keep it equal to package.json's. */
export const VERSION = '0.1.0';

/** The `User-Agent` a session sends unless told otherwise. */
export const USER_AGENT = `io-http/${VERSION}`;
