// Typed access to the control plane's tables. Every method is synchronous (better-sqlite3);
// multi-statement changes run in one transaction so nothing is ever half-written.
import type { EventDescription, EventType, LastState, ServiceStatus } from '../../contract/api.js';
import type { ServiceSpec } from '../../contract/spec.js';
import type { Db, Statement } from './db.js';

export type DesiredState = 'running' | 'stopped' | 'deleted';

export interface ServiceRow {
  name: string;
  token: string | null;
  desiredState: DesiredState;
  replicas: number;
  currentVersion: number;
  latestVersion: number;
  status: ServiceStatus;
  reason: string;
  /** Whether the service has ever been Running (Creating is only for the first start). */
  everRunning: boolean;
  createTime: string;
  updateTime: string;
}

export interface VersionRow {
  service: string;
  version: number;
  spec: ServiceSpec;
  createTime: string;
}

export interface InstanceRow {
  name: string;
  service: string;
  version: number;
  restartCount: number;
  consecutiveFailures: number;
  lastState: LastState | null;
  lastLogLines: string[];
  /** When the process last exited unexpectedly (ms), while it waits for its restart. */
  exitedAt: number | null;
  pid: number | null;
  port: number | null;
  startTicks: number | null;
  startTime: string | null;
  draining: boolean;
  drainReason: string | null;
  createTime: string;
}

export interface NewEvent {
  service: string;
  instance?: string | null;
  type: EventType;
  reason: string;
  message: string;
}

interface ServiceDbRow {
  name: string;
  token: string | null;
  desired_state: DesiredState;
  replicas: number;
  current_version: number;
  latest_version: number;
  status: ServiceStatus;
  reason: string;
  ever_running: number;
  create_time: string;
  update_time: string;
}

interface InstanceDbRow {
  name: string;
  service: string;
  version: number;
  restart_count: number;
  consecutive_failures: number;
  last_state: string | null;
  last_log_lines: string | null;
  exited_at: number | null;
  pid: number | null;
  port: number | null;
  start_ticks: number | null;
  start_time: string | null;
  draining: number;
  drain_reason: string | null;
  create_time: string;
}

interface EventDbRow {
  id: number;
  service: string;
  instance: string | null;
  time: string;
  type: EventType;
  reason: string;
  message: string;
}

function toService(r: ServiceDbRow): ServiceRow {
  return {
    name: r.name,
    token: r.token,
    desiredState: r.desired_state,
    replicas: r.replicas,
    currentVersion: r.current_version,
    latestVersion: r.latest_version,
    status: r.status,
    reason: r.reason,
    everRunning: r.ever_running === 1,
    createTime: r.create_time,
    updateTime: r.update_time,
  };
}

function toInstance(r: InstanceDbRow): InstanceRow {
  return {
    name: r.name,
    service: r.service,
    version: r.version,
    restartCount: r.restart_count,
    consecutiveFailures: r.consecutive_failures,
    lastState: r.last_state === null ? null : (JSON.parse(r.last_state) as LastState),
    lastLogLines: r.last_log_lines === null ? [] : (JSON.parse(r.last_log_lines) as string[]),
    exitedAt: r.exited_at,
    pid: r.pid,
    port: r.port,
    startTicks: r.start_ticks,
    startTime: r.start_time,
    draining: r.draining === 1,
    drainReason: r.drain_reason,
    createTime: r.create_time,
  };
}

function toEvent(r: EventDbRow): EventDescription {
  return { Id: r.id, Time: r.time, Type: r.type, Reason: r.reason, Message: r.message, ServiceName: r.service, InstanceName: r.instance };
}

/** Events kept per service; older ones are pruned as new ones arrive. */
const EVENTS_KEPT_PER_SERVICE = 5000;

export class Store {
  readonly #db: Db;
  readonly #now: () => Date;
  #eventsSincePrune = 0;
  readonly #statements = new Map<string, Statement>();

  constructor(db: Db, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
  }

  /** Prepared statements are compiled once and reused. */
  #sql(sql: string): Statement {
    let stmt = this.#statements.get(sql);
    if (stmt === undefined) {
      stmt = this.#db.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  #iso(): string {
    return this.#now().toISOString();
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  // --- services and versions -------------------------------------------------------------

  listServices(): ServiceRow[] {
    return (this.#sql('SELECT * FROM services ORDER BY name').all() as ServiceDbRow[]).map(toService);
  }

  getService(name: string): ServiceRow | undefined {
    const row = this.#sql('SELECT * FROM services WHERE name = ?').get(name) as ServiceDbRow | undefined;
    return row === undefined ? undefined : toService(row);
  }

  insertService(s: { name: string; token: string | null; replicas: number; spec: ServiceSpec }): void {
    const now = this.#iso();
    this.transaction(() => {
      this.#sql(
          `INSERT INTO services (name, token, desired_state, replicas, current_version, latest_version, status, reason, create_time, update_time)
           VALUES (?, ?, 'running', ?, 1, 1, 'Creating', 'waiting for instances', ?, ?)`,
        )
        .run(s.name, s.token, s.replicas, now, now);
      this.#sql('INSERT INTO versions (service, version, spec, create_time) VALUES (?, 1, ?, ?)').run(s.name, JSON.stringify(s.spec), now);
    });
  }

  /** Adds a version and makes it current; returns its number. */
  addVersion(service: string, spec: ServiceSpec, replicas: number): number {
    return this.transaction(() => {
      const svc = this.getService(service);
      if (svc === undefined) throw new Error(`service ${service} vanished`);
      const version = svc.latestVersion + 1;
      const now = this.#iso();
      this.#sql('INSERT INTO versions (service, version, spec, create_time) VALUES (?, ?, ?, ?)').run(service, version, JSON.stringify(spec), now);
      this.#sql('UPDATE services SET latest_version = ?, current_version = ?, replicas = ?, update_time = ? WHERE name = ?')
        .run(version, version, replicas, now, service);
      return version;
    });
  }

  listVersions(service: string): VersionRow[] {
    const rows = this.#sql('SELECT * FROM versions WHERE service = ? ORDER BY version').all(service) as {
      service: string;
      version: number;
      spec: string;
      create_time: string;
    }[];
    return rows.map((r) => ({ service: r.service, version: r.version, spec: JSON.parse(r.spec) as ServiceSpec, createTime: r.create_time }));
  }

  getVersion(service: string, version: number): VersionRow | undefined {
    return this.listVersions(service).find((v) => v.version === version);
  }

  updateService(
    name: string,
    patch: Partial<Pick<ServiceRow, 'desiredState' | 'replicas' | 'currentVersion' | 'status' | 'reason' | 'everRunning'>>,
    touch = true,
  ): void {
    const cols: string[] = [];
    const vals: (string | number)[] = [];
    const map: Record<string, string> = {
      desiredState: 'desired_state',
      replicas: 'replicas',
      currentVersion: 'current_version',
      status: 'status',
      reason: 'reason',
      everRunning: 'ever_running',
    };
    for (const [key, value] of Object.entries(patch)) {
      const col = map[key];
      if (col === undefined || value === undefined) continue;
      cols.push(`${col} = ?`);
      vals.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    }
    if (touch) {
      cols.push('update_time = ?');
      vals.push(this.#iso());
    }
    if (cols.length === 0) return;
    this.#sql(`UPDATE services SET ${cols.join(', ')} WHERE name = ?`).run(...vals, name);
  }

  setToken(name: string, token: string | null): void {
    this.#sql('UPDATE services SET token = ? WHERE name = ?').run(token, name);
  }

  /** Removes a service with its versions, instances and events. */
  purgeService(name: string): void {
    this.transaction(() => {
      this.#sql('DELETE FROM events WHERE service = ?').run(name);
      this.#sql('DELETE FROM services WHERE name = ?').run(name);
    });
  }

  // --- instances -------------------------------------------------------------------------

  listInstances(service?: string): InstanceRow[] {
    const rows =
      service === undefined
        ? (this.#sql('SELECT * FROM instances ORDER BY create_time, name').all() as InstanceDbRow[])
        : (this.#sql('SELECT * FROM instances WHERE service = ? ORDER BY create_time, name').all(service) as InstanceDbRow[]);
    return rows.map(toInstance);
  }

  getInstance(name: string): InstanceRow | undefined {
    const row = this.#sql('SELECT * FROM instances WHERE name = ?').get(name) as InstanceDbRow | undefined;
    return row === undefined ? undefined : toInstance(row);
  }

  insertInstance(i: { name: string; service: string; version: number }): void {
    this.#sql('INSERT INTO instances (name, service, version, create_time) VALUES (?, ?, ?, ?)').run(i.name, i.service, i.version, this.#iso());
  }

  setProcess(name: string, p: { pid: number; port: number; startTicks: number; startTime: string }): void {
    this.#sql('UPDATE instances SET pid = ?, port = ?, start_ticks = ?, start_time = ?, exited_at = NULL WHERE name = ?')
      .run(p.pid, p.port, p.startTicks, p.startTime, name);
  }

  /** Forgets the process of an instance that was stopped on purpose and will be launched again. */
  clearProcess(name: string): void {
    this.#sql('UPDATE instances SET pid = NULL, port = NULL, start_ticks = NULL, start_time = NULL, exited_at = 0 WHERE name = ?').run(name);
  }

  recordExit(name: string, e: { lastState: LastState; lastLogLines: string[]; exitedAt: number; countsAsFailure: boolean }): void {
    this.#sql(
        `UPDATE instances SET last_state = ?, last_log_lines = ?, exited_at = ?,
           consecutive_failures = consecutive_failures + ? WHERE name = ?`,
      )
      .run(JSON.stringify(e.lastState), JSON.stringify(e.lastLogLines), e.exitedAt, e.countsAsFailure ? 1 : 0, name);
  }

  markRestarting(name: string): void {
    this.#sql('UPDATE instances SET restart_count = restart_count + 1, exited_at = NULL WHERE name = ?').run(name);
  }

  resetFailures(name: string): void {
    this.#sql('UPDATE instances SET consecutive_failures = 0 WHERE name = ?').run(name);
  }

  markDraining(name: string, reason: string): void {
    this.#sql('UPDATE instances SET draining = 1, drain_reason = ? WHERE name = ?').run(reason, name);
  }

  deleteInstance(name: string): void {
    this.#sql('DELETE FROM instances WHERE name = ?').run(name);
  }

  // --- events ----------------------------------------------------------------------------

  addEvent(e: NewEvent): EventDescription {
    const time = this.#iso();
    const info = this.#sql('INSERT INTO events (service, instance, time, type, reason, message) VALUES (?, ?, ?, ?, ?, ?)')
      .run(e.service, e.instance ?? null, time, e.type, e.reason, e.message);
    if (++this.#eventsSincePrune >= 500) {
      this.#eventsSincePrune = 0;
      this.#pruneEvents();
    }
    return { Id: Number(info.lastInsertRowid), Time: time, Type: e.type, Reason: e.reason, Message: e.message, ServiceName: e.service, InstanceName: e.instance ?? null };
  }

  listEvents(service: string, opts: { afterId?: number; limit: number }): EventDescription[] {
    const rows = this.#sql('SELECT * FROM (SELECT * FROM events WHERE service = ? AND id > ? ORDER BY id DESC LIMIT ?) ORDER BY id')
      .all(service, opts.afterId ?? 0, opts.limit) as EventDbRow[];
    return rows.map(toEvent);
  }

  #pruneEvents(): void {
    this.#sql(
        `DELETE FROM events WHERE id IN (
           SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY service ORDER BY id DESC) AS n FROM events) WHERE n > ?)`,
      )
      .run(EVENTS_KEPT_PER_SERVICE);
  }

  // --- meta ------------------------------------------------------------------------------

  getMeta(key: string): string | undefined {
    const row = this.#sql('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.#sql('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
