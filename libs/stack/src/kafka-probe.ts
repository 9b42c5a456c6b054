import { connect } from 'node:net';

/**
 * A protocol-level health probe: sends Kafka's ApiVersions request (key 18, v0) and accepts the
 * broker as healthy when it answers with error code 0. An open port alone is not enough: the
 * broker accepts connections before it can serve requests.
 */
export function probeKafka(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const clientId = Buffer.from('rollout-ledger-probe');
    const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
    body.writeInt16BE(18, 0); // api key: ApiVersions
    body.writeInt16BE(0, 2); // api version
    body.writeInt32BE(7, 4); // correlation id
    body.writeInt16BE(clientId.length, 8);
    clientId.copy(body, 10);
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length, 0);

    let received = Buffer.alloc(0);
    const socket = connect({ host, port });
    let settled = false;
    const done = (healthy: boolean) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(healthy);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    // A peer that accepts and closes without a word (not a broker) ends the socket without an
    // error: without this the promise would never settle.
    socket.once('close', () => done(false));
    socket.once('connect', () => socket.write(Buffer.concat([size, body])));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // size (4) + correlation id (4) + error code (2)
      if (received.length >= 10) done(received.readInt32BE(4) === 7 && received.readInt16BE(8) === 0);
    });
  });
}
