// The loopback receiver of bench/sender.bench.ts, run in a process of its own (forked with an IPC
// channel): node:http with keep-alive, every request answered 204 at once, no verification. It
// reports its port to the parent and exits when the parent disconnects or sends 'stop'.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let requests = 0;
const server = createServer((req, res) => {
  requests++;
  // Read (and drop) the body so the socket stays reusable; answer without waiting for it.
  req.resume();
  res.writeHead(204).end();
});
// Keep idle connections longer than any client keeps them (the client closes first).
server.keepAliveTimeout = 60_000;
server.headersTimeout = 61_000;

function exit(): void {
  server.closeAllConnections();
  server.close(() => process.exit(0));
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ port });
});
process.on('message', (message: unknown) => {
  if (message === 'count') process.send?.({ requests });
  else if (message === 'stop') exit();
});
process.on('disconnect', exit);
