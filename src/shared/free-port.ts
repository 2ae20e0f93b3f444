import { createServer } from 'node:net';

/**
 * A TCP port that is free right now on `host`: the kernel picks one for a listener on port 0,
 * which is closed again at once. Another process may take it before the caller binds it; the
 * window is short and a program that loses the race fails to listen, which callers surface.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  if (address === null || typeof address === 'string') throw new Error(`could not read the port of a listener on ${host}`);
  return address.port;
}
