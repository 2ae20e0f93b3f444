// The server's open connections, for a drain: Node's closeIdleConnections() skips a connection
// that has not sent a byte yet, which would otherwise hold the drain until its grace period ends.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export class Connections {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  constructor(server: Server) {
    this.#server = server;
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /** Closes connections with no request in progress; one in the middle of a request head is left to finish. */
  closeIdle(): void {
    this.#server.closeIdleConnections();
    for (const socket of this.#sockets) if (socket.bytesRead === 0) socket.destroy();
  }

  closeAll(): void {
    this.#server.closeAllConnections();
  }
}
