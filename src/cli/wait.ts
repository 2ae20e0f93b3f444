// Waiting for a service to settle after create, modify, start, stop, version or delete.
// `judge` is pure: it decides from one snapshot of the service and its instances. It does not
// trust the status alone, which the reconciler updates a moment after the API answers: a
// service counts as running only when exactly the desired instances exist and all of them
// run the current version and are ready.
import type { InstanceDescription, ServiceDescription } from '../contract/api.js';
import type { ControlPlaneClient } from './client.js';
import { ApiError, CliError } from './errors.js';
import { firstLine } from './format.js';
import type { Reporter } from './progress.js';

export type Goal = 'running' | 'stopped' | 'gone';

export interface Snapshot {
  service: ServiceDescription;
  instances: InstanceDescription[];
}

export type Verdict = { state: 'done' } | { state: 'failed'; reason: string } | { state: 'waiting'; progress: string };

const GOAL_WORDS: Record<Goal, string> = { running: 'be running', stopped: 'stop', gone: 'be deleted' };

/** Ready instances of the current version, of those desired. */
export function readiness(snap: Snapshot): { ready: number; desired: number } {
  const current = snap.service.CurrentVersion;
  return { ready: snap.instances.filter((i) => i.Ready && i.Version === current).length, desired: snap.service.DesiredInstance };
}

/** One line for a spinner: `Creating: starting instance echo-v1-x7k2p (0/1 ready)`. */
export function progressLine(snap: Snapshot): string {
  const { ready, desired } = readiness(snap);
  // A crash reason continues with the instance's last output on the lines below.
  const reason = firstLine(snap.service.Reason).replace(/;? last output:$/, '');
  // Reasons of rollouts and scaling already count ready instances; others get the count here.
  const counted = snap.service.Status === 'Stopping' || snap.service.Status === 'Deleting' || /\b\d+(\/\d+)? ready\b/.test(reason);
  const counts = counted ? '' : ` (${ready}/${desired} ready)`;
  return `${snap.service.Status}${reason === '' ? '' : `: ${reason}`}${counts}`;
}

export function isSettledRunning(snap: Snapshot): boolean {
  const { service, instances } = snap;
  return (
    service.Status === 'Running' &&
    instances.length === service.DesiredInstance &&
    instances.every((i) => i.Ready && i.Version === service.CurrentVersion)
  );
}

/** `null` means the service no longer exists. */
export function judge(goal: Goal, snap: Snapshot | null): Verdict {
  if (snap === null) return goal === 'gone' ? { state: 'done' } : { state: 'failed', reason: 'the service was deleted' };
  const status = snap.service.Status;
  switch (goal) {
    case 'running':
      if (status === 'Failed') return { state: 'failed', reason: snap.service.Reason === '' ? 'the service failed' : snap.service.Reason };
      if (status === 'Deleting') return { state: 'failed', reason: 'the service is being deleted' };
      return isSettledRunning(snap) ? { state: 'done' } : { state: 'waiting', progress: progressLine(snap) };
    case 'stopped':
      if (status === 'Deleting') return { state: 'failed', reason: 'the service is being deleted' };
      return status === 'Stopped' && snap.instances.length === 0 ? { state: 'done' } : { state: 'waiting', progress: progressLine(snap) };
    case 'gone':
      return { state: 'waiting', progress: progressLine(snap) };
  }
}

export interface WaitOptions {
  goal: Goal;
  timeoutMs: number;
  reporter: Reporter;
  /** Between polls; the default keeps a waiting CLI cheap for the control plane. */
  intervalMs?: number;
  now?: () => number;
}

async function snapshot(client: ControlPlaneClient, name: string): Promise<Snapshot | null> {
  try {
    const [service, instances] = await Promise.all([client.describeService(name), client.listInstances(name)]);
    return { service, instances };
  } catch (err) {
    if (err instanceof ApiError && err.code === 'EASEL_SERVICE_NOT_FOUND') return null;
    throw err;
  }
}

function failure(name: string, reason: string): CliError {
  const [first = '', ...rest] = reason.split('\n');
  return new CliError(`service "${name}" failed: ${first}`, {
    details: rest.map((l) => `  ${l}`),
    hint: `see \`easel events ${name}\` and \`easel logs ${name}\``,
  });
}

/**
 * Polls until the goal is reached (resolving with the last description, or null once deleted),
 * the service fails, or the timeout passes; the reporter shows each change of progress.
 */
export async function waitFor(client: ControlPlaneClient, name: string, opts: WaitOptions): Promise<ServiceDescription | null> {
  try {
    return await poll(client, name, opts);
  } finally {
    opts.reporter.stop();
  }
}

async function poll(client: ControlPlaneClient, name: string, opts: WaitOptions): Promise<ServiceDescription | null> {
  const now = opts.now ?? Date.now;
  const interval = opts.intervalMs ?? 250;
  const deadline = now() + opts.timeoutMs;
  let last = '';
  for (;;) {
    const snap = await snapshot(client, name);
    const verdict = judge(opts.goal, snap);
    if (verdict.state === 'done') {
      opts.reporter.succeed(doneText(opts.goal, name, snap));
      return snap?.service ?? null;
    }
    if (verdict.state === 'failed') {
      opts.reporter.fail(`service "${name}" ${snap?.service.Status ?? 'is gone'}`);
      throw failure(name, verdict.reason);
    }
    last = verdict.progress;
    opts.reporter.update(last);
    if (now() >= deadline) {
      opts.reporter.fail(`timed out: ${last}`);
      throw new CliError(`timed out after ${Math.round(opts.timeoutMs / 1000)} s waiting for service "${name}" to ${GOAL_WORDS[opts.goal]} (now ${last})`, {
        hint: `see what is happening with \`easel events ${name}\` and \`easel w ${name}\`; wait longer with --timeout <seconds>`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, Math.max(0, deadline - now()))));
  }
}

function doneText(goal: Goal, name: string, snap: Snapshot | null): string {
  if (goal === 'gone' || snap === null) return `service "${name}" deleted`;
  if (goal === 'stopped') return `service "${name}" stopped`;
  const { ready, desired } = readiness(snap);
  return `service "${name}" is running (${ready}/${desired} instance${desired === 1 ? '' : 's'} ready)`;
}
