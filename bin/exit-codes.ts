/**
 * The exit codes of `io-http` (docs/cli.md lists them), and the mapping from what went wrong to a code and a
 * message that says what happened and what to try. Where curl has a code for the same failure, it is curl's,
 * so scripts written for curl read them the same way.
 */
import {
  AbortError,
  ContentDecodingError,
  EventStreamError,
  HttpError,
  IncompleteMessageError,
  LimitError,
  ParseError,
  ProxyError,
  RedirectError,
  TimeoutError,
  TlsError,
  TransportError,
  UsageError,
} from '../lib/index';

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  dns: 6,
  connect: 7,
  protocol: 8,
  http: 22,
  write: 23,
  read: 26,
  timeout: 28,
  tls: 35,
  redirect: 47,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each code means, as `--help` lists them. */
export const EXIT_MEANINGS: Record<ExitCode, string> = {
  [EXIT.ok]: 'success (without --fail, whatever the status)',
  [EXIT.failure]: 'another error',
  [EXIT.usage]: 'bad option, argument or URL: nothing was sent',
  [EXIT.dns]: 'the host name could not be resolved',
  [EXIT.connect]: 'could not connect (refused, unreachable, reset), or a proxy refused',
  [EXIT.protocol]: 'the answer is not valid HTTP/1.x (malformed, cut short, too large, undecodable)',
  [EXIT.http]: 'with --fail: the status was 400 or more',
  [EXIT.write]: 'the output could not be written',
  [EXIT.read]: 'a file to send (-d @FILE, -F NAME=@FILE, --json @FILE, --cacert) could not be read',
  [EXIT.timeout]: 'a timeout expired',
  [EXIT.tls]: 'TLS failed (handshake, certificate refused)',
  [EXIT.redirect]: 'a redirect could not be followed (too many, https to http)',
  [EXIT.interrupted]: 'interrupted (Ctrl-C)',
};

/** A failure of the command line itself, with its exit code and an optional hint. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A bad option or argument. */
export function usageError(message: string, hint = 'io-http --help lists the options.'): CliError {
  return new CliError(EXIT.usage, message, hint);
}

/** What a failure means for the user: the exit code, the message, and what to try. */
export interface Failure {
  exitCode: ExitCode;
  message: string;
  hint?: string;
}

const CONNECT_CODES = new Set(['ERR_CONNECTION_REFUSED', 'ERR_CONNECTION_RESET', 'ERR_UNREACHABLE', 'ERR_CONNECTION_TIMED_OUT', 'ERR_TRANSPORT_CLOSED']);

/** The exit code, message and hint for an error thrown while running a request. */
export function failureOf(error: unknown): Failure {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message, hint: error.hint };
  if (error instanceof TimeoutError) {
    const hint =
      error.phase === 'total' ? 'Give it longer with --timeout SECONDS.' : `The server did not answer in time (${error.phase}); check that it is up, or try again.`;
    return { exitCode: EXIT.timeout, message: error.message, hint };
  }
  if (error instanceof TlsError) {
    const hint =
      error.reason === 'untrusted'
        ? 'If you trust this server, pass the certificate of the authority that signed it with --cacert FILE.'
        : error.reason === 'hostname'
          ? 'Use the host name the certificate was issued for.'
          : error.reason === 'handshake' || error.reason === 'protocol'
            ? 'The server may not speak TLS on this port, or only older versions: try http://, or --tls forge.'
            : 'Check the server certificate dates (and this machine clock).';
    return { exitCode: EXIT.tls, message: error.message, hint };
  }
  if (error instanceof ProxyError) {
    const hint = error.code === 'ERR_PROXY_AUTH_REQUIRED' ? 'Put the proxy credentials in the proxy URL: --proxy http://user:pass@host:port.' : 'Check the --proxy URL (or HTTPS_PROXY).';
    return { exitCode: EXIT.connect, message: error.message, hint };
  }
  if (error instanceof RedirectError) {
    const hint = error.code === 'ERR_TOO_MANY_REDIRECTS' ? 'Raise the limit with --max-redirs N, or look at the chain with -v.' : 'Look at the redirect chain with -v.';
    return { exitCode: EXIT.redirect, message: error.message, hint };
  }
  if (error instanceof EventStreamError) {
    return { exitCode: EXIT.protocol, message: error.message, hint: 'The URL does not serve an event stream: try it without --sse.' };
  }
  if (error instanceof ParseError || error instanceof IncompleteMessageError || error instanceof LimitError || error instanceof ContentDecodingError) {
    const hint = error instanceof ContentDecodingError ? 'Get the bytes as sent with --no-compressed.' : 'The server is not answering with valid HTTP/1.x; see what it sends with -v.';
    return { exitCode: EXIT.protocol, message: error.message, hint };
  }
  if (error instanceof TransportError) {
    if (error.code === 'ERR_DNS') return { exitCode: EXIT.dns, message: error.message, hint: 'Check the host name.' };
    const hint = CONNECT_CODES.has(error.code) ? 'Check the host and port, and that the server is running.' : undefined;
    return { exitCode: EXIT.connect, message: error.message, hint };
  }
  if (error instanceof AbortError) return { exitCode: EXIT.interrupted, message: error.message };
  if (error instanceof UsageError) return { exitCode: EXIT.usage, message: error.message, hint: 'io-http --help lists the options.' };
  if (error instanceof HttpError) return { exitCode: EXIT.failure, message: error.message };
  return { exitCode: EXIT.failure, message: error instanceof Error ? error.message : String(error) };
}
