// Shared by the runtime-local-*.test.ts files: requests from real specs, runtimes in a
// temporary home, bounded waits, and the guarantee that no process outlives a test file.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSpec, validateSpec } from '../src/contract/index.js';
import { createLocalRuntime, type LaunchRequest, type LocalRuntimeOptions, type Observation, type Runtime } from '../src/runtime/index.js';
import { PACKAGE_ROOT } from '../src/shared/paths.js';
import { waitFor as poll } from './helpers/wait.js';

export const FIXTURES = join(PACKAGE_ROOT, 'test', 'fixtures', 'containers');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** A custom processor from test/fixtures/processors, for `processor_path`. */
export function processorFixture(name: string): string {
  return join(PACKAGE_ROOT, 'test', 'fixtures', 'processors', name);
}

/** A node command line for a fixture, for `containers[0].command`. */
export function nodeFixture(name: string): string[] {
  return [process.execPath, fixture(name)];
}

let counter = 0;

/** A LaunchRequest for a spec, through the same validation and defaults the server uses. */
export function launchRequest(spec: Record<string, unknown>, instance?: string): LaunchRequest {
  const v = validateSpec(spec);
  if (!v.ok) throw new Error(`bad test spec: ${JSON.stringify(v.problems)}`);
  const resolved = resolveSpec(v.spec);
  counter += 1;
  return { instance: instance ?? `${resolved.name}-v1-t${counter}`, service: resolved.name, version: 1, spec: v.spec, resolved };
}

/** A container service running a fixture, with a short grace period unless the spec says else. */
export function containerSpec(name: string, container: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const metadata = { termination_grace_period: 2, ...((extra.metadata as Record<string, unknown> | undefined) ?? {}) };
  return { name, containers: [container], ...extra, metadata };
}

/** True while a process of the group runs (zombies waiting for init to reap them do not). */
export function groupAlive(pgid: number): boolean {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    const [state, , pgrp] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') return true;
  }
  return false;
}

export function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  return poll(what, probe, timeoutMs, 25);
}

export function observed(rt: Runtime, instance: string): Observation {
  const o = rt.observe().find((x) => x.instance === instance);
  assert.ok(o, `no observation of ${instance}`);
  return o;
}

/** Waits until the instance's observation satisfies `test`, and returns it. */
export function waitFor(rt: Runtime, instance: string, what: string, test: (o: Observation) => boolean, timeoutMs?: number): Promise<Observation> {
  return until(
    `${instance} ${what} (last seen: ${JSON.stringify(rt.observe().find((x) => x.instance === instance) ?? null)})`,
    () => {
      const o = rt.observe().find((x) => x.instance === instance);
      return o !== undefined && test(o) ? o : undefined;
    },
    timeoutMs,
  );
}

export function waitForPhase(rt: Runtime, instance: string, phase: Observation['phase'], timeoutMs?: number): Promise<Observation> {
  return waitFor(rt, instance, `to be ${phase}`, (o) => o.phase === phase, timeoutMs);
}

/** One request on a fresh connection (no keep-alive socket outlives it). */
export function httpRequest(port: number, path: string, method = 'GET', body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

/**
 * One per test file: a temporary home, the runtimes made in it and every process group they
 * started. cleanup() kills what is left, closes the runtimes and fails if anything had been
 * left running that a test should have stopped.
 */
export class RuntimeHarness {
  readonly dir: string;
  readonly #runtimes: Runtime[] = [];
  readonly #groups = new Set<number>();

  private constructor(dir: string) {
    this.dir = dir;
  }

  static async create(): Promise<RuntimeHarness> {
    return new RuntimeHarness(await mkdtemp(join(tmpdir(), 'easel-runtime-')));
  }

  runtime(opts: Partial<LocalRuntimeOptions> = {}): Runtime {
    const rt = createLocalRuntime({ dir: join(this.dir, 'instances'), sampleIntervalMs: 200, startupProbeIntervalMs: 50, ...opts });
    rt.onChange(() => this.#remember(rt));
    this.#runtimes.push(rt);
    return rt;
  }

  /** For processes started outside a runtime (a control plane in its own process). */
  track(pgid: number): void {
    this.#groups.add(pgid);
  }

  #remember(rt: Runtime): void {
    for (const o of rt.observe()) if (o.pid > 0) this.#groups.add(o.pid);
  }

  /** Groups of this file's processes that still have a live member. */
  leftovers(): number[] {
    for (const rt of this.#runtimes) this.#remember(rt);
    return [...this.#groups].filter(groupAlive);
  }

  /** Closes every runtime (stopping its instances), then makes sure nothing is left. */
  async cleanup(): Promise<void> {
    try {
      await Promise.all(this.#runtimes.map((rt) => rt.close({ stopInstances: true })));
    } finally {
      const left = this.leftovers();
      for (const pgid of left) process.kill(-pgid, 'SIGKILL');
      await rm(this.dir, { recursive: true, force: true });
      assert.deepEqual(left, [], 'process groups left running after the runtimes closed');
    }
  }
}
