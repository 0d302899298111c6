/**
 * The error the TLS state machine throws for bad input from the peer: a TlsError (so the session sees one type
 * for every TLS failure) that also says where in the received stream the problem was, and which alert the
 * client sends before closing (RFC 8446 §6.2).
 */
import { brand, TlsError, type TlsFailure } from '../../lib/message/errors';

/** Alert descriptions the client sends or names (RFC 8446 §6, RFC 5246 §7.2). */
export const Alert = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  user_canceled: 90,
  missing_extension: 109,
  unsupported_extension: 110,
  unrecognized_name: 112,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;

const alertNames = new Map<number, string>(Object.entries(Alert).map(([name, code]) => [code, name]));

/** 'handshake_failure (40)' for messages. */
export function alertName(description: number): string {
  return `${alertNames.get(description) ?? 'unknown alert'} (${description})`;
}

export class TlsProtocolError extends TlsError {
  /** Offset into the bytes received from the peer (from its first byte) where the problem was seen; -1 if none. */
  readonly offset: number;
  /** The alert the client sends to the peer for this failure. */
  readonly alert: number;

  constructor(reason: TlsFailure, alert: number, message: string, offset = -1, options: { cause?: unknown } = {}) {
    super(reason, offset >= 0 ? `${message} (at byte ${offset})` : message, options);
    this.offset = offset;
    this.alert = alert;
  }
}
brand(TlsProtocolError, 'TlsProtocolError');

/** Malformed bytes from the peer: a decode_error alert. */
export function decodeError(what: string, offset: number): TlsProtocolError {
  return new TlsProtocolError('handshake', Alert.decode_error, `Malformed TLS input: ${what}`, offset);
}

/** A value the peer may not send: an illegal_parameter alert. */
export function illegal(message: string, offset: number): TlsProtocolError {
  return new TlsProtocolError('handshake', Alert.illegal_parameter, message, offset);
}
