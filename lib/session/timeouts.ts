import { AbortError, TimeoutError } from '../message/errors';
import type { Clock } from '../transport/clock';
import type { Deadline, Deadlines } from './deadlines';

/**
 * Timeouts in milliseconds. Unset ones take the defaults below; `0` or `Infinity` turns one off.
 */
export interface Timeouts {
  /** Opening the TCP connection: passed to the transport factory, which enforces it. */
  connect?: number;
  /** The TLS handshake: passed to the transport factory, which enforces it. */
  tls?: number;
  /** From the end of writing the request to the end of the response head. */
  headers?: number;
  /** Waiting for the next bytes of the response body. */
  bodyIdle?: number;
  /** The whole request, redirects included; for a streaming response, until its body has ended. */
  total?: number;
}

/**
 * What a request waits at most unless told otherwise: a server that never answers must not hold a request
 * forever. The same as undici's (10 s to connect, 300 s for the head and between body bytes); the handshake
 * gets as long as the connect. No default bound on the whole request: a download may rightly take hours.
 */
export const DEFAULT_TIMEOUTS: Readonly<Required<Pick<Timeouts, 'connect' | 'tls' | 'headers' | 'bodyIdle'>>> = Object.freeze({
  connect: 10_000,
  tls: 10_000,
  headers: 300_000,
  bodyIdle: 300_000,
});

/** A timeout as the timers take it: undefined when off (`0`, `Infinity`, not a number). */
export function activeTimeout(ms: number | undefined): number | undefined {
  return ms !== undefined && ms > 0 && ms < Infinity ? ms : undefined;
}

/** The timeouts the session itself runs (connect and tls belong to the transport factory). */
export type GuardedPhase = 'headers' | 'bodyIdle' | 'total';

/**
 * The timers and abort signals of one request. The first of them to fire fails the request, once: `race`
 * rejects with its TimeoutError or AbortError, `signal` aborts (cancelling a transport being opened) and the
 * `watch` callbacks run (closing the connection, so that nothing half-read is ever reused).
 *
 * Until disposed (or failed), the guard is in `inProgress`: the session's close() fails every guard there with
 * `abort()`, which costs less than an abort listener per request.
 */
export class RequestGuard {
  /** The error the request failed with, once a timer or signal fired. */
  failure: Error | undefined;
  /** Made on the first use of `signal`: most requests never need one. */
  private controller: AbortController | undefined;
  /** The deadline of each phase, made when it first starts; stopping and restarting it moves it on the session's `Deadlines`. */
  private readonly phases: Record<GuardedPhase, PhaseDeadline | undefined> = { headers: undefined, bodyIdle: undefined, total: undefined };
  /**
   * The rejecters of the races running now (not a shared promise: a long stream must not pile up callbacks); an
   * array, as one or two run at a time: a Set reallocated its table as it went from one entry to none.
   */
  private racers: Array<(error: Error) => void> = [];
  /** Made when first needed: most requests listen to no signal, and have one watcher. */
  private unlisten: Array<() => void> | undefined;
  private watchers: Array<() => void> | undefined;
  private disposed = false;

  private readonly clock: Clock;

  constructor(
    /** Where the phases' deadlines are kept: the session's (its clock is the request's). */
    private readonly deadlines: Deadlines,
    /** The request's timeouts (connect and tls are read from here for the transport factory). */
    readonly timeouts: Timeouts,
    signals: ReadonlyArray<AbortSignal | undefined>,
    private readonly inProgress: Set<RequestGuard>,
  ) {
    this.clock = deadlines.clock;
    for (const signal of signals) {
      if (!signal) continue;
      if (signal.aborted) {
        this.fail(new AbortError(signal.reason));
        return;
      }
      const onAbort = (): void => this.fail(new AbortError(signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });
      (this.unlisten ??= []).push(() => signal.removeEventListener('abort', onAbort));
    }
    inProgress.add(this);
  }

  /** Aborted with the failure: hand it to whatever can be cancelled (a transport being opened). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.failure) this.controller.abort(this.failure);
    }
    return this.controller.signal;
  }

  /**
   * Runs the timeout of a phase from now, unless it is off or running already. Starting and stopping cost no
   * timer: the deadline is added to and taken off the session's `Deadlines` (the body-idle phase does both at
   * every read).
   */
  start(phase: GuardedPhase): void {
    const ms = activeTimeout(this.timeouts[phase]);
    if (ms === undefined || this.failure || this.disposed) return;
    let deadline = this.phases[phase];
    if (!deadline) {
      const fire = (): void => this.fail(new TimeoutError(phase, this.timeouts[phase]!));
      deadline = this.phases[phase] = { at: 0, running: false, fire, slot: undefined };
    } else if (deadline.running) return;
    deadline.running = true;
    deadline.at = this.clock.now() + ms;
    this.deadlines.add(deadline);
  }

  stop(phase: GuardedPhase): void {
    const deadline = this.phases[phase];
    if (!deadline?.running) return;
    deadline.running = false;
    this.deadlines.delete(deadline);
  }

  /** `promise`, unless the request fails first. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.failure) {
      promise.catch(() => {});
      return Promise.reject(this.failure);
    }
    return new Promise<T>((resolve, reject) => {
      this.racers.push(reject);
      promise.then(
        (value) => {
          this.endRace(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.endRace(reject);
          reject(error);
        },
      );
    });
  }

  private endRace(reject: (error: Error) => void): void {
    const racers = this.racers;
    const at = racers.indexOf(reject);
    if (at < 0) return;
    racers[at] = racers[racers.length - 1];
    racers.pop();
  }

  /** Runs `action` when the request fails (at once if it has). */
  watch(action: () => void): void {
    if (this.failure) action();
    else (this.watchers ??= []).push(action);
  }

  /** Waits `ms` on the clock, unless the request fails first. */
  sleep(ms: number): Promise<void> {
    let timer: unknown;
    const slept = new Promise<void>((resolve) => {
      timer = this.clock.setTimeout(resolve, Math.max(0, ms));
    });
    return this.race(slept).finally(() => this.clock.clearTimeout(timer));
  }

  /** Fails the request with an AbortError, unless it is over or failed already (the session is closing). */
  abort(reason: unknown): void {
    this.fail(new AbortError(reason));
  }

  /** The request is over: clears the timers and stops listening to the signals. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clearAll();
  }

  private fail(error: Error): void {
    if (this.failure || this.disposed) return;
    this.failure = error;
    this.clearAll();
    const racers = this.racers;
    this.racers = [];
    for (const reject of racers) reject(error);
    this.controller?.abort(error);
    const watchers = this.watchers;
    this.watchers = undefined;
    if (watchers) for (const action of watchers) action();
  }

  private clearAll(): void {
    this.inProgress.delete(this);
    const { headers, bodyIdle, total } = this.phases;
    if (headers?.running) this.stop('headers');
    if (bodyIdle?.running) this.stop('bodyIdle');
    if (total?.running) this.stop('total');
    if (this.unlisten) {
      for (const unlisten of this.unlisten) unlisten();
      this.unlisten = undefined;
    }
  }
}

/** One phase's deadline: on the session's `Deadlines` while `running`. */
interface PhaseDeadline extends Deadline {
  running: boolean;
}
