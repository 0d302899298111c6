import { IncompleteMessageError, LimitError } from '../message/errors';
import { HttpResponse } from '../message/response';
import { StatusCode } from '../message/status';
import { HeadParser } from './head-parser';
import type { HttpLimits, Leniency } from './limits';
import type { ReceiveBuffer } from './receive-buffer';

/**
 * Where the request body stands with `Expect: 100-continue` (RFC 9110 §10.1.1):
 * - `sent`: there was no expectation (the body went with the head, or there is none), or it was met;
 * - `waiting`: the head went out with the expectation, the body waits for a 100, a final status, or the caller;
 * - `asked`: `await-continue` was yielded: resuming with nothing means the wait is over;
 * - `skipped`: a final status came first; the body is never sent, so the connection cannot be reused.
 */
export type ContinueState = 'sent' | 'waiting' | 'asked' | 'skipped';

/** What reading the head came to. */
export type HeadEvent =
  /** More bytes are needed. */
  | { kind: 'read' }
  /** More bytes are needed, and the body waits for them: read with a short timer. */
  | { kind: 'await-continue' }
  /** A 100 came, or the wait is over: send the held-back body, then read on. */
  | { kind: 'send-body' }
  /** The final response head. */
  | { kind: 'final'; response: HttpResponse }
  /** A 101, or a 2xx to CONNECT: the connection now speaks another protocol, which is not ours to parse. */
  | { kind: 'switch'; response: HttpResponse };

const READ_MORE: HeadEvent = { kind: 'read' };
const AWAIT_CONTINUE: HeadEvent = { kind: 'await-continue' };
const SEND_BODY: HeadEvent = { kind: 'send-body' };

/** Reads response heads until the final one: 1xx interim responses are collected, up to the limit. */
export class HeadReader {
  continueState: ContinueState;
  private readonly interim: HttpResponse[] = [];
  private parser: HeadParser | undefined;

  constructor(
    private readonly method: string,
    expectsContinue: boolean,
    private readonly limits: HttpLimits,
    private readonly leniency: Leniency,
  ) {
    this.continueState = expectsContinue ? 'waiting' : 'sent';
  }

  /** Reads from `input`; `resumedEmpty` says the caller resumed with nothing (after `await-continue`: time is up). */
  read(input: ReceiveBuffer, resumedEmpty: boolean): HeadEvent {
    if (this.continueState === 'asked') {
      if (resumedEmpty) {
        // No 100 came in time: send the body anyway (RFC 9110 §10.1.1).
        this.continueState = 'sent';
        return SEND_BODY;
      }
      this.continueState = 'waiting';
    }
    for (;;) {
      this.parser ??= new HeadParser(input.offset, true, this.limits, this.leniency);
      const end = this.parser.feed(input.bytes, input.position);
      if (end < 0) {
        input.position = input.bytes.length;
        if (input.eof) throw new IncompleteMessageError('head', input.offset);
        if (this.continueState !== 'waiting') return READ_MORE;
        this.continueState = 'asked';
        return AWAIT_CONTINUE;
      }
      input.position = end;
      const { statusLine, headers } = this.parser;
      this.parser = undefined;
      const { version, status, reason } = statusLine!;
      if (status === 101 || (this.method === 'CONNECT' && StatusCode.isSuccess(status))) {
        return { kind: 'switch', response: new HttpResponse({ version, status, reason, headers, interim: this.interim }) };
      }
      if (!StatusCode.isInformational(status)) {
        // A final status before 100: the body is not sent (RFC 9110 §10.1.1).
        if (this.continueState === 'waiting') this.continueState = 'skipped';
        return { kind: 'final', response: new HttpResponse({ version, status, reason, headers, interim: this.interim }) };
      }
      if (this.interim.length >= this.limits.maxInterimResponses) {
        throw new LimitError('ERR_TOO_MANY_INTERIM_RESPONSES', 'Number of 1xx responses', this.limits.maxInterimResponses, input.offset, 400);
      }
      this.interim.push(new HttpResponse({ version, status, reason, headers }));
      if (status === 100 && this.continueState === 'waiting') {
        this.continueState = 'sent';
        return SEND_BODY;
      }
    }
  }
}
