// Runs `easel up` as a real child process with a temporary home, for end-to-end tests.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EventDescription, InstanceDescription, ServiceDescription } from '../../src/contract/api.js';
import { EASEL_BIN, PACKAGE_ROOT } from '../../src/shared/paths.js';
import { call, type Reply } from './http.js';
import { waitFor } from './wait.js';
import { TAG_VAR, killTagged, newTag } from './cleanup.js';

export interface EaselOptions {
  home?: string;
  port?: number;
  gatewayPort?: number;
  demo?: boolean;
  /** Tag shared with an earlier process, so one cleanup finds both. */
  tag?: string;
}

export class EaselProcess {
  readonly home: string;
  readonly tag: string;
  readonly child: ChildProcess;
  cpUrl = '';
  gatewayUrl = '';
  token = '';
  output = '';

  constructor(child: ChildProcess, home: string, tag: string) {
    this.child = child;
    this.home = home;
    this.tag = tag;
  }

  get cpPort(): number {
    return Number(new URL(this.cpUrl).port);
  }

  get gatewayPort(): number {
    return Number(new URL(this.gatewayUrl).port);
  }

  /** Runs the CLI against this easel from the package root, as `npx easel ...` does; resolves to its stdout. */
  async cli(...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)(process.execPath, [EASEL_BIN, ...args], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, EASEL_ENDPOINT: this.cpUrl, EASEL_TOKEN: this.token, [TAG_VAR]: this.tag },
      timeout: 120_000,
    });
    return stdout;
  }

  api(method: string, path: string, body?: unknown): Promise<Reply> {
    return call(method, `${this.cpUrl}${path}`, {
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async describe(name: string): Promise<ServiceDescription> {
    const r = await this.api('GET', `/api/v2/services/${name}`);
    if (r.status !== 200) throw new Error(`describe ${name}: ${r.status} ${r.text}`);
    return r.json<ServiceDescription>();
  }

  async instances(name: string): Promise<InstanceDescription[]> {
    return (await this.api('GET', `/api/v2/services/${name}/instances`)).json<InstanceDescription[]>();
  }

  async events(name: string): Promise<EventDescription[]> {
    return (await this.api('GET', `/api/v2/services/${name}/events?limit=1000`)).json<EventDescription[]>();
  }

  /** Creates a service and waits until it is Running; throws with its Reason if it fails. */
  async deploy(spec: unknown, timeoutMs = 30_000): Promise<ServiceDescription> {
    const r = await this.api('POST', '/api/v2/services', spec);
    if (r.status !== 200) throw new Error(`create: ${r.status} ${r.text}`);
    const name = r.json<ServiceDescription>().ServiceName;
    return this.waitStatus(name, 'Running', timeoutMs);
  }

  async waitStatus(name: string, status: string, timeoutMs = 30_000): Promise<ServiceDescription> {
    let last: ServiceDescription | undefined;
    try {
      return await waitFor(
        `${name} to be ${status}`,
        async () => {
          last = await this.describe(name);
          if (last.Status === 'Failed' && status !== 'Failed') throw new Error(`${name} Failed: ${last.Reason}`);
          return last.Status === status ? last : undefined;
        },
        timeoutMs,
      );
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)}; last: ${last?.Status ?? '?'} ${last?.Reason ?? ''}`);
    }
  }

  predict(name: string, body: string, opts: { token?: string; path?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
    return call('POST', `${this.gatewayUrl}/api/predict/${name}${opts.path ?? ''}`, {
      body,
      headers: { ...(opts.token === undefined ? {} : { authorization: opts.token }), ...opts.headers },
    });
  }

  /** Graceful stop (SIGTERM), as Ctrl-C would. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, timeoutMs))]);
  }

  /** kill -9 of the control plane alone: instances and the gateway keep running. */
  async kill9(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }
}

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'easel-test-'));
}

export async function startEasel(opts: EaselOptions = {}): Promise<EaselProcess> {
  const home = opts.home ?? tempHome();
  const tag = opts.tag ?? newTag();
  const args = [EASEL_BIN, 'up', '--home', home, '--port', String(opts.port ?? 0), '--gateway-port', String(opts.gatewayPort ?? 0)];
  if (opts.demo === true) args.push('--demo');
  const child = spawn(process.execPath, args, { env: { ...process.env, [TAG_VAR]: tag }, stdio: ['ignore', 'pipe', 'pipe'] });
  const easel = new EaselProcess(child, home, tag);
  child.stdout?.on('data', (d: Buffer) => (easel.output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (easel.output += d.toString()));
  await waitFor(
    'easel up to print its addresses',
    () => {
      if (child.exitCode !== null) throw new Error(`easel up exited with ${child.exitCode}: ${easel.output}`);
      const cp = /control plane\s+(http:\/\/\S+)/.exec(easel.output)?.[1];
      const gw = /gateway\s+(http:\/\/\S+)/.exec(easel.output)?.[1];
      return cp !== undefined && gw !== undefined && /Press Ctrl-C/.test(easel.output) ? { cp, gw } : undefined;
    },
    60_000,
  ).then(({ cp, gw }) => {
    easel.cpUrl = cp;
    easel.gatewayUrl = gw;
  });
  easel.token = readFileSync(join(home, 'admin.token'), 'utf8').trim();
  return easel;
}

/** Stops easel gracefully, then kills anything of this test still alive and removes the home. */
export async function cleanup(easel: EaselProcess | undefined, opts: { keepHome?: boolean } = {}): Promise<void> {
  if (easel === undefined) return;
  await easel.stop();
  killTagged(easel.tag);
  if (opts.keepHome !== true) rmSync(easel.home, { recursive: true, force: true });
}
