/**
 * The TLS 1.3 state machine against RFC 8448 §3, "Simple 1-RTT Handshake": with the trace's client random,
 * X25519 key and ClientHello injected, the server's records (ServerHello, the encrypted flight with an RSA
 * certificate and an RSA-PSS CertificateVerify, a NewSessionTicket, application data, close_notify) are fed
 * whole, byte by byte and split at every point, and the client must send the trace's records byte for byte:
 * its Finished, its application data and its close_notify.
 */
import { verifyServerCertificates } from '../../../adapters/tls/certificate-verifier';
import { Groups, keyShareOf } from '../../../adapters/tls/crypto';
import { TLS12, TLS13, type ClientHelloParams } from '../../../adapters/tls/handshake-messages';
import { KeySchedule13 } from '../../../adapters/tls/key-schedule';
import { RecordReader } from '../../../adapters/tls/record-layer';
import { Protection13 } from '../../../adapters/tls/record-protection';
import { TlsClient } from '../../../adapters/tls/tls-client';
import { parseCertificate } from '../../../adapters/tls/x509';
import { splits } from '../../support/drive';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

// RFC 8448 §3, {client} values.
const clientPrivate = hex('49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005');
const clientPublic = hex('99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c');
const clientRandom = hex('cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7');
const clientHello = hex(`
  010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7000006130113031302010000910000000b000900000673657276
  6572ff01000100000a00140012001d0017001800190100010101020103010400230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e
  51c13cae4d5413691e529aaf2c002b0003020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c
  00024001`);
const clientHelloRecord = hex('16030100c4' + toHex(clientHello));
const clientFinishedRecord = hex(`170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f38f80338ac98fc46deb384bd1caeacab6867d726c40546`);
const applicationData = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031');
const clientApplicationDataRecord = hex(`
  1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5b46b395bd54a9a20441e2b62974e1f5a6292a2977014bd1e3deae6
  3aeebb21694915e4`);
const clientAlertRecord = hex('1703030013c9872760655666b74d7ff1153efd6db6d0b0e3');

// {server} records, in the order sent.
const serverRecords = hex(`
  160303005a020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00330024001d0020c9828876112095
  fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304

  17030302a2d1ff334a56f5bff6594a07cc87b580233f500f45e489e7f33af35edf7869fcf40aa40aa2b8ea73f848a7ca07612ef9f945cb960b4068905123ea78
  b111b429ba9191cd05d2a389280f526134aadc7fc78c4b729df828b5ecf7b13bd9aefb0e57f271585b8ea9bb355c7c79020716cfb9b1183ef3ab20e37d57a6b9
  d7477609aee6e122a4cf51427325250c7d0e509289444c9b3a648f1d71035d2ed65b0e3cdd0cbae8bf2d0b227812cbb360987255cc744110c453baa4fcd61092
  8d809810e4b7ed1a8fd991f06aa6248204797e36a6a73b70a2559c09ead686945ba246ab66e5edd8044b4c6de3fcf2a89441ac66272fd8fb330ef8190579b368
  4596c960bd596eea520a56a8d650f563aad27409960dca63d3e688611ea5e22f4415cf9538d51a200c27034272968a264ed6540c84838d89f72c24461aad6d26
  f59ecaba9acbbb317b66d902f4f292a36ac1b639c637ce343117b659622245317b49eeda0c6258f100d7d961ffb138647e92ea330faeea6dfa31c7a84dc3bd7e
  1b7a6c7178af36879018e3f252107f243d243dc7339d5684c8b0378bf30244da8c87c843f5e56eb4c5e8280a2b48052cf93b16499a66db7cca71e4599426f7d4
  61e66f99882bd89fc50800becca62d6c74116dbd2972fda1fa80f85df881edbe5a37668936b335583b599186dc5c6918a396fa48a181d6b6fa4f9d62d513afbb
  992f2b992f67f8afe67f76913fa388cb5630c8ca01e0c65d11c66a1e2ac4c85977b7c7a6999bbf10dc35ae69f5515614636c0b9b68c19ed2e31c0b3b66763038
  ebba42f3b38edc0399f3a9f23faa63978c317fc9fa66a73f60f0504de93b5b845e275592c12335ee340bbc4fddd502784016e4b3be7ef04dda49f4b440a30cb5
  d2af939828fd4ae3794e44f94df5a631ede42c1719bfdabf0253fe5175be898e750edc53370d2b

  17030300de3a6b8f90414a97d6959c3487680de5134a2b240e6cffac116e95d41d6af8f6b580dcf3d11d63c758db289a015940252f55713e061dc13e078891a3
  8efbcf5753ad8ef170ad3c7353d16d9da773b9ca7f2b9fa1b6c0d4a3d03f75e09c30ba1e62972ac46f75f7b981be63439b2999ce13064615139891d5e4c5b406
  f16e3fc181a77ca475840025db2f0a77f81b5ab05b94c01346755f69232c86519d86cbeeac87aac347d143f9605d64f650db4d023e70e952ca49fe5137121c74
  bc2697687e248746d6df353005f3bce18696129c8153556b3b6c6779b37bf15985684f

  17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36e30efaf97d90e6dffc602dcb501a59a8fcc49c4bf2e5f0a21c0047c2abf33254
  0dd032e167c2955d

  1703030013b58fd67166ebf599d24720cfbe7efa7a8864a9`);

/** The trace's client: its random, its X25519 key, its ClientHello; the certificate checked at the trace's time. */
function traceClient(sent: Uint8Array[]): TlsClient {
  return new TlsClient({
    serverName: 'server',
    peer: 'rfc8448',
    versions: [TLS13, TLS12],
    groups: [Groups.x25519],
    alpn: [],
    random: clientRandom,
    sessionId: new Uint8Array(0),
    keyShare: async (group) => {
      const jwk = { kty: 'OKP', crv: 'X25519', d: b64url(clientPrivate), x: b64url(clientPublic) };
      const privateKey = await crypto.subtle.importKey('jwk', jwk, { name: 'X25519' }, true, ['deriveBits']);
      const publicKey = await crypto.subtle.importKey('raw', clientPublic, { name: 'X25519' }, true, []);
      return keyShareOf(group, { privateKey, publicKey });
    },
    encodeHello: (params: ClientHelloParams) => {
      // The recorded ClientHello carries exactly the random and the key share the client would send.
      expect(toHex(params.random)).toBe(toHex(clientRandom));
      expect(toHex(params.keyShares[0]!.publicKey)).toBe(toHex(clientPublic));
      return clientHello;
    },
    // The trace's certificate is self-signed (CN "rsa", no SAN), valid 2016-07-30 .. 2026-07-30.
    verifyCertificates: (ders) =>
      verifyServerCertificates(ders, { anchors: [parseCertificate(ders[0]!)], name: 'rsa', peer: 'rfc8448', now: new Date('2019-01-01T00:00:00Z'), verify: true }),
    send: (bytes) => sent.push(bytes),
  });
}

async function replay(pieces: Uint8Array[]): Promise<{ sent: string[]; data: string; closed: boolean; version: string | undefined }> {
  const sent: Uint8Array[] = [];
  const client = traceClient(sent);
  await client.start();
  let data = '';
  let closed = false;
  for (const piece of pieces) {
    const received = await client.receive(piece);
    data += received.data.map(toHex).join('');
    closed ||= received.closed;
    // The client writes its application data once it is established, as in the trace.
    if (client.negotiated && sent.length === 2) await client.write(applicationData);
  }
  await client.close();
  return { sent: sent.map(toHex), data, closed, version: client.negotiated?.version };
}

describe('RFC 8448 §3 Simple 1-RTT Handshake', () => {
  const expected = {
    sent: [clientHelloRecord, clientFinishedRecord, clientApplicationDataRecord, clientAlertRecord].map(toHex),
    data: toHex(applicationData),
    closed: true,
    version: 'TLSv1.3',
  };

  it('whole: the client sends the trace records byte for byte and reads the server data', async () => {
    expect(await replay([serverRecords])).toEqual(expected);
  });

  it('byte by byte and split at every point: the same', async () => {
    for (const { name, pieces } of splits(serverRecords).slice(1)) {
      const outcome = await replay(pieces);
      if (JSON.stringify(outcome) !== JSON.stringify(expected)) throw new Error(`outcome differs when fed ${name}`);
    }
  }, 120_000);

  it('a flipped bit anywhere in the encrypted flight is a TlsError (bad_record_mac), never a hang', async () => {
    for (const at of [95 + 5, 95 + 300, 95 + 678]) {
      const corrupted = serverRecords.slice();
      corrupted[at]! ^= 0x01;
      await expect(replay([corrupted])).rejects.toMatchObject({ code: 'ERR_TLS', reason: 'handshake', offset: 95 });
    }
  });
});

describe('RFC 8448 §3, then a KeyUpdate from the server', () => {
  // The trace's application traffic secrets; the server side below is played with our own key schedule.
  const serverSecret = hex('a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643');
  const clientSecret = hex('9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5');
  const schedule = new KeySchedule13('SHA-256', 16);
  const protection = async (secret: Uint8Array, skip: number): Promise<Protection13> => {
    const { key, iv } = await schedule.trafficKeys(secret);
    const p = new Protection13(key, iv);
    // Advance past the records already sent under this key.
    for (let i = 0; i < skip; i++) await p.seal(23, new Uint8Array(0));
    return p;
  };
  const open = async (p: Protection13, bytes: Uint8Array): Promise<{ type: number; content: string }> => {
    const reader = new RecordReader();
    reader.push(bytes);
    const { type, content } = await p.open(reader.next()!);
    return { type, content: Buffer.from(content).toString('latin1') };
  };

  it('the client answers update_requested with its own KeyUpdate and moves both directions to the next keys', async () => {
    // The trace up to the server's application data (NewSessionTicket = seq 0, data = seq 1), without its close_notify.
    const trace = serverRecords.subarray(0, serverRecords.length - 24);
    const sent: Uint8Array[] = [];
    const client = traceClient(sent);
    await client.start();
    await client.receive(trace);
    await client.write(applicationData);

    const server = await protection(serverSecret, 2);
    const keyUpdate = await server.seal(22, Uint8Array.of(24, 0, 0, 1, 1)); // KeyUpdate(update_requested)
    const nextServer = await protection(await schedule.nextGeneration(serverSecret), 0);
    const after = await nextServer.seal(23, Buffer.from('after the update'));
    const received = await client.receive(Uint8Array.from([...keyUpdate, ...after]));
    expect(received.data.map((d) => Buffer.from(d).toString('latin1'))).toEqual(['after the update']);

    // sent: ClientHello, Finished, application data (client seq 0), then the client's KeyUpdate (seq 1).
    expect(sent).toHaveLength(4);
    const clientOld = await protection(clientSecret, 1);
    expect(await open(clientOld, sent[3]!)).toEqual({ type: 22, content: '\x18\x00\x00\x01\x00' });
    await client.write(Buffer.from('with the new key'));
    const clientNew = await protection(await schedule.nextGeneration(clientSecret), 0);
    expect(await open(clientNew, sent[4]!)).toEqual({ type: 23, content: 'with the new key' });
  });

  it('a KeyUpdate with an unknown request value → TlsError(protocol), illegal_parameter', async () => {
    const client = traceClient([]);
    await client.start();
    await client.receive(serverRecords.subarray(0, serverRecords.length - 24));
    const server = await protection(serverSecret, 2);
    const bad = await server.seal(22, Uint8Array.of(24, 0, 0, 1, 7));
    await expect(client.receive(bad)).rejects.toMatchObject({ code: 'ERR_TLS', reason: 'protocol', alert: 47 });
  });
});
