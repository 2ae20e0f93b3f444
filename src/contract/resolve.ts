// A validated spec with every default applied: what the runtime, instance host and gateway act
// on. Free of the schema library, so the processes that only read specs start fast.
import { SERVICE_NAME_PATTERN, SPEC_DEFAULTS, type BuiltinProcessor } from './defaults.js';
import type { ServiceSpec } from './spec.js';

export function serviceNameOf(spec: ServiceSpec): string {
  const name = spec.name ?? spec.metadata?.name;
  if (name === undefined || !SERVICE_NAME_PATTERN.test(name)) throw new Error('validated spec without a name');
  return name;
}

export type ServiceKind =
  | { kind: 'builtin'; processor: BuiltinProcessor }
  | { kind: 'custom'; processorPath: string; processorEntry: string | undefined }
  | { kind: 'container'; port: number | undefined };

export interface ResolvedHealthCheck {
  type: 'http' | 'tcp';
  path: string;
  port: number | undefined;
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  failureThreshold: number;
}

/** A validated spec with every default applied: what the runtime and gateway act on. */
export interface ResolvedSpec {
  name: string;
  kind: ServiceKind;
  replicas: number;
  keepaliveMs: number;
  maxQueueSize: number;
  workerThreads: number;
  /** rpc.batching: merge concurrent calls into one processor call; undefined when off. */
  batching: { maxBatchSize: number; maxBatchTimeoutMs: number } | undefined;
  rateLimit: number | undefined;
  memoryMb: number | undefined;
  maxSurge: number;
  maxUnavailable: number;
  terminationGraceMs: number;
  healthCheck: ResolvedHealthCheck | undefined;
  gatewayRateLimit: number | undefined;
  gatewayConcurrencyLimit: number | undefined;
  authDisabled: boolean;
}

function resolveCount(v: number | string | undefined, replicas: number, fallback: number, round: 'up' | 'down'): number {
  if (v === undefined) return fallback;
  if (typeof v === 'number') return v;
  const pct = Number(v.slice(0, -1)) / 100;
  return round === 'up' ? Math.ceil(pct * replicas) : Math.floor(pct * replicas);
}

export function resolveSpec(spec: ServiceSpec): ResolvedSpec {
  const meta = spec.metadata ?? {};
  const rpc = meta.rpc ?? {};
  const replicas = meta.instance ?? SPEC_DEFAULTS.instance;
  const container = spec.containers?.[0];
  let kind: ServiceKind;
  if (spec.processor !== undefined) kind = { kind: 'builtin', processor: spec.processor };
  else if (spec.processor_path !== undefined) kind = { kind: 'custom', processorPath: spec.processor_path, processorEntry: spec.processor_entry };
  else kind = { kind: 'container', port: container?.port };

  // A container on a fixed port cannot run beside its replacement, so by default it is
  // replaced in place (surge 0, one unavailable); with $PORT it surges like any other.
  const fixedPort = kind.kind === 'container' && kind.port !== undefined;
  let maxSurge = resolveCount(meta.rolling_strategy?.max_surge, replicas, fixedPort ? 0 : SPEC_DEFAULTS.maxSurge, 'up');
  let maxUnavailable = resolveCount(meta.rolling_strategy?.max_unavailable, replicas, fixedPort ? 1 : SPEC_DEFAULTS.maxUnavailable, 'down');
  // A percentage can round both to zero (e.g. "10%" of 1): progress needs at least one.
  if (maxSurge === 0 && maxUnavailable === 0) {
    if (fixedPort) maxUnavailable = 1;
    else maxSurge = 1;
  }

  const hc = spec.health_check;
  const d = SPEC_DEFAULTS.healthCheck;
  const healthCheck: ResolvedHealthCheck | undefined = hc
    ? {
        type: hc.type,
        path: hc.type === 'http' ? (hc.path ?? '/') : '',
        port: hc.port,
        initialDelayMs: (hc.initial_delay_seconds ?? d.initialDelaySeconds) * 1000,
        periodMs: (hc.period_seconds ?? d.periodSeconds) * 1000,
        timeoutMs: (hc.timeout_seconds ?? d.timeoutSeconds) * 1000,
        failureThreshold: hc.failure_threshold ?? d.failureThreshold,
      }
    : undefined;

  const policy = spec.networking?.gateway_policy;
  return {
    name: serviceNameOf(spec),
    kind,
    replicas,
    keepaliveMs: rpc.keepalive ?? SPEC_DEFAULTS.keepaliveMs,
    maxQueueSize: rpc.max_queue_size ?? SPEC_DEFAULTS.maxQueueSize,
    workerThreads: rpc.worker_threads ?? SPEC_DEFAULTS.workerThreads,
    batching:
      rpc.batching === true
        ? { maxBatchSize: rpc.max_batch_size ?? SPEC_DEFAULTS.maxBatchSize, maxBatchTimeoutMs: rpc.max_batch_timeout ?? SPEC_DEFAULTS.maxBatchTimeoutMs }
        : undefined,
    rateLimit: rpc.rate_limit,
    memoryMb: meta.memory,
    maxSurge,
    maxUnavailable,
    terminationGraceMs: (meta.termination_grace_period ?? SPEC_DEFAULTS.terminationGracePeriodSeconds) * 1000,
    healthCheck,
    gatewayRateLimit: policy?.rate_limit?.enable === true ? policy.rate_limit.limit : undefined,
    gatewayConcurrencyLimit: policy?.concurrency_limit?.enable === true ? policy.concurrency_limit.limit : undefined,
    authDisabled: spec.networking?.disable_auth === true,
  };
}
