/** `io-http --sse`: events written as they arrive, as text or JSON lines, against node:http event streams. */
import type * as http from 'node:http';
import { closeServers, httpServer } from '../support/servers';
import { runCli, startCli } from './run-cli';

afterEach(closeServers);

/** An event stream that sends `blocks` and then ends, or stays open when `hold`. */
const eventServer = (blocks: string[], hold = false) => {
  let connections = 0;
  const handler: http.RequestListener = (_req, res) => {
    connections++;
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    for (const block of connections === 1 ? blocks : []) res.write(block);
    if (!hold) res.end();
  };
  return { handler, connections: () => connections };
};

const BLOCKS = ['event: greet\nid: 1\ndata: hello\n\n', ': a comment\ndata: line 1\ndata: line 2\n\n'];

test('--sse writes each event as an event-stream block', async () => {
  const { handler } = eventServer(BLOCKS);
  const server = await httpServer(handler);
  const run = await runCli([server.url, '--sse']);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout.toString()).toBe('event: greet\nid: 1\ndata: hello\n\nid: 1\ndata: line 1\ndata: line 2\n\n');
});

test('--sse --jsonl writes one line of JSON per event', async () => {
  const { handler } = eventServer(BLOCKS);
  const server = await httpServer(handler);
  const run = await runCli([server.url, '--sse', '--jsonl']);
  expect(run.code).toBe(0);
  expect(run.stdout.toString().split('\n').filter(Boolean).map((line) => JSON.parse(line))).toEqual([
    { event: 'greet', data: 'hello', id: '1' },
    { event: 'message', data: 'line 1\nline 2', id: '1' },
  ]);
});

test('events come out as they arrive; Ctrl-C ends the stream with exit 130', async () => {
  const { handler } = eventServer(['data: first\n\n'], true);
  const server = await httpServer(handler);
  const cli = startCli([server.url, '--sse']);
  await cli.stdoutContains('data: first\n\n');
  cli.child.kill('SIGINT');
  const run = await cli.done;
  expect(run.code).toBe(130);
  expect(run.stdout.toString()).toBe('data: first\n\n');
  expect(run.stderr).toBe('io-http: The request was aborted: interrupted\n');
});

test('--retry N reconnects up to N times in a row when a connection brings no event', async () => {
  const { handler, connections } = eventServer(['retry: 0\ndata: once\n\n']);
  const server = await httpServer(handler);
  const run = await runCli([server.url, '--sse', '--retry', '2']);
  expect(run.code).toBe(0);
  expect(run.stdout.toString()).toBe('data: once\n\n');
  expect(connections()).toBe(3);
});

test('--sse on a URL that is not an event stream: exit 8', async () => {
  const server = await httpServer((_req, res) => res.end('<html>'));
  const run = await runCli([server.url, '--sse']);
  expect(run.code).toBe(8);
  expect(run.stderr).toMatch(/\n  The URL does not serve an event stream: try it without --sse\.\n$/);
});
