// Entry point `io-http/core`: the protocol core and the session, with no Node built-ins and no transports
// registered. Every public name is listed here on purpose; what is not listed is internal.

// Messages and errors.
export {
  HttpError,
  ParseError,
  LimitError,
  IncompleteMessageError,
  UsageError,
  TransportError,
  TlsError,
  TimeoutError,
  AbortError,
  RedirectError,
  ContentDecodingError,
  ProxyError,
  type ProxyChallenge,
  type HttpErrorOptions,
  type HttpErrorCode,
  type ParseErrorCode,
  type LimitErrorCode,
  type UsageErrorCode,
  type TransportErrorCode,
  type RedirectErrorCode,
  type ProxyErrorCode,
  type TlsFailure,
  type TimeoutPhase,
} from './message/errors';
export { Headers, type HeadersInit } from './message/headers';
export { HttpRequest, type HttpRequestInit, type RequestBody } from './message/request';
export { HttpResponse, type HttpResponseInit } from './message/response';
export { StatusCode } from './message/status';
export { ByteCollector } from './message/byte-collector';
// The protocol core: I/O-free state machines driven by resume().
export { Protocol, EOF, type EndOfInput, type Input, type Step, type WriteYield, type ReadYield } from './protocol/protocol';
export { defaultLimits, defaultLeniency, type HttpLimits, type Leniency } from './protocol/limits';
export {
  Http1Protocol,
  requestBodyWriter,
  type BodyWriter,
  type Http1Options,
  type Http1Result,
  type Http1Yield,
  type HeadYield,
  type AwaitContinueYield,
  type SendBodyYield,
} from './protocol/http1-protocol';
export { type Framing } from './protocol/framing';
export { type Redirect } from './protocol/redirect-target';
export { Http11Protocol } from './protocol/http11-protocol';
export { Http10Protocol, type Http10Options } from './protocol/http10-protocol';
export { HeadParser, type StatusLine } from './protocol/head-parser';
export { ChunkedDecoder, type ChunkedDecoderOptions, type ChunkedResult, type DataYield } from './protocol/chunked-decoder';
export { encodeChunk, LAST_CHUNK } from './protocol/chunked-encoder';
export { SseParser, type SseEvent, type SseYield, type SseResult, type SseParserOptions } from './protocol/sse-parser';

// The transport contract: what adapters implement, and where sessions find them.
export { type Transport, type TransportFactory, type TransportOptions, type TlsOptions } from './transport/transport';
export { TransportRegistry, defaultRegistry } from './transport/registry';
export { type Clock, systemClock, ManualClock } from './transport/clock';
export { withOwnedReads } from './transport/owned-reads';
export { StreamTransport, type ByteStreams, type StreamTransportOptions } from './transport/stream-transport';
export {
  CallbackSocketTransport,
  type CallbackSocket,
  type CallbackSocketHandlers,
  type CallbackSocketTransportOptions,
} from './transport/callback-socket-transport';
export { peerName, runtimeErrorCode, runtimeTransportError } from './transport/runtime-errors';

// Content decoding: the decoder contract, where sessions find decoders, and the portable web decoder.
export { type ByteSource } from './decoding/byte-source';
export { type ContentDecoder } from './decoding/decoder';
export { DecoderRegistry, defaultDecoders } from './decoding/registry';
export { WebDecoder, WEB_FORMATS, webDecoders } from './decoding/web-decoder';
export { DeflateDecoder, isZlibHeader } from './decoding/deflate-decoder';
export { DEFAULT_DECODING_LIMITS, RATIO_CHECK_FROM, type DecodingPolicy } from './decoding/decoded-body';

// Authentication helpers.
export { basicCredentials, type BasicAuth } from './auth/basic';
export { bearerCredentials, type BearerAuth } from './auth/bearer';
export { parseChallenges, challengesOf, type Challenge } from './auth/challenge';
export { wellKnownUrl, WellKnownDiscovery, type WellKnownOptions, type WellKnownResult } from './auth/well-known';

// The session.
export { Session } from './session/session';
export { defaultProtocolFactory, type ProtocolFactory, type SessionOptions } from './session/session-options';
export { type RequestOptions, type RequestInput } from './session/request-options';
export { type RequestBodyInit } from './session/request-body';
export { ReplayableBody } from './session/replayable-body';
export { type QueryInit, type QueryValue } from './session/query';
export { SessionResponse, type RedirectHop, type ResponseTimings, type ResponseFacts } from './session/session-response';
export { StreamingResponse } from './session/streaming-response';
export { EventStream, EventStreamError, type EventCallback, type EventIterator, type EventStreamOptions } from './session/event-stream';
export { DEFAULT_TIMEOUTS, type Timeouts } from './session/timeouts';
export { type RedirectMode } from './session/redirect';
export { type RetryOption, type RetryOptions, type Attempt } from './session/retry-policy';
export { type AuthOptions } from './session/auth';
export { type ProxyOption, type ProxyResolver } from './session/proxy';
export { proxyFromEnvironment, type ProxyEnvironment } from './session/proxy-environment';
export { matchesNoProxy } from './session/no-proxy';
export { VERSION, USER_AGENT } from './session/version';
