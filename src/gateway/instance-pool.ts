// Per-instance state on this gateway: requests in flight (for balancing), refusal back-off and
// a keep-alive pool of idle connections, most recently used first so the rest can idle out.
import type { RouteInstance } from '../contract/routes.js';
import type { Candidate } from './least-outstanding.js';
import { CONNECT_TIMEOUT_MS } from './options.js';
import { UP_CONNECTING, UP_IDLE, UpstreamConnection, type UpstreamOwner } from './upstream-connection.js';

/** Close idle connections this long before the instance's own Keep-Alive timeout would. */
const KEEP_ALIVE_MARGIN_MS = 1_000;

export function instanceKey(inst: RouteInstance): string {
  return `${inst.name}@${inst.host}:${inst.port}`;
}

export class InstancePool implements Candidate, UpstreamOwner {
  readonly key: string;
  readonly name: string;
  readonly host: string;
  readonly port: number;
  outstanding = 0;
  refusedUntil = 0;
  retired = false;

  readonly #idleMs: number;
  #idle: UpstreamConnection[] = [];
  #all = new Set<UpstreamConnection>();

  constructor(inst: RouteInstance, idleMs: number) {
    this.key = instanceKey(inst);
    this.name = inst.name;
    this.host = inst.host;
    this.port = inst.port;
    this.#idleMs = idleMs;
  }

  get connections(): number {
    return this.#all.size;
  }

  /** An idle connection, or a new one still connecting (state UP_CONNECTING). */
  acquire(now: number): UpstreamConnection {
    const up = this.#idle.pop();
    if (up !== undefined) return up;
    const fresh = new UpstreamConnection(this, this.host, this.port, now + CONNECT_TIMEOUT_MS);
    this.#all.add(fresh);
    return fresh;
  }

  /** Takes a connection back after an exchange; it is kept only if it can carry another. */
  release(up: UpstreamConnection, reusable: boolean, now: number): void {
    up.detach();
    let idleMs = this.#idleMs;
    if (up.keepAliveTimeoutMs !== -1) idleMs = Math.min(idleMs, up.keepAliveTimeoutMs - KEEP_ALIVE_MARGIN_MS);
    if (!reusable || this.retired || idleMs <= 0 || !this.#all.has(up)) {
      up.destroy();
      return;
    }
    up.state = UP_IDLE;
    up.deadline = now + idleMs;
    this.#idle.push(up);
  }

  forget(up: UpstreamConnection): void {
    this.#all.delete(up);
    const i = this.#idle.indexOf(up);
    if (i !== -1) this.#idle.splice(i, 1);
  }

  /** Connect timeouts and idle expiry. */
  tick(now: number): void {
    for (const up of this.#all) {
      if (up.deadline === 0 || now < up.deadline) continue;
      if (up.state === UP_CONNECTING) up.connectTimedOut(CONNECT_TIMEOUT_MS);
      else if (up.state === UP_IDLE) up.destroy();
    }
  }

  /** The instance left the routing table: idle connections close now, busy ones after their exchange. */
  retire(): void {
    this.retired = true;
    for (const up of [...this.#idle]) up.destroy();
  }

  destroyAll(): void {
    for (const up of [...this.#all]) up.destroy();
  }
}
