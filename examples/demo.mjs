// `npm start`: starts the embedded loopback server (demo-server.mjs) and walks through what io-http does against
// it, with the command line and with the library, printing one line per step; exits 0 when every step worked.
// `npm start -- URL [options]` runs the command line instead (the same as `npx io-http URL [options]`).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.argv.length > 2) {
  await import('../dist/bin/io-http.mjs');
} else {
  await demo();
}

async function demo() {
  const { EOF, Http11Protocol, HttpRequest, Session, TimeoutError } = await import('io-http');
  const net = await import('node:net');
  const { startDemoServer, SLOW_MS } = await import('./demo-server.mjs');
  const bin = fileURLToPath(new URL('../dist/bin/io-http.mjs', import.meta.url));
  const work = mkdtempSync(join(tmpdir(), 'io-http-demo-'));
  const server = await startDemoServer();
  const caFile = join(work, 'ca.pem');
  writeFileSync(caFile, server.caPem);
  const { user, pass } = server.credentials;

  console.log('io-http demo: an embedded server answers on');
  console.log(`  ${server.http}  and  ${server.https} (its certificate was made a moment ago, by node-forge)\n`);

  /** Runs the command line; resolves with its exit code, stdout and stderr. */
  const cli = (args) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
      child.on('error', reject).on('close', (code) => resolve({ code, stdout, stderr }));
    });

  let failures = 0;
  let steps = 0;
  /** Runs one step: `run` returns what to print after the arrow, or throws to say what went wrong. */
  const step = async (title, run) => {
    steps++;
    try {
      console.log(`  ok    ${title}\n        -> ${await run()}`);
    } catch (error) {
      failures++;
      console.log(`  FAIL  ${title}\n        -> ${error.message}`);
    }
  };
  const expect = (condition, what) => {
    if (!condition) throw new Error(what);
  };
  const short = (text) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
  const H = server.http;

  console.log('The command line (npx io-http ..., here node dist/bin/io-http.mjs ...)');
  await step(`io-http ${H}/hello`, async () => {
    const run = await cli([`${H}/hello`]);
    expect(run.code === 0 && run.stdout === 'Hello from the demo server', `exit ${run.code}: ${run.stdout}${run.stderr}`);
    return `the body on stdout: ${short(run.stdout)}`;
  });
  await step(`io-http -i ${H}/chunked`, async () => {
    const run = await cli(['-i', `${H}/chunked`]);
    expect(run.code === 0 && /Transfer-Encoding: chunked\r\n/i.test(run.stdout) && run.stdout.endsWith('\r\n\r\none two three'), `exit ${run.code}: ${run.stdout}${run.stderr}`);
    return `the head, then the chunks joined: ${short(run.stdout.split('\r\n\r\n')[1])}`;
  });
  await step(`io-http ${H}/gzip`, async () => {
    const run = await cli([`${H}/gzip`]);
    expect(run.code === 0 && run.stdout === 'This text travelled gzip-compressed.', `exit ${run.code}: ${run.stdout}${run.stderr}`);
    return `asked for gzip and decoded it: ${short(run.stdout)}`;
  });
  await step(`io-http -L -v ${H}/redirect/3`, async () => {
    const run = await cli(['-L', '-v', `${H}/redirect/3`]);
    const hops = run.stderr.match(/^< HTTP\/1\.1 302 Found$/gm)?.length ?? 0;
    expect(run.code === 0 && hops === 3 && run.stdout === 'Hello from the demo server', `exit ${run.code}, ${hops} redirects: ${run.stderr}`);
    return `followed ${hops} redirects; -v showed each request and response head on stderr`;
  });
  await step(`io-http --fail ${H}/private, then with -u ${user}:${pass}`, async () => {
    const refused = await cli(['--fail', `${H}/private`]);
    const run = await cli(['-v', '-u', `${user}:${pass}`, `${H}/private`]);
    expect(refused.code === 22, `without credentials: exit ${refused.code}`);
    expect(run.code === 0 && run.stdout === `Welcome, ${user}` && run.stderr.includes('> Authorization: Basic ***'), `exit ${run.code}: ${run.stdout}${run.stderr}`);
    return `401 without (exit 22 with --fail); ${short(run.stdout)} with Basic auth (-v shows "Authorization: Basic ***")`;
  });
  await step(`io-http --json '{"hello":"world"}' ${H}/echo`, async () => {
    const run = await cli(['--json', '{"hello":"world"}', `${H}/echo`]);
    const echo = JSON.parse(run.stdout);
    expect(run.code === 0 && echo.method === 'POST' && echo.contentType === 'application/json' && echo.body === '{"hello":"world"}', run.stdout + run.stderr);
    return `the server got a POST of ${echo.contentType}: ${echo.body}`;
  });
  await step(`io-http -F note=hi -F file=@package.json ${H}/echo`, async () => {
    const run = await cli(['-F', 'note=hi', '-F', `file=@${fileURLToPath(new URL('../package.json', import.meta.url))}`, `${H}/echo`]);
    const echo = JSON.parse(run.stdout);
    expect(run.code === 0 && echo.contentType.startsWith('multipart/form-data; boundary=') && echo.body.includes('filename="package.json"'), run.stdout + run.stderr);
    return `a multipart/form-data upload of ${echo.length} bytes (a field and a file)`;
  });
  await step(`io-http --sse --jsonl ${H}/events`, async () => {
    const run = await cli(['--sse', '--jsonl', `${H}/events`]);
    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(run.code === 0 && events.length === 3 && events[2].data === 'tick number 3', run.stdout + run.stderr);
    return `${events.length} Server-Sent Events, one JSON line each: ${run.stdout.split('\n')[0]}`;
  });
  await step(`io-http --timeout 0.5 ${H}/slow`, async () => {
    const run = await cli(['--timeout', '0.5', `${H}/slow`]);
    expect(run.code === 28, `exit ${run.code}: ${run.stderr}`);
    return `the server takes ${SLOW_MS / 1000} s: exit 28 and "${run.stderr.split('\n')[0].replace('io-http: ', '')}"`;
  });
  await step(`io-http ${server.https}/hello, then with --cacert ca.pem (and --tls forge)`, async () => {
    const untrusted = await cli([`${server.https}/hello`]);
    const node = await cli(['--cacert', caFile, `${server.https}/hello`]);
    const forge = await cli(['--cacert', caFile, '--tls', 'forge', `${server.https}/hello`]);
    expect(untrusted.code === 35, `without --cacert: exit ${untrusted.code}`);
    expect(node.code === 0 && forge.code === 0 && forge.stdout === node.stdout, `exit ${node.code} / ${forge.code}: ${node.stderr}${forge.stderr}`);
    return "refused without the demo CA (exit 35); with it, over Node's TLS and node-forge's alike";
  });
  await step(`io-http -o download.bin ${H}/download`, async () => {
    const file = join(work, 'download.bin');
    const run = await cli(['-o', file, `${H}/download`]);
    expect(run.code === 0 && run.stdout === '' && statSync(file).size === 1024 * 1024, `exit ${run.code}: ${run.stderr}`);
    return `1 MiB written to a file (a progress bar shows when stderr is a terminal)`;
  });

  console.log("\nThe library (import { Session, Http11Protocol } from 'io-http')");
  await step('new Http11Protocol(request).resume(...), driven by hand over a node:net socket', async () => {
    // The I/O-free core: it says what to write and asks for what it read; the socket is ours.
    const url = new URL(`${H}/chunked`);
    const socket = net.connect(Number(url.port), url.hostname);
    const reads = socket[Symbol.asyncIterator]();
    const protocol = new Http11Protocol(HttpRequest.get(url.href));
    const counts = { write: 0, read: 0 };
    let input;
    try {
      for (;;) {
        const yielded = protocol.resume(input);
        input = undefined;
        if (yielded.done) {
          const { response } = yielded.value;
          expect(response.status === 200 && new TextDecoder().decode(response.body) === 'one two three', `${response.status}`);
          return `${counts.write} write(s), ${counts.read} read(s), then ${response.status} with ${short(new TextDecoder().decode(response.body))}`;
        }
        counts[yielded.value.type]++;
        if (yielded.value.type === 'write') socket.write(yielded.value.bytes);
        else if (yielded.value.type === 'read') input = (await reads.next()).value ?? EOF;
      }
    } finally {
      socket.destroy();
    }
  });
  const session = new Session(H, { timeouts: { total: 10_000 } });
  await step("session.send({ path: '/json' })", async () => {
    const response = await session.send({ path: '/json' });
    const value = response.json();
    expect(response.status === 200 && value.name === 'io-http', `${response.status}`);
    return `${response.status} ${response.headers.get('content-type')}: features ${value.features.join(', ')}`;
  });
  await step("session.send({ path: '/redirect/2' })", async () => {
    const response = await session.send({ path: '/redirect/2' });
    expect(response.text() === 'Hello from the demo server' && response.redirects.length === 2, `${response.redirects.length} redirects`);
    return `followed ${response.redirects.map((hop) => `${hop.status} ${new URL(hop.url).pathname}`).join(' then ')} to ${new URL(response.url).pathname}`;
  });
  await step("session.send({ path: '/private', auth: { basic: { user, pass } } })", async () => {
    const refused = await session.send({ path: '/private' });
    const response = await session.send({ path: '/private', auth: { basic: { user, pass } } });
    expect(refused.status === 401 && response.status === 200, `${refused.status} / ${response.status}`);
    return `401 (challenge ${refused.challenges[0]?.scheme}) without, ${response.status} ${short(response.text())} with`;
  });
  await step("session.send({ method: 'POST', path: '/echo', json: { n: 1 } })", async () => {
    const echo = (await session.send({ method: 'POST', path: '/echo', json: { n: 1 } })).json();
    expect(echo.contentType === 'application/json' && echo.body === '{"n":1}', JSON.stringify(echo));
    return `sent as ${echo.contentType}: ${echo.body}`;
  });
  await step("session.stream({ path: '/chunked' })", async () => {
    const response = await session.stream({ path: '/chunked' });
    const pieces = [];
    for await (const piece of response.body) pieces.push(new TextDecoder().decode(piece));
    expect(pieces.join('') === 'one two three', pieces.join('|'));
    return `read as it arrived: ${pieces.length} piece(s), ${short(pieces.join(''))}`;
  });
  await step("session.events({ path: '/events' }, { maxReconnects: 0 })", async () => {
    const seen = [];
    for await (const event of session.events({ path: '/events' }, { maxReconnects: 0 })) seen.push(`${event.event}#${event.id}`);
    expect(seen.length === 3, seen.join(' '));
    return `events ${seen.join(', ')}`;
  });
  await step("session.send({ path: '/slow', timeout: 300 })", async () => {
    try {
      await session.send({ path: '/slow', timeout: 300 });
    } catch (error) {
      expect(error instanceof TimeoutError && error.phase === 'total', String(error));
      return `${error.name} (${error.code}, phase ${error.phase}): ${error.message}`;
    }
    throw new Error('no timeout');
  });
  await step("new Session(https, { tls: { ca } }).send({ path: '/gzip' })", async () => {
    const secure = new Session(server.https, { tls: { ca: server.caPem } });
    try {
      const response = await secure.send({ path: '/gzip' });
      expect(response.text() === 'This text travelled gzip-compressed.', response.text());
      return `over TLS, ${response.decodedEncodings.join(', ')} undone: ${short(response.text())}`;
    } finally {
      await secure.close();
    }
  });
  await session.close();

  await server.close();
  rmSync(work, { recursive: true, force: true });
  console.log(failures === 0 ? `\nAll ${steps} steps worked. Try it on any URL: npx io-http --help` : `\n${failures} of ${steps} steps failed.`);
  process.exitCode = failures === 0 ? 0 : 1;
}
