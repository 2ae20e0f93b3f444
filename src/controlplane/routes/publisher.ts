// Holds the routing table in force, pushes every change to the watching gateways and knows
// which revision each of them has applied: an instance counts as serving only once every
// connected gateway routes to it, and is stopped only once none does any more.
import type { RoutingTable, ServiceRoute, WatchServerMessage } from '../../contract/routes.js';

export interface WatcherConnection {
  send(data: string): void;
}

interface Watcher {
  conn: WatcherConnection;
  acked: number;
}

interface AckWaiter {
  revision: number;
  resolve: (acked: boolean) => void;
  timer: NodeJS.Timeout;
}

export class RoutePublisher {
  #table: RoutingTable;
  #key = '';
  readonly #watchers = new Set<Watcher>();
  readonly #waiters = new Set<AckWaiter>();
  /** The first revision in which each instance was routable. */
  readonly #firstRouted = new Map<string, number>();
  readonly #onRevision: (revision: number) => void;
  readonly #onAck: () => void;

  /**
   * @param initialRevision revisions continue from the last one a previous control plane used,
   *   so gateways never see one go backwards.
   */
  constructor(opts: { initialRevision: number; onRevision?: (revision: number) => void; onAck?: () => void }) {
    this.#table = { revision: opts.initialRevision, services: [] };
    this.#onRevision = opts.onRevision ?? (() => undefined);
    this.#onAck = opts.onAck ?? (() => undefined);
  }

  get table(): RoutingTable {
    return this.#table;
  }

  get revision(): number {
    return this.#table.revision;
  }

  get watcherCount(): number {
    return this.#watchers.size;
  }

  /** Installs a new table when the routes changed; returns the revision in force. */
  update(services: ServiceRoute[]): number {
    const sorted = [...services].sort((a, b) => a.service.localeCompare(b.service));
    const key = JSON.stringify(sorted);
    if (key === this.#key) return this.#table.revision;
    this.#key = key;
    const revision = this.#table.revision + 1;
    this.#table = { revision, services: sorted };
    const routed = new Set<string>();
    for (const s of sorted) {
      for (const i of s.instances) {
        routed.add(i.name);
        if (!this.#firstRouted.has(i.name)) this.#firstRouted.set(i.name, revision);
      }
    }
    for (const name of this.#firstRouted.keys()) if (!routed.has(name)) this.#firstRouted.delete(name);
    this.#onRevision(revision);
    const message = JSON.stringify({ type: 'table', table: this.#table } satisfies WatchServerMessage);
    for (const w of this.#watchers) w.conn.send(message);
    return revision;
  }

  /** The lowest revision every connected gateway has applied (the current one when none is connected). */
  ackedRevision(): number {
    let min = this.#table.revision;
    for (const w of this.#watchers) min = Math.min(min, w.acked);
    return min;
  }

  /** True when the instance is in the table and every connected gateway has applied that. */
  isServing(instance: string): boolean {
    const first = this.#firstRouted.get(instance);
    return first !== undefined && this.ackedRevision() >= first;
  }

  addWatcher(conn: WatcherConnection): { ack(revision: number): void; remove(): void } {
    const watcher: Watcher = { conn, acked: -1 };
    this.#watchers.add(watcher);
    conn.send(JSON.stringify({ type: 'table', table: this.#table } satisfies WatchServerMessage));
    return {
      ack: (revision: number) => {
        if (revision > watcher.acked) {
          watcher.acked = Math.min(revision, this.#table.revision);
          this.#settleWaiters();
          this.#onAck();
        }
      },
      remove: () => {
        this.#watchers.delete(watcher);
        this.#settleWaiters();
        this.#onAck();
      },
    };
  }

  /** Resolves true once every connected gateway applied `revision`, false after the timeout. */
  waitForAck(revision: number, timeoutMs: number): Promise<boolean> {
    if (this.ackedRevision() >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: AckWaiter = {
        revision,
        resolve,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  #settleWaiters(): void {
    const acked = this.ackedRevision();
    for (const w of this.#waiters) {
      if (acked >= w.revision) {
        clearTimeout(w.timer);
        this.#waiters.delete(w);
        w.resolve(true);
      }
    }
  }

  /** Releases every waiter (shutdown). */
  close(): void {
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.#waiters.clear();
  }
}
