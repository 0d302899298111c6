/**
 * Drives a Protocol over inputs cut every way the suite checks: whole, byte by byte, and split at every
 * position (`driveAllSplits`), or at chosen points for inputs too large for that (`driveSomeSplits`).
 */
import { EOF, type Input, type Protocol, type Step } from '../../lib/protocol/protocol';
import { bytesOf, latin1 } from './bytes';

/** A protocol error as plain data. */
export interface ErrorSummary {
  name: string;
  code: unknown;
  offset: unknown;
}

/** What a protocol did with one input, in a form that does not depend on how the input was split. */
export interface Outcome {
  /** Non-data yields, in order (writes and reads left out). */
  yields: unknown[];
  /** Every `data` yield joined. */
  data: string;
  /** The result, or the error as `{ name, code, offset }`. */
  result?: unknown;
  /** Input never fed because the protocol completed first (with the result's own `remaining`, the rest of the stream). */
  unread?: string;
  error?: ErrorSummary;
}

/**
 * Drives a protocol to the end, feeding `pieces` one per read, then EOF (if `eof`). Writes are taken as
 * sent. Fails the test if the protocol asks to read after EOF, or takes more than a bounded number of steps,
 * or if bytes it handed out (a `data` yield) change afterwards. Each piece is fed as a copy: an input belongs
 * to the protocol once given (it may move bytes it has not handed out, as the chunked decoder does).
 */
export function drive<Y extends { type: string }, R>(protocol: Protocol<Y, R>, pieces: Uint8Array[], eof = true): Outcome {
  const outcome: Outcome = { yields: [], data: '' };
  const handedOut: Array<{ bytes: Uint8Array; text: string }> = [];
  const checkHandedOut = () => {
    for (const { bytes, text } of handedOut) {
      if (latin1(bytes) !== text) throw new Error(`bytes handed out as ${JSON.stringify(text)} changed later to ${JSON.stringify(latin1(bytes))}`);
    }
  };
  let next = 0;
  let sentEof = false;
  let input: Input = undefined;
  const maxSteps = 10 * (pieces.reduce((n, p) => n + p.length, 0) + pieces.length) + 1000;
  for (let steps = 0; steps < maxSteps; steps++) {
    let step: Step<Y, R>;
    try {
      step = protocol.resume(input);
    } catch (error) {
      const e = error as ErrorSummary;
      outcome.error = { name: e.name, code: e.code, offset: e.offset };
      checkHandedOut();
      return outcome;
    }
    input = undefined;
    if (step.done) {
      outcome.result = step.value;
      outcome.unread = pieces.slice(next).map(latin1).join('');
      checkHandedOut();
      return outcome;
    }
    const y = step.value as Y & { bytes?: Uint8Array };
    if (y.type === 'read') {
      if (sentEof) throw new Error('protocol asked to read after EOF');
      if (next < pieces.length) input = pieces[next++].slice();
      else if (eof) { input = EOF; sentEof = true; }
      else { outcome.yields.push({ type: 'read' }); checkHandedOut(); return outcome; }
    } else if (y.type === 'data') {
      const text = latin1(y.bytes!);
      outcome.data += text;
      handedOut.push({ bytes: y.bytes!, text });
    } else if (y.type !== 'write') {
      outcome.yields.push(y);
    }
  }
  throw new Error('protocol did not finish in a bounded number of steps');
}

/** Every way the input is split in this suite: whole, byte by byte, and in two at every position. */
export function splits(input: Uint8Array): Array<{ name: string; pieces: Uint8Array[] }> {
  const out = [{ name: 'whole', pieces: [input] }];
  out.push({ name: 'byte by byte', pieces: Array.from(input, (_, i) => input.subarray(i, i + 1)) });
  for (let i = 1; i < input.length; i++) out.push({ name: `split at ${i}`, pieces: [input.subarray(0, i), input.subarray(i)] });
  return out;
}

/**
 * Runs `input` through a fresh protocol whole, byte by byte, and split at every position, and requires the
 * same outcome each way. Returns that outcome for the test to check.
 */
export function driveAllSplits<Y extends { type: string }, R>(
  make: () => Protocol<Y, R>,
  input: Uint8Array | string,
  options: { eof?: boolean; normalize?: (outcome: Outcome) => unknown } = {},
): Outcome {
  const data = typeof input === 'string' ? bytesOf(input) : input;
  const normalize = options.normalize ?? ((o: Outcome) => o);
  const whole = drive(make(), [data], options.eof ?? true);
  const expected = normalize(whole);
  for (const { name, pieces } of splits(data).slice(1)) {
    const got = normalize(drive(make(), pieces, options.eof ?? true));
    try {
      expect(got).toEqual(expected);
    } catch (error) {
      throw new Error(`outcome differs when the input is fed ${name}:\n${(error as Error).message}`);
    }
  }
  return whole;
}

/** A normalize function whose outcomes compare as one string: much faster than a deep compare per split. */
export function asJson<T>(normalize: (outcome: Outcome) => T): (outcome: Outcome) => string {
  return (outcome) => JSON.stringify(normalize(outcome), null, 1);
}

/**
 * Like driveAllSplits for inputs too large to split at every position (O(n²)): whole, byte by byte, and split
 * at `points` (and `spread` - 1 evenly spaced others), each required to give the same outcome as the whole input.
 */
export function driveSomeSplits<Y extends { type: string }, R>(
  make: () => Protocol<Y, R>,
  input: Uint8Array,
  points: number[],
  normalize: (outcome: Outcome) => unknown,
  options: { byteByByte?: boolean; spread?: number } = {},
): Outcome {
  const whole = drive(make(), [input]);
  const expected = JSON.stringify(normalize(whole));
  const cuts = new Set(points.filter((p) => p > 0 && p < input.length));
  const spread = options.spread ?? 32;
  for (let i = 1; i < spread; i++) cuts.add(Math.floor((input.length * i) / spread));
  const ways = [...cuts].map((cut) => ({ name: `split at ${cut}`, pieces: [input.subarray(0, cut), input.subarray(cut)] }));
  if (options.byteByByte ?? true) ways.push({ name: 'byte by byte', pieces: Array.from(input, (_, i) => input.subarray(i, i + 1)) });
  for (const { name, pieces } of ways) {
    const got = JSON.stringify(normalize(drive(make(), pieces)));
    if (got !== expected) throw new Error(`outcome differs when the input is fed ${name}:\n${got}\nexpected\n${expected}`);
  }
  return whole;
}
