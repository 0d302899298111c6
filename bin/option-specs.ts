/** The options of `io-http`: their names, whether they take a value, and the line `--help` shows for each. */

export interface OptionSpec {
  /** The long name, without the dashes. */
  long: string;
  /** The one-letter name, if any. */
  short?: string;
  /** The placeholder of its value in `--help`; absent for a flag. */
  value?: string;
  help: string;
}

export const OPTION_SPECS: readonly OptionSpec[] = [
  { long: 'header', short: 'H', value: "'NAME: VALUE'", help: 'Send this header field (repeatable)' },
  { long: 'data', short: 'd', value: 'DATA', help: 'Send DATA as the body (POST unless a METHOD is given); @FILE sends a file, - sends stdin. Repeated: joined with &' },
  { long: 'json', value: 'DATA', help: 'Send the JSON text DATA (@FILE, - for stdin) with Content-Type and Accept: application/json' },
  { long: 'form', short: 'F', value: 'NAME=VALUE', help: 'Send a multipart/form-data field (repeatable); NAME=@FILE sends a file, streamed' },
  { long: 'output', short: 'o', value: 'FILE', help: 'Write the body to FILE instead of stdout (one -o per URL, in order)' },
  { long: 'include', short: 'i', help: 'Write the response head before the body' },
  { long: 'verbose', short: 'v', help: 'Show the request and response heads of every exchange on stderr (credentials hidden)' },
  { long: 'user', short: 'u', value: 'USER:PASS', help: 'Basic authentication' },
  { long: 'bearer', value: 'TOKEN', help: 'Bearer authentication' },
  { long: 'http1.0', help: 'Speak HTTP/1.0 (default HTTP/1.1)' },
  { long: 'tls', value: 'node|forge', help: "TLS for https: Node's (default) or the pure-JavaScript one of node-forge" },
  { long: 'cacert', value: 'FILE', help: 'Trust the CA certificates (PEM) in FILE instead of the system ones' },
  { long: 'location', short: 'L', help: 'Follow redirects' },
  { long: 'max-redirs', value: 'N', help: 'Follow at most N redirects with -L (default 20)' },
  { long: 'timeout', value: 'SECONDS', help: 'Give up on a request after SECONDS (may be a fraction)' },
  { long: 'proxy', value: 'URL', help: 'Go through this http: proxy (default: HTTP_PROXY, HTTPS_PROXY, NO_PROXY)' },
  { long: 'retry', value: 'N', help: 'Retry up to N times on a transient failure or a 408/429/5xx (idempotent methods); with --sse, reconnect up to N times' },
  { long: 'compressed', help: 'Ask for a compressed body and decode it (the default)' },
  { long: 'no-compressed', help: 'Ask for no compression; write the body as received' },
  { long: 'sse', help: 'Read a Server-Sent Events stream: write each event as it arrives' },
  { long: 'jsonl', help: 'With --sse: write each event as one line of JSON' },
  { long: 'fail', short: 'f', help: 'Exit with 22 and write no body when the status is 400 or more' },
  { long: 'parallel', short: 'Z', help: 'With several URLs: send them all at once (outputs are written in URL order)' },
  { long: 'help', short: 'h', help: 'Show this help' },
  { long: 'version', short: 'V', help: 'Show the version' },
];
