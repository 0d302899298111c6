/**
 * Host names and IP addresses against what a certificate names, by RFC 6125 rules. Shared by both TLS
 * engines of ForgeTls (node-forge's certificates and our own X.509 reader).
 */
import { equalBytes } from './bytes';

/** The address bytes of an IPv4 (4 bytes) or IPv6 (16 bytes) literal, or null when `text` is not one. */
export function parseIpAddress(text: string): Uint8Array | null {
  let host = text;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const v4 = parseIpv4(host);
  if (v4) return v4;
  return host.includes(':') ? parseIpv6(host) : null;
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    // Decimal only, no leading zeros ('010' would be octal to some parsers).
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes[i] = value;
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | null {
  const zone = text.indexOf('%');
  const host = zone >= 0 ? text.slice(0, zone) : text;
  const halves = host.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
        out.push(parseInt(part, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  if (halves.length === 2 ? head.length + tail.length > 7 : head.length !== 8) return null;
  const all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

/** Lower case, without IPv6 brackets and without one trailing dot ('Example.COM.' → 'example.com'). */
export function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/**
 * Whether a certificate DNS name (`pattern`, from a SAN dNSName or a CN) matches `host`, by RFC 6125 rules:
 * case-insensitive; a trailing dot is ignored; a wildcard is allowed only as the WHOLE left-most label and
 * stands for exactly one non-empty label (`*.example.com` matches `a.example.com`, not `example.com` nor
 * `a.b.example.com`); partial-label wildcards (`f*o.example.com`, `*o.example.com`), wildcards in other labels
 * and wildcards over fewer than two labels (`*.com`) never match; IP address hosts never match a DNS name.
 */
export function matchesDnsPattern(pattern: string, host: string): boolean {
  const p = normaliseHost(pattern);
  const h = normaliseHost(host);
  if (p === '' || h === '' || parseIpAddress(h)) return false;
  // Names in certificates and URL hosts are ASCII (IDNs appear as xn-- A-labels).
  if (!/^[\x21-\x7e]+$/.test(p) || !/^[\x21-\x7e]+$/.test(h)) return false;
  const patternLabels = p.split('.');
  const hostLabels = h.split('.');
  if (patternLabels.some((label) => label === '') || hostLabels.some((label) => label === '')) return false;
  if (!p.includes('*')) return p === h;
  if (patternLabels[0] !== '*' || patternLabels.slice(1).some((label) => label.includes('*'))) return false;
  if (patternLabels.length < 3) return false;
  if (hostLabels.length !== patternLabels.length) return false;
  return hostLabels.slice(1).join('.') === patternLabels.slice(1).join('.');
}

/** What a certificate says it is valid for. */
export interface CertificateNames {
  /** True when the certificate has a subjectAltName extension, even an empty one. */
  hasSan: boolean;
  dnsNames: string[];
  ipAddresses: Uint8Array[];
  commonName: string | undefined;
}

/**
 * Whether the certificate is valid for `host` (a DNS name or an IPv4/IPv6 literal, brackets allowed):
 * - an IP host matches only SAN iPAddress entries, compared byte by byte (so '::1' equals '0:0:0:0:0:0:0:1');
 * - a DNS host matches SAN dNSName entries with `matchesDnsPattern` (wildcards only as the whole left-most label);
 * - the subject common name (CN) is looked at only when the certificate has NO subjectAltName extension at all
 *   (the modern rule: once a certificate lists SANs, its CN is ignored), and never for IP hosts.
 */
export function matchesNames(names: CertificateNames, host: string): boolean {
  const name = normaliseHost(host);
  const ip = parseIpAddress(name);
  if (ip) return names.ipAddresses.some((address) => equalBytes(address, ip));
  if (names.hasSan) return names.dnsNames.some((pattern) => matchesDnsPattern(pattern, name));
  return names.commonName !== undefined && matchesDnsPattern(names.commonName, name);
}

/** The names, for messages: SAN DNS and IP entries, else the CN. */
export function describeNames(names: CertificateNames): string {
  const all = [...names.dnsNames, ...names.ipAddresses.map(formatIp)];
  if (all.length > 0) return all.join(', ');
  return names.commonName ? `CN=${names.commonName}` : 'no names';
}

function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}
