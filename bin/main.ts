/**
 * `io-http`: parses the command line, reads what is to be sent, runs each URL (one after another, or all at
 * once with `--parallel`) over one session per origin, and returns the exit code: the first failure's, else 0.
 */
import { Session } from '../lib/index';
import { parseArgs, type CliOptions } from './args';
import { bodyOf, readLocalFile } from './body';
import { EXIT, failureOf, type ExitCode } from './exit-codes';
import { helpText, versionText } from './help';
import { BufferSink, fileSink, stdoutSink, type Sink } from './output';
import { parseUrl, sessionOptionsOf, type SessionContext } from './request';
import { transfer } from './transfer';

const stderr = (text: string): void => {
  process.stderr.write(text);
};

/** Writes what went wrong, and what to try, to stderr; returns the exit code. */
function report(error: unknown, prefix = ''): ExitCode {
  const failure = failureOf(error);
  stderr(`io-http: ${prefix}${failure.message}\n${failure.hint ? `  ${failure.hint}\n` : ''}`);
  return failure.exitCode;
}

async function run(options: CliOptions): Promise<ExitCode> {
  const urls = options.urls.map(parseUrl);
  const controller = new AbortController();
  const context: SessionContext = { signal: controller.signal, trace: stderr };
  if (options.cacert !== undefined) context.ca = new TextDecoder().decode(await readLocalFile(options.cacert, '--cacert'));
  const body = await bodyOf(options);
  // From here on, Ctrl-C aborts the requests (exit 130, the sessions closed); before (reading stdin), and a
  // second time, it ends the process as usual.
  const interrupt = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', interrupt);

  const sessions = new Map<string, Session>();
  const sessionFor = (url: URL): Session => {
    let session = sessions.get(url.origin);
    if (!session) sessions.set(url.origin, (session = new Session(url.origin, sessionOptionsOf(options, url, context))));
    return session;
  };
  const stdout = stdoutSink();
  const several = urls.length > 1;
  const runOne = async (url: URL, index: number, sink: Sink): Promise<ExitCode> => {
    const output = options.outputs[index];
    try {
      const session = sessionFor(url);
      const progress = !options.parallel && output !== undefined && process.stderr.isTTY === true;
      await transfer(session, options, { url, open: () => (output === undefined ? sink : fileSink(output)), progress, note: stderr }, body);
      return EXIT.ok;
    } catch (error) {
      return report(error, several ? `${url.href}: ` : '');
    }
  };

  try {
    let codes: ExitCode[];
    if (options.parallel) {
      const buffers = urls.map(() => new BufferSink());
      codes = await Promise.all(urls.map((url, i) => runOne(url, i, buffers[i])));
      for (const buffer of buffers) await buffer.flushTo(stdout);
    } else {
      codes = [];
      for (const [i, url] of urls.entries()) codes.push(await runOne(url, i, stdout));
    }
    return codes.find((code) => code !== EXIT.ok) ?? EXIT.ok;
  } finally {
    process.off('SIGINT', interrupt);
    await Promise.all([...sessions.values()].map((session) => session.close()));
  }
}

/** Runs the command line `argv` (without node and the script) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<ExitCode> {
  try {
    const options = parseArgs(argv);
    if (options.help) process.stdout.write(helpText());
    else if (options.version) process.stdout.write(versionText());
    else return await run(options);
    return EXIT.ok;
  } catch (error) {
    return report(error);
  }
}
