/** Message heads as text: the response head `-i` writes, and the redacted lines `-v` shows. */
import type { Headers } from '../lib/index';
import { REDACTED } from '../lib/auth/redact';

/** What a response head is made of (an `HttpResponse` or a `StreamingResponse`). */
export interface ResponseHead {
  version: string;
  status: number;
  reason: string;
  headers: Headers;
}

/** The head as it came on the wire (CRLF line ends, the blank line included): what `-i` writes before the body. */
export function responseHeadText(head: ResponseHead): string {
  let text = `HTTP/${head.version} ${head.status} ${head.reason}\r\n`;
  for (const [name, value] of head.headers) text += `${name}: ${value}\r\n`;
  return `${text}\r\n`;
}

/** Fields whose values are credentials: shown as their scheme and `***` (or `***` alone). */
const SECRET_FIELDS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** One header line with its credentials hidden: `Authorization: Basic ***`. */
export function redactLine(line: string): string {
  const colon = line.indexOf(':');
  if (colon < 0 || !SECRET_FIELDS.has(line.slice(0, colon).trim().toLowerCase())) return line;
  const value = line.slice(colon + 1).trim();
  const scheme = /^(Basic|Bearer|Digest|Negotiate|NTLM)\s/i.exec(value)?.[1];
  return `${line.slice(0, colon)}: ${scheme ? `${scheme} ` : ''}${REDACTED}`;
}

/** Head text as `-v` shows it: each line after `prefix` (`> ` sent, `< ` received), credentials hidden. */
export function traceLines(headText: string, prefix: string): string {
  const lines = headText.split('\r\n').filter((line) => line !== '');
  return lines.map((line) => `${prefix}${redactLine(line)}\n`).join('');
}
