/**
 * HeadParser as a Protocol (`HeadBlock`), so head-parser vectors go through `driveAllSplits` like whole
 * messages do, and `normalizeHead` to compare its outcomes.
 */
import { IncompleteMessageError } from '../../lib/message/errors';
import { HeadParser, type StatusLine } from '../../lib/protocol/head-parser';
import { defaultLimits, strict, type HttpLimits, type Leniency } from '../../lib/protocol/limits';
import { EOF, Protocol, type Input, type ReadYield, type Step } from '../../lib/protocol/protocol';
import { latin1 } from './bytes';
import type { Outcome } from './drive';
import type { Pairs } from './http1';

/** What the HeadParser adapter completes with. */
export interface HeadBlockResult {
  statusLine: StatusLine | undefined;
  headers: Pairs;
  rest: Uint8Array;
}

/**
 * HeadParser as a Protocol, so its vectors go through driveAllSplits: it reads until the block ends and
 * completes with the parsed lines and the bytes after them. EOF before the end is an IncompleteMessageError.
 */
export class HeadBlock extends Protocol<ReadYield, HeadBlockResult> {
  private readonly parser: HeadParser;
  private fed: number;

  constructor(
    withStatusLine: boolean,
    options: Partial<HttpLimits> & Partial<Leniency> & { offset?: number } = {},
  ) {
    super();
    const limits = { ...defaultLimits, ...options };
    const leniency = { ...strict, ...options };
    this.fed = options.offset ?? 0;
    this.parser = new HeadParser(this.fed, withStatusLine, limits, leniency);
  }

  protected advance(input: Input): Step<ReadYield, HeadBlockResult> {
    if (input === EOF) throw new IncompleteMessageError('head', this.fed);
    if (input instanceof Uint8Array) {
      const end = this.parser.feed(input, 0);
      if (end >= 0) {
        return { done: true, value: { statusLine: this.parser.statusLine, headers: [...this.parser.headers], rest: input.subarray(end) } };
      }
      this.fed += input.length;
    }
    return { done: false, value: { type: 'read' } };
  }
}

/** A HeadBlock outcome as plain data: the error, where it stopped, or the parsed lines and the bytes after them. */
export function normalizeHead(outcome: Outcome): unknown {
  if (outcome.error) return { error: outcome.error };
  const r = outcome.result as HeadBlockResult | undefined;
  if (!r) return { stopped: outcome.yields };
  return { statusLine: r.statusLine, headers: r.headers, rest: latin1(r.rest) + (outcome.unread ?? '') };
}
