// The upstream side of one exchange: the route it was admitted on, the instance and connection
// it holds, and the counters that go with them (requests in flight per service for the
// concurrency limit, per instance for balancing). Keeping the bookkeeping in one place makes
// every ending (response, failure, timeout, abort) release exactly what was taken.
import type { InstancePool } from './instance-pool.js';
import { pickLeastOutstanding } from './least-outstanding.js';
import { MAX_CONNECT_TRIES, REFUSED_BACKOFF_MS } from './options.js';
import type { CompiledRoute } from './route-table.js';
import type { UpstreamConnection, UpstreamSink } from './upstream-connection.js';

export class UpstreamLease {
  route: CompiledRoute | null = null;
  instance: InstancePool | null = null;
  upstream: UpstreamConnection | null = null;
  /** The last connect failure, as "<instance>: <reason>"; '' when none. */
  connectError = '';
  readonly #tried: InstancePool[] = [];

  /** The request was admitted on `route`: it counts against the service until close(). */
  open(route: CompiledRoute): void {
    route.state.inFlight++;
    this.route = route;
  }

  /**
   * A connection (pooled, or new and still connecting) to the least loaded instance not tried
   * yet; null when the tries are used up or no instance is left.
   */
  connect(sink: UpstreamSink, requestIsHead: boolean, now: number): UpstreamConnection | null {
    const route = this.route;
    if (route === null || this.#tried.length >= MAX_CONNECT_TRIES) return null;
    const i = pickLeastOutstanding(route.instances, route.rotation++, now, this.#tried);
    if (i === -1) return null;
    const pool = route.instances[i]!;
    this.#tried.push(pool);
    pool.outstanding++;
    this.instance = pool;
    const up = pool.acquire(now);
    up.begin(sink, requestIsHead);
    this.upstream = up;
    return up;
  }

  /** A new connection could not be made: avoid that instance for a while. */
  connectFailed(reason: string, now: number): void {
    const pool = this.instance;
    if (pool !== null) {
      pool.refusedUntil = now + REFUSED_BACKOFF_MS;
      this.connectError = `${pool.name}: ${reason}`;
    }
    this.dropUpstream();
  }

  /** The response is complete: the connection goes back to its pool if it can carry another. */
  finishUpstream(reusable: boolean, now: number): void {
    const up = this.upstream;
    const pool = this.instance;
    this.upstream = null;
    this.instance = null;
    if (pool === null) return;
    pool.outstanding--;
    if (up !== null) pool.release(up, reusable, now);
  }

  /** Lets go of the connection without pooling it (closing it if it is still open). */
  dropUpstream(): void {
    const up = this.upstream;
    this.upstream = null;
    up?.destroy();
    if (this.instance !== null) {
      this.instance.outstanding--;
      this.instance = null;
    }
  }

  /** The exchange is over. */
  close(): void {
    this.dropUpstream();
    if (this.route !== null) {
      this.route.state.inFlight--;
      this.route = null;
    }
    this.#tried.length = 0;
    this.connectError = '';
  }
}
