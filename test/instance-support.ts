// Shared helpers of the instance host tests: configs, a host on port 0, a plain HTTP client,
// bounded waits and a logger that keeps its lines.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import type { InstanceConfig } from '../src/contract/instance.js';
import { validateSpec } from '../src/contract/validate.js';
import { createInstanceHost, type InstanceHost, type InstanceHostOptions } from '../src/instance/index.js';
import { waitFor as poll } from './helpers/wait.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The package root, from dist/test/ or from test/. */
export const ROOT = here.includes(`${join('dist', 'test')}`) ? join(here, '..', '..') : join(here, '..');

export function fixture(name: string): string {
  return join(ROOT, 'test', 'fixtures', 'processors', name);
}

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'easel-instance-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** An InstanceConfig around a spec, which must validate. */
export function instanceConfig(spec: Record<string, unknown>, dir: string, port = 0): InstanceConfig {
  const v = validateSpec({ name: 'svc', ...spec });
  if (!v.ok) throw new Error(`test spec invalid: ${JSON.stringify(v.problems)}`);
  return { service: 'svc', instance: 'svc-v1-test', version: 1, host: '127.0.0.1', port, dir, spec: v.spec };
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export function collectingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  return { logger, lines };
}

export interface RunningHost {
  host: InstanceHost;
  port: number;
  dir: string;
  lines: LogLine[];
  stop(): Promise<void>;
}

/** A host on 127.0.0.1:0 in a fresh temp folder; stop() closes it and removes the folder. */
export async function startHost(spec: Record<string, unknown>, opts: InstanceHostOptions = {}, waitReady = true): Promise<RunningHost> {
  const dir = await tempDir();
  const { logger, lines } = collectingLogger();
  const host = await createInstanceHost(instanceConfig(spec, dir.path), { logger, ...opts });
  const { port } = await host.listen();
  if (waitReady) await host.ready();
  return {
    host,
    port,
    dir: dir.path,
    lines,
    stop: async () => {
      await host.close(2000);
      await dir.remove();
    },
  };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json(): unknown;
}

export interface CallOptions {
  method?: string;
  path?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** One HTTP request on a fresh connection (no agent), bounded by a 15 s timeout. */
export function call(port: number, opts: CallOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path ?? '/', headers: opts.headers, agent: false, signal: opts.signal, timeout: 15_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: () => JSON.parse(text) as unknown });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('test request timed out')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Polls until check() returns a value other than undefined, or fails after timeoutMs. */
export function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  return poll(what, check, timeoutMs, 20);
}

export async function getJson(port: number, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await call(port, { method: 'GET', path });
  return { status: r.status, body: r.json() as Record<string, unknown> };
}
