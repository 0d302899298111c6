// `npm start`: drives the I/O-free protocol core through one exchange held in memory, and prints each step.
import { EOF, Http11Protocol, HttpRequest } from 'io-http/core';

const text = (bytes) => new TextDecoder().decode(bytes);
const show = (bytes) => JSON.stringify(text(bytes));

// What a server would answer, delivered in three reads to show that the parser does not care how bytes are split.
const reply = new TextEncoder().encode(
  'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '7\r\nHello, \r\n6\r\nworld!\r\n0\r\nServer-Timing: total;dur=3\r\n\r\n',
);
const reads = [reply.subarray(0, 20), reply.subarray(20, 90), reply.subarray(90)];

const request = HttpRequest.post('http://example.test/greet?lang=en', 'name=io-http', {
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
});
const protocol = new Http11Protocol(request);

let input;
for (;;) {
  const step = protocol.resume(input);
  input = undefined;
  if (step.done) {
    const { response, keepAlive } = step.value;
    console.log(`done:  HTTP/${response.version} ${response.status} ${response.reason}`);
    console.log(`       headers  ${JSON.stringify(response.headers)}`);
    console.log(`       body     ${show(response.body)}`);
    console.log(`       trailers ${JSON.stringify(response.trailers)}`);
    console.log(`       keep-alive: ${keepAlive}`);
    break;
  }
  const y = step.value;
  if (y.type === 'write') console.log(`write: ${show(y.bytes)}`);
  else if (y.type === 'read') {
    input = reads.shift() ?? EOF;
    console.log(input === EOF ? 'read:  end of stream' : `read:  ${show(input)}`);
  }
}
