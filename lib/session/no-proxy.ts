/**
 * `NO_PROXY` matching, as curl documents it: a comma-separated list of hosts that are reached directly.
 *
 * - `*` matches every host;
 * - a name matches itself and its subdomains: `example.com` and `.example.com` both match `example.com` and
 *   `www.example.com` (not `badexample.com`); a leading `*.` is read as `.`;
 * - an IP literal (`10.1.2.3`, `::1`, `[::1]`) matches that address only; `10.0.0.0/8` (IPv4 CIDR) a range;
 * - `host:port` (`[::1]:8080`) matches that host on that port only (default ports count: 80, 443);
 * - case does not matter, nor a trailing dot; whitespace around entries is ignored; empty entries are skipped.
 *
 * Loopback is not excluded unless listed: list `localhost,127.0.0.1,::1` to reach them directly.
 */
export function matchesNoProxy(list: string, url: URL): boolean {
  const host = normalHost(url.hostname);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of list.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const parsed = parseEntry(entry);
    if (!parsed || (parsed.port !== undefined && parsed.port !== port)) continue;
    if (matchesHost(parsed.host, host)) return true;
  }
  return false;
}

/** A host as URLs spell it (lower case, IPv6 without brackets, no trailing dot). */
function normalHost(hostname: string): string {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/** An entry's host (normalised as the URL parser does, so `127.1` is `127.0.0.1`) and port; undefined if unusable. */
function parseEntry(entry: string): { host: string; port?: string } | undefined {
  let host = entry;
  let port: string | undefined;
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(entry);
  if (bracketed) [, host, port] = bracketed as unknown as [string, string, string | undefined];
  else if (entry.indexOf(':') === entry.lastIndexOf(':') && entry.includes(':')) {
    [host, port] = entry.split(':') as [string, string];
    if (!/^\d+$/.test(port)) return undefined;
  }
  if (host.startsWith('*.')) host = host.slice(1);
  if (host.startsWith('.')) host = host.slice(1);
  if (host.includes('/')) return cidr(host) ? { host, port } : undefined;
  try {
    return { host: normalHost(new URL(`http://${host.includes(':') ? `[${host}]` : host}/`).hostname), port };
  } catch {
    return undefined;
  }
}

function matchesHost(entry: string, host: string): boolean {
  if (entry.includes('/')) {
    const range = cidr(entry);
    const address = ipv4(host);
    return range !== undefined && address !== undefined && (address & range.mask) >>> 0 === range.network;
  }
  if (host === entry) return true;
  // Names match their subdomains; addresses only themselves.
  return !isIpLiteral(host) && host.endsWith(`.${entry}`);
}

function isIpLiteral(host: string): boolean {
  return host.includes(':') || ipv4(host) !== undefined;
}

/** A dotted-quad IPv4 address as a number. */
function ipv4(text: string): number | undefined {
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!parts) return undefined;
  const bytes = parts.slice(1).map(Number);
  if (bytes.some((byte) => byte > 255)) return undefined;
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

/** `a.b.c.d/n` as a network and mask. */
function cidr(text: string): { network: number; mask: number } | undefined {
  const [address, bits] = text.split('/');
  const network = ipv4(address ?? '');
  const n = Number(bits);
  if (network === undefined || !/^\d{1,2}$/.test(bits ?? '') || n > 32) return undefined;
  const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  return { network: (network & mask) >>> 0, mask };
}
