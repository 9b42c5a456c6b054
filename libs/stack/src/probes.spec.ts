import { createServer, Server, Socket } from 'node:net';
import { probeKafka } from './kafka-probe';
import { isPortOpen } from './ports';

/** Probes against local listeners that are not Kafka: each must settle, never hang. */
describe('port and broker probes', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  });

  async function listen(onSocket: (socket: Socket) => void): Promise<number> {
    const server = createServer((socket) => {
      sockets.push(socket);
      onSocket(socket);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  }

  it('a peer that closes cleanly before reading (FIN, no reset) is not a broker', async () => {
    const port = await listen((socket) => socket.end());
    await expect(probeKafka('127.0.0.1', port, 5000)).resolves.toBe(false);
  });

  it('a peer that waits for the whole request and then closes is not a broker', async () => {
    const port = await listen((socket) => socket.once('data', () => socket.end()));
    await expect(probeKafka('127.0.0.1', port, 5000)).resolves.toBe(false);
  });

  it('a peer that answers with another correlation id is not a broker', async () => {
    const port = await listen((socket) =>
      socket.once('data', () => {
        const reply = Buffer.alloc(10);
        reply.writeInt32BE(6, 0);
        reply.writeInt32BE(99, 4);
        reply.writeInt16BE(0, 8);
        socket.end(reply);
      }),
    );
    await expect(probeKafka('127.0.0.1', port, 5000)).resolves.toBe(false);
  });

  it('an ApiVersions answer with correlation id 7 and error code 0 is a broker', async () => {
    const port = await listen((socket) =>
      socket.once('data', (request: Buffer) => {
        expect(request.readInt16BE(4)).toBe(18);
        const reply = Buffer.alloc(10);
        reply.writeInt32BE(6, 0);
        reply.writeInt32BE(request.readInt32BE(8), 4);
        reply.writeInt16BE(0, 8);
        socket.write(reply);
      }),
    );
    await expect(probeKafka('127.0.0.1', port, 5000)).resolves.toBe(true);
  });

  it('a listening port is open even when its owner closes at once; a closed one is not', async () => {
    const port = await listen((socket) => socket.end());
    await expect(isPortOpen('127.0.0.1', port)).resolves.toBe(true);
    const closed = await listen(() => undefined);
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    await expect(isPortOpen('127.0.0.1', closed)).resolves.toBe(false);
  });
});
