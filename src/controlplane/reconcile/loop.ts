// The reconcile loop: gathers desired state (store) and observed state (runtime, gateways),
// asks `plan` what to do, and does it. Every transition is recorded as an event.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventType, InstanceStatus, LastState } from '../../contract/api.js';
import { resolveSpec, type ResolvedSpec } from '../../contract/validate.js';
import type { LaunchRequest, Observation, Runtime } from '../../runtime/types.js';
import { buildRoutes } from '../routes/build.js';
import type { RoutePublisher } from '../routes/publisher.js';
import type { InstanceRow, ServiceRow, Store } from '../store/store.js';
import { exitEvent, instanceStatus } from './instance-status.js';
import { DEFAULT_POLICY, plan, type Action, type DesiredService, type ObservedInstance, type ReconcilePolicy } from './plan.js';

export type ReconcilerState = 'starting' | 'running' | 'draining' | 'stopped';

export interface ReconcilerOptions {
  store: Store;
  runtime: Runtime;
  publisher: RoutePublisher;
  logger: Logger;
  now?: () => number;
  policy?: ReconcilePolicy;
  /** How long a drain waits for gateways to stop routing to an instance before stopping it. */
  drainAckTimeoutMs?: number;
  /** Safety-net period: the loop also runs when nothing announced a change. */
  resyncMs?: number;
}

/** Everything the API shows about one instance. */
export interface InstanceView {
  row: InstanceRow;
  observation: Observation | undefined;
  status: InstanceStatus;
  serving: boolean;
}

const DRAIN_RETRY_MS = 5000;

function instanceName(service: string, version: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(5);
  let suffix = '';
  for (const b of bytes) suffix += alphabet[b % alphabet.length] ?? 'x';
  return `${service}-v${version}-${suffix}`;
}

export class Reconciler {
  #state: ReconcilerState = 'starting';
  readonly #store: Store;
  readonly #runtime: Runtime;
  readonly #publisher: RoutePublisher;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #policy: ReconcilePolicy;
  readonly #drainAckTimeoutMs: number;
  readonly #resyncMs: number;

  /** Launches and restarts in progress, by instance. */
  readonly #launching = new Map<string, Promise<void>>();
  /** Drains in progress, by instance. */
  readonly #draining = new Map<string, Promise<void>>();
  readonly #everServed = new Set<string>();
  readonly #lastPhase = new Map<string, string>();
  readonly #resolved = new Map<string, ResolvedSpec>();

  #scheduled = false;
  #wakeTimer: NodeJS.Timeout | undefined;
  #resyncTimer: NodeJS.Timeout | undefined;

  constructor(opts: ReconcilerOptions) {
    this.#store = opts.store;
    this.#runtime = opts.runtime;
    this.#publisher = opts.publisher;
    this.#log = opts.logger;
    this.#now = opts.now ?? Date.now;
    this.#policy = opts.policy ?? DEFAULT_POLICY;
    this.#drainAckTimeoutMs = opts.drainAckTimeoutMs ?? 5000;
    this.#resyncMs = opts.resyncMs ?? 2000;
    this.#runtime.onChange((name) => this.#onRuntimeChange(name));
  }

  get state(): ReconcilerState {
    return this.#state;
  }

  /** Re-adopts the processes an earlier control plane left running, then starts the loop. */
  async start(): Promise<void> {
    for (const row of this.#store.listInstances()) await this.#adopt(row);
    this.#state = 'running';
    this.#resyncTimer = setInterval(() => this.wake(), this.#resyncMs);
    this.#resyncTimer.unref();
    this.#tick();
  }

  /** Asks for a reconcile soon; many calls in a row make one pass. */
  wake(): void {
    if (this.#scheduled || this.#state !== 'running') return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#tick();
    });
  }

  /**
   * Stops the loop. With `stopInstances`, every instance is stopped gracefully and its record
   * kept without a process, so the next start launches it again; without, processes keep
   * running for the next control plane to adopt.
   */
  async close(opts: { stopInstances: boolean }): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'draining') return;
    this.#state = 'draining';
    clearTimeout(this.#wakeTimer);
    clearInterval(this.#resyncTimer);
    await Promise.allSettled([...this.#launching.values()]);
    if (opts.stopInstances) {
      await Promise.allSettled([...this.#draining.values()]);
      await this.#runtime.close({ stopInstances: true });
      for (const row of this.#store.listInstances()) {
        if (row.draining) this.#store.deleteInstance(row.name);
        else this.#store.clearProcess(row.name);
      }
    } else {
      await this.#runtime.close({ stopInstances: false });
    }
    this.#publisher.close();
    this.#state = 'stopped';
  }

  /** Drains one instance now (a user asked to restart it); the plan then replaces it. */
  requestDrain(service: string, instance: string, reason: string): void {
    this.#drain(service, instance, reason);
    this.wake();
  }

  resolved(service: string, version: number): ResolvedSpec | undefined {
    const key = `${service}@${version}`;
    let r = this.#resolved.get(key);
    if (r === undefined) {
      const v = this.#store.getVersion(service, version);
      if (v === undefined) return undefined;
      r = resolveSpec(v.spec);
      this.#resolved.set(key, r);
    }
    return r;
  }

  launchRequest(row: InstanceRow): LaunchRequest | undefined {
    const version = this.#store.getVersion(row.service, row.version);
    const resolved = this.resolved(row.service, row.version);
    if (version === undefined || resolved === undefined) return undefined;
    return { instance: row.name, service: row.service, version: row.version, spec: version.spec, resolved };
  }

  /** Instances of a service (or all) as the API shows them. */
  instances(service?: string): InstanceView[] {
    const observed = new Map(this.#runtime.observe().map((o) => [o.instance, o]));
    return this.#store.listInstances(service).map((row) => {
      const observation = observed.get(row.name);
      return { row, observation, status: instanceStatus(row, observation, this.#launching.has(row.name)), serving: this.#serving(row, observation) };
    });
  }

  // --- one pass ------------------------------------------------------------------------------

  #tick(): void {
    if (this.#state !== 'running') return;
    try {
      const now = this.#now();
      const services = this.#store.listServices();
      const desired = services.map((s) => this.#desired(s));
      const observed = this.#observed();
      const { actions, wakeAt } = plan(desired, observed, now, this.#policy);
      for (const action of actions) this.#apply(action);
      this.publishRoutes();
      clearTimeout(this.#wakeTimer);
      if (wakeAt !== null) {
        this.#wakeTimer = setTimeout(() => this.wake(), Math.max(0, wakeAt - now));
        this.#wakeTimer.unref();
      }
    } catch (err) {
      this.#log.error({ err }, 'reconcile pass failed');
    }
  }

  #desired(s: ServiceRow): DesiredService {
    const r = this.resolved(s.name, s.currentVersion);
    return {
      name: s.name,
      desiredState: s.desiredState,
      version: s.currentVersion,
      replicas: s.replicas,
      maxSurge: r?.maxSurge ?? 1,
      maxUnavailable: r?.maxUnavailable ?? 0,
      status: s.status,
      reason: s.reason,
      everRunning: s.everRunning,
    };
  }

  #observed(): ObservedInstance[] {
    const observations = new Map(this.#runtime.observe().map((o) => [o.instance, o]));
    return this.#store.listInstances().map((row) => {
      const obs = observations.get(row.name);
      const launching = this.#launching.has(row.name);
      let phase: ObservedInstance['phase'];
      if (launching && (obs === undefined || obs.phase === 'exited')) phase = 'pending';
      else if (obs === undefined) phase = 'exited';
      else phase = obs.phase;
      const serving = this.#serving(row, obs);
      if (serving) this.#everServed.add(row.name);
      return {
        name: row.name,
        service: row.service,
        version: row.version,
        phase,
        draining: row.draining,
        serving,
        phaseSince: obs?.phaseSince ?? 0,
        consecutiveFailures: row.consecutiveFailures,
        restartCount: row.restartCount,
        exitedAt: phase === 'exited' ? (row.exitedAt ?? 0) : null,
        lastState: row.lastState,
        lastLogLines: row.lastLogLines,
        probeError: obs?.probeError ?? null,
        busy: launching,
        everServed: this.#everServed.has(row.name) || row.restartCount > 0,
      };
    });
  }

  #serving(row: InstanceRow, obs: Observation | undefined): boolean {
    return !row.draining && obs?.phase === 'ready' && this.#publisher.isServing(row.name);
  }

  /** Recomputes the routing table from what is ready and not draining; publishes on change. */
  publishRoutes(): number {
    const observations = new Map(this.#runtime.observe().map((o) => [o.instance, o]));
    const routes = buildRoutes(this.#store.listServices(), this.#store.listInstances(), observations, (service, version) => this.resolved(service, version));
    return this.#publisher.update(routes);
  }

  // --- actions -------------------------------------------------------------------------------

  #event(service: string, instance: string | null, type: EventType, reason: string, message: string): void {
    this.#store.addEvent({ service, instance, type, reason, message });
    this.#log.info({ service, instance, event: reason }, message);
  }

  #apply(action: Action): void {
    switch (action.type) {
      case 'create': {
        const name = instanceName(action.service, action.version);
        this.#store.insertInstance({ name, service: action.service, version: action.version });
        this.#event(action.service, name, 'Normal', 'InstanceCreated', `instance ${name} of version ${action.version} created: ${action.reason}`);
        this.#launch(name, false);
        return;
      }
      case 'restart':
        this.#store.markRestarting(action.instance);
        this.#event(action.service, action.instance, 'Normal', 'InstanceRestarting', `restarting ${action.instance}: ${action.reason}`);
        this.#launch(action.instance, true);
        return;
      case 'drain':
        this.#drain(action.service, action.instance, action.reason);
        return;
      case 'stable':
        this.#store.resetFailures(action.instance);
        return;
      case 'status': {
        const before = this.#store.getService(action.service);
        this.#store.updateService(action.service, { status: action.status, reason: action.reason, ...(action.status === 'Running' ? { everRunning: true } : {}) }, false);
        if (before !== undefined && before.status !== action.status) {
          const type: EventType = action.status === 'Failed' ? 'Warning' : 'Normal';
          const detail = action.reason === '' ? '' : `: ${action.reason}`;
          this.#event(action.service, null, type, `Service${action.status}`, `${before.status} → ${action.status}${detail}`);
        }
        return;
      }
      case 'purge':
        this.#store.purgeService(action.service);
        for (const key of this.#resolved.keys()) if (key.startsWith(`${action.service}@`)) this.#resolved.delete(key);
        this.#log.info({ service: action.service }, 'service deleted');
        return;
    }
  }

  #launch(name: string, restart: boolean): void {
    const row = this.#store.getInstance(name);
    const req = row === undefined ? undefined : this.launchRequest(row);
    if (row === undefined || req === undefined) return;
    this.#lastPhase.delete(name);
    const work = (async () => {
      try {
        const rec = await this.#runtime.launch(req);
        this.#store.setProcess(name, rec);
        this.#event(row.service, name, 'Normal', restart ? 'InstanceRestarted' : 'InstanceStarted', `${name} started: pid ${rec.pid}, port ${rec.port}`);
      } catch (err) {
        const message = `failed to start: ${err instanceof Error ? err.message : String(err)}`;
        const lastState: LastState = { ExitCode: null, Signal: null, Reason: 'Error', FinishedAt: new Date(this.#now()).toISOString(), Message: message };
        this.#store.recordExit(name, { lastState, lastLogLines: [], exitedAt: this.#now(), countsAsFailure: true });
        this.#event(row.service, name, 'Warning', 'InstanceFailedToStart', `${name} ${message}`);
      } finally {
        this.#launching.delete(name);
        this.wake();
      }
    })();
    this.#launching.set(name, work);
  }

  /** Stops routing to an instance, waits for the gateways to confirm, stops it, forgets it. */
  #drain(service: string, name: string, reason: string, retry = false): void {
    if (this.#draining.has(name)) return;
    if (retry) {
      if (this.#state !== 'running' || this.#store.getInstance(name) === undefined) return;
    } else {
      this.#store.markDraining(name, reason);
      this.#event(service, name, 'Normal', 'InstanceDraining', `draining ${name}: ${reason}`);
    }
    const revision = this.publishRoutes();
    let failed = false;
    const work = (async () => {
      try {
        await this.#launching.get(name);
        // Stop only once no gateway routes here any more, so no request is sent to a closing socket.
        const acked = await this.#publisher.waitForAck(revision, this.#drainAckTimeoutMs);
        if (!acked) this.#log.warn({ service, instance: name }, 'gateways did not confirm the route change in time; stopping anyway');
        const row = this.#store.getInstance(name);
        const grace = row === undefined ? 30_000 : (this.resolved(row.service, row.version)?.terminationGraceMs ?? 30_000);
        await this.#runtime.stop(name, grace);
        await this.#runtime.forget(name, { purgeFiles: true });
        this.#store.deleteInstance(name);
        this.#event(service, name, 'Normal', 'InstanceStopped', `${name} stopped`);
      } catch (err) {
        failed = true;
        this.#log.error({ err, service, instance: name }, 'drain failed; trying again in 5 s');
      } finally {
        this.#draining.delete(name);
        this.#everServed.delete(name);
        this.#lastPhase.delete(name);
        if (failed) setTimeout(() => this.#drain(service, name, reason, true), DRAIN_RETRY_MS).unref();
        this.wake();
      }
    })();
    this.#draining.set(name, work);
  }

  // --- runtime observations ------------------------------------------------------------------

  #onRuntimeChange(name: string): void {
    const obs = this.#runtime.observe().find((o) => o.instance === name);
    const row = this.#store.getInstance(name);
    if (obs === undefined || row === undefined) return;
    const prev = this.#lastPhase.get(name);
    if (prev === obs.phase) return;
    this.#lastPhase.set(name, obs.phase);
    if (obs.phase === 'ready') {
      this.#event(row.service, name, 'Normal', 'InstanceReady', `${name} is ready on port ${obs.port}`);
    } else if (obs.phase === 'unready') {
      this.#event(row.service, name, 'Warning', 'InstanceUnready', `${name} is not ready: ${obs.probeError ?? 'readiness probe failing'}`);
    } else if (obs.phase === 'exited' && obs.lastState !== null && !row.draining && !this.#draining.has(name)) {
      this.#store.recordExit(name, { lastState: obs.lastState, lastLogLines: obs.lastLogLines, exitedAt: obs.phaseSince, countsAsFailure: true });
      const { reason, type } = exitEvent(obs.lastState);
      const tail = obs.lastLogLines.slice(-5);
      const output = tail.length > 0 ? `; last output:\n${tail.join('\n')}` : '';
      this.#event(row.service, name, type, reason, `${name} ${obs.lastState.Message}${output}`);
    }
    this.wake();
  }

  async #adopt(row: InstanceRow): Promise<void> {
    const req = this.launchRequest(row);
    let adopted = false;
    if (req !== undefined && row.pid !== null && row.port !== null && row.startTicks !== null) {
      adopted = await this.#runtime.adopt(req, { instance: row.name, pid: row.pid, port: row.port, startTicks: row.startTicks, startTime: row.startTime ?? '' });
    }
    if (adopted) {
      this.#everServed.add(row.name);
      this.#event(row.service, row.name, 'Normal', 'InstanceAdopted', `${row.name} (pid ${row.pid ?? '?'}) re-adopted after a control-plane restart`);
      if (row.draining) this.#drain(row.service, row.name, row.drainReason ?? 'draining before the restart');
      return;
    }
    if (row.draining || req === undefined) {
      this.#store.deleteInstance(row.name);
      return;
    }
    if (row.pid !== null) {
      const lastState: LastState = {
        ExitCode: null,
        Signal: null,
        Reason: 'Lost',
        FinishedAt: new Date(this.#now()).toISOString(),
        Message: `process ${row.pid} was gone when the control plane restarted`,
      };
      this.#store.recordExit(row.name, { lastState, lastLogLines: [], exitedAt: 0, countsAsFailure: false });
      this.#event(row.service, row.name, 'Warning', 'InstanceLost', `${row.name}: ${lastState.Message}; starting it again`);
    }
  }
}
