/**
 * What a parser made of one response stream, in a shape both io-http and llhttp can be put in: accepted (the
 * first final response: version, status, fields, body, trailers, keep-alive, the 1xx before it) or rejected.
 */
export type Verdict = Accepted | Rejected;

export interface Accepted {
  accepted: true;
  /** As in the status line: '1.1'. */
  version: string;
  status: number;
  /** The 1xx statuses before the final one. */
  interim: number[];
  /** Field lines as `[name, value]`, in wire order. */
  headers: Array<[string, string]>;
  /** The body as a byte string. */
  body: string;
  trailers: Array<[string, string]>;
  keepAlive: boolean;
}

export interface Rejected {
  accepted: false;
  /** The parser's own error code (io-http's `code`, llhttp's `HPE_*`). */
  error: string;
}

/** The fields two verdicts disagree on ('accepted' when one accepts and the other rejects); empty if they agree. */
export function differences(a: Verdict, b: Verdict): string[] {
  if (a.accepted !== b.accepted) return ['accepted'];
  if (!a.accepted || !b.accepted) return [];
  const out: string[] = [];
  for (const key of ['version', 'status', 'interim', 'headers', 'body', 'trailers', 'keepAlive'] as const) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) out.push(key);
  }
  return out;
}

/** Pairs from a flat `[name, value, name, value, …]` list. */
export function pairs(flat: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}
