/**
 * One URL of the command line: send the request, check the answer (`--fail`), and write the head (`-i`) and
 * the body (or with `--sse`, the events) to its output, with a progress bar when it goes to a file on a terminal.
 */
import type { Session, StreamingResponse } from '../lib/index';
import type { CliOptions } from './args';
import type { BodyPart } from './body';
import { CliError, EXIT } from './exit-codes';
import { responseHeadText } from './heads';
import type { Sink } from './output';
import { ProgressBar } from './progress';
import { requestOptionsOf } from './request';
import { eventJsonLine, eventText } from './sse';

export interface TransferTarget {
  url: URL;
  /** Opens the output; called only once there is something to write (no file is made for a refused answer). */
  open: () => Sink;
  /** Whether a progress bar may be drawn on stderr. */
  progress: boolean;
  /** Where notes go (stderr). */
  note: (text: string) => void;
}

/** The expected body length for the bar: Content-Length, when the body is not decoded (else it counts other bytes). */
function expectedLength(response: StreamingResponse): number | undefined {
  const length = response.headers.get('content-length');
  return response.decodedEncodings.length === 0 && length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
}

async function events(session: Session, options: CliOptions, target: TransferTarget, body: BodyPart): Promise<void> {
  const out = target.open();
  for await (const event of session.events(requestOptionsOf(options, target.url, body), { maxReconnects: options.retry ?? 0 })) {
    await out.write(options.jsonl ? eventJsonLine(event) : eventText(event));
  }
  await out.end();
}

export async function transfer(session: Session, options: CliOptions, target: TransferTarget, body: BodyPart): Promise<void> {
  if (options.sse) return events(session, options, target, body);
  const response = await session.stream(requestOptionsOf(options, target.url, body));
  if (options.fail && response.status >= 400) {
    await response.cancel();
    throw new CliError(EXIT.http, `The server answered ${response.status} ${response.reason} to ${target.url.href}.`, 'Leave out --fail to see the body of the answer.');
  }
  const location = response.headers.get('location');
  if (!options.location && response.status >= 300 && response.status < 400 && location !== undefined) {
    target.note(`io-http: ${response.status} ${response.reason}: redirected to ${location} (add -L to follow)\n`);
  }
  const out = target.open();
  if (options.include) await out.write(responseHeadText(response));
  const progress = target.progress && out.isFile ? new ProgressBar(process.stderr, expectedLength(response)) : undefined;
  let bytes = 0;
  try {
    for await (const piece of response.body) {
      await out.write(piece);
      bytes += piece.length;
      progress?.add(piece.length);
    }
  } finally {
    progress?.finish();
  }
  await out.end();
  if (options.verbose) {
    const attempts = response.attempts.length > 1 ? `, after ${response.attempts.length - 1} retries (${response.attempts.map((a) => a.status ?? a.error).join(', ')})` : '';
    target.note(`* ${response.status} ${response.reason}: ${bytes} bytes in ${Math.round(response.timings.total)} ms${attempts}\n`);
  }
}
