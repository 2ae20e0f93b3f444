// Shared pieces of the benchmarks: a real `easel up` in a temporary home, and small stats.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { EASEL_BIN } from '../src/shared/paths.js';

export interface Stack {
  home: string;
  cpUrl: string;
  gatewayUrl: string;
  adminToken: string;
  child: ChildProcess;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  stop(): Promise<void>;
}

export async function startStack(extraArgs: string[] = [], env?: Record<string, string>): Promise<Stack> {
  const home = mkdtempSync(join(tmpdir(), 'easel-bench-'));
  const child = spawn(process.execPath, [EASEL_BIN, 'up', '--home', home, '--port', '0', '--gateway-port', '0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!/Press Ctrl-C/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`easel up did not start: ${out}`);
    await sleep(50);
  }
  const cpUrl = /control plane\s+(\S+)/.exec(out)?.[1] ?? '';
  const gatewayUrl = /gateway\s+(\S+)/.exec(out)?.[1] ?? '';
  const adminToken = readFileSync(join(home, 'admin.token'), 'utf8').trim();
  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const res = await request(`${cpUrl}${path}`, {
      method: method as 'GET',
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, json: text === '' ? null : (JSON.parse(text) as unknown) };
  };
  return {
    home,
    cpUrl,
    gatewayUrl,
    adminToken,
    child,
    api,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(30_000)]);
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export function round(v: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** RSS of a process in bytes, from /proc. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb === undefined ? 0 : Number(kb) * 1024;
}

/** Creates a service and waits until it is Running; returns its access token. */
export async function deploy(stack: Stack, spec: Record<string, unknown>, timeoutMs = 120_000): Promise<string> {
  const name = String(spec.name);
  const created = await stack.api('POST', '/api/v2/services', spec);
  if (created.status !== 200) throw new Error(`create ${name}: ${JSON.stringify(created.json)}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = (await stack.api('GET', `/api/v2/services/${name}`)).json as { Status: string; Reason: string; AccessToken: string };
    if (d.Status === 'Running') return d.AccessToken;
    if (d.Status === 'Failed' || Date.now() > deadline) throw new Error(`${name} did not start: ${d.Status} ${d.Reason}`);
    await sleep(100);
  }
}

/** The p-th percentile (0..100) of ascending values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}
