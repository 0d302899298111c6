/**
 * ForgeTls's options, read and checked before anything is opened: the CAs to trust (`tls.ca`, else the
 * factory's roots), a client certificate and key, and which engine (TLS 1.3/1.2, or node-forge's legacy
 * TLS 1.0/1.1 when `tls.minVersion` asks for it) with what it needs.
 */
import forge from 'node-forge';
import { UsageError } from '../../lib/message/errors';
import type { TlsOptions, TransportOptions } from '../../lib/transport/transport';
import { pkcs8Of, type ClientCredentials } from './client-credentials';
import { DerError } from './der';
import { TLS12, TLS13 } from './handshake-messages';
import { normaliseHost } from './hostname';
import { binaryToBytes, bytesToBinary, type LegacyConfig } from './legacy-forge';
import { parseCertificate, type Certificate } from './x509';

type PemOrBytes = string | Uint8Array;

/** PEM text, or bytes that are either PEM text or DER. */
function asPemOrDer(value: PemOrBytes): { pem: string } | { der: string } {
  if (typeof value === 'string') return { pem: value };
  const binary = bytesToBinary(value);
  return binary.includes('-----BEGIN') ? { pem: binary } : { der: binary };
}

/** The DER of every certificate in `value` (PEM blocks or one DER certificate), as forge binary strings. */
function certificateDers(value: PemOrBytes, what: string): string[] {
  const source = asPemOrDer(value);
  if ('der' in source) return [source.der];
  try {
    return forge.pem
      .decode(source.pem)
      .filter((message) => /CERTIFICATE$/.test(message.type))
      .map((message) => message.body);
  } catch (error) {
    throw new UsageError(`ForgeTls cannot read ${what}: ${(error as Error).message} (it takes PEM or DER certificates)`, 'ERR_TLS_BAD_CERTIFICATE');
  }
}

/** node-forge certificates, for the legacy engine (forge reads only certificates with RSA keys). */
function forgeCertificates(value: PemOrBytes, what: string): forge.pki.Certificate[] {
  return certificateDers(value, what).map((der) => {
    try {
      return forge.pki.certificateFromAsn1(forge.asn1.fromDer(der));
    } catch (error) {
      throw new UsageError(
        `ForgeTls cannot read ${what}: ${(error as Error).message} (the legacy node-forge engine reads only certificates with RSA keys)`,
        'ERR_TLS_BAD_CERTIFICATE',
      );
    }
  });
}

/** Our own X.509 reading, for the TLS 1.2/1.3 engine (RSA and EC keys). */
function certificates(value: PemOrBytes, what: string): Certificate[] {
  return certificateDers(value, what).map((der) => {
    try {
      return parseCertificate(binaryToBytes(der));
    } catch (error) {
      if (!(error instanceof DerError)) throw error;
      throw new UsageError(`ForgeTls cannot read ${what}: ${error.message}`, 'ERR_TLS_BAD_CERTIFICATE');
    }
  });
}

/** A root certificate, or nothing when this reader cannot parse it. */
export function readableRoot(pem: string): Certificate[] {
  try {
    return certificates(pem, 'a root certificate');
  } catch {
    return [];
  }
}

function privateKeyPem(value: PemOrBytes): string {
  const source = asPemOrDer(value);
  try {
    const key = 'pem' in source ? forge.pki.privateKeyFromPem(source.pem) : forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(source.der));
    return forge.pki.privateKeyToPem(key);
  } catch (error) {
    throw new UsageError(
      `ForgeTls cannot read tls.key: ${(error as Error).message} (node-forge reads only unencrypted RSA keys)`,
      'ERR_TLS_BAD_KEY',
    );
  }
}

/** A client certificate (chain, PEM or DER) and its key (PKCS#8, PKCS#1 or SEC1; PEM or DER), for WebCrypto. */
function clientCredentials(cert: PemOrBytes, key: PemOrBytes): ClientCredentials {
  const chain = certificateDers(cert, 'tls.cert').map(binaryToBytes);
  const leaf = certificates(cert, 'tls.cert')[0];
  if (!leaf) throw new UsageError('ForgeTls found no certificate in tls.cert', 'ERR_TLS_BAD_CERTIFICATE');
  const source = asPemOrDer(key);
  try {
    if ('der' in source) return { chain, leaf, pkcs8: pkcs8Of(binaryToBytes(source.der)) };
    const block = forge.pem.decode(source.pem).find((message) => /PRIVATE KEY$/.test(message.type));
    if (!block) throw new Error('no PRIVATE KEY block');
    if (block.type === 'ENCRYPTED PRIVATE KEY' || block.procType?.type === 'ENCRYPTED') throw new Error('the key is encrypted');
    const form = block.type === 'RSA PRIVATE KEY' ? 'pkcs1' : block.type === 'EC PRIVATE KEY' ? 'sec1' : 'pkcs8';
    return { chain, leaf, pkcs8: pkcs8Of(binaryToBytes(block.body), form) };
  } catch (error) {
    throw new UsageError(`ForgeTls cannot read tls.key: ${(error as Error).message} (it takes unencrypted PKCS#8, PKCS#1 or SEC1 keys)`, 'ERR_TLS_BAD_KEY');
  }
}

/** What the TLS 1.2/1.3 handshake needs, checked before any byte is sent. */
export interface ModernConfig {
  engine: 'modern';
  name: string;
  peer: string;
  verify: boolean;
  anchors: Certificate[];
  versions: number[];
  credentials: ClientCredentials | undefined;
}

export type ForgeConfig = ModernConfig | (LegacyConfig & { engine: 'legacy' });

/**
 * Checks the options and prepares what the engine needs. `roots` are the CAs trusted when `tls.ca` is not given
 * (the Node entry passes Node's root store); without them, `tls.ca` is required.
 */
export function configure(url: URL, options: TransportOptions, roots: (() => Certificate[]) | undefined): ForgeConfig {
  const tls: TlsOptions = options.tls ?? {};
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port || (url.protocol === 'https:' ? '443' : '');
  const peer = `${host.includes(':') ? `[${host}]` : host}${port ? `:${port}` : ''}`;
  const verify = tls.rejectUnauthorized !== false;
  const name = normaliseHost(tls.servername ?? host);
  const legacy = tls.minVersion === 'TLSv1' || tls.minVersion === 'TLSv1.1';

  const caList = tls.ca === undefined ? [] : Array.isArray(tls.ca) ? tls.ca : [tls.ca];
  if (caList.length === 0 && verify && (legacy || !roots)) {
    throw new UsageError(
      'ForgeTls needs tls.ca: it has no access to a system trust store, so it can only trust the CA ' +
        'certificates you pass. (tls.rejectUnauthorized: false would skip all certificate checks instead: unsafe)',
      'ERR_TLS_CA_REQUIRED',
    );
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new UsageError('ForgeTls needs both tls.cert and tls.key for a client certificate, or neither');
  }

  if (legacy) {
    const cas = caList.flatMap((ca, i) => forgeCertificates(ca, `tls.ca[${i}]`));
    if (caList.length > 0 && cas.length === 0) {
      throw new UsageError('ForgeTls found no certificate in tls.ca (expected PEM "CERTIFICATE" blocks or DER)', 'ERR_TLS_CA_REQUIRED');
    }
    return {
      engine: 'legacy',
      name,
      peer,
      verify,
      caStore: cas.length > 0 ? forge.pki.createCaStore(cas) : undefined,
      certPems: tls.cert === undefined ? undefined : forgeCertificates(tls.cert, 'tls.cert').map((c) => forge.pki.certificateToPem(c)),
      keyPem: tls.key === undefined ? undefined : privateKeyPem(tls.key),
      minMinor: tls.minVersion === 'TLSv1.1' ? 2 : 1,
    };
  }

  const anchors = caList.length === 0 && roots ? roots() : caList.flatMap((ca, i) => certificates(ca, `tls.ca[${i}]`));
  if (caList.length > 0 && anchors.length === 0) {
    throw new UsageError('ForgeTls found no certificate in tls.ca (expected PEM "CERTIFICATE" blocks or DER)', 'ERR_TLS_CA_REQUIRED');
  }
  return {
    engine: 'modern',
    name,
    peer,
    verify,
    anchors,
    versions: tls.minVersion === 'TLSv1.3' ? [TLS13] : [TLS13, TLS12],
    credentials: tls.cert === undefined || tls.key === undefined ? undefined : clientCredentials(tls.cert, tls.key),
  };
}
