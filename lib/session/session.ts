import { RedirectError, UsageError } from '../message/errors';
import { Headers } from '../message/headers';
import { absoluteUrl, HttpRequest } from '../message/request';
import type { HttpResponse } from '../message/response';
import type { Http10Options } from '../protocol/http10-protocol';
import { authorization, takeUrlCredentials } from './auth';
import { systemClock, type Clock } from '../transport/clock';
import { asTransportError, Connection } from './connection';
import { Deadlines } from './deadlines';
import { EventStream, type EventStreamOptions } from './event-stream';
import { Exchange } from './exchange';
import { originOf } from './origin';
import { isPipelinable } from './pipelining';
import { ConnectionPool, type Lease } from './pool';
import { followRedirect, type RedirectPolicy } from './redirect';
import { withOwnedReads } from '../transport/owned-reads';
import { defaultRegistry, type TransportRegistry } from '../transport/registry';
import { editHeaders, prepareRequest, type PreparedRequest, type RequestDefaults, type RequestInput } from './request-options';
import { isConnectionLoss, isReplayable, maybeProcessed } from './retry';
import { failedAttempt, RetryPolicy, type Attempt } from './retry-policy';
import { checkEventStreamOptions, checkSessionOptions } from './known-options';
import { defaultProtocolFactory, sessionTimeouts, type ProtocolFactory, type SessionOptions } from './session-options';
import { ResponseBody } from './response-body';
import { SessionResponse, type RedirectHop, type ResponseFacts } from './session-response';
import { StreamingResponse } from './streaming-response';
import { activeTimeout, RequestGuard, type Timeouts } from './timeouts';
import { decodingPolicy, type DecodingPolicy } from '../decoding/decoded-body';
import type { Transport, TransportFactory, TransportOptions } from '../transport/transport';
import { proxyFinder, setDefaultProxy, type Proxy, type ProxyResolver } from './proxy';
import { openThroughProxy } from './proxy-connect';
import { absoluteForm, routedRequest, routeOf, type Route } from './route';

/** Connections to one origin at most, unless `connections` says otherwise. */
const DEFAULT_CONNECTIONS = 16;
/** How long an idle connection is kept (undici's keep-alive timeout), unless `idleTimeout` says otherwise. */
const DEFAULT_IDLE_TIMEOUT = 4000;

/** What a reconnection wait is guarded with: shared, never written to. */
const NO_TIMEOUTS: Timeouts = {};

/** One exchange whose response head is in. */
interface Hop {
  exchange: Exchange;
  connection: Connection;
  response: HttpResponse;
  /** Time spent opening the connection; undefined when a kept-alive one was reused. */
  connectTime: number | undefined;
}

/** A request whose final response head is in, until its body has ended (or was given up). */
interface Active extends Hop {
  facts: ResponseFacts;
  guard: RequestGuard;
  startedAt: number;
  decoding: DecodingPolicy;
}

/** Bytes of a dropped response's body (a redirect, a retried one) read to keep its connection; a longer body closes it. */
const DROPPED_BODY_LIMIT = 64 * 1024;

/** Reads and drops a body; false if it ran past `limit` bytes (the rest is left unread). */
async function drain(exchange: Exchange, limit: number): Promise<boolean> {
  let size = 0;
  for (let piece = await exchange.nextData(); piece !== null; piece = await exchange.nextData()) {
    size += piece.length;
    if (size > limit) return false;
  }
  return true;
}

/**
 * An HTTP/1.x client for one origin (and wherever it redirects): it runs its requests in parallel over a pool
 * of connections (`connections` per origin, 16 by default; requests beyond wait in order), and reuses each
 * while the server allows. See docs/session.md.
 */
export class Session implements AsyncDisposable {
  /** Registers a transport factory in the default registry for the URLs of a scheme ('http', 'mem'). */
  static registerTransport(scheme: string, factory: TransportFactory): void {
    defaultRegistry.register(scheme, factory);
  }

  /** Registers a transport factory in the default registry under a name, for `transport: name` ('forge-tls'). */
  static registerNamedTransport(name: string, factory: TransportFactory): void {
    defaultRegistry.registerNamed(name, factory);
  }

  /**
   * Sets the proxy resolver of sessions without a `proxy` option (undefined: none). The `io-http` entry sets
   * one that reads HTTP_PROXY, HTTPS_PROXY and NO_PROXY; `io-http/core` sets none.
   */
  static setDefaultProxy(resolver: ProxyResolver | undefined): void {
    setDefaultProxy(resolver);
  }

  /** The session URL (credentials taken out). */
  readonly url: URL;
  private readonly options: SessionOptions;
  private readonly clock: Clock;
  /** The deadlines of the requests' timeouts and of idle connections, on one timer. */
  private readonly deadlines: Deadlines;
  private readonly registry: TransportRegistry;
  private readonly defaults: RequestDefaults;
  private readonly protocolFactory: ProtocolFactory;
  /** The session's timeouts over the defaults: what a request without its own uses. */
  private readonly timeouts: Timeouts;
  /** The session's retry policy; undefined for none (a request may set its own). */
  private readonly retry: RetryPolicy | undefined;
  private readonly pool: ConnectionPool;
  /** The proxy of a URL, from the `proxy` option or the default resolver; undefined: connect directly. */
  private readonly proxyFor: (url: URL) => Proxy | undefined;
  /** The guards of the requests (and reconnection waits) in progress: close() fails them. */
  private readonly inProgress = new Set<RequestGuard>();
  /** Set by close(): the reason of the AbortError that fails the requests in progress. */
  private closeReason: UsageError | undefined;

  constructor(url: string | URL, options: SessionOptions = {}) {
    checkSessionOptions(options);
    const version = options.version ?? '1.1';
    if (version !== '1.1' && version !== '1.0') {
      throw new UsageError(`Unsupported HTTP version ${JSON.stringify(version)}: use '1.1' or '1.0'`, 'ERR_INVALID_OPTION');
    }
    this.url = new URL(absoluteUrl(url)); // a copy: credentials are taken out of it
    const auth = options.auth ?? takeUrlCredentials(this.url);
    if (auth) authorization(auth); // invalid credentials fail here, not at the first request
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.deadlines = new Deadlines(this.clock);
    this.registry = options.registry ?? defaultRegistry;
    const joinable = this.url.protocol === 'http:' || this.url.protocol === 'https:';
    this.defaults = { url: this.url, origin: joinable ? originOf(this.url) : undefined, headers: new Headers(options.headers), auth, decoding: decodingPolicy(options) };
    this.protocolFactory = options.protocolFactory ?? defaultProtocolFactory(version);
    this.timeouts = sessionTimeouts(options);
    this.retry = RetryPolicy.of(options.retry);
    const connections = options.connections ?? DEFAULT_CONNECTIONS;
    if (!Number.isInteger(connections) || connections < 1) {
      throw new UsageError(`connections must be a whole number of at least 1, got ${String(connections)}`, 'ERR_INVALID_OPTION');
    }
    const pipelining = options.pipelining ?? 1;
    if (!Number.isInteger(pipelining) || pipelining < 1) {
      throw new UsageError(`pipelining must be a whole number of at least 1, got ${String(pipelining)}`, 'ERR_INVALID_OPTION');
    }
    this.proxyFor = proxyFinder(options.proxy);
    this.pool = new ConnectionPool({ connections, pipelining, idleTimeout: options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT, deadlines: this.deadlines });
  }

  /** Sends a request (default: GET the session URL) and reads its whole response. */
  async send(input?: RequestInput): Promise<SessionResponse> {
    const active = await this.begin(input, false);
    const body = this.bodyOf(active);
    return new SessionResponse(active.response, await body.collect(), active.facts, body.decodedEncodings);
  }

  /**
   * Sends a request and resolves once the response head is in; the body is read as it is consumed. The
   * session's next request waits until the body has ended or the response was cancelled.
   */
  stream(input?: RequestInput): Promise<StreamingResponse> {
    return this.open(input, false);
  }

  /**
   * Server-sent events from a GET (or the given request), reconnecting as the standard says. The `total`
   * timeout applies to each connection's head only: an event stream is meant to last.
   */
  events(input?: RequestInput, options?: EventStreamOptions): EventStream {
    if (options) checkEventStreamOptions(options);
    const signal = input instanceof HttpRequest ? undefined : input?.signal;
    return new EventStream(
      {
        open: (edit) => this.open(editHeaders(input, edit), true),
        sleep: (ms) => this.sleep(ms, signal),
        now: () => this.clock.now(),
      },
      options,
    );
  }

  /** Closes the connection and fails the requests in progress (AbortError) and any later one (UsageError). */
  async close(): Promise<void> {
    if (!this.closeReason) {
      this.closeReason = new UsageError('The session was closed', 'ERR_SESSION_CLOSED');
      for (const guard of this.inProgress) guard.abort(this.closeReason);
    }
    await this.pool.close();
  }

  /** What `await using` calls at the end of its block: {@link Session.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async open(input: RequestInput, eventStream: boolean): Promise<StreamingResponse> {
    const active = await this.begin(input, eventStream);
    const body = this.bodyOf(active);
    // A response without a body lets the next request go at once, whether or not its empty body is read.
    try {
      body.endIfEmpty();
    } catch (error) {
      void body.cancel();
      throw error;
    }
    return new StreamingResponse(active.response, active.facts, body);
  }

  /**
   * Runs a request until the head of its final response: following redirects, and sending it again when the
   * retry policy says so (a retryable status or a transient failure), after the wait it says. An event stream's
   * `total` timeout ends at the head, and it never shares its connection.
   */
  private async begin(input: RequestInput, eventStream: boolean): Promise<Active> {
    if (this.closeReason) throw new UsageError('The session is closed', 'ERR_SESSION_CLOSED');
    const startedAt = this.clock.now();
    const prepared = prepareRequest(input, this.defaults);
    const guard = new RequestGuard(this.deadlines, this.timeoutsOf(prepared), [this.options.signal, prepared.signal], this.inProgress);
    guard.start('total');
    try {
      if (guard.failure) throw guard.failure;
      const retry = prepared.retry === undefined ? this.retry : RetryPolicy.of(prepared.retry);
      const attempts: Attempt[] = [];
      for (let attempt = 1; ; attempt++) {
        let active: Active;
        try {
          active = await this.follow(prepared, guard, startedAt, attempts, !eventStream);
        } catch (error) {
          const wait = retry && !guard.failure ? retry.afterError(prepared.request, error, attempt) : undefined;
          if (wait === undefined) throw error;
          attempts.push(failedAttempt(error, wait));
          await guard.sleep(wait);
          continue;
        }
        const wait = retry?.afterResponse(active.exchange.protocol.request, active.response, attempt);
        attempts.push({ status: active.response.status, wait: wait ?? 0 });
        if (wait === undefined) {
          if (eventStream) guard.stop('total');
          return active;
        }
        await this.drop(active.connection, active.exchange);
        await guard.sleep(wait);
      }
    } catch (error) {
      guard.dispose();
      throw error;
    }
  }

  /** Sends the request and follows its redirects, until the head of the final response. */
  private async follow(prepared: PreparedRequest, guard: RequestGuard, startedAt: number, attempts: Attempt[], mayPipeline: boolean): Promise<Active> {
    /** The connection of a hop whose response has not ended: closed if anything fails. */
    let unsettled: Connection | undefined;
    try {
      const policy = this.redirectPolicy(prepared);
      const redirects: RedirectHop[] = [];
      let request = prepared.request;
      /** After a hop over TLS, the next may not go in the clear (checked on the transport, not the scheme). */
      let secure = false;
      for (;;) {
        const hop = await this.exchangeHead(request, guard, secure && !policy.allowInsecure, mayPipeline);
        secure = hop.connection.transport.secure;
        unsettled = hop.connection;
        const { exchange, response } = hop;
        const redirect = policy.mode === 'manual' ? undefined : exchange.protocol.redirectOf(response);
        if (redirect) {
          await this.drop(hop.connection, exchange);
          unsettled = undefined;
          redirects.push({ status: response.status, url: request.url.href });
          request = followRedirect(request, response, redirect, redirects.length - 1, policy);
          continue;
        }
        const now = this.clock.now();
        const timings: ResponseFacts['timings'] = { firstByte: (exchange.firstByteAt ?? now) - startedAt, total: now - startedAt };
        if (hop.connectTime !== undefined) timings.connect = hop.connectTime;
        const facts: ResponseFacts = { url: request.url.href, redirects, timings, attempts };
        // Listed field by field: a spread of `hop` here gave each Active a slow, dictionary-mode shape.
        return { exchange, connection: hop.connection, response, connectTime: hop.connectTime, facts, guard, startedAt, decoding: prepared.decoding };
      }
    } catch (error) {
      if (unsettled) void this.discard(unsettled);
      throw error;
    }
  }

  /**
   * Drops a response that will not be handed out (a redirect, a retried one). A small body is read so the
   * connection can carry the next request; past the limit it is not worth reading (a peer could send one
   * without end): the connection is closed instead.
   */
  private async drop(connection: Connection, exchange: Exchange): Promise<void> {
    try {
      if (await drain(exchange, DROPPED_BODY_LIMIT)) this.settle(connection, exchange);
      else void this.discard(connection);
    } catch (error) {
      void this.discard(connection);
      throw error;
    }
  }

  /**
   * One exchange up to its response head, on the kept-alive connection if it fits. If that connection turns
   * out to be dead before any response byte, the request is sent again on a new one, if that is safe. With
   * `mayPipeline` (and the session's `pipelining`), a pipelinable request may share a busy connection.
   */
  private async exchangeHead(request: HttpRequest, guard: RequestGuard, secureOnly: boolean, mayPipeline: boolean): Promise<Hop> {
    for (;;) {
      const route = routeOf(request.url, this.proxyFor(request.url));
      const exchange = new Exchange(this.protocolFactory(routedRequest(request, route), this.protocolOptions(route, request.url)), {
        guard,
        clock: this.clock,
        expectContinueTimeout: this.options.expectContinueTimeout ?? 1000,
      });
      const pipelinable = mayPipeline && this.pipelines() && isPipelinable(request, route);
      const replayable = isReplayable(request);
      const { connection, turn, connectTime } =
        this.pool.takeIdle(route.key, !replayable, pipelinable) ?? (await this.connect(request.url, route, guard, replayable, pipelinable));
      if (secureOnly && !connection.transport.secure) {
        void this.discard(connection);
        throw new RedirectError(
          `Refusing to follow a redirect from a TLS connection to ${request.url.href}, whose transport is not secure: set allowInsecureRedirect to allow it`,
          'ERR_REDIRECT_INSECURE',
        );
      }
      guard.watch(() => {
        connection.abandoned = true; // the other requests in flight on it lose it through no fault of the server's
        void this.discard(connection);
      });
      try {
        return { exchange, connection, connectTime, response: await exchange.head(connection, turn) };
      } catch (error) {
        void this.discard(connection);
        // A request that never left can go again on a new connection, whatever its method.
        if (!(turn.reused || connection.abandoned) || guard.failure) throw error;
        if (exchange.unsent) continue;
        if (exchange.received > 0 || !isConnectionLoss(error)) throw error;
        if (!isReplayable(request)) throw maybeProcessed(request, error);
        // Sent again: on a fresh connection (which is not reused, so this ends there), or behind the requests
        // in flight on a pipelining one, one of which at least gets its response before this may fail again.
      }
    }
  }

  /**
   * A connection for the URL's route from the pool: a kept-alive one, a new one, a busy pipelining one for a
   * pipelinable request, or the first to come free.
   */
  private connect(url: URL, route: Route, guard: RequestGuard, replayable: boolean, pipelinable: boolean): Promise<Lease> {
    return this.pool.acquire(route.key, () => this.openTransport(url, route, guard), guard, !replayable, pipelinable);
  }

  /** Whether the session pipelines: HTTP/1.1, with `pipelining` above 1. */
  private pipelines(): boolean {
    return (this.options.pipelining ?? 1) > 1 && (this.options.version ?? '1.1') === '1.1';
  }

  /** Opens a transport for the URL on its route, within the request's connect and TLS timeouts. */
  private async openTransport(url: URL, route: Route, guard: RequestGuard): Promise<Transport> {
    const factory = this.factoryFor(url);
    const connect = activeTimeout(guard.timeouts.connect);
    const tls = activeTimeout(guard.timeouts.tls);
    const options: TransportOptions = { tls: this.options.tls, timeouts: { connect, tls }, clock: this.clock, signal: guard.signal };
    const opening = Promise.resolve().then(() =>
      route.kind === 'direct'
        ? factory.open(url, options)
        : openThroughProxy(url, route, factory, this.factoryFor(route.proxy.url), options, { guard, clock: this.clock, protocol: this.options.protocol }),
    );
    try {
      return withOwnedReads(await guard.race(opening));
    } catch (error) {
      // Given up while opening: a transport that opens later is closed at once.
      void opening.then((late) => late.close(), () => {});
      throw asTransportError(error, `Could not connect to ${originOf(url)}`);
    }
  }

  /** The body of an active request: its end keeps the connection if allowed, giving it up closes it; both let the next request go. */
  private bodyOf(active: Active): ResponseBody {
    return new ResponseBody(active.exchange, active.response, active.decoding, {
      end: () => {
        this.settle(active.connection, active.exchange);
        active.facts.timings.total = this.clock.now() - active.startedAt;
        active.guard.dispose();
      },
      abandon: () => {
        active.guard.dispose();
        return this.discard(active.connection);
      },
    });
  }

  /**
   * After a complete response: keep the connection for the next request (or the next pipelined response), or
   * close it. Bytes after the last response in flight can be no answer of ours: a connection with any left over
   * is closed. Before a pipelined response they are its start.
   */
  private settle(connection: Connection, exchange: Exchange): void {
    const result = exchange.result!;
    const followed = connection.inFlight > 1;
    const reusable = result.keepAlive && (result.remaining.length === 0 || followed) && !exchange.bodyCut;
    this.pool.release(connection, exchange.turn, reusable, result.remaining, keepAliveTimeout(result.response.headers.get('keep-alive')));
  }

  private discard(connection: Connection): Promise<void> {
    return this.pool.discard(connection);
  }

  /** Waits between event stream connections; aborted like a request. */
  private async sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    const guard = new RequestGuard(this.deadlines, NO_TIMEOUTS, [this.options.signal, signal], this.inProgress);
    if (this.closeReason) guard.abort(this.closeReason);
    try {
      await guard.sleep(ms);
    } finally {
      guard.dispose();
    }
  }

  /** The explicit transport for the session URL's scheme; the registry's for the URL's scheme otherwise. */
  private factoryFor(url: URL): TransportFactory {
    const { transport } = this.options;
    if (transport === undefined || url.protocol !== this.url.protocol) return this.registry.resolve(url);
    return typeof transport === 'string' ? this.registry.resolveNamed(transport) : transport;
  }

  /** Whether the session has a transport for a URL: what a redirect may lead to. */
  private opens(url: URL): boolean {
    return (this.options.transport !== undefined && url.protocol === this.url.protocol) || this.registry.get(url.protocol) !== undefined;
  }

  private protocolOptions(route: Route, url: URL): Http10Options {
    const options: Http10Options = { ...this.options.protocol, stream: true };
    if (route.kind === 'forward') options.requestTarget = absoluteForm(url);
    if ((this.options.version ?? '1.1') === '1.0') options.keepAlive = true;
    return options;
  }

  private timeoutsOf(prepared: PreparedRequest): Timeouts {
    if (prepared.timeout === undefined) return this.timeouts;
    const own = typeof prepared.timeout === 'number' ? { total: prepared.timeout } : prepared.timeout;
    return { ...this.timeouts, ...own };
  }

  private redirectPolicy(prepared: PreparedRequest): RedirectPolicy {
    return {
      mode: prepared.redirect ?? this.options.redirect ?? 'follow',
      maxRedirects: prepared.maxRedirects ?? this.options.maxRedirects ?? 20,
      allowInsecure: this.options.allowInsecureRedirect ?? false,
      opens: (url) => this.opens(url),
    };
  }
}

/**
 * How long a server said it keeps an idle connection (`Keep-Alive: timeout=N`, in seconds), less a second so
 * that the session lets go first; undefined when it did not say.
 */
function keepAliveTimeout(field: string | undefined): number | undefined {
  const match = field === undefined ? null : /(?:^|[,;\s])timeout\s*=\s*"?(\d+)/i.exec(field);
  return match ? Math.max(0, Number(match[1]) * 1000 - 1000) : undefined;
}
