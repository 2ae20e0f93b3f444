// What the control-plane API does with services: each operation validates everything first
// and then changes the store in one step, so a rejected request leaves nothing behind.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventDescription, InstanceDescription, ServiceDescription, ServiceList, VersionDescription } from '../contract/api.js';
import { EaselError, Errors } from '../contract/errors.js';
import type { ServiceSpec } from '../contract/spec.js';
import { resolveSpec, serviceNameOf, validateSpec, type Problem } from '../contract/validate.js';
import type { Runtime } from '../runtime/types.js';
import { mergePatch, jsonEqual } from './merge-patch.js';
import type { InstanceView, Reconciler } from './reconcile/loop.js';
import { environmentProblems } from './spec-checks.js';
import type { ServiceRow, Store } from './store/store.js';

export interface ServicesOptions {
  store: Store;
  reconciler: Reconciler;
  runtime: Runtime;
  logger: Logger;
  /** The gateway URL users call, when this control plane runs one. */
  gatewayUrl: () => string | undefined;
}

function generateToken(): string {
  return randomBytes(30).toString('base64url');
}

function summarize(problems: Problem[]): string {
  const shown = problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`);
  return problems.length > 3 ? `${shown.join('; ')}; …` : shown.join('; ');
}

/** Validates shape and environment; throws EASEL_SPEC_INVALID listing every problem. */
export function checkSpec(input: unknown): ServiceSpec {
  const result = validateSpec(input);
  const problems = result.ok ? environmentProblems(result.spec) : result.problems;
  if (!result.ok || problems.length > 0) {
    throw new EaselError(Errors.SpecInvalid, { count: problems.length, summary: summarize(problems) }, { problems });
  }
  return result.spec;
}

/** The spec as the user sees it now: the version's spec with the current instance count. */
function withReplicas(spec: ServiceSpec, replicas: number): ServiceSpec {
  return { ...spec, metadata: { ...spec.metadata, instance: replicas } };
}

function withoutInstance(spec: ServiceSpec): ServiceSpec {
  const metadata = { ...spec.metadata };
  delete metadata.instance;
  return { ...spec, metadata };
}

export class Services {
  readonly #store: Store;
  readonly #reconciler: Reconciler;
  readonly #runtime: Runtime;
  readonly #log: Logger;
  readonly #gatewayUrl: () => string | undefined;

  constructor(opts: ServicesOptions) {
    this.#store = opts.store;
    this.#reconciler = opts.reconciler;
    this.#runtime = opts.runtime;
    this.#log = opts.logger;
    this.#gatewayUrl = opts.gatewayUrl;
  }

  #get(name: string): ServiceRow {
    const svc = this.#store.getService(name);
    if (svc === undefined) throw new EaselError(Errors.ServiceNotFound, { service: name });
    return svc;
  }

  #getLive(name: string): ServiceRow {
    const svc = this.#get(name);
    if (svc.desiredState === 'deleted') throw new EaselError(Errors.ServiceDeleting, { service: name });
    return svc;
  }

  #spec(svc: ServiceRow): ServiceSpec {
    const v = this.#store.getVersion(svc.name, svc.currentVersion);
    if (v === undefined) throw new EaselError(Errors.Internal, { reason: `version ${svc.currentVersion} of ${svc.name} is missing` });
    return withReplicas(v.spec, svc.replicas);
  }

  /**
   * After a change: tokens, stops and deletions reach the gateways at once (not a loop pass
   * later), then the reconciler acts on the rest.
   */
  #changed(): void {
    this.#reconciler.publishRoutes();
    this.#reconciler.wake();
  }

  #event(service: string, reason: string, message: string): void {
    this.#store.addEvent({ service, type: 'Normal', reason, message });
    this.#log.info({ service, event: reason }, message);
  }

  create(input: unknown): ServiceDescription {
    const spec = checkSpec(input);
    const name = serviceNameOf(spec);
    if (this.#store.getService(name) !== undefined) throw new EaselError(Errors.ServiceExists, { service: name });
    const resolved = resolveSpec(spec);
    const token = resolved.authDisabled ? null : (spec.token ?? generateToken());
    // The token lives in its own column; the stored spec never carries it.
    const stored: ServiceSpec = { ...spec };
    delete stored.token;
    this.#store.transaction(() => {
      this.#store.insertService({ name, token, replicas: resolved.replicas, spec: stored });
      this.#store.addEvent({ service: name, type: 'Normal', reason: 'ServiceCreated', message: `service ${name} created with ${resolved.replicas} instance(s)` });
    });
    this.#log.info({ service: name }, 'service created');
    this.#changed();
    return this.describe(name);
  }

  list(): ServiceList {
    const services = this.#store.listServices().map((s) => this.#describe(s));
    return { Services: services, TotalCount: services.length };
  }

  describe(name: string): ServiceDescription {
    return this.#describe(this.#get(name));
  }

  #describe(svc: ServiceRow): ServiceDescription {
    const views = this.#reconciler.instances(svc.name);
    const gateway = this.#gatewayUrl();
    const path = `/api/predict/${svc.name}`;
    return {
      ServiceName: svc.name,
      Status: svc.status,
      Reason: svc.reason,
      RunningInstance: views.filter((v) => v.serving).length,
      TotalInstance: views.length,
      DesiredInstance: svc.desiredState === 'running' ? svc.replicas : 0,
      AccessToken: svc.token ?? '',
      CurrentVersion: svc.currentVersion,
      LatestVersion: svc.latestVersion,
      CreateTime: svc.createTime,
      UpdateTime: svc.updateTime,
      ServicePath: path,
      InternetEndpoint: gateway === undefined ? '' : `${gateway}${path}`,
      ServiceConfig: this.#spec(svc),
    };
  }

  /**
   * Applies a partial spec (JSON merge patch). A change of metadata.instance alone scales in
   * place; any other change makes a new version that the reconciler rolls out.
   */
  modify(name: string, patch: unknown): ServiceDescription {
    const svc = this.#getLive(name);
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw new EaselError(Errors.BadRequest, { reason: 'the body must be a JSON object holding the fields to change' });
    }
    const current = this.#spec(svc);
    const merged = mergePatch(current, patch);
    const spec = checkSpec(merged);
    if (serviceNameOf(spec) !== name) {
      throw new EaselError(Errors.SpecInvalid, { count: 1, summary: 'name: cannot be changed' }, { problems: [{ path: 'name', message: `cannot be changed (is "${name}")` }] });
    }
    const stored: ServiceSpec = { ...spec };
    if (stored.token !== undefined && stored.token !== svc.token) {
      throw new EaselError(Errors.SpecInvalid, { count: 1, summary: 'token: cannot be changed by modify' }, { problems: [{ path: 'token', message: 'cannot be changed by modify' }] });
    }
    delete stored.token;
    if (jsonEqual(stored, current)) return this.describe(name);
    const resolved = resolveSpec(spec);
    const replicas = resolved.replicas;
    if (jsonEqual(withoutInstance(stored), withoutInstance(current))) {
      this.#store.transaction(() => {
        this.#store.updateService(name, { replicas });
        this.#event(name, 'ServiceScaled', `scaled from ${svc.replicas} to ${replicas} instance(s)`);
      });
    } else {
      // Turning networking.disable_auth on or off takes the token away or issues one.
      const token = resolved.authDisabled ? null : (svc.token ?? generateToken());
      this.#store.transaction(() => {
        const version = this.#store.addVersion(name, stored, replicas);
        if (token !== svc.token) this.#store.setToken(name, token);
        this.#event(name, 'VersionCreated', `version ${version} created; rolling out from version ${svc.currentVersion}`);
      });
    }
    this.#changed();
    return this.describe(name);
  }

  delete(name: string): ServiceDescription {
    const svc = this.#getLive(name);
    this.#store.transaction(() => {
      this.#store.updateService(name, { desiredState: 'deleted', status: 'Deleting', reason: 'deleting' });
      this.#event(name, 'ServiceDeleting', `deleting service ${name}`);
    });
    this.#log.info({ service: svc.name }, 'service deletion requested');
    this.#changed();
    return this.describe(name);
  }

  start(name: string): ServiceDescription {
    const svc = this.#getLive(name);
    if (svc.desiredState !== 'running') {
      this.#store.transaction(() => {
        this.#store.updateService(name, { desiredState: 'running' });
        this.#event(name, 'ServiceStarting', `starting ${svc.replicas} instance(s)`);
      });
      this.#changed();
    }
    return this.describe(name);
  }

  stop(name: string): ServiceDescription {
    const svc = this.#getLive(name);
    if (svc.desiredState !== 'stopped') {
      this.#store.transaction(() => {
        this.#store.updateService(name, { desiredState: 'stopped' });
        this.#event(name, 'ServiceStopping', 'stopping all instances');
      });
      this.#changed();
    }
    return this.describe(name);
  }

  versions(name: string): VersionDescription[] {
    const svc = this.#get(name);
    return this.#store.listVersions(name).map((v) => ({
      Version: v.version,
      CreateTime: v.createTime,
      Current: v.version === svc.currentVersion,
      ServiceConfig: v.spec,
    }));
  }

  switchVersion(name: string, body: unknown): ServiceDescription {
    const svc = this.#getLive(name);
    const version = (body as { Version?: unknown } | null)?.Version;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      throw new EaselError(Errors.BadRequest, { reason: 'Version: expected a positive integer, e.g. {"Version": 2}' });
    }
    if (this.#store.getVersion(name, version) === undefined) throw new EaselError(Errors.VersionNotFound, { service: name, version });
    if (version !== svc.currentVersion) {
      this.#store.transaction(() => {
        this.#store.updateService(name, { currentVersion: version });
        this.#event(name, 'VersionSwitched', `switched from version ${svc.currentVersion} to version ${version}`);
      });
      this.#changed();
    }
    return this.describe(name);
  }

  instances(name: string): InstanceDescription[] {
    this.#get(name);
    return this.#reconciler.instances(name).map(describeInstance);
  }

  restartInstance(name: string, instance: string): InstanceDescription {
    this.#getLive(name);
    const view = this.#reconciler.instances(name).find((v) => v.row.name === instance);
    if (view === undefined) throw new EaselError(Errors.InstanceNotFound, { service: name, instance });
    this.#reconciler.requestDrain(name, instance, 'restart requested');
    return describeInstance({ ...view, status: 'Terminating', serving: false });
  }

  events(name: string, opts: { afterId?: number; limit: number }): EventDescription[] {
    this.#get(name);
    return this.#store.listEvents(name, opts);
  }

  /** Output lines of one instance, or of every instance prefixed by its name. */
  logs(name: string, opts: { instance?: string; tail?: number; follow: boolean; signal: AbortSignal }): AsyncIterable<string> {
    this.#get(name);
    const names = this.#reconciler.instances(name).map((v) => v.row.name);
    if (opts.instance !== undefined) {
      if (!names.includes(opts.instance)) throw new EaselError(Errors.InstanceNotFound, { service: name, instance: opts.instance });
      return this.#runtime.logs(opts.instance, { tail: opts.tail, follow: opts.follow, signal: opts.signal });
    }
    const sources = names.map((n) => prefixed(`[${n}] `, this.#runtime.logs(n, { tail: opts.tail, follow: opts.follow, signal: opts.signal })));
    return opts.follow ? mergeStreams(sources) : concatStreams(sources);
  }
}

export function describeInstance(v: InstanceView): InstanceDescription {
  const obs = v.observation;
  return {
    InstanceName: v.row.name,
    ServiceName: v.row.service,
    Version: v.row.version,
    Status: v.status,
    Ready: v.serving,
    RestartCount: v.row.restartCount,
    LastState: v.row.lastState,
    StartTime: obs?.startTime ?? v.row.startTime ?? v.row.createTime,
    HostIP: '127.0.0.1',
    InstancePort: obs?.port ?? v.row.port ?? 0,
    Pid: obs?.pid ?? v.row.pid ?? 0,
    CpuPercent: obs?.cpuPercent ?? null,
    MemoryRssBytes: obs?.rssBytes ?? null,
    Reason: v.row.draining ? (v.row.drainReason ?? 'draining') : (obs?.probeError ?? ''),
  };
}

async function* prefixed(prefix: string, lines: AsyncIterable<string>): AsyncIterable<string> {
  try {
    for await (const line of lines) yield prefix + line;
  } catch {
    // an instance that went away while being read simply ends its part of the stream
  }
}

async function* concatStreams(sources: AsyncIterable<string>[]): AsyncIterable<string> {
  for (const s of sources) yield* s;
}

/** Interleaves several line streams as lines arrive (for follow mode). */
async function* mergeStreams(sources: AsyncIterable<string>[]): AsyncIterable<string> {
  const iterators = sources.map((s) => s[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ i: number; r: IteratorResult<string> }>>();
  const next = (i: number): void => {
    const it = iterators[i];
    if (it !== undefined) pending.set(i, it.next().then((r) => ({ i, r })));
  };
  iterators.forEach((_, i) => next(i));
  while (pending.size > 0) {
    const { i, r } = await Promise.race(pending.values());
    if (r.done === true) {
      pending.delete(i);
    } else {
      next(i);
      yield r.value;
    }
  }
}
