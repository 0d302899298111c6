// Entry point `io-http/core`: the protocol core and the session, with no Node built-ins and no transports registered.
export * from './message/errors';
export * from './message/headers';
export * from './message/request';
export * from './message/response';
export * from './message/status';
export * from './protocol/protocol';
export * from './session/clock';
export * from './session/transport';
export * from './session/registry';
