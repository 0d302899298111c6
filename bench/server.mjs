// The end-to-end benchmarks' server: a raw node:net server on 127.0.0.1 that answers each GET with a
// pre-built response (bench/responses.mjs) in one socket write, keep-alive. It finds requests by their blank
// line only, so it costs little and the same for every client; it runs in its own process (started by
// bench/run.mjs), tells its parent its port over IPC, answers 'stats' with the connections and requests seen,
// and stops when the parent disconnects, or after MAX_LIFETIME_MS whatever happens.
//
//   node bench/server.mjs        # stand-alone: prints its port
import net from 'node:net';
import { NOT_FOUND, responses } from './responses.mjs';

const MAX_LIFETIME_MS = 15 * 60_000;
const ROUTES = responses();

let connections = 0;
let requests = 0;

const server = net.createServer((socket) => {
  connections++;
  socket.setNoDelay(true);
  socket.on('error', () => {}); // a client that closes mid-response (an event stream left early) is normal
  let pending = '';
  socket.on('data', (chunk) => {
    // Requests are GETs without a body: each ends at its blank line. latin1 maps bytes to chars one to one.
    let text = pending + chunk.toString('latin1');
    let end;
    while ((end = text.indexOf('\r\n\r\n')) >= 0) {
      const space = text.indexOf(' ');
      const path = text.slice(space + 1, text.indexOf(' ', space + 1));
      requests++;
      socket.write(ROUTES.get(path) ?? NOT_FOUND);
      text = text.slice(end + 4);
    }
    pending = text;
  });
});

const stop = () => {
  server.close();
  process.exit(0);
};
setTimeout(stop, MAX_LIFETIME_MS).unref();
process.on('disconnect', stop);
process.on('message', (m) => {
  if (m === 'stats') process.send({ type: 'stats', connections, requests });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  if (process.send) process.send({ type: 'ready', port });
  else console.log(`listening on http://127.0.0.1:${port}`);
});
